import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { encodePositionsFrame, type RoomName } from '@kanjian/shared';
import { useLiveTopic, type LiveTopicOptions } from './use-live-topic';
import { FakeTransport } from '../test/fake-transport';
import { alert, delta, snapshot } from '../test/fixtures';

const settle = async () => {
  await vi.advanceTimersByTimeAsync(0);
  await nextTick();
};

describe('useLiveTopic', () => {
  let transport: FakeTransport;
  let clock: number;
  const scope = effectScope();
  const opts = (): LiveTopicOptions => ({ transport, now: () => clock, random: () => 1, retryBaseMs: 1000, retryMaxMs: 8000, staleAfterMs: 10_000 });
  const start = (room: RoomName | ReturnType<typeof ref<RoomName>> = 'hq', o: Partial<LiveTopicOptions> = {}) =>
    scope.run(() => useLiveTopic(room as RoomName, { ...opts(), ...o }))!;

  beforeEach(() => {
    vi.useFakeTimers();
    clock = 1_000_000;
    transport = new FakeTransport();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('subscribes, takes the snapshot, then applies deltas in order', async () => {
    const topic = start();
    expect(transport.subscribes.map((s) => s.room)).toEqual(['hq']);
    transport.answer({ ok: true, snapshot: snapshot('hq', 4, { alerts: [alert('a1')] }) });
    await settle();
    expect(topic.status.value).toBe('live');
    expect(topic.openAlerts.value.map((a) => a.id)).toEqual(['a1']);
    transport.send(delta('hq', 5, { kind: 'positions.bin', data: encodePositionsFrame([['V1', 31, 121, 80, 90, clock, null]]) }));
    expect(topic.seq.value).toBe(5);
    expect(topic.vehicles.count).toBe(1);
    expect(topic.vehiclesVersion.value).toBeGreaterThan(0);
  });

  it('shows an unreadable positions frame as an error without re-snapshotting', async () => {
    const topic = start();
    transport.answer({ ok: true, snapshot: snapshot('hq', 4) });
    await settle();
    const frame = encodePositionsFrame([['V1', 31, 121, 80, 90, clock, null]]).subarray(0, 20);
    transport.send(delta('hq', 5, { kind: 'positions.bin', data: frame }));
    expect(topic.error.value).toEqual({ code: 'live/bad_frame', message: expect.stringMatching(/1 vehicles needs at least 34 bytes, got 20/) as unknown as string });
    // Not a gap: no new subscribe; the next good frame is applied.
    expect(transport.subscribes).toHaveLength(0);
    transport.send(delta('hq', 6, { kind: 'positions.bin', data: encodePositionsFrame([['V1', 31, 121, 80, 90, clock, null]]) }));
    expect(topic.seq.value).toBe(6);
    expect(topic.vehicles.count).toBe(1);
    expect(topic.error.value).toBeNull();
  });

  it('re-snapshots on a gap in the sequence and continues from the new snapshot', async () => {
    const topic = start();
    transport.answer({ ok: true, snapshot: snapshot('hq', 1) });
    await settle();
    transport.send(delta('hq', 3, { kind: 'alert', data: alert('lost-one-before-me') }));
    expect(transport.subscribes).toHaveLength(1);
    expect(topic.status.value).toBe('resyncing');
    expect(topic.resyncs.value).toBe(1);
    transport.answer({ ok: true, snapshot: snapshot('hq', 3, { alerts: [alert('a2'), alert('a3')] }) });
    await settle();
    transport.send(delta('hq', 4, { kind: 'alert', data: alert('a2', { status: 'acknowledged' }) }));
    expect(topic.status.value).toBe('live');
    expect(topic.openAlerts.value.map((a) => a.id)).toEqual(['a3']);
  });

  it('re-snapshots after a reconnect (a hub restart), replacing what it held', async () => {
    const topic = start();
    transport.answer({ ok: true, snapshot: snapshot('hq', 100, { alerts: [alert('before')] }) });
    await settle();
    transport.drop();
    expect(topic.status.value).toBe('offline');
    transport.reconnect();
    expect(transport.subscribes).toHaveLength(1);
    transport.answer({ ok: true, snapshot: snapshot('hq', 7, { alerts: [alert('after')] }) });
    await settle();
    expect(topic.status.value).toBe('live');
    expect(topic.seq.value).toBe(7);
    expect(topic.openAlerts.value.map((a) => a.id)).toEqual(['after']);
    transport.send(delta('hq', 8, { kind: 'feed', data: [] }));
    expect(topic.seq.value).toBe(8);
  });

  it('shows a refusal and does not retry it', async () => {
    const topic = start('region:EAST');
    transport.answer({ ok: false, code: 'auth/out_of_scope', message: 'region user may not join region:EAST' });
    await settle();
    expect(topic.status.value).toBe('refused');
    expect(topic.error.value?.code).toBe('auth/out_of_scope');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(transport.subscribes).toHaveLength(0);
  });

  it('retries a subscribe that timed out with exponential backoff', async () => {
    const topic = start();
    transport.failNext();
    await settle();
    expect(topic.error.value?.code).toBe('subscribe/timeout');
    await vi.advanceTimersByTimeAsync(999);
    expect(transport.subscribes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.subscribes).toHaveLength(1);
    transport.failNext();
    await settle();
    await vi.advanceTimersByTimeAsync(1999);
    expect(transport.subscribes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.subscribes).toHaveLength(1);
    transport.answer({ ok: true, snapshot: snapshot('hq', 0) });
    await settle();
    expect(topic.status.value).toBe('live');
    expect(topic.error.value).toBeNull();
  });

  it('caps the backoff', async () => {
    start();
    for (let i = 0; i < 6; i++) {
      transport.failNext();
      await settle();
      await vi.advanceTimersByTimeAsync(8000);
      expect(transport.subscribes).toHaveLength(1);
    }
  });

  it('marks the topic stale when the feed stops and fresh again when it resumes', async () => {
    const topic = start();
    transport.answer({ ok: true, snapshot: snapshot('hq', 0) });
    await settle();
    const lastAt = clock;
    clock += 9_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(topic.staleSince.value).toBeNull();
    clock += 2_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(topic.staleSince.value).toBe(lastAt);
    transport.send(delta('hq', 1, { kind: 'feed', data: [] }));
    expect(topic.staleSince.value).toBeNull();
  });

  it('is stale from its start when nothing ever arrives', async () => {
    const topic = start();
    const startedAt = clock;
    clock += 11_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(topic.staleSince.value).toBe(startedAt);
    expect(topic.lastMessageAt.value).toBeNull();
  });

  it('ignores deltas of other rooms', async () => {
    const topic = start('floor:F1');
    transport.answer({ ok: true, snapshot: snapshot('floor:F1', 0) });
    await settle();
    transport.send(delta('floor:F2', 1, { kind: 'alert', data: alert('elsewhere') }));
    expect(topic.alerts.value).toHaveLength(0);
    expect(topic.status.value).toBe('live');
  });

  it('follows a room change: leaves the old room and snapshots the new one', async () => {
    const room = ref<RoomName>('floor:F1');
    const topic = scope.run(() => useLiveTopic(room, opts()))!;
    transport.answer({ ok: true, snapshot: snapshot('floor:F1', 3, { alerts: [alert('f1')] }) });
    await settle();
    room.value = 'floor:F2';
    await nextTick();
    expect(transport.unsubscribed).toEqual(['floor:F1']);
    expect(transport.subscribes.map((s) => s.room)).toEqual(['floor:F2']);
    expect(topic.alerts.value).toHaveLength(0);
    transport.answer({ ok: true, snapshot: snapshot('floor:F2', 50, { alerts: [alert('f2')] }) });
    await settle();
    expect(topic.openAlerts.value.map((a) => a.id)).toEqual(['f2']);
  });

  it('ignores a late answer for a room it already left', async () => {
    const room = ref<RoomName>('floor:F1');
    const topic = scope.run(() => useLiveTopic(room, opts()))!;
    room.value = 'floor:F2';
    await nextTick();
    transport.answer({ ok: true, snapshot: snapshot('floor:F1', 3, { alerts: [alert('f1')] }) });
    await settle();
    expect(topic.alerts.value).toHaveLength(0);
    expect(topic.status.value).toBe('connecting');
  });

  it('marks a fatal socket failure (bad token) as refused', async () => {
    const topic = start();
    transport.fail({ code: 'auth/invalid_token: jwt expired', message: 'auth/invalid_token: jwt expired', fatal: true });
    expect(topic.status.value).toBe('refused');
  });

  it('stops with its scope: unsubscribes and removes its listeners', async () => {
    const s = effectScope();
    s.run(() => useLiveTopic('hq', opts()));
    expect(transport.listenerCount).toBe(4);
    s.stop();
    expect(transport.listenerCount).toBe(0);
    expect(transport.unsubscribed).toEqual(['hq']);
  });
});
