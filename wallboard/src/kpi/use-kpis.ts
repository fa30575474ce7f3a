import { computed, onScopeDispose, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { KpiValueV1, RoomName } from '@kanjian/shared';
import type { KanjianApi } from '../api/kanjian-api';
import type { LiveTopic } from '../realtime/use-live-topic';

export interface UseKpisOptions {
  api: KanjianApi;
  /** The live room whose `kpi` deltas update the values between polls. */
  topic?: LiveTopic;
  window?: 'today' | 'week';
  refreshMs?: number;
}

/**
 * A unit's KPIs: fetched from the REST API (the reference), polled slowly, and overtaken by newer values
 * pushed on the unit's live room. For each key the value with the latest `at` wins.
 */
export function useKpis(unit: MaybeRefOrGetter<RoomName>, opts: UseKpisOptions) {
  const window = opts.window ?? 'today';
  const fetched = shallowRef<KpiValueV1[]>([]);
  const error = ref<{ code: string; message: string } | null>(null);
  const loadedAt = ref<number | null>(null);

  async function refresh(): Promise<void> {
    const u = toValue(unit);
    try {
      const list = await opts.api.kpis(u, window);
      if (u !== toValue(unit)) return;
      fetched.value = list.filter((k) => k.unit === u && k.window === window);
      error.value = null;
      loadedAt.value = Date.now();
    } catch (e) {
      const err = e as { code?: string; message: string };
      error.value = { code: err.code ?? 'error', message: err.message };
    }
  }

  const values = computed(() => {
    const u = toValue(unit);
    const map = new Map<string, KpiValueV1>();
    for (const k of fetched.value) map.set(k.key, k);
    const live = opts.topic?.kpis.value;
    if (live) {
      for (const k of live.values()) {
        if (k.unit !== u || k.window !== window) continue;
        const prev = map.get(k.key);
        if (!prev || Date.parse(k.at) >= Date.parse(prev.at)) map.set(k.key, k);
      }
    }
    return map;
  });

  const timer = setInterval(() => void refresh(), opts.refreshMs ?? 60_000);
  onScopeDispose(() => clearInterval(timer));
  watch(() => toValue(unit), () => void refresh(), { immediate: true });

  return {
    values,
    error,
    loadedAt,
    refresh,
    get: (key: string) => values.value.get(key),
  };
}
