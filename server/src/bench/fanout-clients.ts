import { io, type Socket } from 'socket.io-client';
import { positionsFrameCount, visitDeltaPositions, type ClientToServerEvents, type RoomDeltaV1, type ServerToClientEvents } from '@kanjian/shared';

/**
 * The wallboard side of bench:fanout, in its own process: N Socket.IO clients joined to rooms. It reports, as one
 * JSON line on stdout, the frames received per second and the freshness (position time → received) percentiles.
 * argv: hubUrl, userToken, rooms (comma list, one per client), seconds, warmupSeconds.
 */
/** The wallboard's own connection settings (wallboard/src/realtime/live-socket.ts), so a join storm is the real one. */
const CONNECT = { timeout: Number(process.env.KJ_BENCH_CONNECT_TIMEOUT_MS ?? 20_000), reconnectionDelay: 1000, reconnectionDelayMax: 15_000, randomizationFactor: 0.5 };

async function main() {
  const [url, token, roomList, secondsArg, warmArg] = process.argv.slice(2);
  const rooms = roomList!.split(',');
  const seconds = Number(secondsArg);
  const warm = Number(warmArg);
  const startedAt = Date.now();
  const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
  const fresh: number[] = [];
  let frames = 0;
  let gaps = 0;
  let measuring = false;
  let joined = 0;
  // Why screens failed to join, by reason: a join storm that fails must say how, not just take longer.
  const failures = new Map<string, number>();
  const fail = (why: string) => failures.set(why, (failures.get(why) ?? 0) + 1);
  for (let i = 0; i < rooms.length; i++) {
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${url}/live`, { auth: { token }, transports: ['websocket'], forceNew: true, ...CONNECT });
    sockets.push(s);
    // As a wallboard does: deltas that overtake the subscribe answer are held, then applied after the snapshot.
    let last = -1;
    const early: RoomDeltaV1[] = [];
    const apply = (d: RoomDeltaV1) => {
      if (d.seq <= last) return;
      if (d.seq !== last + 1) gaps++;
      last = d.seq;
      if (!measuring || (d.kind !== 'positions' && d.kind !== 'positions.bin')) return;
      frames++;
      const now = Date.now();
      // Every position is read, as a screen does; freshness is sampled (~50 a frame) so the measuring does not dominate.
      const step = Math.max(1, Math.floor((d.kind === 'positions' ? d.data.length : positionsFrameCount(d.data)) / 50));
      let k = 0;
      visitDeltaPositions(d, (_id, _lat, _lon, _speed, _heading, at) => {
        if (k++ % step === 0) fresh.push(now - at);
      });
    };
    s.on('delta.v1', (d: RoomDeltaV1) => (last < 0 ? early.push(d) : apply(d)));
    s.on('connect', () =>
      s.emit('subscribe.v1', { room: rooms[i]! }, (ack) => {
        if (ack.ok) {
          last = ack.snapshot.seq;
          early.splice(0).forEach(apply);
          joined++;
        } else fail(`subscribe: ${ack.code}`);
      }),
    );
    s.on('connect_error', (e) => fail(`connect: ${e.message}`));
    s.on('disconnect', (why) => fail(`disconnect: ${why}`));
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 20));
  }
  // All screens connect within a second, as after a hub restart: how long until every one holds its snapshot.
  for (let i = 0; joined < rooms.length && i < 3000; i++) await new Promise((r) => setTimeout(r, 100));
  const joinS = (Date.now() - startedAt) / 1000;
  process.stderr.write(`[fanout-clients] ${joined}/${rooms.length} joined in ${joinS.toFixed(1)} s${failures.size ? `; failures: ${JSON.stringify(Object.fromEntries(failures))}` : ''}\n`);
  process.stdout.write(JSON.stringify({ ready: true, joined, joinS }) + '\n');
  await new Promise((r) => setTimeout(r, warm * 1000));
  measuring = true;
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // The clients' own CPU: if this process is saturated, the freshness measured includes its own queueing.
  const clientCpuPct = Math.round(((cpu.user + cpu.system) / 1e6 / elapsed) * 100);
  fresh.sort((a, b) => a - b);
  const pct = (p: number) => fresh[Math.min(fresh.length - 1, Math.ceil((p / 100) * fresh.length) - 1)] ?? null;
  process.stdout.write(JSON.stringify({ done: true, joined, framesPerS: frames / elapsed, p50: pct(50), p99: pct(99), samples: fresh.length, gaps, clientCpuPct, joinS }) + '\n');
  for (const s of sockets) s.disconnect();
  process.exit(0);
}

void main();
