import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Auth codes are an HMAC of the terminal's phone under the gateway's secret: stable across restarts and
 * across gateway instances without storing anything, and impossible to guess without the secret.
 */
export function authCodeFor(secret: string, normalizedPhone: string): string {
  return createHmac('sha256', secret).update(`jt808-auth|${normalizedPhone}`).digest('hex').slice(0, 24).toUpperCase();
}

export function authCodeMatches(secret: string, normalizedPhone: string, code: string): boolean {
  const expected = Buffer.from(authCodeFor(secret, normalizedPhone));
  const given = Buffer.from(code.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
