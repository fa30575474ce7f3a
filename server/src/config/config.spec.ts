import { parseConfig } from './config';

describe('parseConfig', () => {
  it('applies defaults and freezes the result', () => {
    const c = parseConfig({});
    expect(c.KJ_HTTP_PORT).toBe(3000);
    expect(c.KJ_INGEST_FLUSH_MS).toBe(20);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad variable at once', () => {
    let msg = '';
    try {
      parseConfig({ KJ_HTTP_PORT: 'eighty', KJ_DATABASE_URL: 'mysql://x', KJ_REDIS_PREFIX: 'Bad Prefix' });
    } catch (e) {
      msg = (e as Error).message;
    }
    for (const k of ['KJ_HTTP_PORT', 'KJ_DATABASE_URL', 'KJ_REDIS_PREFIX']) expect(msg).toContain(k);
  });

  it('refuses the development secret in production', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/KJ_JWT_SECRET/);
  });
});
