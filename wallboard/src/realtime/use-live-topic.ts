import {
  computed,
  getCurrentScope,
  hasInjectionContext,
  inject,
  onScopeDispose,
  ref,
  shallowRef,
  toValue,
  watch,
  type ComputedRef,
  type MaybeRefOrGetter,
  type Ref,
  type ShallowRef,
} from 'vue';
import type { AlertSummaryV1, FeedItemV1, KpiValueV1, RoomDeltaV1, RoomName, ViolationSummaryV1 } from '@kanjian/shared';
import { LIVE_TRANSPORT, liveTransport } from './live-socket';
import type { LiveTransport, TransportFailure } from './live-transport';
import { RoomState } from './room-state';
import type { VehicleStore } from './vehicle-store';

export type TopicStatus = 'connecting' | 'live' | 'resyncing' | 'offline' | 'refused';

export interface LiveTopicOptions {
  transport?: LiveTransport;
  /** No message for this long and the topic is stale (`staleSince` is set). */
  staleAfterMs?: number;
  ackTimeoutMs?: number;
  /** Backoff of a failed subscribe: base · 2^attempt, capped, with jitter. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  now?: () => number;
  random?: () => number;
  /** How often staleness is checked. */
  tickMs?: number;
}

export interface LiveTopic {
  room: Ref<RoomName>;
  status: Ref<TopicStatus>;
  error: Ref<{ code: string; message: string } | null>;
  seq: Ref<number>;
  lastMessageAt: Ref<number | null>;
  /** Set to the time of the last message once the topic has been silent for `staleAfterMs`; null when fresh. */
  staleSince: Ref<number | null>;
  /** How many times the topic has re-snapshotted (gaps and reconnects), for diagnostics and tests. */
  resyncs: Ref<number>;
  feed: ShallowRef<FeedItemV1[]>;
  violations: ShallowRef<ViolationSummaryV1[]>;
  alerts: ShallowRef<AlertSummaryV1[]>;
  openAlerts: ComputedRef<AlertSummaryV1[]>;
  kpis: ShallowRef<Map<string, KpiValueV1>>;
  /** The vehicles' typed-array store; not reactive — watch `vehiclesVersion`. */
  readonly vehicles: VehicleStore;
  vehiclesVersion: Ref<number>;
  kpi(unit: string, key: string, window?: string): KpiValueV1 | undefined;
  kpiHistory(unit: string, key: string, window?: string): ReadonlyArray<[number, number]>;
  /** Asks for a fresh snapshot now (e.g. after an action whose result must show at once). */
  resync(): void;
  stop(): void;
}

const NO_HISTORY: ReadonlyArray<[number, number]> = Object.freeze([]);

const FATAL_CODES = new Set(['auth/out_of_scope', 'auth/forbidden', 'auth/invalid_token', 'auth/missing_token', 'request/invalid']);

/**
 * Joins a room and keeps its state current: `subscribe.v1` answers a snapshot, then `delta.v1` messages are
 * applied in `seq` order. A gap in the sequence, or a reconnect (the hub restarted, the network blinked),
 * fetches a fresh snapshot. A failed subscribe is retried with exponential backoff, except a refusal (out
 * of scope), which is shown as such. Stops itself with the calling component's scope.
 */
export function useLiveTopic(roomSource: MaybeRefOrGetter<RoomName>, opts: LiveTopicOptions = {}): LiveTopic {
  const transport = opts.transport ?? (hasInjectionContext() ? inject(LIVE_TRANSPORT, null) : null) ?? liveTransport();
  const staleAfterMs = opts.staleAfterMs ?? 15_000;
  const ackTimeoutMs = opts.ackTimeoutMs ?? 10_000;
  const retryBaseMs = opts.retryBaseMs ?? 1000;
  const retryMaxMs = opts.retryMaxMs ?? 30_000;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;

  let state = new RoomState();
  const room = ref(toValue(roomSource)) as Ref<RoomName>;
  const status = ref<TopicStatus>('connecting');
  const error = ref<{ code: string; message: string } | null>(null);
  const seq = ref(-1);
  const lastMessageAt = ref<number | null>(null);
  const staleSince = ref<number | null>(null);
  const resyncs = ref(0);
  const feed = shallowRef<FeedItemV1[]>([]);
  const violations = shallowRef<ViolationSummaryV1[]>([]);
  const alerts = shallowRef<AlertSummaryV1[]>([]);
  const kpis = shallowRef<Map<string, KpiValueV1>>(new Map());
  const vehiclesVersion = ref(0);
  const openAlerts = computed(() => {
    void alerts.value;
    return state.openAlerts();
  });

  let generation = 0;
  let attempts = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let startedAt = now();
  let stopped = false;

  function publishAll(): void {
    seq.value = state.seq;
    feed.value = state.feed;
    violations.value = state.violations;
    alerts.value = state.alerts;
    kpis.value = state.kpis;
    vehiclesVersion.value = state.vehiclesVersion;
  }

  function publish(d: RoomDeltaV1): void {
    seq.value = state.seq;
    switch (d.kind) {
      case 'positions':
      case 'positions.bin':
        vehiclesVersion.value = state.vehiclesVersion;
        if (error.value?.code === 'live/bad_frame') error.value = null;
        break;
      case 'feed':
        feed.value = state.feed;
        break;
      case 'violation':
        violations.value = state.violations;
        break;
      case 'alert':
        alerts.value = state.alerts;
        break;
      case 'kpi':
        kpis.value = state.kpis;
        break;
    }
  }

  function touch(): void {
    lastMessageAt.value = now();
    staleSince.value = null;
  }

  function clearRetry(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
  }

  function scheduleRetry(): void {
    clearRetry();
    const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** attempts) * (0.5 + random() * 0.5);
    attempts++;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (transport.connected) requestSnapshot();
    }, delay);
  }

  function requestSnapshot(): void {
    if (stopped) return;
    clearRetry();
    const gen = ++generation;
    const target = room.value;
    state.beginResync();
    if (state.seq >= 0) {
      resyncs.value++;
      status.value = 'resyncing';
    } else {
      status.value = 'connecting';
    }
    transport.subscribe(target, ackTimeoutMs).then(
      (ack) => {
        if (gen !== generation || stopped) return;
        if (!ack.ok) {
          error.value = { code: ack.code, message: ack.message };
          if (FATAL_CODES.has(ack.code)) {
            status.value = 'refused';
          } else {
            scheduleRetry();
          }
          return;
        }
        attempts = 0;
        error.value = null;
        const outcome = state.applySnapshot(ack.snapshot);
        publishAll();
        touch();
        status.value = 'live';
        if (outcome === 'gap') requestSnapshot();
      },
      (err: Error) => {
        if (gen !== generation || stopped) return;
        error.value = { code: 'subscribe/timeout', message: err.message };
        scheduleRetry();
      },
    );
  }

  const offDelta = transport.onDelta((d) => {
    if (stopped || d.room !== room.value) return;
    const outcome = state.applyDelta(d);
    touch();
    if (outcome === 'applied') publish(d);
    else if (outcome === 'gap') requestSnapshot();
    else if (outcome === 'rejected') error.value = { code: 'live/bad_frame', message: state.frameError ?? 'unreadable frame' };
  });
  const offConnect = transport.onConnect(() => {
    attempts = 0;
    requestSnapshot();
  });
  const offDisconnect = transport.onDisconnect(() => {
    if (status.value !== 'refused') status.value = 'offline';
    // Deltas are lost while offline: the next connect re-snapshots.
    generation++;
  });
  const offFailure = transport.onFailure((f: TransportFailure) => {
    error.value = { code: f.code, message: f.message };
    if (f.fatal) status.value = 'refused';
    else if (status.value !== 'refused') status.value = 'offline';
  });

  const tick = setInterval(() => {
    const last = lastMessageAt.value ?? startedAt;
    if (staleSince.value === null && now() - last > staleAfterMs) staleSince.value = last;
  }, opts.tickMs ?? 1000);

  function switchRoom(next: RoomName): void {
    if (next === room.value) return;
    transport.unsubscribe(room.value);
    room.value = next;
    state = new RoomState();
    publishAll();
    error.value = null;
    lastMessageAt.value = null;
    staleSince.value = null;
    startedAt = now();
    attempts = 0;
    if (transport.connected) requestSnapshot();
    else status.value = 'connecting';
  }

  const stopWatch = watch(
    () => toValue(roomSource),
    (next) => switchRoom(next),
  );

  function stop(): void {
    if (stopped) return;
    stopped = true;
    generation++;
    clearRetry();
    clearInterval(tick);
    stopWatch();
    offDelta();
    offConnect();
    offDisconnect();
    offFailure();
    transport.unsubscribe(room.value);
  }

  if (getCurrentScope()) onScopeDispose(stop);
  if (transport.connected) requestSnapshot();

  return {
    room,
    status,
    error,
    seq,
    lastMessageAt,
    staleSince,
    resyncs,
    feed,
    violations,
    alerts,
    openAlerts,
    kpis,
    get vehicles() {
      return state.vehicles;
    },
    vehiclesVersion,
    kpi: (unit, key, window = 'today') => {
      void kpis.value;
      return state.kpi(unit, key, window);
    },
    kpiHistory: (unit, key, window = 'today') => {
      void kpis.value;
      return state.kpiHistory.get(`${unit}|${key}|${window}`) ?? NO_HISTORY;
    },
    resync: requestSnapshot,
    stop,
  };
}
