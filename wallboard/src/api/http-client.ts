import type { z } from 'zod';

/**
 * An error answered by the hub (`{code, message, details, correlationId}`) or raised here when the answer is
 * not what the contract says. Screens show `code` and `message`; `status` 0 means the hub was unreachable.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly correlationId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isOutOfScope(): boolean {
    return this.status === 403 || this.code === 'auth/out_of_scope' || this.code === 'auth/forbidden';
  }
}

export interface HttpClientOptions {
  /** Prefix of every path; '' for same origin. */
  baseUrl?: string;
  getToken: () => string | null;
  /** Called once per 401 so the app can drop the session and go to the login screen. */
  onUnauthorized?: () => void;
  fetchImpl?: typeof fetch;
}

export type Query = Record<string, string | number | boolean | null | undefined | readonly string[]>;

export function buildUrl(baseUrl: string, path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, item);
    else params.set(k, String(v));
  }
  const qs = params.toString();
  return `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
}

export interface HttpClient {
  get<S extends z.ZodType>(path: string, schema: S, query?: Query): Promise<z.infer<S>>;
  post<S extends z.ZodType>(path: string, schema: S, body?: unknown): Promise<z.infer<S>>;
  /** Raw bytes of an authenticated resource (evidence images), as a Blob. */
  blob(path: string): Promise<Blob>;
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const baseUrl = opts.baseUrl ?? '';
  const doFetch = opts.fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function send(method: string, url: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = opts.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new ApiError(0, 'network/unreachable', `${method} ${url}: ${(err as Error).message}`);
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let parsed: { code?: unknown; message?: unknown; details?: unknown; correlationId?: unknown } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // Not the hub's error body (a proxy page, an empty 502): keep the status line as the message.
    }
    if (res.status === 401) opts.onUnauthorized?.();
    throw new ApiError(
      res.status,
      typeof parsed.code === 'string' ? parsed.code : `http/${res.status}`,
      typeof parsed.message === 'string' ? parsed.message : `${method} ${url} answered ${res.status} ${res.statusText}`.trim(),
      parsed.details,
      typeof parsed.correlationId === 'string' ? parsed.correlationId : undefined,
    );
  }

  async function parse<S extends z.ZodType>(method: string, url: string, res: Response, schema: S): Promise<z.infer<S>> {
    const json: unknown = res.status === 204 ? null : await res.json().catch(() => undefined);
    const r = schema.safeParse(json);
    if (r.success) return r.data;
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`);
    throw new ApiError(res.status, 'contract/mismatch', `${method} ${url}: unexpected answer — ${issues.join('; ')}`, r.error.issues);
  }

  return {
    async get(path, schema, query) {
      const url = buildUrl(baseUrl, path, query);
      return parse('GET', url, await send('GET', url), schema);
    },
    async post(path, schema, body) {
      const url = buildUrl(baseUrl, path);
      return parse('POST', url, await send('POST', url, body ?? {}), schema);
    },
    async blob(path) {
      const url = path.startsWith('http') ? path : `${baseUrl}${path}`;
      const res = await send('GET', url);
      return res.blob();
    },
  };
}
