import { IngestResponseSchema, type IngestEvent, type IngestResponse } from '@kanjian/shared';

export class HubError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the hub could not be reached. */
    readonly status: number,
  ) {
    super(message);
  }

  /** Worth retrying later: the hub is down, overloaded or misconfigured for now (not a bad payload). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 401 || this.status === 403 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export interface EvidenceStored {
  uri: string;
  sha256: string;
}

/** The hub's ingest API (POST /api/v1/events and /api/v1/evidence) with a feed token. */
export class HubClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async postEvents(events: readonly IngestEvent[]): Promise<IngestResponse> {
    const body = await this.request('/api/v1/events', 'application/json', JSON.stringify(events));
    const r = IngestResponseSchema.safeParse(body);
    if (!r.success) throw new HubError(`unexpected ingest response: ${JSON.stringify(body).slice(0, 200)}`, 502);
    return r.data;
  }

  async postEvidence(bytes: Uint8Array, contentType: 'image/jpeg' | 'image/png' | 'video/mp4'): Promise<EvidenceStored> {
    const body = (await this.request('/api/v1/evidence', contentType, bytes)) as Partial<EvidenceStored>;
    if (typeof body?.uri !== 'string' || typeof body?.sha256 !== 'string') throw new HubError(`unexpected evidence response: ${JSON.stringify(body).slice(0, 200)}`, 502);
    return body as EvidenceStored;
  }

  private async request(path: string, contentType: string, body: string | Uint8Array): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method: 'POST',
        headers: { 'content-type': contentType, authorization: `Bearer ${this.token}` },
        body: typeof body === 'string' ? body : new Blob([body as Uint8Array<ArrayBuffer>]),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new HubError(`hub unreachable at ${this.baseUrl}: ${(e as Error).message}`, 0);
    }
    const text = await res.text();
    if (!res.ok) throw new HubError(`${path} answered ${res.status}: ${text.slice(0, 300)}`, res.status);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HubError(`${path} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`, 502);
    }
  }
}
