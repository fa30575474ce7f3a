import type { Network } from '@kanjian/shared';
import { NetworkIndex } from '../network/network-index';

/** Two regions, a hub and a station in each, two floors on the east hub, a few vehicles, routes and trips. */
export function smallNetwork(): Network {
  const site = (id: string, regionId: string, kind: 'hub' | 'station', lat: number, lon: number) => ({
    id,
    kind,
    name: `${id}转运中心`,
    nameEn: `${id} hub`,
    regionId,
    parentId: null,
    city: id,
    lat,
    lon,
    radiusM: 500,
  });
  return {
    regions: [
      { id: 'EAST', name: '华东大区', nameEn: 'East' },
      { id: 'SOUTH', name: '华南大区', nameEn: 'South' },
    ],
    sites: [site('SH', 'EAST', 'hub', 31.2, 121.5), site('HZ', 'EAST', 'station', 30.3, 120.2), site('GZ', 'SOUTH', 'hub', 23.1, 113.3), site('SZ', 'SOUTH', 'station', 22.5, 114.1)],
    floors: [
      { id: 'F-SH-1', siteId: 'SH', name: 'SH转运中心 1号分拣场', dailyCapacity: 100_000 },
      { id: 'F-SH-2', siteId: 'SH', name: '2号分拣场', dailyCapacity: 100_000 },
      { id: 'F-GZ-1', siteId: 'GZ', name: 'GZ转运中心 1号分拣场', dailyCapacity: 100_000 },
    ],
    cameras: [],
    vehicles: [
      { id: 'V1', plate: '沪A00001', homeSiteId: 'SH', regionId: 'EAST', coldProfile: 'none', terminalPhone: null },
      { id: 'V2', plate: '沪A00002', homeSiteId: 'SH', regionId: 'EAST', coldProfile: 'chilled', terminalPhone: null },
      { id: 'V3', plate: '粤A00003', homeSiteId: 'GZ', regionId: 'SOUTH', coldProfile: 'frozen', terminalPhone: null },
    ],
    routes: [
      { id: 'R-SH-GZ', originSiteId: 'SH', destSiteId: 'GZ', distanceKm: 1400, path: [[31.2, 121.5], [27, 118], [23.1, 113.3]] },
      { id: 'R-SH-HZ', originSiteId: 'SH', destSiteId: 'HZ', distanceKm: 180, path: [[31.2, 121.5], [30.3, 120.2]] },
      { id: 'R-GZ-SZ', originSiteId: 'GZ', destSiteId: 'SZ', distanceKm: 140, path: [[23.1, 113.3], [22.5, 114.1]] },
    ],
    trips: [
      { id: 'T1', routeId: 'R-SH-GZ', vehicleId: 'V1', scheduledDeparture: '2025-03-01T06:00:00+08:00', scheduledArrival: '2025-03-01T20:00:00+08:00' },
      { id: 'T2', routeId: 'R-SH-HZ', vehicleId: 'V1', scheduledDeparture: '2025-03-01T21:00:00+08:00', scheduledArrival: '2025-03-01T23:30:00+08:00' },
      { id: 'T3', routeId: 'R-GZ-SZ', vehicleId: 'V3', scheduledDeparture: '2025-03-01T08:00:00+08:00', scheduledArrival: '2025-03-01T10:00:00+08:00' },
    ],
    teams: [],
    people: [{ id: 'P1', name: '张三', role: 'sorter', siteId: 'SH', floorId: 'F-SH-1', teamId: null }],
  };
}

export const smallIndex = () => new NetworkIndex(smallNetwork());
