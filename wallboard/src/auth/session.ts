import { shallowRef } from 'vue';
import { UserInfoSchema, type UserInfo } from '@kanjian/shared';
import { z } from 'zod';

/**
 * The login, kept in sessionStorage: it survives a reload of the tab (a kiosk's auto-refresh) but not the
 * browser being closed, and is never shared between tabs of different users.
 */
const STORAGE_KEY = 'kj.session';

const SessionSchema = z.object({ token: z.string().min(1), expiresAt: z.string(), user: UserInfoSchema });
export type Session = z.infer<typeof SessionSchema>;

function load(): Session | null {
  if (typeof sessionStorage === 'undefined') return null;
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    const r = SessionSchema.safeParse(JSON.parse(raw));
    return r.success && !isExpired(r.data) ? r.data : null;
  } catch {
    return null;
  }
}

export function isExpired(s: Session, now = Date.now()): boolean {
  const t = Date.parse(s.expiresAt);
  return Number.isFinite(t) && t <= now;
}

export const session = shallowRef<Session | null>(load());

export function saveSession(s: Session): void {
  session.value = s;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(s));
}

export function clearSession(): void {
  session.value = null;
  sessionStorage.removeItem(STORAGE_KEY);
}

export function currentUser(): UserInfo | null {
  const s = session.value;
  return s && !isExpired(s) ? s.user : null;
}

export function currentToken(): string | null {
  const s = session.value;
  return s && !isExpired(s) ? s.token : null;
}
