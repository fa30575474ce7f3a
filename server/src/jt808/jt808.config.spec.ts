import { loadJt808Config } from './jt808.config';

const required = { KJ_JT808_HUB_URL: 'http://127.0.0.1:3000', KJ_JT808_TOKEN: 'feed-token-abc', KJ_JT808_AUTH_SECRET: '0123456789abcdef' };

describe('loadJt808Config', () => {
  it('fills defaults and freezes the result', () => {
    const c = loadJt808Config(required);
    expect(c.gateway).toMatchObject({ port: 6808, idleTimeoutMs: 180_000, authTimeoutMs: 30_000, authSecret: '0123456789abcdef' });
    expect(c.mapper).toEqual({ tempExtraId: 0x51, tempEncoding: 'int16', source: 'jt808' });
    expect(c.metrics.port).toBe(0);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads the temperature extra as hex, decimal or none', () => {
    expect(loadJt808Config({ ...required, KJ_JT808_TEMP_EXTRA_ID: '0x66' }).mapper.tempExtraId).toBe(0x66);
    expect(loadJt808Config({ ...required, KJ_JT808_TEMP_EXTRA_ID: '81' }).mapper.tempExtraId).toBe(81);
    expect(loadJt808Config({ ...required, KJ_JT808_TEMP_EXTRA_ID: 'none' }).mapper.tempExtraId).toBeNull();
  });

  it('lists every bad variable at once', () => {
    expect(() => loadJt808Config({ KJ_JT808_PORT: '70000', KJ_JT808_TEMP_EXTRA_ID: '0x1ff', KJ_JT808_AUTH_SECRET: 'short' })).toThrow(
      /KJ_JT808_PORT[\s\S]*KJ_JT808_HUB_URL[\s\S]*KJ_JT808_TOKEN[\s\S]*KJ_JT808_AUTH_SECRET: must be at least 16[\s\S]*KJ_JT808_TEMP_EXTRA_ID: must be a byte/,
    );
  });
});
