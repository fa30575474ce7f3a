import { IngestResponseSchema, type IngestEvent } from '@kanjian/shared';
import type { BatchTransport, TransportResult } from './event-sink';

export interface HubHttpOptions {
  /** Base URL of the hub, e.g. http://127.0.0.1:3000 */
  hubUrl: string;
  /** Feed token (Bearer) allowed to post vehicle events. */
  token: string;
  requestTimeoutMs: number;
}

/**
 * Delivers a batch to the hub's `POST /api/v1/events` as a JSON array. The hub is idempotent by event id,
 * so a batch whose answer was lost is simply sent again.
 */
export class HubIngestTransport implements BatchTransport {
  private readonly url: string;

  constructor(private readonly opts: HubHttpOptions) {
    this.url = new URL('/api/v1/events', opts.hubUrl).toString();
  }

  async send(events: readonly IngestEvent[]): Promise<TransportResult> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.opts.token}` },
        body: JSON.stringify(events),
        signal: AbortSignal.timeout(this.opts.requestTimeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      return { kind: 'retry', reason: `POST ${this.url}: ${err.message}${err.cause ? ` (${err.cause.code ?? err.cause.message})` : ''}` };
    }
    const text = await res.text().catch(() => '');
    const what = `POST ${this.url} answered ${res.status}`;
    if (res.status === 200 || res.status === 201 || res.status === 207) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return { kind: 'retry', reason: `${what} with a body that is not JSON` };
      }
      const parsed = IngestResponseSchema.safeParse(body);
      if (!parsed.success) return { kind: 'retry', reason: `${what} with a body that is not an IngestResponse` };
      const rejected = new Map<number, string>();
      for (const r of parsed.data.rejected) {
        const prev = rejected.get(r.index);
        const line = `${r.path}: ${r.message}`;
        rejected.set(r.index, prev ? `${prev}; ${line}` : line);
      }
      return { kind: 'answered', rejected, duplicates: parsed.data.duplicates };
    }
    const detail = errorMessage(text);
    // 400/403/413/422 may come from a single item (unparseable, out of the token's scope, too large).
    if (res.status === 400 || res.status === 403 || res.status === 413 || res.status === 422) {
      return { kind: 'refused', reason: `${what}${detail}` };
    }
    // 401 (token not yet created or rotated), 408, 429, 5xx: nothing stored, try the same batch again.
    return { kind: 'retry', reason: `${what}${detail}` };
  }
}

function errorMessage(text: string): string {
  try {
    const b = JSON.parse(text) as { code?: string; message?: string };
    if (b && (b.code || b.message)) return `: ${b.code ?? ''} ${b.message ?? ''}`.trimEnd();
  } catch {
    /* not JSON: fall through */
  }
  return text ? `: ${text.slice(0, 200)}` : '';
}
