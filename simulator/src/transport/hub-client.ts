import { IngestResponseSchema, NetworkSchema, type IngestResponse, type Network } from '@kanjian/shared';
import type { EvidenceBlob, OutEvent } from '../engine/types';

/** What became of one request: the caller decides to retry, split or stop. */
export type PostOutcome =
  | { kind: 'ok'; response: IngestResponse }
  | { kind: 'retry'; reason: string }
  | { kind: 'too_large' }
  | { kind: 'fatal'; status: number; message: string };

export type UploadOutcome = { kind: 'ok'; uri: string } | { kind: 'retry'; reason: string } | { kind: 'fatal'; status: number; message: string };

export interface IngestTransport {
  postEvents(events: OutEvent[]): Promise<PostOutcome>;
  uploadEvidence(blob: EvidenceBlob): Promise<UploadOutcome>;
}

export type BodyFormat = 'ndjson' | 'json';

/** The hub's public feeds over HTTP, with the simulator's service token. */
export class HubClient implements IngestTransport {
  private readonly base: string;
  constructor(
    hubUrl: string,
    private readonly token: string,
    private readonly opts: { format: BodyFormat; timeoutMs: number } = { format: 'ndjson', timeoutMs: 30_000 },
  ) {
    let u: URL;
    try {
      u = new URL(hubUrl);
    } catch {
      throw new Error(`--hub must be a URL such as http://127.0.0.1:3000, got "${hubUrl}"`);
    }
    this.base = u.origin + u.pathname.replace(/\/+$/, '');
  }

  /** The hub's network; with `tripsFrom` (ms), only the trips departing from then on. */
  async getNetwork(tripsFrom?: number): Promise<Network> {
    const q = tripsFrom === undefined ? '' : `?tripsFrom=${encodeURIComponent(new Date(tripsFrom).toISOString())}`;
    const res = await this.fetch(`/api/v1/network${q}`, { method: 'GET' });
    if (!res.ok) throw new Error(`GET /api/v1/network answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const parsed = NetworkSchema.safeParse(await res.json());
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new Error(`GET /api/v1/network returned a network that does not match the shared schema at ${i.path.join('.')}: ${i.message}`);
    }
    return parsed.data;
  }

  async postEvents(events: OutEvent[]): Promise<PostOutcome> {
    const ndjson = this.opts.format === 'ndjson';
    const body = ndjson ? events.map((e) => JSON.stringify(e)).join('\n') + '\n' : JSON.stringify(events);
    let res: Response;
    try {
      res = await this.fetch('/api/v1/events', { method: 'POST', headers: { 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' }, body });
    } catch (e) {
      return { kind: 'retry', reason: describe(e) };
    }
    const text = await res.text().catch(() => '');
    if (res.status === 200 || res.status === 201 || res.status === 207) {
      const parsed = IngestResponseSchema.safeParse(safeJson(text));
      if (!parsed.success) return { kind: 'retry', reason: `unexpected ingest response: ${text.slice(0, 200)}` };
      return { kind: 'ok', response: parsed.data };
    }
    if (res.status === 413) return { kind: 'too_large' };
    if (res.status === 408 || res.status === 429 || res.status >= 500) return { kind: 'retry', reason: `HTTP ${res.status} ${text.slice(0, 200)}` };
    return { kind: 'fatal', status: res.status, message: text.slice(0, 500) };
  }

  async uploadEvidence(blob: EvidenceBlob): Promise<UploadOutcome> {
    let res: Response;
    try {
      res = await this.fetch('/api/v1/evidence', { method: 'POST', headers: { 'content-type': blob.contentType }, body: new Uint8Array(blob.bytes) });
    } catch (e) {
      return { kind: 'retry', reason: describe(e) };
    }
    const text = await res.text().catch(() => '');
    if (res.ok) {
      const j = safeJson(text) as { uri?: unknown } | undefined;
      return typeof j?.uri === 'string' ? { kind: 'ok', uri: j.uri } : { kind: 'retry', reason: `unexpected evidence response: ${text.slice(0, 200)}` };
    }
    if (res.status === 408 || res.status === 429 || res.status >= 500) return { kind: 'retry', reason: `HTTP ${res.status} ${text.slice(0, 200)}` };
    return { kind: 'fatal', status: res.status, message: text.slice(0, 500) };
  }

  private fetch(path: string, init: RequestInit): Promise<Response> {
    return fetch(this.base + path, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.token}` },
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? e.message;
  }
  return String(e);
}
