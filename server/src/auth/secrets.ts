import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number) => Promise<Buffer>;

/** Passwords: scrypt with a per-user salt, stored as `scrypt$<salt>$<hash>`. */
export async function hashPassword(pw: string): Promise<string> {
  const salt = randomBytes(16);
  const h = await scryptAsync(pw, salt, 32);
  return `scrypt$${salt.toString('base64url')}$${h.toString('base64url')}`;
}

export async function verifyPassword(pw: string, stored: string): Promise<boolean> {
  const [alg, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const got = await scryptAsync(pw, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(expected, got);
}

/** Feed tokens are 32 random bytes: a fast SHA-256 at rest is enough (no dictionary to attack). */
export function newFeedToken(): string {
  return `kjf_${randomBytes(32).toString('base64url')}`;
}

export function hashFeedToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
