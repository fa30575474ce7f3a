/** The service day of express operators runs on China time (UTC+8, no daylight saving). */
export const UTC8_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;

/** YYYY-MM-DD of the UTC+8 day holding `ms`. */
export function serviceDay(ms: number): string {
  return new Date(ms + UTC8_MS).toISOString().slice(0, 10);
}

/** Start (UTC ms) of a UTC+8 day. */
export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`) - UTC8_MS;
}

/** The [from, to) range of a KPI window: `today`, `week` (the last 7 days with today) or `<n>d`. */
export function windowRange(window: string, now = Date.now()): { from: number; to: number; days: number } | null {
  const today = dayStartMs(serviceDay(now));
  let days: number;
  if (window === 'today') days = 1;
  else if (window === 'week') days = 7;
  else {
    const m = /^(\d{1,3})d$/.exec(window);
    if (!m) return null;
    days = Number(m[1]);
    if (days < 1 || days > 400) return null;
  }
  return { from: today - (days - 1) * DAY_MS, to: today + DAY_MS, days };
}
