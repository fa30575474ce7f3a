import type { InjectionKey } from 'vue';
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '@kanjian/shared';
import { currentToken } from '../auth/session';
import { socketTransport, type LiveTransport } from './live-transport';

/** The one typed Socket.IO client of the app. */
export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveSocketOptions {
  /** Origin of the hub; '' (default) is the page's own origin. */
  url?: string;
  getToken?: () => string | null;
  reconnectionDelayMs?: number;
  reconnectionDelayMaxMs?: number;
}

/**
 * Socket.IO's manager reconnects with exponential backoff and jitter after a transport loss (a hub killed,
 * the network gone). Two cases it leaves alone, and this socket does not: a hub that shuts down cleanly
 * disconnects its clients ("io server disconnect"), and a refusal by the hub's middleware leaves the socket
 * inactive. Both are retried with the same kind of backoff, unless the refusal is about the token.
 */
export function createLiveSocket(opts: LiveSocketOptions = {}): LiveSocket {
  const getToken = opts.getToken ?? currentToken;
  const base = opts.reconnectionDelayMs ?? 1000;
  const max = opts.reconnectionDelayMaxMs ?? 15_000;
  const socket: LiveSocket = io(`${opts.url ?? ''}${LIVE_NAMESPACE}`, {
    // A function, so every reconnect presents the current token.
    auth: (cb) => cb({ token: getToken() ?? '' }),
    // WebSocket only: no long-polling, so several hub instances behind a balancer need no sticky sessions.
    transports: ['websocket'],
    reconnectionDelay: base,
    reconnectionDelayMax: max,
    randomizationFactor: 0.5,
  });
  let attempts = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  const retryLater = () => {
    if (timer || closed) return;
    const delay = Math.min(max, base * 2 ** attempts++) * (0.5 + Math.random() * 0.5);
    timer = setTimeout(() => {
      timer = null;
      if (!closed && !socket.connected && !socket.active) socket.connect();
    }, delay);
  };
  socket.on('connect', () => {
    attempts = 0;
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') retryLater();
    // 'io client disconnect' is our own close(): stay closed.
    if (reason === 'io client disconnect') {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    }
  });
  socket.on('connect_error', (err) => {
    if (socket.active || err.message.startsWith('auth/')) return;
    retryLater();
  });
  return socket;
}

/**
 * Provided by an app that feeds its screens from somewhere else than the hub socket (the renderer benchmark's
 * local feed); `useLiveTopic` takes it over the app-wide socket.
 */
export const LIVE_TRANSPORT: InjectionKey<LiveTransport> = Symbol('kanjian.live-transport');

let shared: { socket: LiveSocket; transport: LiveTransport } | null = null;

/** The app-wide socket, created on first use after login. */
export function liveTransport(): LiveTransport {
  if (!shared) {
    const socket = createLiveSocket();
    shared = { socket, transport: socketTransport(socket) };
  }
  return shared.transport;
}

/** Closes the app-wide socket (logout); the next `liveTransport()` opens a fresh one with the new token. */
export function closeLiveSocket(): void {
  shared?.socket.disconnect();
  shared = null;
}
