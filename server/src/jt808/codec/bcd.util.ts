/** Packed BCD helpers: every byte holds two decimal digits, high nibble first. */

export class BcdError extends Error {}

export function decodeBcd(buf: Buffer, offset: number, length: number): string {
  let s = '';
  for (let i = offset; i < offset + length; i++) {
    const b = buf[i];
    const hi = b >> 4;
    const lo = b & 0x0f;
    if (hi > 9 || lo > 9) throw new BcdError(`byte 0x${b.toString(16).padStart(2, '0')} at offset ${i} is not BCD`);
    s += String.fromCharCode(48 + hi, 48 + lo);
  }
  return s;
}

/** Writes `digits` right-aligned into `length` bytes, left-padding with zeros. */
export function encodeBcd(digits: string, length: number): Buffer {
  if (!/^[0-9]*$/.test(digits)) throw new BcdError(`"${digits}" is not a string of digits`);
  if (digits.length > length * 2) throw new BcdError(`"${digits}" has more than ${length * 2} digits`);
  const padded = digits.padStart(length * 2, '0');
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    out[i] = ((padded.charCodeAt(2 * i) - 48) << 4) | (padded.charCodeAt(2 * i + 1) - 48);
  }
  return out;
}

/**
 * The canonical form of a terminal phone number: digits without leading zeros. A 2013 header carries 12
 * digits and a 2019 header 20, so "013800138000" and "00000000013800138000" are the same terminal.
 */
export function normalizePhone(digits: string): string {
  const s = digits.replace(/^0+/, '');
  return s === '' ? '0' : s;
}

const GMT8_MS = 8 * 3600_000;

/**
 * Converts a BCD[6] YYMMDDhhmmss time in GMT+8 (the standard's clock) to epoch milliseconds (UTC).
 * Returns null for a time that is not a real calendar time (terminals without a fix often send zeros).
 */
export function bcdTimeToEpochMs(yymmddhhmmss: string): number | null {
  if (!/^[0-9]{12}$/.test(yymmddhhmmss)) return null;
  const n = (i: number) => Number(yymmddhhmmss.slice(i, i + 2));
  const [yy, mo, dd, hh, mi, ss] = [n(0), n(2), n(4), n(6), n(8), n(10)];
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59) return null;
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss);
  // Date.UTC rolls 31 February over into March: refuse such dates rather than shift them.
  if (new Date(local).getUTCDate() !== dd) return null;
  return local - GMT8_MS;
}

/** The inverse of bcdTimeToEpochMs: epoch milliseconds to the GMT+8 YYMMDDhhmmss digits (seconds truncated). */
export function epochMsToBcdTime(ms: number): string {
  const d = new Date(ms + GMT8_MS);
  const yy = d.getUTCFullYear() - 2000;
  if (yy < 0 || yy > 99) throw new BcdError(`year ${d.getUTCFullYear()} is outside the BCD time range 2000–2099`);
  const p = (v: number) => String(v).padStart(2, '0');
  return p(yy) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes()) + p(d.getUTCSeconds());
}
