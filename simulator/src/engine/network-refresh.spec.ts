import { addDays, dayStart, HOUR, isoUtc8, MINUTE } from '../core/time';
import { testNetwork } from '../testing/test-network';
import { refreshNetwork } from './network-refresh';

const DAY = '2024-06-06';
const NEXT = addDays(DAY, 1);
const net = testNetwork({ day: DAY });
const nextTrips = testNetwork({ day: NEXT }).trips;

describe('refreshNetwork', () => {
  const now = dayStart(DAY) + 20 * HOUR;

  it('adds the trips of the days after the current one', () => {
    const u = refreshNetwork(net, { ...net, trips: [...net.trips, ...nextTrips] }, now)!;
    expect(u.changedDays).toEqual([NEXT]);
    expect(u.network.trips.length).toBe(net.trips.length + nextTrips.length);
    expect(u.unknownRefs).toBe(0);
    // Everything but the trips is the running network's own.
    expect(u.network.vehicles).toBe(net.vehicles);
    expect(u.network.sites).toBe(net.sites);
  });

  it('changes nothing when the days ahead are the same', () => {
    const full = { ...net, trips: [...net.trips, ...nextTrips] };
    expect(refreshNetwork(full, { ...full, trips: [...full.trips].reverse() }, now)).toBeNull();
    expect(refreshNetwork(net, net, now)).toBeNull();
  });

  it('keeps the current day as it was, even when the hub now has it otherwise', () => {
    const moved = net.trips.map((t) => ({ ...t, scheduledDeparture: isoUtc8(Date.parse(t.scheduledDeparture) + MINUTE) }));
    expect(refreshNetwork(net, { ...net, trips: moved }, now)).toBeNull();
    const u = refreshNetwork(net, { ...net, trips: [...moved, ...nextTrips] }, now)!;
    expect(u.network.trips.filter((t) => t.scheduledDeparture.startsWith(DAY))).toEqual(net.trips.filter((t) => t.scheduledDeparture.startsWith(DAY)));
  });

  it('takes a later day changed or removed by the hub', () => {
    const full = { ...net, trips: [...net.trips, ...nextTrips] };
    const changed = nextTrips.map((t, i) => (i === 0 ? { ...t, vehicleId: nextTrips[1].vehicleId } : t));
    expect(refreshNetwork(full, { ...net, trips: [...net.trips, ...changed] }, now)!.changedDays).toEqual([NEXT]);
    expect(refreshNetwork(full, net, now)!.network.trips.length).toBe(net.trips.length);
  });

  it('leaves out trips naming a route or vehicle the running network does not have, and counts them', () => {
    const odd = { ...nextTrips[0], id: 'TRIP-ODD', routeId: 'RT-NOWHERE' };
    const u = refreshNetwork(net, { ...net, trips: [...net.trips, ...nextTrips, odd] }, now)!;
    expect(u.unknownRefs).toBe(1);
    expect(u.network.trips.some((t) => t.id === 'TRIP-ODD')).toBe(false);
  });

  it('forgets trips more than five days old', () => {
    const old = testNetwork({ day: addDays(DAY, -6) }).trips;
    const u = refreshNetwork({ ...net, trips: [...old, ...net.trips] }, { ...net, trips: [...net.trips, ...nextTrips] }, now)!;
    expect(u.network.trips.length).toBe(net.trips.length + nextTrips.length);
  });
});
