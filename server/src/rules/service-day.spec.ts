import { dayStartMs, serviceDay, windowRange } from './service-day';

describe('service day (UTC+8)', () => {
  it('starts at 16:00 UTC of the day before', () => {
    expect(serviceDay(Date.parse('2025-03-01T15:59:59Z'))).toBe('2025-03-01');
    expect(serviceDay(Date.parse('2025-03-01T16:00:00Z'))).toBe('2025-03-02');
    expect(new Date(dayStartMs('2025-03-02')).toISOString()).toBe('2025-03-01T16:00:00.000Z');
  });
  it('windows: today, week (7 days with today) and <n>d', () => {
    const now = Date.parse('2025-03-05T04:00:00Z');
    expect(windowRange('today', now)).toEqual({ from: Date.parse('2025-03-04T16:00:00Z'), to: Date.parse('2025-03-05T16:00:00Z'), days: 1 });
    expect(windowRange('week', now)!.from).toBe(Date.parse('2025-02-26T16:00:00Z'));
    expect(windowRange('14d', now)!.days).toBe(14);
    expect(windowRange('0d', now)).toBeNull();
    expect(windowRange('month', now)).toBeNull();
  });
});
