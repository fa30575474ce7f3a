import { currentToken } from '../auth/session';
import { createHttpClient } from './http-client';
import { createKanjianApi } from './kanjian-api';

const sessionLostHandlers = new Set<() => void>();

/** Registers what to do when the hub says the token is no longer valid (the router goes to the login). */
export function onSessionLost(fn: () => void): () => void {
  sessionLostHandlers.add(fn);
  return () => sessionLostHandlers.delete(fn);
}

export function notifySessionLost(): void {
  for (const fn of sessionLostHandlers) fn();
}

/** The app's one API client: same origin (the hub serves the wallboard, or Vite proxies to it). */
export const api = createKanjianApi(
  createHttpClient({ baseUrl: import.meta.env.VITE_KJ_API_BASE ?? '', getToken: currentToken, onUnauthorized: notifySessionLost }),
);
