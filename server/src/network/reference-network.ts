import type { Camera, Floor, Network, Person, Region, Route, Site, Team, Trip, Vehicle } from '@kanjian/shared';

/**
 * The reference network: a realistic national express network built from a seed, with no I/O, so the seed
 * command, the simulator's expectations and the tests all see the same data.
 *
 * What depends on what (so a change of one knob does not reshuffle the rest):
 * - regions, hubs, stations, lockers, 驿站, floors, cameras, teams, people and routes depend on `seed` only;
 * - the fleet depends on `seed` and `scale` (300 × scale vehicles);
 * - trips depend on `seed`, `scale` and `day`.
 */
export interface ReferenceNetworkOptions {
  seed: number;
  /** Multiplies the fleet and its trips: 1 ≈ 300 vehicles (the demo); 66.7 ≈ 20,000 (the benchmarks). */
  scale?: number;
  /** The service day (YYYY-MM-DD, UTC+8) whose departures are scheduled; defaults to today in UTC+8. */
  day?: string;
}

/** Vehicles per unit of scale. */
export const VEHICLES_PER_SCALE = 300;
/** Line-haul average speed band, stops included (km/h). */
export const TRUCK_SPEED_KMH = { min: 60, max: 75 } as const;
/** Road distance over great-circle distance. */
export const ROAD_FACTOR = { min: 1.2, max: 1.3 } as const;
/** Spacing of cameras along a sorting line (m). */
export const CAMERA_SPACING_M = 3;

/** Builtins bound once: Jest's vm context makes every global lookup slow in hot loops (jestjs/jest#5163). */
const M = Math;
const UTC8_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------------------
// Deterministic randomness: one independent stream per concern, derived from the seed and a label.

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = M.imul(h, 16777619);
  }
  return h >>> 0;
}

class Rng {
  private state: number;
  constructor(seed: number, label: string) {
    this.state = (hashString(`${seed}:${label}`) ^ M.imul(seed | 0, 0x9e3779b1)) >>> 0;
  }
  /** mulberry32: small, fast and good enough for synthetic data. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = M.imul(t ^ (t >>> 15), t | 1);
    t ^= t + M.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }
  int(min: number, maxInclusive: number): number {
    return min + M.floor(this.next() * (maxInclusive - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[M.floor(this.next() * items.length)];
  }
  weighted<T>(items: readonly T[], weight: (t: T) => number): T {
    const total = items.reduce((s, t) => s + weight(t), 0);
    let r = this.next() * total;
    for (const t of items) {
      r -= weight(t);
      if (r < 0) return t;
    }
    return items[items.length - 1];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Static geography.

interface RegionDef {
  id: string;
  name: string;
  nameEn: string;
}
const REGIONS: RegionDef[] = [
  { id: 'R-NORTH', name: '华北大区', nameEn: 'North China' },
  { id: 'R-EAST', name: '华东大区', nameEn: 'East China' },
  { id: 'R-SOUTH', name: '华南大区', nameEn: 'South China' },
  { id: 'R-CENTRAL', name: '华中大区', nameEn: 'Central China' },
  { id: 'R-SOUTHWEST', name: '西南大区', nameEn: 'Southwest China' },
  { id: 'R-NORTHWEST', name: '西北大区', nameEn: 'Northwest China' },
  { id: 'R-NORTHEAST', name: '东北大区', nameEn: 'Northeast China' },
];

interface HubDef {
  code: string;
  city: string;
  cityEn: string;
  region: string;
  lat: number;
  lon: number;
  /** Relative size: drives stations, floors, fleet and floor capacity. */
  weight: number;
  /** Licence-plate prefix of the city (province abbreviation + letter). */
  plate: string;
}

/** Logistics hubs at real city coordinates (city centres, rounded). */
const HUBS: HubDef[] = [
  { code: 'BJS', city: '北京', cityEn: 'Beijing', region: 'R-NORTH', lat: 39.9042, lon: 116.4074, weight: 9, plate: '京A' },
  { code: 'TSN', city: '天津', cityEn: 'Tianjin', region: 'R-NORTH', lat: 39.3434, lon: 117.3616, weight: 5, plate: '津A' },
  { code: 'SJW', city: '石家庄', cityEn: 'Shijiazhuang', region: 'R-NORTH', lat: 38.0428, lon: 114.5149, weight: 4, plate: '冀A' },
  { code: 'TYN', city: '太原', cityEn: 'Taiyuan', region: 'R-NORTH', lat: 37.8706, lon: 112.5489, weight: 3, plate: '晋A' },
  { code: 'HET', city: '呼和浩特', cityEn: 'Hohhot', region: 'R-NORTH', lat: 40.8424, lon: 111.749, weight: 2, plate: '蒙A' },
  { code: 'SHA', city: '上海', cityEn: 'Shanghai', region: 'R-EAST', lat: 31.2304, lon: 121.4737, weight: 10, plate: '沪A' },
  { code: 'HGH', city: '杭州', cityEn: 'Hangzhou', region: 'R-EAST', lat: 30.2741, lon: 120.1551, weight: 9, plate: '浙A' },
  { code: 'NKG', city: '南京', cityEn: 'Nanjing', region: 'R-EAST', lat: 32.0603, lon: 118.7969, weight: 6, plate: '苏A' },
  { code: 'SZV', city: '苏州', cityEn: 'Suzhou', region: 'R-EAST', lat: 31.2989, lon: 120.5853, weight: 6, plate: '苏E' },
  { code: 'HFE', city: '合肥', cityEn: 'Hefei', region: 'R-EAST', lat: 31.8206, lon: 117.2272, weight: 5, plate: '皖A' },
  { code: 'TNA', city: '济南', cityEn: 'Jinan', region: 'R-EAST', lat: 36.6512, lon: 117.1201, weight: 5, plate: '鲁A' },
  { code: 'TAO', city: '青岛', cityEn: 'Qingdao', region: 'R-EAST', lat: 36.0671, lon: 120.3826, weight: 5, plate: '鲁B' },
  { code: 'NGB', city: '宁波', cityEn: 'Ningbo', region: 'R-EAST', lat: 29.8683, lon: 121.544, weight: 5, plate: '浙B' },
  { code: 'YIW', city: '义乌', cityEn: 'Yiwu', region: 'R-EAST', lat: 29.3068, lon: 120.0751, weight: 8, plate: '浙G' },
  { code: 'XMN', city: '厦门', cityEn: 'Xiamen', region: 'R-EAST', lat: 24.4798, lon: 118.0894, weight: 4, plate: '闽D' },
  { code: 'FOC', city: '福州', cityEn: 'Fuzhou', region: 'R-EAST', lat: 26.0745, lon: 119.2965, weight: 4, plate: '闽A' },
  { code: 'KHN', city: '南昌', cityEn: 'Nanchang', region: 'R-EAST', lat: 28.682, lon: 115.8579, weight: 3, plate: '赣A' },
  { code: 'CAN', city: '广州', cityEn: 'Guangzhou', region: 'R-SOUTH', lat: 23.1291, lon: 113.2644, weight: 10, plate: '粤A' },
  { code: 'SZX', city: '深圳', cityEn: 'Shenzhen', region: 'R-SOUTH', lat: 22.5431, lon: 114.0579, weight: 9, plate: '粤B' },
  { code: 'DGG', city: '东莞', cityEn: 'Dongguan', region: 'R-SOUTH', lat: 23.0207, lon: 113.7518, weight: 7, plate: '粤S' },
  { code: 'NNG', city: '南宁', cityEn: 'Nanning', region: 'R-SOUTH', lat: 22.817, lon: 108.3665, weight: 3, plate: '桂A' },
  { code: 'HAK', city: '海口', cityEn: 'Haikou', region: 'R-SOUTH', lat: 20.044, lon: 110.1999, weight: 2, plate: '琼A' },
  { code: 'WUH', city: '武汉', cityEn: 'Wuhan', region: 'R-CENTRAL', lat: 30.5928, lon: 114.3055, weight: 7, plate: '鄂A' },
  { code: 'CGO', city: '郑州', cityEn: 'Zhengzhou', region: 'R-CENTRAL', lat: 34.7466, lon: 113.6254, weight: 7, plate: '豫A' },
  { code: 'CSX', city: '长沙', cityEn: 'Changsha', region: 'R-CENTRAL', lat: 28.2282, lon: 112.9388, weight: 5, plate: '湘A' },
  { code: 'CTU', city: '成都', cityEn: 'Chengdu', region: 'R-SOUTHWEST', lat: 30.5728, lon: 104.0668, weight: 7, plate: '川A' },
  { code: 'CKG', city: '重庆', cityEn: 'Chongqing', region: 'R-SOUTHWEST', lat: 29.563, lon: 106.5516, weight: 6, plate: '渝A' },
  { code: 'KMG', city: '昆明', cityEn: 'Kunming', region: 'R-SOUTHWEST', lat: 25.0389, lon: 102.7183, weight: 4, plate: '云A' },
  { code: 'KWE', city: '贵阳', cityEn: 'Guiyang', region: 'R-SOUTHWEST', lat: 26.647, lon: 106.6302, weight: 3, plate: '贵A' },
  { code: 'XIY', city: '西安', cityEn: "Xi'an", region: 'R-NORTHWEST', lat: 34.3416, lon: 108.9398, weight: 6, plate: '陕A' },
  { code: 'LHW', city: '兰州', cityEn: 'Lanzhou', region: 'R-NORTHWEST', lat: 36.0611, lon: 103.8343, weight: 2, plate: '甘A' },
  { code: 'URC', city: '乌鲁木齐', cityEn: 'Urumqi', region: 'R-NORTHWEST', lat: 43.8256, lon: 87.6168, weight: 2, plate: '新A' },
  { code: 'INC', city: '银川', cityEn: 'Yinchuan', region: 'R-NORTHWEST', lat: 38.4872, lon: 106.2309, weight: 1, plate: '宁A' },
  { code: 'XNN', city: '西宁', cityEn: 'Xining', region: 'R-NORTHWEST', lat: 36.6171, lon: 101.7782, weight: 1, plate: '青A' },
  { code: 'SHE', city: '沈阳', cityEn: 'Shenyang', region: 'R-NORTHEAST', lat: 41.8057, lon: 123.4315, weight: 4, plate: '辽A' },
  { code: 'DLC', city: '大连', cityEn: 'Dalian', region: 'R-NORTHEAST', lat: 38.914, lon: 121.6147, weight: 3, plate: '辽B' },
  { code: 'CGQ', city: '长春', cityEn: 'Changchun', region: 'R-NORTHEAST', lat: 43.8171, lon: 125.3235, weight: 2, plate: '吉A' },
  { code: 'HRB', city: '哈尔滨', cityEn: 'Harbin', region: 'R-NORTHEAST', lat: 45.8038, lon: 126.535, weight: 3, plate: '黑A' },
];

/**
 * Line-haul lanes (both directions become routes). Chosen by hand along the expressway corridors rather than
 * by nearest neighbour, so no lane crosses open sea (Dalian only reaches Shenyang; Haikou goes by the
 * Qiongzhou ferry to Guangzhou).
 */
const LANES: [string, string][] = [
  // North
  ['BJS', 'TSN'], ['BJS', 'SJW'], ['BJS', 'HET'], ['BJS', 'SHE'], ['BJS', 'TNA'], ['BJS', 'CGO'], ['BJS', 'TYN'],
  ['BJS', 'SHA'], ['BJS', 'CAN'], ['BJS', 'WUH'], ['BJS', 'XIY'], ['BJS', 'HGH'],
  ['TSN', 'TNA'], ['TSN', 'SHE'], ['SJW', 'TYN'], ['SJW', 'CGO'], ['TYN', 'XIY'], ['TYN', 'HET'], ['HET', 'INC'],
  // East
  ['SHA', 'HGH'], ['SHA', 'NKG'], ['SHA', 'SZV'], ['SHA', 'NGB'], ['SHA', 'HFE'], ['SHA', 'YIW'], ['SHA', 'CAN'],
  ['SHA', 'SZX'], ['SHA', 'WUH'], ['SHA', 'CTU'], ['SHA', 'CGO'], ['SHA', 'XMN'], ['SHA', 'TNA'], ['SHA', 'XIY'],
  ['HGH', 'NKG'], ['HGH', 'NGB'], ['HGH', 'YIW'], ['HGH', 'HFE'], ['HGH', 'KHN'], ['HGH', 'FOC'], ['HGH', 'CAN'],
  ['HGH', 'SZX'], ['HGH', 'WUH'], ['HGH', 'SZV'], ['NKG', 'SZV'], ['NKG', 'HFE'], ['NKG', 'TNA'], ['NKG', 'CGO'],
  ['TNA', 'TAO'], ['TNA', 'CGO'], ['TAO', 'CGO'], ['FOC', 'XMN'], ['XMN', 'SZX'], ['XMN', 'CAN'], ['YIW', 'FOC'],
  ['YIW', 'CAN'], ['YIW', 'NGB'], ['KHN', 'WUH'], ['KHN', 'CSX'], ['HFE', 'WUH'], ['HFE', 'CGO'],
  // South
  ['CAN', 'SZX'], ['CAN', 'DGG'], ['SZX', 'DGG'], ['CAN', 'NNG'], ['CAN', 'HAK'], ['CAN', 'CSX'], ['CAN', 'WUH'],
  ['CAN', 'KWE'], ['CAN', 'KMG'], ['CAN', 'CTU'], ['SZX', 'CSX'], ['SZX', 'WUH'], ['DGG', 'XMN'], ['NNG', 'KMG'],
  ['NNG', 'KWE'],
  // Central
  ['WUH', 'CGO'], ['WUH', 'CSX'], ['WUH', 'CKG'], ['WUH', 'XIY'], ['CGO', 'XIY'], ['CSX', 'KWE'], ['CSX', 'CKG'],
  // Southwest
  ['CTU', 'CKG'], ['CTU', 'XIY'], ['CTU', 'KMG'], ['CTU', 'LHW'], ['CKG', 'KWE'], ['KWE', 'KMG'],
  // Northwest
  ['XIY', 'LHW'], ['LHW', 'XNN'], ['LHW', 'INC'], ['LHW', 'URC'], ['XIY', 'INC'],
  // Northeast
  ['SHE', 'DLC'], ['SHE', 'CGQ'], ['CGQ', 'HRB'], ['SHE', 'HRB'],
];

const STATION_AREAS: { zh: string; en: string }[] = [
  { zh: '城东', en: 'East' },
  { zh: '城西', en: 'West' },
  { zh: '城南', en: 'South' },
  { zh: '城北', en: 'North' },
  { zh: '高新', en: 'Hi-Tech Zone' },
  { zh: '开发区', en: 'Development Zone' },
  { zh: '新区', en: 'New District' },
  { zh: '大学城', en: 'University Town' },
  { zh: '工业园', en: 'Industrial Park' },
  { zh: '中心', en: 'Central' },
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文辉建华玉兰萍鹏宇浩凯鑫亮斌波宁婷雪琳晨阳飞志红海峰林华丹俊鸿家欣佳怡子豪思远梓涵一诺浩然雨轩';

// ---------------------------------------------------------------------------------------------------------
// Geometry.

const EARTH_KM = 6371.0088;
const rad = (d: number) => (d * M.PI) / 180;

export function haversineKm(a: readonly [number, number], b: readonly [number, number]): number {
  const dLat = rad(b[0] - a[0]);
  const dLon = rad(b[1] - a[1]);
  const h = M.sin(dLat / 2) ** 2 + M.cos(rad(a[0])) * M.cos(rad(b[0])) * M.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * M.asin(M.min(1, M.sqrt(h)));
}

export function polylineKm(path: readonly (readonly [number, number])[]): number {
  let km = 0;
  for (let i = 1; i < path.length; i++) km += haversineKm(path[i - 1], path[i]);
  return km;
}

/** A point `km` away from (lat, lon) on bearing `deg` (flat-earth is exact enough under 50 km). */
function offsetPoint(lat: number, lon: number, km: number, deg: number): [number, number] {
  const dLat = (km * M.cos(rad(deg))) / 110.574;
  const dLon = (km * M.sin(rad(deg))) / (111.32 * M.cos(rad(lat)));
  return [round5(lat + dLat), round5(lon + dLon)];
}

const round5 = (x: number) => M.round(x * 1e5) / 1e5;
const round1 = (x: number) => M.round(x * 10) / 10;

/**
 * A road-like polyline from a to b: the straight line bent by a sum of sine harmonics that vanish at both
 * ends (a few long bends plus many short wiggles), scaled by bisection until its length is `factor` times the
 * great-circle distance. The harmonics are drawn from `rng`, so the same lane always gets the same road.
 */
function roadPath(a: [number, number], b: [number, number], factor: number, rng: Rng): [number, number][] {
  const gc = haversineKm(a, b);
  const n = M.max(48, M.ceil(gc / 5));
  const lat0 = (a[0] + b[0]) / 2;
  const kx = 111.32 * M.cos(rad(lat0));
  const ky = 110.574;
  // Local flat frame in km, origin at a.
  const bx = (b[1] - a[1]) * kx;
  const by = (b[0] - a[0]) * ky;
  const len = M.hypot(bx, by);
  const ux = bx / len;
  const uy = by / len;
  const maxK = M.floor(n / 3);
  const harmonics: { k: number; amp: number }[] = [];
  for (let k = 1; k <= maxK; k++) {
    harmonics.push({ k, amp: (rng.next() * 2 - 1) / M.sqrt(k) });
  }
  const shape: number[] = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    let f = 0;
    for (const h of harmonics) f += h.amp * M.sin(h.k * M.PI * t);
    shape.push(f);
  }
  const build = (s: number): [number, number][] => {
    const pts: [number, number][] = [];
    for (let i = 0; i <= n; i++) {
      const t = i / n;
      const off = s * shape[i];
      // Perpendicular to the straight line: (-uy, ux).
      const x = t * bx - off * uy;
      const y = t * by + off * ux;
      pts.push([a[0] + y / ky, a[1] + x / kx]);
    }
    pts[0] = [a[0], a[1]];
    pts[n] = [b[0], b[1]];
    return pts;
  };
  // Length grows monotonically with the bend scale: bisect for the target factor.
  let lo = 0;
  let hi = len;
  while (polylineKm(build(hi)) / gc < factor) hi *= 2;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (polylineKm(build(mid)) / gc < factor) lo = mid;
    else hi = mid;
  }
  return build((lo + hi) / 2).map(([la, lo2]) => [round5(la), round5(lo2)]);
}

// ---------------------------------------------------------------------------------------------------------
// Helpers.

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function todayUtc8(): string {
  return new Date(Date.now() + UTC8_MS).toISOString().slice(0, 10);
}

/** Midnight of a service day (UTC+8), as epoch ms; throws on a malformed or impossible date. */
export function serviceDayStartMs(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new Error(`day must be YYYY-MM-DD, got "${day}"`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== day) throw new Error(`day "${day}" is not a calendar date`);
  return ms - UTC8_MS;
}

/** ISO time with the +08:00 offset the operators read. */
export function isoUtc8(ms: number): string {
  return `${new Date(ms + UTC8_MS).toISOString().slice(0, 19)}+08:00`;
}

function personName(rng: Rng): string {
  const sn = rng.pick([...SURNAMES]);
  const len = rng.next() < 0.6 ? 2 : 1;
  let g = '';
  for (let i = 0; i < len; i++) g += rng.pick([...GIVEN]);
  return sn + g;
}


const roadCache = new Map<number, Route[]>();

function roadsFor(seed: number, hubByCode: Map<string, HubDef>): Route[] {
  const hit = roadCache.get(seed);
  if (hit) return hit;
  const routes: Route[] = [];
  const routeRng = new Rng(seed, 'routes');
  for (const [x, y] of LANES) {
    const a = hubByCode.get(x);
    const b = hubByCode.get(y);
    if (!a || !b) throw new Error(`lane ${x}-${y} names an unknown hub`);
    const factor = routeRng.range(ROAD_FACTOR.min + 0.005, ROAD_FACTOR.max - 0.005);
    const path = roadPath([a.lat, a.lon], [b.lat, b.lon], factor, routeRng);
    const km = round1(polylineKm(path));
    routes.push({ id: `RT-${x}-${y}`, originSiteId: `HUB-${x}`, destSiteId: `HUB-${y}`, distanceKm: km, path });
    routes.push({ id: `RT-${y}-${x}`, originSiteId: `HUB-${y}`, destSiteId: `HUB-${x}`, distanceKm: km, path: [...path].reverse() });
  }
  if (roadCache.size > 16) roadCache.clear();
  roadCache.set(seed, routes);
  return routes;
}

// ---------------------------------------------------------------------------------------------------------
// The builder.

export function buildReferenceNetwork(opts: ReferenceNetworkOptions): Network {
  const { seed } = opts;
  const scale = opts.scale ?? 1;
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${String(seed)}`);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`scale must be a positive number, got ${String(scale)}`);
  const day = opts.day ?? todayUtc8();
  const dayStart = serviceDayStartMs(day);

  const regions: Region[] = REGIONS.map((r) => ({ ...r }));
  const sites: Site[] = [];
  const floors: Floor[] = [];
  const cameras: Camera[] = [];
  const teams: Team[] = [];
  const people: Person[] = [];

  const siteRng = new Rng(seed, 'sites');
  const peopleRng = new Rng(seed, 'people');

  // Region managers sit at the region's largest hub.
  const regionSeat = new Map<string, HubDef>();
  for (const h of HUBS) {
    const cur = regionSeat.get(h.region);
    if (!cur || h.weight > cur.weight) regionSeat.set(h.region, h);
  }
  for (const r of REGIONS) {
    const seat = regionSeat.get(r.id);
    people.push({
      id: `P-${r.id}-RM`,
      name: personName(peopleRng),
      role: 'region_manager',
      siteId: seat ? `HUB-${seat.code}` : null,
      floorId: null,
      teamId: null,
    });
  }
  // Customer-service agents at headquarters.
  for (let i = 1; i <= 12; i++) {
    people.push({ id: `P-HQ-${pad(i, 4)}`, name: personName(peopleRng), role: 'agent', siteId: null, floorId: null, teamId: null });
  }

  for (const h of HUBS) {
    const hubId = `HUB-${h.code}`;
    let personSeq = 0;
    const nextPersonId = () => `P-${h.code}-${pad(++personSeq, 4)}`;

    sites.push({
      id: hubId,
      kind: 'hub',
      name: `${h.city}转运中心`,
      nameEn: `${h.cityEn} Transfer Center`,
      regionId: h.region,
      parentId: null,
      city: h.city,
      lat: h.lat,
      lon: h.lon,
      radiusM: 800,
    });
    people.push({ id: nextPersonId(), name: personName(peopleRng), role: 'site_manager', siteId: hubId, floorId: null, teamId: null });

    // Sorting floors: bigger hubs run more lines.
    const floorCount = M.min(3, M.max(1, M.round(h.weight / 4 + siteRng.range(-0.3, 0.6))));
    for (let f = 1; f <= floorCount; f++) {
      const floorId = `FL-${h.code}-${f}`;
      const lineM = siteRng.int(60, 140);
      floors.push({
        id: floorId,
        siteId: hubId,
        name: `${h.city}转运中心 ${f}号分拣场`,
        dailyCapacity: M.round((h.weight * 45_000 + siteRng.int(0, 40_000)) / 1000) * 1000,
      });
      const camCount = M.floor(lineM / CAMERA_SPACING_M);
      for (let c = 1; c <= camCount; c++) {
        cameras.push({
          id: `CAM-${h.code}-${f}-${pad(c, 2)}`,
          floorId,
          name: `${f}号线 ${c}号机位`,
          positionM: round1((c - 0.5) * CAMERA_SPACING_M + siteRng.range(-0.3, 0.3)),
        });
      }
      const teamCount = siteRng.int(2, 4);
      for (let t = 1; t <= teamCount; t++) {
        const teamId = `TM-${h.code}-${f}-${t}`;
        const leaderId = nextPersonId();
        teams.push({ id: teamId, name: `${f}号分拣场 ${'甲乙丙丁'[t - 1]}班`, siteId: hubId, floorId, leaderId });
        people.push({ id: leaderId, name: personName(peopleRng), role: 'team_leader', siteId: hubId, floorId, teamId });
        const sorters = siteRng.int(8, 15);
        for (let s = 0; s < sorters; s++) {
          people.push({ id: nextPersonId(), name: personName(peopleRng), role: 'sorter', siteId: hubId, floorId, teamId });
        }
      }
    }

    // Stations (网点), each with a nearby smart locker and a 驿站; all hang from the hub.
    const stationCount = M.min(STATION_AREAS.length, 3 + M.round(h.weight / 2));
    const areas = [...STATION_AREAS];
    for (let s = 1; s <= stationCount; s++) {
      const area = areas.splice(M.floor(siteRng.next() * areas.length), 1)[0];
      const stId = `ST-${h.code}-${pad(s, 2)}`;
      const [lat, lon] = offsetPoint(h.lat, h.lon, siteRng.range(4, 22), siteRng.range(0, 360));
      sites.push({
        id: stId,
        kind: 'station',
        name: `${h.city}${area.zh}网点`,
        nameEn: `${h.cityEn} ${area.en} Station`,
        regionId: h.region,
        parentId: hubId,
        city: h.city,
        lat,
        lon,
        radiusM: 150,
      });
      const [lkLat, lkLon] = offsetPoint(lat, lon, siteRng.range(0.5, 3), siteRng.range(0, 360));
      sites.push({
        id: `LK-${h.code}-${pad(s, 2)}`,
        kind: 'locker',
        name: `${h.city}${area.zh}智能快件箱`,
        nameEn: `${h.cityEn} ${area.en} Parcel Locker`,
        regionId: h.region,
        parentId: hubId,
        city: h.city,
        lat: lkLat,
        lon: lkLon,
        radiusM: 30,
      });
      const [poLat, poLon] = offsetPoint(lat, lon, siteRng.range(0.5, 3), siteRng.range(0, 360));
      sites.push({
        id: `PO-${h.code}-${pad(s, 2)}`,
        kind: 'post',
        name: `${h.city}${area.zh}快递驿站`,
        nameEn: `${h.cityEn} ${area.en} Parcel Post`,
        regionId: h.region,
        parentId: hubId,
        city: h.city,
        lat: poLat,
        lon: poLon,
        radiusM: 50,
      });

      people.push({ id: nextPersonId(), name: personName(peopleRng), role: 'site_manager', siteId: stId, floorId: null, teamId: null });
      const teamId = `TM-${h.code}-ST${pad(s, 2)}`;
      const leaderId = nextPersonId();
      teams.push({ id: teamId, name: `${h.city}${area.zh}网点 收派组`, siteId: stId, floorId: null, leaderId });
      people.push({ id: leaderId, name: personName(peopleRng), role: 'team_leader', siteId: stId, floorId: null, teamId });
      const couriers = siteRng.int(6, 12);
      for (let c = 0; c < couriers; c++) {
        people.push({ id: nextPersonId(), name: personName(peopleRng), role: 'courier', siteId: stId, floorId: null, teamId });
      }
    }
  }

  // Routes: both directions of every lane share one road. The roads depend on the seed only: build them once.
  const hubByCode = new Map(HUBS.map((h) => [h.code, h]));
  const routes = roadsFor(seed, hubByCode).map((r) => ({ ...r, path: r.path.map((p) => [p[0], p[1]] as [number, number]) }));
  const routeById = new Map(routes.map((r) => [r.id, r]));
  const reverseOf = (r: Route) => {
    const rev = routeById.get(`RT-${r.destSiteId.slice(4)}-${r.originSiteId.slice(4)}`);
    if (!rev) throw new Error(`route ${r.id} has no reverse`);
    return rev;
  };
  const weightOfSite = (siteId: string) => hubByCode.get(siteId.slice(4))?.weight ?? 1;

  // Fleet: every route gets a truck first (busiest lanes first), then trucks go where volume is.
  const fleetRng = new Rng(seed, 'fleet');
  const vehicleCount = M.max(1, M.round(VEHICLES_PER_SCALE * scale));
  const routeWeight = (r: Route) => (weightOfSite(r.originSiteId) * weightOfSite(r.destSiteId)) / M.sqrt(r.distanceKm);
  const byBusiest = [...routes].sort((p, q) => routeWeight(q) - routeWeight(p) || p.id.localeCompare(q.id));
  const vehicles: Vehicle[] = [];
  const vehicleRoute: Route[] = [];
  const platesUsed = new Map<string, number>();
  for (let i = 0; i < vehicleCount; i++) {
    const route = i < byBusiest.length ? byBusiest[i] : fleetRng.weighted(routes, routeWeight);
    const home = hubByCode.get(route.originSiteId.slice(4));
    if (!home) throw new Error(`route ${route.id} starts at an unknown hub`);
    const c = fleetRng.next();
    const coldProfile = c < 0.06 ? 'chilled' : c < 0.1 ? 'frozen' : c < 0.12 ? 'pharma' : 'none';
    // Plate digits: a per-city counter scrambled by a multiplier coprime with 10^5, hence unique per city.
    const n = platesUsed.get(home.plate) ?? 0;
    platesUsed.set(home.plate, n + 1);
    const digits = pad((n * 7919 + hashString(`${seed}:${home.plate}`)) % 100_000, 5);
    const hasTerminal = fleetRng.next() < 0.7;
    const terminalPhone = hasTerminal ? `01${fleetRng.int(3, 9)}${pad(fleetRng.int(0, 999_999_999), 9)}` : null;
    vehicles.push({
      id: `VEH-${pad(i + 1, 4)}`,
      plate: `${home.plate}${digits}`,
      homeSiteId: route.originSiteId,
      regionId: home.region,
      coldProfile,
      terminalPhone,
    });
    vehicleRoute.push(route);
  }

  // Trips of the service day. Each truck runs a fixed rotation on its lane, the same every cycle, so the days
  // join up (a truck never leaves before its previous trip has arrived, across midnight too):
  // - a round trip that fits in a day is repeated as often as it fits, from the same hour every day;
  // - a longer one takes a cycle of whole days, and trucks on the same lane start on different days.
  // Most line-haul leaves after the evening sort, some after the morning one.
  const drafts: { routeId: string; vehicleId: string; dep: number; arr: number }[] = [];
  const dayEnd = dayStart + DAY_MS;
  const dayNo = M.round((dayStart + UTC8_MS) / DAY_MS);
  vehicles.forEach((v, i) => {
    const out = vehicleRoute[i];
    const back = reverseOf(out);
    const c = new Rng(seed, `rotation:${v.id}`);
    const wave = c.next();
    const depMin = M.round((wave < 0.6 ? c.range(18, 23.75) : wave < 0.85 ? c.range(6, 11) : c.range(0, 24)) * 60);
    const outMin = M.round((out.distanceKm / c.range(TRUCK_SPEED_KMH.min, TRUCK_SPEED_KMH.max)) * 60);
    const backMin = M.round((back.distanceKm / c.range(TRUCK_SPEED_KMH.min, TRUCK_SPEED_KMH.max)) * 60);
    // Unload, load and rest at each end.
    const farTurn = M.round(c.range(60, 180));
    const homeTurn = M.round(c.range(60, 180));
    const roundMin = outMin + farTurn + backMin + homeTurn;
    const cycleDays = M.max(1, M.ceil(roundMin / 1440));
    const perCycle = cycleDays === 1 ? M.floor(1440 / roundMin) : 1;
    const phase = c.int(0, cycleDays - 1);
    // Cycles that started up to `cycleDays + 1` days ago can still have a leg departing today.
    for (let d = dayNo - cycleDays - 1; d <= dayNo; d++) {
      if ((((d - phase) % cycleDays) + cycleDays) % cycleDays !== 0) continue;
      const cycleStart = d * DAY_MS - UTC8_MS + depMin * 60_000;
      for (let j = 0; j < perCycle; j++) {
        const t0 = cycleStart + j * roundMin * 60_000;
        const legs = [
          { route: out, dep: t0, min: outMin },
          { route: back, dep: t0 + (outMin + farTurn) * 60_000, min: backMin },
        ];
        for (const leg of legs) {
          if (leg.dep >= dayStart && leg.dep < dayEnd) drafts.push({ routeId: leg.route.id, vehicleId: v.id, dep: leg.dep, arr: leg.dep + leg.min * 60_000 });
        }
      }
    }
  });
  drafts.sort((p, q) => p.dep - q.dep || p.vehicleId.localeCompare(q.vehicleId));
  const tripWidth = M.max(4, String(drafts.length).length);
  const trips: Trip[] = drafts.map((d, i) => ({
    id: `TRIP-${day}-${pad(i + 1, tripWidth)}`,
    routeId: d.routeId,
    vehicleId: d.vehicleId,
    scheduledDeparture: isoUtc8(d.dep),
    scheduledArrival: isoUtc8(d.arr),
  }));

  return { regions, sites, floors, cameras, vehicles, routes, trips, teams, people };
}
