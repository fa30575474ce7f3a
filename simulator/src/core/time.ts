/** Operators read times in China Standard Time; service days run midnight to midnight UTC+8. */

/** Builtins bound once: Jest's vm context makes every global lookup slow in hot loops (jestjs/jest#5163). */
const M = Math;
const JsDate = Date;
export const UTC8_MS = 8 * 3_600_000;
export const SECOND = 1000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY_MS = 86_400_000;

// Day strings are computed in hot loops: memoise them by day number (days since the epoch, UTC+8).
const dayNames = new Map<number, string>();
const dayStarts = new Map<string, number>();

export function dayOf(ms: number): string {
  const n = M.floor((ms + UTC8_MS) / DAY_MS);
  let s = dayNames.get(n);
  if (s === undefined) {
    s = new JsDate(n * DAY_MS).toISOString().slice(0, 10);
    dayNames.set(n, s);
  }
  return s;
}

export function dayStart(day: string): number {
  const hit = dayStarts.get(day);
  if (hit !== undefined) return hit;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new Error(`day must be YYYY-MM-DD, got "${day}"`);
  const ms = JsDate.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - UTC8_MS;
  if (dayOf(ms) !== day) throw new Error(`day "${day}" is not a calendar date`);
  dayStarts.set(day, ms);
  return ms;
}

export function addDays(day: string, n: number): string {
  return dayOf(dayStart(day) + n * DAY_MS);
}

/** The days (UTC+8) that overlap [from, to). */
export function daysOverlapping(from: number, to: number): string[] {
  const out: string[] = [];
  for (let d = dayOf(from); dayStart(d) < to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Hour of day in UTC+8 as a fraction (13.5 = 13:30). */
export function hourOfDay(ms: number): number {
  return (((ms + UTC8_MS) % DAY_MS) + DAY_MS) % DAY_MS / HOUR;
}

/** ISO 8601 with the +08:00 offset; milliseconds only when there are some. */
export function isoUtc8(ms: number): string {
  const s = new JsDate(ms + UTC8_MS).toISOString();
  return `${ms % 1000 === 0 ? s.slice(0, 19) : s.slice(0, 23)}+08:00`;
}

/** yymmdd of a service day, for waybill and complaint numbers. */
export function yymmdd(day: string): string {
  return day.slice(2, 4) + day.slice(5, 7) + day.slice(8, 10);
}

/** Parses "90s", "10m", "2h", "1d" or a bare number of seconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(s.trim());
  if (!m) throw new Error(`duration must look like 90s, 10m, 2h or 1d, got "${s}"`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const f = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY_MS }[unit as 'ms' | 's' | 'm' | 'h' | 'd'];
  return M.round(n * f);
}
