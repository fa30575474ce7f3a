import type { IngestResponse } from '@kanjian/shared';
import type { Emitted, EvidenceBlob, OutEvent } from '../engine/types';
import type { IngestTransport } from './hub-client';

export class FatalHubError extends Error {}
export class StoppedError extends Error {}

export interface SenderStats {
  requests: number;
  events: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  retries: number;
  uploads: number;
  lastError: string | null;
}

export interface SenderOptions {
  /** Waits between retries (wall ms); a test passes an instant one. */
  sleep: (ms: number) => Promise<void>;
  isStopped: () => boolean;
  log: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
  maxBackoffMs?: number;
}

/**
 * Delivers batches at least once: a batch is retried (same ids, so the hub stores it once) until the hub
 * acknowledges it, split when it is too large, and never dropped on a transient error. Evidence goes first, so
 * an event never points at bytes the hub does not have.
 */
export class Sender {
  readonly stats: SenderStats = { requests: 0, events: 0, accepted: 0, duplicates: 0, rejected: 0, retries: 0, uploads: 0, lastError: null };
  readonly rejectedByType = new Map<string, number>();
  private readonly uploaded = new Map<string, string>();

  constructor(
    private readonly transport: IngestTransport,
    private readonly opts: SenderOptions,
  ) {}

  async send(batch: Emitted[]): Promise<void> {
    if (batch.length === 0) return;
    for (const e of batch) for (const b of e.blobs ?? []) await this.upload(b);
    await this.post(batch.map((e) => this.withHubUris(e)));
  }

  private async upload(b: EvidenceBlob): Promise<void> {
    if (this.uploaded.has(b.sha256)) return;
    const uri = await this.retrying<string>('evidence', async () => {
      const r = await this.transport.uploadEvidence(b);
      if (r.kind === 'ok') return { done: r.uri };
      if (r.kind === 'fatal') throw new FatalHubError(`POST /api/v1/evidence answered ${r.status}: ${r.message}`);
      return { retry: r.reason };
    });
    this.stats.uploads++;
    if (this.uploaded.size > 200_000) this.uploaded.clear(); // uploads are idempotent: forgetting costs a resend
    this.uploaded.set(b.sha256, uri);
    if (uri !== `/api/v1/evidence/${b.sha256}.png`) this.opts.log('warn', 'hub stored evidence under another uri than expected; events will use the hub uri', { uri });
  }

  /** Events reference evidence by the hub's uri (content-addressed, so normally what was generated). */
  private withHubUris(e: Emitted): OutEvent {
    if (!e.blobs) return e.event;
    const ev = { ...e.event } as Record<string, unknown>;
    for (const k of ['snapshot', 'inspectionPhoto', 'photo']) {
      const ref = ev[k] as { uri: string; sha256?: string } | undefined;
      const uri = ref?.sha256 ? this.uploaded.get(ref.sha256) : undefined;
      if (ref && uri && uri !== ref.uri) ev[k] = { ...ref, uri };
    }
    return ev as OutEvent;
  }

  private async post(events: OutEvent[]): Promise<void> {
    const result = await this.retrying<IngestResponse | null>('events', async () => {
      this.stats.requests++;
      const r = await this.transport.postEvents(events);
      if (r.kind === 'ok') return { done: r.response };
      if (r.kind === 'too_large') return { done: null };
      if (r.kind === 'fatal') {
        const hint = r.status === 401 ? ' (is the --token a valid feed token?)' : r.status === 403 ? ' (does the token scope cover every vehicle, camera, floor and site?)' : '';
        throw new FatalHubError(`POST /api/v1/events answered ${r.status}${hint}: ${r.message}`);
      }
      return { retry: r.reason };
    });
    if (result === null) {
      if (events.length === 1) throw new FatalHubError(`the hub refuses a single event as too large (413): ${events[0].type} ${events[0].id}`);
      const mid = events.length >> 1;
      await this.post(events.slice(0, mid));
      await this.post(events.slice(mid));
      return;
    }
    this.stats.events += events.length;
    this.stats.accepted += result.accepted;
    this.stats.duplicates += result.duplicates;
    this.stats.rejected += result.rejected.length;
    for (const rej of result.rejected.slice(0, 20)) {
      const ev = events[rej.index];
      this.rejectedByType.set(ev?.type ?? '?', (this.rejectedByType.get(ev?.type ?? '?') ?? 0) + 1);
      // A rejected item is a simulator bug (it only sends what the shared schemas allow): say which and why.
      this.opts.log('error', 'hub rejected an event', { index: rej.index, path: rej.path, message: rej.message, type: ev?.type, id: ev?.id });
    }
  }

  private async retrying<T>(what: string, attempt: () => Promise<{ done: T } | { retry: string }>): Promise<T> {
    let backoff = 250;
    for (let n = 0; ; n++) {
      const r = await attempt();
      if ('done' in r) {
        if (n > 0) this.opts.log('info', `hub ${what} delivered after ${n} retr${n === 1 ? 'y' : 'ies'}`);
        this.stats.lastError = null;
        return r.done;
      }
      this.stats.retries++;
      this.stats.lastError = r.retry;
      if (n === 0 || n % 10 === 0) this.opts.log('warn', `hub ${what} failed; retrying the same batch`, { reason: r.retry, attempt: n + 1, backoffMs: backoff });
      if (this.opts.isStopped()) throw new StoppedError(`stopped while retrying ${what}: ${r.retry}`);
      await this.opts.sleep(backoff);
      if (this.opts.isStopped()) throw new StoppedError(`stopped while retrying ${what}: ${r.retry}`);
      backoff = Math.min(this.opts.maxBackoffMs ?? 15_000, backoff * 2);
    }
  }
}
