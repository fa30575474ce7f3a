import { hashKey } from '../core/random';

/** A short upper-case code for an id, to build waybill and complaint numbers (letters and digits only). */
const codes = new Map<string, string>();
export function codeOf(id: string): string {
  let c = codes.get(id);
  if (c === undefined) {
    const s = id.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    c = s.length <= 8 ? s : hashKey(id).toString(36).toUpperCase().padStart(7, '0').slice(0, 7);
    codes.set(id, c);
  }
  return c;
}

export function seq(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
