// @vitest-environment node
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { effectScope } from 'vue';
import { Server } from 'socket.io';
import {
  encodePositionsFrame,
  LIVE_NAMESPACE,
  type ClientToServerEvents,
  type RoomDeltaV1,
  type RoomName,
  type ServerToClientEvents,
  type SubscribeAck,
} from '@kanjian/shared';
import { createLiveSocket, type LiveSocket } from './live-socket';
import { socketTransport } from './live-transport';
import { useLiveTopic, type LiveTopic } from './use-live-topic';
import { snapshot } from '../test/fixtures';

/**
 * The real socket.io client against a real socket.io server in this process: the handshake token, the ack
 * carrying the snapshot, deltas, and the automatic rejoin after the server goes away and comes back.
 */
interface TestHub {
  http: HttpServer;
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  seq: number;
  subscribes: string[];
  send(room: RoomName): void;
  close(): Promise<void>;
}

async function startHub(port = 0, seqStart = 0): Promise<TestHub> {
  const http = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, { transports: ['websocket'] });
  const hub: TestHub = {
    http,
    io,
    seq: seqStart,
    subscribes: [],
    send(room) {
      hub.seq++;
      const d: RoomDeltaV1 = { v: 1, room, seq: hub.seq, sentAt: Date.now(), kind: 'positions.bin', data: encodePositionsFrame([['V1', 31, 121, 70, 0, Date.now(), null]]) };
      io.of(LIVE_NAMESPACE).to(room).emit('delta.v1', d);
    },
    async close() {
      io.of(LIVE_NAMESPACE).disconnectSockets(true);
      await new Promise<void>((r) => io.close(() => r()));
    },
  };
  const ns = io.of(LIVE_NAMESPACE);
  ns.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: string }).token;
    if (token === 'good') next();
    else next(new Error('auth/invalid_token: bad token'));
  });
  ns.on('connection', (socket) => {
    socket.on('subscribe.v1', async (req, ack: (res: SubscribeAck) => void) => {
      hub.subscribes.push(req.room);
      if (req.room === 'region:OTHER') return ack({ ok: false, code: 'auth/out_of_scope', message: 'region user may not join region:OTHER' });
      await socket.join(req.room);
      ack({ ok: true, snapshot: snapshot(req.room as RoomName, hub.seq) });
    });
  });
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', () => r()));
  return hub;
}

async function until(cond: () => boolean, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('live socket + useLiveTopic over a real Socket.IO server', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  function connect(port: number, token: string): { socket: LiveSocket; topic: (room: RoomName) => LiveTopic } {
    const socket = createLiveSocket({ url: `http://127.0.0.1:${port}`, getToken: () => token, reconnectionDelayMs: 50, reconnectionDelayMaxMs: 200 });
    const transport = socketTransport(socket);
    const scope = effectScope();
    cleanups.push(() => {
      scope.stop();
      socket.disconnect();
    });
    return { socket, topic: (room) => scope.run(() => useLiveTopic(room, { transport, ackTimeoutMs: 2000, retryBaseMs: 50 }))! };
  }

  it('presents the token, gets the snapshot and then the deltas', async () => {
    const hub = await startHub();
    cleanups.push(() => hub.close());
    const port = (hub.http.address() as AddressInfo).port;
    const { topic } = connect(port, 'good');
    const t = topic('hq');
    await until(() => t.status.value === 'live');
    hub.send('hq');
    hub.send('hq');
    await until(() => t.seq.value === 2);
    // The frame crossed a real Socket.IO connection as a binary attachment and was read into the store.
    expect(t.vehicles.count).toBe(1);
    expect(t.vehicles.lat[t.vehicles.slotOf('V1')!]).toBe(31);
  });

  it('rejoins and re-snapshots by itself after the hub restarts', async () => {
    const hub = await startHub();
    const port = (hub.http.address() as AddressInfo).port;
    const { topic } = connect(port, 'good');
    const t = topic('hq');
    await until(() => t.status.value === 'live');
    hub.send('hq');
    await until(() => t.seq.value === 1);
    await hub.close();
    await until(() => t.status.value === 'offline');
    const again = await startHub(port, 40);
    cleanups.push(() => again.close());
    await until(() => t.status.value === 'live' && t.seq.value === 40);
    expect(t.resyncs.value).toBe(1);
    again.send('hq');
    await until(() => t.seq.value === 41);
  });

  it('shows the hub refusing an out-of-scope room', async () => {
    const hub = await startHub();
    cleanups.push(() => hub.close());
    const { topic } = connect((hub.http.address() as AddressInfo).port, 'good');
    const t = topic('region:OTHER');
    await until(() => t.status.value === 'refused');
    expect(t.error.value).toEqual({ code: 'auth/out_of_scope', message: 'region user may not join region:OTHER' });
  });

  it('treats a refused token as fatal and does not hammer the hub', async () => {
    const hub = await startHub();
    cleanups.push(() => hub.close());
    let attempts = 0;
    hub.io.of(LIVE_NAMESPACE).use((_s, next) => {
      attempts++;
      next();
    });
    const { topic } = connect((hub.http.address() as AddressInfo).port, 'bad');
    const t = topic('hq');
    await until(() => t.status.value === 'refused');
    expect(t.error.value?.code).toMatch(/^auth\/invalid_token/);
    await new Promise((r) => setTimeout(r, 500));
    expect(hub.subscribes).toHaveLength(0);
    expect(attempts).toBe(0);
  });
});
