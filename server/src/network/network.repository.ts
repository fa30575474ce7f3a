import { Injectable } from '@nestjs/common';
import type { Network } from '@kanjian/shared';
import type { DataSource, EntityManager } from 'typeorm';

type Col = [name: string, sqlType: string, jsKey: string];

/** Table ↔ Network field, column by column; the loader and the reader both follow it. */
const TABLES: { table: string; key: keyof Network; cols: Col[] }[] = [
  { table: 'regions', key: 'regions', cols: [['id', 'text', 'id'], ['name', 'text', 'name'], ['name_en', 'text', 'nameEn']] },
  {
    table: 'sites',
    key: 'sites',
    cols: [
      ['id', 'text', 'id'], ['kind', 'text', 'kind'], ['name', 'text', 'name'], ['name_en', 'text', 'nameEn'],
      ['region_id', 'text', 'regionId'], ['parent_id', 'text', 'parentId'], ['city', 'text', 'city'],
      ['lat', 'float8', 'lat'], ['lon', 'float8', 'lon'], ['radius_m', 'float8', 'radiusM'],
    ],
  },
  { table: 'floors', key: 'floors', cols: [['id', 'text', 'id'], ['site_id', 'text', 'siteId'], ['name', 'text', 'name'], ['daily_capacity', 'int', 'dailyCapacity']] },
  { table: 'cameras', key: 'cameras', cols: [['id', 'text', 'id'], ['floor_id', 'text', 'floorId'], ['name', 'text', 'name'], ['position_m', 'float8', 'positionM']] },
  {
    table: 'vehicles',
    key: 'vehicles',
    cols: [
      ['id', 'text', 'id'], ['plate', 'text', 'plate'], ['home_site_id', 'text', 'homeSiteId'], ['region_id', 'text', 'regionId'],
      ['cold_profile', 'text', 'coldProfile'], ['terminal_phone', 'text', 'terminalPhone'],
    ],
  },
  {
    table: 'routes',
    key: 'routes',
    cols: [['id', 'text', 'id'], ['origin_site_id', 'text', 'originSiteId'], ['dest_site_id', 'text', 'destSiteId'], ['distance_km', 'float8', 'distanceKm'], ['path', 'jsonb', 'path']],
  },
  {
    table: 'trips',
    key: 'trips',
    cols: [
      ['id', 'text', 'id'], ['route_id', 'text', 'routeId'], ['vehicle_id', 'text', 'vehicleId'],
      ['scheduled_departure', 'timestamptz', 'scheduledDeparture'], ['scheduled_arrival', 'timestamptz', 'scheduledArrival'],
    ],
  },
  { table: 'teams', key: 'teams', cols: [['id', 'text', 'id'], ['name', 'text', 'name'], ['site_id', 'text', 'siteId'], ['floor_id', 'text', 'floorId'], ['leader_id', 'text', 'leaderId']] },
  {
    table: 'people',
    key: 'people',
    cols: [['id', 'text', 'id'], ['name', 'text', 'name'], ['role', 'text', 'role'], ['site_id', 'text', 'siteId'], ['floor_id', 'text', 'floorId'], ['team_id', 'text', 'teamId']],
  },
];

const CHUNK = 5000;

@Injectable()
export class NetworkRepository {
  /** Upserts a whole network in one transaction (a re-seed updates in place; nothing is duplicated). */
  static async load(ds: DataSource, net: Network): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    await ds.transaction(async (m) => {
      for (const t of TABLES) {
        const rows = net[t.key] as unknown as Record<string, unknown>[];
        counts[t.table] = rows.length;
        for (let i = 0; i < rows.length; i += CHUNK) await upsert(m, t.table, t.cols, rows.slice(i, i + CHUNK));
      }
    });
    return counts;
  }

  /** Upserts trips only (their routes and vehicles must be loaded): rolling the schedule forward a day. */
  static async loadTrips(ds: DataSource, trips: Network['trips']): Promise<void> {
    const t = TABLES.find((x) => x.key === 'trips')!;
    const rows = trips as unknown as Record<string, unknown>[];
    await ds.transaction(async (m) => {
      for (let i = 0; i < rows.length; i += CHUNK) await upsert(m, t.table, t.cols, rows.slice(i, i + CHUNK));
    });
  }

  /** The service days (YYYY-MM-DD, UTC+8) in [fromDay, toDay) that have trips departing. */
  static async tripDays(ds: DataSource | EntityManager, fromDay: string, toDay: string): Promise<Set<string>> {
    const rows: { day: string }[] = await ds.query(
      `SELECT DISTINCT to_char(scheduled_departure AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day FROM trips
        WHERE scheduled_departure >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND scheduled_departure < ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai')`,
      [fromDay, toDay],
    );
    return new Set(rows.map((r) => r.day));
  }

  /** The whole network; with `tripsFrom`, only the trips departing at or after it. */
  static async read(ds: DataSource | EntityManager, opts: { tripsFrom?: Date } = {}): Promise<Network> {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLES) {
      const select = t.cols
        .map(([c, type, k]) => (type === 'timestamptz' ? `to_json(${c}) #>> '{}' AS "${k}"` : `${c} AS "${k}"`))
        .join(', ');
      const since = t.key === 'trips' && opts.tripsFrom ? [opts.tripsFrom] : [];
      out[t.key] = await ds.query(`SELECT ${select} FROM ${t.table} ${since.length ? 'WHERE scheduled_departure >= $1' : ''} ORDER BY id`, since);
    }
    return out as unknown as Network;
  }
}

async function upsert(m: EntityManager, table: string, cols: Col[], rows: Record<string, unknown>[]) {
  const names = cols.map((c) => c[0]);
  const recordset = cols.map(([c, type]) => `${c} ${type}`).join(', ');
  const update = names.filter((n) => n !== 'id').map((n) => `${n} = EXCLUDED.${n}`).join(', ');
  const json = rows.map((r) => Object.fromEntries(cols.map(([c, , k]) => [c, r[k] ?? null])));
  await m.query(
    `INSERT INTO ${table} (${names.join(', ')}) SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${recordset})
     ON CONFLICT (id) DO UPDATE SET ${update}`,
    [JSON.stringify(json)],
  );
}
