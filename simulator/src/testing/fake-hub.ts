import type { Clock } from '../core/clock';
import type { EvidenceBlob, OutEvent } from '../engine/types';
import type { IngestTransport, PostOutcome, UploadOutcome } from '../transport/hub-client';

/**
 * An in-memory stand-in for the hub's ingest, for unit tests: idempotent by event id like the real one, and able
 * to fail in the ways a real one does (errors, a reply lost after storing, 413, 401).
 */
export class FakeHub implements IngestTransport {
  readonly stored = new Map<string, { event: OutEvent; receivedAt: number }>();
  readonly evidence = new Map<string, number>();
  requests = 0;
  duplicates = 0;
  /** Evidence referenced by an event before its bytes were uploaded. */
  danglingRefs = 0;
  onPost?: (events: OutEvent[]) => void;

  constructor(
    private readonly clock: Clock,
    private readonly opts: { fail?: (n: number) => 'error' | 'lost_reply' | 'unauthorised' | null; maxItems?: number } = {},
  ) {}

  async postEvents(events: OutEvent[]): Promise<PostOutcome> {
    const n = ++this.requests;
    this.onPost?.(events);
    const f = this.opts.fail?.(n) ?? null;
    if (f === 'error') return { kind: 'retry', reason: 'HTTP 503 Service Unavailable' };
    if (f === 'unauthorised') return { kind: 'fatal', status: 401, message: '{"code":"auth/invalid_token"}' };
    if (this.opts.maxItems !== undefined && events.length > this.opts.maxItems) return { kind: 'too_large' };
    let dup = 0;
    for (const e of events) {
      const prev = this.stored.get(e.id);
      if (prev) {
        dup++;
        if (JSON.stringify(prev.event) !== JSON.stringify(e)) throw new Error(`event ${e.id} resent with another payload`);
        continue;
      }
      for (const k of ['snapshot', 'inspectionPhoto', 'photo'] as const) {
        const ref = (e as Record<string, unknown>)[k] as { sha256?: string } | undefined;
        if (ref?.sha256 && !this.evidence.has(ref.sha256)) this.danglingRefs++;
      }
      this.stored.set(e.id, { event: e, receivedAt: this.clock.now() });
    }
    this.duplicates += dup;
    if (f === 'lost_reply') return { kind: 'retry', reason: 'socket hang up' };
    return { kind: 'ok', response: { accepted: events.length, duplicates: dup, rejected: [] } };
  }

  async uploadEvidence(blob: EvidenceBlob): Promise<UploadOutcome> {
    this.evidence.set(blob.sha256, blob.bytes.length);
    return { kind: 'ok', uri: `/api/v1/evidence/${blob.sha256}.png` };
  }
}
