import { shallowRef } from 'vue';
import type { KanjianApi } from '../api/kanjian-api';
import { NetworkIndex } from './network-index';

/** The reference network, fetched once per login and shared by every screen. */
export const networkIndex = shallowRef<NetworkIndex | null>(null);
let pending: Promise<NetworkIndex> | null = null;

export function loadNetwork(api: KanjianApi): Promise<NetworkIndex> {
  if (networkIndex.value) return Promise.resolve(networkIndex.value);
  pending ??= api
    .network()
    .then((n) => {
      networkIndex.value = new NetworkIndex(n);
      return networkIndex.value;
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

export function resetNetwork(): void {
  networkIndex.value = null;
  pending = null;
}
