import type { Emitted, Sink, TruthEntry } from './types';

/** Collects everything in memory (tests, offline generation). */
export class CollectingSink implements Sink {
  readonly events: Emitted[] = [];
  readonly truths: TruthEntry[] = [];
  emit(e: Emitted): void {
    this.events.push(e);
  }
  truth(t: TruthEntry): void {
    this.truths.push(t);
  }
}

/** Forwards to several sinks. */
export function tee(...sinks: Sink[]): Sink {
  return {
    emit: (e) => sinks.forEach((s) => s.emit(e)),
    truth: (t) => sinks.forEach((s) => s.truth(t)),
  };
}
