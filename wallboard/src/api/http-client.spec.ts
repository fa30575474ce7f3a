import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError, buildUrl, createHttpClient } from './http-client';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('http client', () => {
  it('sends the bearer token and validates the answer', async () => {
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => json(200, { n: 3 }));
    const http = createHttpClient({ getToken: () => 'tok', fetchImpl: fetchImpl as typeof fetch });
    await expect(http.get('/api/x', z.object({ n: z.number() }), { a: 'b', skip: undefined })).resolves.toEqual({ n: 3 });
    const [url, init] = fetchImpl.mock.calls[0];
    expect(url).toBe('/api/x?a=b');
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer tok');
  });

  it('turns the hub’s error body into an ApiError with its code and message', async () => {
    const http = createHttpClient({
      getToken: () => null,
      fetchImpl: (async () => json(403, { code: 'auth/out_of_scope', message: 'region user may not see region:R2', correlationId: 'c1' })) as typeof fetch,
    });
    const err = (await http.get('/api/v1/kpis', z.unknown()).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(403);
    expect(err.code).toBe('auth/out_of_scope');
    expect(err.message).toBe('region user may not see region:R2');
    expect(err.isOutOfScope).toBe(true);
    expect(err.correlationId).toBe('c1');
  });

  it('names what does not match the contract', async () => {
    const http = createHttpClient({ getToken: () => null, fetchImpl: (async () => json(200, { n: 'three' })) as typeof fetch });
    const err = (await http.get('/api/x', z.object({ n: z.number() })).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('contract/mismatch');
    expect(err.message).toContain('n:');
  });

  it('reports an unreachable hub as status 0 and tells the app once about a 401', async () => {
    const lost = vi.fn();
    const down = createHttpClient({ getToken: () => null, fetchImpl: (async () => { throw new TypeError('fetch failed'); }) as typeof fetch });
    expect(((await down.get('/api/x', z.unknown()).catch((e: unknown) => e)) as ApiError).status).toBe(0);
    const expired = createHttpClient({ getToken: () => 't', onUnauthorized: lost, fetchImpl: (async () => json(401, { code: 'auth/invalid_token', message: 'expired' })) as typeof fetch });
    await expired.get('/api/x', z.unknown()).catch(() => undefined);
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('builds query strings with repeated keys', () => {
    expect(buildUrl('', '/p', { unit: ['a', 'b'], w: 'today', n: 0 })).toBe('/p?unit=a&unit=b&w=today&n=0');
  });
});
