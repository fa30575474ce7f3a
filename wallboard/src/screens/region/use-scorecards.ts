import { onScopeDispose, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { KpiValueV1, RoomName } from '@kanjian/shared';
import type { KanjianApi } from '../../api/kanjian-api';

export interface Scorecard {
  unit: RoomName;
  kpis: Map<string, KpiValueV1>;
  error: string | null;
}

/** Runs `fn` over `items` with at most `limit` in flight: a region's stations without a request storm. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Today's KPIs of every unit below the console's unit, one `GET /api/v1/kpis?unit=` each, refreshed slowly. */
export function useScorecards(units: MaybeRefOrGetter<RoomName[]>, api: KanjianApi, refreshMs = 120_000) {
  const cards = shallowRef<Scorecard[]>([]);
  const loading = ref(false);

  async function refresh() {
    const list = toValue(units);
    loading.value = true;
    try {
      cards.value = await mapLimited(list, 4, async (unit) => {
        try {
          const kpis = await api.kpis(unit, 'today');
          return { unit, kpis: new Map(kpis.filter((k) => k.unit === unit).map((k) => [k.key, k])), error: null };
        } catch (e) {
          return { unit, kpis: new Map(), error: (e as Error).message };
        }
      });
    } finally {
      loading.value = false;
    }
  }

  const timer = setInterval(() => void refresh(), refreshMs);
  onScopeDispose(() => clearInterval(timer));
  watch(() => toValue(units).join(','), () => void refresh(), { immediate: true });
  return { cards, loading, refresh };
}
