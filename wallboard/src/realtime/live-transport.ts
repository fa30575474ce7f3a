import type { RoomDeltaV1, RoomName, SubscribeAck } from '@kanjian/shared';
import type { LiveSocket } from './live-socket';

export interface TransportFailure {
  code: string;
  message: string;
  /** The hub refused this client (bad or expired token): retrying with the same token cannot help. */
  fatal: boolean;
}

/**
 * The part of the socket a live topic uses. `useLiveTopic` depends on this, not on socket.io, so its
 * sequencing and retry logic can be unit-tested; `socketTransport` is the real one.
 */
export interface LiveTransport {
  readonly connected: boolean;
  /** Rejects when the hub does not acknowledge within `timeoutMs`. */
  subscribe(room: RoomName, timeoutMs: number): Promise<SubscribeAck>;
  unsubscribe(room: RoomName): void;
  onDelta(fn: (d: RoomDeltaV1) => void): () => void;
  onConnect(fn: () => void): () => void;
  onDisconnect(fn: (reason: string) => void): () => void;
  onFailure(fn: (f: TransportFailure) => void): () => void;
}

export function socketTransport(socket: LiveSocket): LiveTransport {
  return {
    get connected() {
      return socket.connected;
    },
    subscribe(room, timeoutMs) {
      return new Promise<SubscribeAck>((resolve, reject) => {
        socket.timeout(timeoutMs).emit('subscribe.v1', { room }, (err: Error | null, res: SubscribeAck) => {
          if (err) reject(new Error(`subscribe.v1 ${room}: no answer within ${timeoutMs} ms`));
          else resolve(res);
        });
      });
    },
    unsubscribe(room) {
      if (socket.connected) socket.emit('unsubscribe.v1', { room });
    },
    onDelta(fn) {
      socket.on('delta.v1', fn);
      return () => socket.off('delta.v1', fn);
    },
    onConnect(fn) {
      socket.on('connect', fn);
      return () => socket.off('connect', fn);
    },
    onDisconnect(fn) {
      const h = (reason: string) => fn(reason);
      socket.on('disconnect', h);
      return () => socket.off('disconnect', h);
    },
    onFailure(fn) {
      const onError = (err: Error) => {
        const code = err.message || 'socket/connect_error';
        fn({ code, message: err.message, fatal: !socket.active && code.startsWith('auth/') });
      };
      const onExpired = () => fn({ code: 'auth/session_expired', message: 'session expired', fatal: true });
      socket.on('connect_error', onError);
      socket.on('session.expired', onExpired);
      return () => {
        socket.off('connect_error', onError);
        socket.off('session.expired', onExpired);
      };
    },
  };
}
