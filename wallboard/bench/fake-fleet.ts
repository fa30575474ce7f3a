import type { AlertSummaryV1, KpiValueV1, Network, PositionTuple } from '@kanjian/shared';

/** Hub cities (lat, lon): enough to spread 20,000 vehicles over China's line-haul corridors. */
const CITIES: Array<[string, string, number, number]> = [
  ['BJ', '北京', 39.9, 116.4], ['TJ', '天津', 39.13, 117.2], ['SJZ', '石家庄', 38.04, 114.5], ['TY', '太原', 37.87, 112.55],
  ['HHHT', '呼和浩特', 40.84, 111.75], ['SY', '沈阳', 41.8, 123.43], ['CC', '长春', 43.88, 125.32], ['HEB', '哈尔滨', 45.75, 126.63],
  ['SH', '上海', 31.23, 121.47], ['NJ', '南京', 32.06, 118.8], ['HZ', '杭州', 30.27, 120.15], ['HF', '合肥', 31.82, 117.23],
  ['FZ', '福州', 26.08, 119.3], ['XM', '厦门', 24.48, 118.09], ['NC', '南昌', 28.68, 115.86], ['JN', '济南', 36.65, 117.12],
  ['QD', '青岛', 36.07, 120.38], ['ZZ', '郑州', 34.75, 113.63], ['WH', '武汉', 30.59, 114.31], ['CS', '长沙', 28.23, 112.94],
  ['GZ', '广州', 23.13, 113.26], ['SZ', '深圳', 22.54, 114.06], ['NN', '南宁', 22.82, 108.32], ['HK', '海口', 20.04, 110.32],
  ['CQ', '重庆', 29.56, 106.55], ['CD', '成都', 30.67, 104.06], ['GY', '贵阳', 26.65, 106.63], ['KM', '昆明', 25.04, 102.71],
  ['XA', '西安', 34.34, 108.94], ['LZ', '兰州', 36.06, 103.83], ['XN', '西宁', 36.62, 101.78], ['YC', '银川', 38.49, 106.23],
  ['WLMQ', '乌鲁木齐', 43.83, 87.62], ['LS', '拉萨', 29.65, 91.13], ['DL', '大连', 38.91, 121.61], ['YW', '义乌', 29.31, 120.07],
];

/** A deterministic PRNG, so every bench run moves the same fleet. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Lane {
  from: [number, number];
  to: [number, number];
}

/**
 * A deterministic fleet for the renderer benchmark: N vehicles moving along lanes between hub cities. Built
 * the same from the same seed in the page (network, snapshot) and in the feed worker (frames).
 */
export class FakeFleet {
  readonly network: Network;
  private lanes: Lane[] = [];
  private progress: Float64Array;
  private speed: Float64Array;
  private laneOf: Uint16Array;

  constructor(readonly vehicles: number, seed = 1) {
    const rnd = mulberry32(seed);
    const hubs = CITIES.map(([id, name, lat, lon]) => ({
      id: `HUB-${id}`,
      kind: 'hub' as const,
      name: `${name}转运中心`,
      nameEn: `${id} hub`,
      regionId: 'R1',
      parentId: null,
      city: name,
      lat,
      lon,
      radiusM: 800,
    }));
    // Like the seeded network: ~200 routes following roads, ~110 points each (22,000 points to project).
    const routes: Network['routes'] = [];
    for (let i = 0; i < hubs.length; i++) {
      for (let k = 1; k <= 5; k++) {
        const a = hubs[i];
        const b = hubs[(i + k * 5) % hubs.length];
        const path: Array<[number, number]> = [];
        const bend = (rnd() - 0.5) * 3;
        for (let j = 0; j <= 110; j++) {
          const t = j / 110;
          const wiggle = Math.sin(t * Math.PI) * bend + (rnd() - 0.5) * 0.08;
          path.push([a.lat + (b.lat - a.lat) * t + wiggle, a.lon + (b.lon - a.lon) * t - wiggle * 0.5]);
        }
        routes.push({ id: `RT-${a.id}-${b.id}-${k}`, originSiteId: a.id, destSiteId: b.id, distanceKm: 0, path });
        this.lanes.push({ from: [a.lat, a.lon], to: [b.lat, b.lon] });
      }
    }
    this.progress = new Float64Array(vehicles);
    this.speed = new Float64Array(vehicles);
    this.laneOf = new Uint16Array(vehicles);
    const list: Network['vehicles'] = [];
    const trips: Network['trips'] = [];
    const day = new Date();
    day.setHours(0, 0, 0, 0);
    for (let i = 0; i < vehicles; i++) {
      this.laneOf[i] = Math.floor(rnd() * this.lanes.length);
      this.progress[i] = rnd();
      this.speed[i] = (0.5 + rnd()) / 3600;
      const cold = rnd();
      list.push({
        id: `V${i}`,
        plate: `沪A${String(10000 + i)}`,
        homeSiteId: hubs[0].id,
        regionId: 'R1',
        coldProfile: cold < 0.05 ? 'chilled' : cold < 0.08 ? 'frozen' : 'none',
        terminalPhone: null,
      });
      trips.push({
        id: `T${i}`,
        routeId: routes[this.laneOf[i]].id,
        vehicleId: `V${i}`,
        scheduledDeparture: day.toISOString(),
        scheduledArrival: new Date(day.getTime() + 86_400_000).toISOString(),
      });
    }
    this.network = { regions: [{ id: 'R1', name: '全国', nameEn: 'China' }], sites: hubs, floors: [], cameras: [], vehicles: list, routes, trips, teams: [], people: [] };
  }

  tuple(i: number, now: number): PositionTuple {
    const lane = this.lanes[this.laneOf[i]];
    const p = this.progress[i];
    const lat = lane.from[0] + (lane.to[0] - lane.from[0]) * p;
    const lon = lane.from[1] + (lane.to[1] - lane.from[1]) * p;
    const profile = this.network.vehicles[i].coldProfile;
    // A few reefers out of range, so the excursion markers animate as they would on a real day.
    const temp = profile === 'chilled' ? (i % 40 === 0 ? 11.5 : 4) : profile === 'frozen' ? -19 : null;
    return [`V${i}`, +lat.toFixed(5), +lon.toFixed(5), 70 + (i % 30), 90, now, temp];
  }

  /** Moves every vehicle `seconds` further along its lane (sped up ×60 so the map visibly moves). */
  advance(seconds: number): void {
    for (let i = 0; i < this.vehicles; i++) {
      let p = this.progress[i] + this.speed[i] * seconds * 60;
      if (p > 1) p -= 1;
      this.progress[i] = p;
    }
  }

  positions(now: number): PositionTuple[] {
    return Array.from({ length: this.vehicles }, (_, i) => this.tuple(i, now));
  }

  kpis(now: number): KpiValueV1[] {
    const at = new Date(now).toISOString();
    const wobble = Math.sin(now / 60_000);
    const k = (key: string, value: number, target: number | null): KpiValueV1 => ({ unit: 'hq', key, value, target, window: 'today', at });
    return [
      k('camera_online_rate', 0.985 + 0.005 * wobble, 0.99),
      k('coverage', 0.962 + 0.01 * wobble, 0.98),
      k('rating_coverage', 0.41 + 0.02 * wobble, 0.5),
      k('complaint_rate_per_10k', 2.1 + 0.2 * wobble, 1.8),
      k('exception_handling_h', 9.4 - wobble, 8),
      k('csat', 86.5 + wobble, 90),
      k('on_time_departure_rate', 0.93 + 0.01 * wobble, 0.95),
      k('cold_chain_excursion_min', 42 + 5 * wobble, 30),
      k('incident_notify_latency_s', 180 + 20 * wobble, 300),
      k('first_response_min', 22 + 3 * wobble, 30),
    ];
  }

  alerts(): AlertSummaryV1[] {
    return Array.from({ length: 30 }, (_, i) => ({
      id: `A${i}`,
      ruleId: ['T1', 'T2', 'T4', 'T5', 'T6'][i % 5],
      subjectKind: 'vehicle',
      subjectId: `V${i * 97}`,
      siteId: null,
      regionId: 'R1',
      severity: (['warning', 'violation', 'critical'] as const)[i % 3],
      level: 'hq' as const,
      status: 'open' as const,
      title: `车辆 V${i * 97} 告警 ${i}`,
      openedAt: new Date(Date.now() - i * 60_000).toISOString(),
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
    }));
  }
}
