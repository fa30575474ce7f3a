import { onScopeDispose, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { RoomName } from '@kanjian/shared';
import type { KanjianApi, KpiBucket } from '../api/kanjian-api';

export type SeriesPoints = Array<[number, number]>;

/**
 * KPI series of a unit from `GET /api/v1/kpis?…&bucket=` (trends against target), polled slowly. Keyed by
 * KPI key; points oldest first. An error is kept for the screen to show, the last good series stays.
 */
export function useKpiSeries(
  unit: MaybeRefOrGetter<RoomName>,
  opts: { api: KanjianApi; window: string; bucket: KpiBucket; refreshMs?: number },
) {
  const series = shallowRef<Map<string, SeriesPoints>>(new Map());
  const targets = shallowRef<Map<string, number | null>>(new Map());
  const error = ref<{ code: string; message: string } | null>(null);

  async function refresh(): Promise<void> {
    const u = toValue(unit);
    try {
      const list = await opts.api.kpiSeries(u, opts.window, opts.bucket);
      if (u !== toValue(unit)) return;
      const next = new Map<string, SeriesPoints>();
      const tg = new Map<string, number | null>();
      for (const k of list) {
        if (k.unit !== u || k.value === null) continue;
        const pts = next.get(k.key) ?? [];
        pts.push([Date.parse(k.at), k.value]);
        next.set(k.key, pts);
        tg.set(k.key, k.target);
      }
      for (const pts of next.values()) pts.sort((a, b) => a[0] - b[0]);
      series.value = next;
      targets.value = tg;
      error.value = null;
    } catch (e) {
      const err = e as { code?: string; message: string };
      error.value = { code: err.code ?? 'error', message: err.message };
    }
  }

  const timer = setInterval(() => void refresh(), opts.refreshMs ?? 300_000);
  onScopeDispose(() => clearInterval(timer));
  watch(() => toValue(unit), () => void refresh(), { immediate: true });
  return { series, targets, error, refresh };
}
