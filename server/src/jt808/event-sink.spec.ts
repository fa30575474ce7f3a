import type { IngestEvent } from '@kanjian/shared';
import { BatchingEventSink, type BatchTransport, type TransportResult } from './event-sink';

const ev = (n: number): IngestEvent =>
  ({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'vehicle.position',
    at: '2024-03-01T00:00:00.000Z',
    v: 1,
    vehicleId: 'VEH-0001',
    lat: 31,
    lon: 121,
    speedKmh: 1,
    heading: 0,
  }) as IngestEvent;
const num = (e: IngestEvent) => Number(e.id.slice(-12));

/** A transport whose answers the test scripts; it records every batch it was given. */
class ScriptedTransport implements BatchTransport {
  batches: number[][] = [];
  constructor(private readonly answer: (batch: number[], call: number) => TransportResult | Promise<TransportResult>) {}
  async send(events: readonly IngestEvent[]): Promise<TransportResult> {
    const batch = events.map(num);
    this.batches.push(batch);
    return this.answer(batch, this.batches.length);
  }
}
const ok = (): TransportResult => ({ kind: 'answered', rejected: new Map(), duplicates: 0 });
const opts = { capacity: 100, batchMax: 10, flushMs: 20, maxInFlight: 1, retryMinMs: 5, retryMaxMs: 20 };

describe('BatchingEventSink', () => {
  it('gathers events from several callers into one batch and settles each as stored', async () => {
    const t = new ScriptedTransport(ok);
    const sink = new BatchingEventSink(t, opts);
    const adm = await Promise.all([sink.enqueue([ev(1)]), sink.enqueue([ev(2), ev(3)])]);
    expect(await adm[1].settled).toEqual([{ status: 'stored' }, { status: 'stored' }]);
    expect(t.batches).toEqual([[1, 2, 3]]);
    expect(sink.depth).toBe(0);
    await sink.close();
  });

  it('sends at once when a full batch is waiting, and splits larger queues', async () => {
    const t = new ScriptedTransport(ok);
    const sink = new BatchingEventSink(t, { ...opts, flushMs: 10_000 });
    const { settled } = await sink.enqueue(Array.from({ length: 25 }, (_, i) => ev(i)));
    await sink.close();
    expect((await settled).length).toBe(25);
    expect(t.batches.map((b) => b.length)).toEqual([10, 10, 5]);
  });

  it('retries the same batch until the hub answers, dropping nothing', async () => {
    const t = new ScriptedTransport((_b, call) => (call < 3 ? { kind: 'retry', reason: 'HTTP 503' } : ok()));
    const sink = new BatchingEventSink(t, opts);
    const { settled } = await sink.enqueue([ev(1), ev(2)]);
    expect(await settled).toEqual([{ status: 'stored' }, { status: 'stored' }]);
    expect(t.batches).toEqual([[1, 2], [1, 2], [1, 2]]);
    expect(sink.stats.retries).toBe(2);
  });

  it('maps per-item rejections to their events', async () => {
    const t = new ScriptedTransport(() => ({ kind: 'answered', rejected: new Map([[1, 'lat: too big']]), duplicates: 1 }));
    const sink = new BatchingEventSink(t, opts);
    const { settled } = await sink.enqueue([ev(1), ev(2), ev(3)]);
    expect(await settled).toEqual([{ status: 'stored' }, { status: 'rejected', message: 'lat: too big' }, { status: 'stored' }]);
    expect(sink.stats).toMatchObject({ stored: 2, rejected: 1, duplicates: 1 });
  });

  it('halves a refused batch until the one refused event is isolated', async () => {
    const t = new ScriptedTransport((b) => (b.includes(6) ? { kind: 'refused', reason: '403 out of scope' } : ok()));
    const sink = new BatchingEventSink(t, opts);
    const { settled } = await sink.enqueue(Array.from({ length: 8 }, (_, i) => ev(i)));
    const out = await settled;
    expect(out[6]).toEqual({ status: 'rejected', message: '403 out of scope' });
    expect(out.filter((o) => o.status === 'stored')).toHaveLength(7);
  });

  it('makes callers wait, in order, while the buffer is full (backpressure)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = new ScriptedTransport(async () => {
      await gate;
      return ok();
    });
    const sink = new BatchingEventSink(t, { ...opts, capacity: 3 });
    await sink.enqueue([ev(1), ev(2)]);
    const order: string[] = [];
    const second = sink.enqueue([ev(3), ev(4)]).then((a) => (order.push('second'), a));
    const third = sink.enqueue([ev(5)]).then((a) => (order.push('third'), a));
    await new Promise((r) => setTimeout(r, 60));
    // Event 5 would fit, but it must not overtake the waiting caller.
    expect(order).toEqual([]);
    expect(sink.depth).toBe(2);
    expect(sink.waiting).toBe(2);
    release();
    await (await second).settled;
    await (await third).settled;
    expect(order).toEqual(['second', 'third']);
    expect(sink.depth).toBe(0);
  });

  it('refuses an enqueue larger than its capacity instead of waiting forever', async () => {
    const sink = new BatchingEventSink(new ScriptedTransport(ok), { ...opts, capacity: 2 });
    await expect(sink.enqueue([ev(1), ev(2), ev(3)])).rejects.toThrow(/3 events exceed the sink capacity of 2/);
  });

  it('close() waits for queued events to settle', async () => {
    const t = new ScriptedTransport(async () => {
      await new Promise((r) => setTimeout(r, 30));
      return ok();
    });
    const sink = new BatchingEventSink(t, { ...opts, flushMs: 10_000 });
    const { settled } = await sink.enqueue([ev(1)]);
    await sink.close();
    expect(sink.depth).toBe(0);
    await expect(settled).resolves.toEqual([{ status: 'stored' }]);
    await expect(sink.enqueue([ev(2)])).rejects.toThrow(/closed/);
  });
});
