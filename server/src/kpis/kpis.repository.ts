import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type LeafKind = 'floor' | 'site' | 'route' | 'team' | 'person';
export interface RollupSum {
  key: string;
  bucket: Date | null;
  num: number;
  den: number;
}

/** Violations that count against compliance: not warnings, not dismissed on appeal, not withdrawn by late data. */
const COUNTED = `v.severity IN ('violation','critical') AND v.status NOT IN ('dismissed','void')`;

/**
 * The rollup statements of each leaf unit: every one yields (key, hour, num, den) for the unit and day given as
 * $1 (unit id), $2 (from), $3 (to). Everything is recomputed from the stored facts, so a late fact, a retried
 * refresh or a dismissed appeal all converge on the same numbers.
 */
const ROLLUPS: Record<LeafKind, string[]> = {
  floor: [
    `SELECT 'parcels', date_trunc('hour', e.at), sum((e.payload->>'parcels')::float8), 0::float8 FROM events e
      WHERE e.subject_id = $1 AND e.type = 'sorting.scan' AND e.at >= $2 AND e.at < $3 GROUP BY 2`,
    `SELECT 'violations', date_trunc('hour', v.at), count(*)::float8, 0::float8 FROM violations v
      WHERE v.floor_id = $1 AND ${COUNTED} AND v.at >= $2 AND v.at < $3 GROUP BY 2`,
    `SELECT 'exception_handling', date_trunc('hour', d.at), sum(extract(epoch FROM r.at - d.at) / 3600), count(*)::float8
       FROM events d CROSS JOIN LATERAL (
         SELECT min(x.at) AS at FROM events x WHERE x.waybill_no = d.waybill_no AND x.type = 'sorting.exception'
            AND x.payload->>'status' = 'registered' AND x.at >= d.at) r
      WHERE d.subject_id = $1 AND d.type = 'sorting.exception' AND d.payload->>'status' = 'detected' AND d.at >= $2 AND d.at < $3
        AND r.at IS NOT NULL GROUP BY 2`,
  ],
  site: [
    `SELECT k, date_trunc('hour', e.at), sum(n), 0::float8 FROM events e
       CROSS JOIN LATERAL (VALUES ('parcels', 1::float8), (CASE WHEN e.type = 'pickup.completed' THEN 'pickups' ELSE 'deliveries' END, 1::float8)) AS x(k, n)
      WHERE e.subject_id = $1 AND e.type IN ('pickup.completed','delivery.signed') AND e.at >= $2 AND e.at < $3 GROUP BY 1, 2`,
    `SELECT 'insurance', date_trunc('hour', e.at), count(*) FILTER (WHERE (e.payload->>'insuranceOffered')::boolean)::float8, count(*)::float8 FROM events e
      WHERE e.subject_id = $1 AND e.type = 'pickup.completed' AND e.at >= $2 AND e.at < $3 GROUP BY 2`,
    `SELECT 'violations', date_trunc('hour', v.at), count(*)::float8, 0::float8 FROM violations v
      WHERE v.site_id = $1 AND v.floor_id IS NULL AND ${COUNTED} AND v.at >= $2 AND v.at < $3 GROUP BY 2`,
    `SELECT 'complaints', date_trunc('hour', c.opened_at), count(*)::float8, 0::float8 FROM complaints c
      WHERE c.site_id = $1 AND c.opened_at >= $2 AND c.opened_at < $3 GROUP BY 2`,
    `SELECT 'first_response', date_trunc('hour', c.opened_at), sum(extract(epoch FROM c.first_response_at - c.opened_at) / 60), count(*)::float8 FROM complaints c
      WHERE c.site_id = $1 AND c.first_response_at IS NOT NULL AND c.opened_at >= $2 AND c.opened_at < $3 GROUP BY 2`,
    `SELECT 'resolution', date_trunc('hour', c.opened_at), sum(extract(epoch FROM c.resolved_at - c.opened_at) / 3600), count(*)::float8 FROM complaints c
      WHERE c.site_id = $1 AND c.resolved_at IS NOT NULL AND c.opened_at >= $2 AND c.opened_at < $3 GROUP BY 2`,
    `SELECT 'csat', date_trunc('hour', e.at), count(*) FILTER (WHERE (e.payload->>'score')::int >= 4)::float8, count(*)::float8 FROM events e
      WHERE e.subject_id = $1 AND e.type = 'rating.submitted' AND e.at >= $2 AND e.at < $3 GROUP BY 2`,
    `SELECT 'coverage', date_trunc('hour', s.at),
            count(*) FILTER (WHERE
              EXISTS (SELECT 1 FROM events p WHERE p.waybill_no = s.waybill_no AND p.type = 'pickup.completed')
              AND EXISTS (SELECT 1 FROM events t WHERE t.waybill_no = s.waybill_no AND t.type = 'waybill.tracking' AND (t.payload->>'status')::int IN (0, 1001, 1002))
              AND EXISTS (SELECT 1 FROM events o JOIN sites hs ON hs.id = o.site_id WHERE o.waybill_no = s.waybill_no
                            AND ((o.type = 'waybill.tracking' AND hs.kind = 'hub') OR o.type = 'sorting.exception')))::float8,
            count(*)::float8
       FROM events s WHERE s.subject_id = $1 AND s.type = 'delivery.signed' AND s.at >= $2 AND s.at < $3 GROUP BY 2`,
    `SELECT 'departures', date_trunc('hour', t.scheduled_departure),
            count(*) FILTER (WHERE p.departed_at IS NOT NULL AND p.departed_at <= t.scheduled_departure + make_interval(secs => $4::float8 * 60))::float8,
            count(*) FILTER (WHERE p.departed_at IS NOT NULL OR t.scheduled_departure + make_interval(secs => $4::float8 * 60) < now())::float8
       FROM trips t JOIN routes r ON r.id = t.route_id LEFT JOIN trip_progress p ON p.trip_id = t.id
      WHERE r.origin_site_id = $1 AND t.scheduled_departure >= $2 AND t.scheduled_departure < $3 GROUP BY 2`,
    `SELECT 'excursion_min', date_trunc('hour', v.at), sum(v.measure), 0::float8 FROM violations v
      WHERE v.site_id = $1 AND v.rule_id = 'T5' AND v.status NOT IN ('dismissed','void') AND v.at >= $2 AND v.at < $3 GROUP BY 2`,
    `SELECT 'incident_latency', date_trunc('hour', a.event_at), sum(greatest(0, extract(epoch FROM a.notified_at - a.event_at))), count(*)::float8 FROM alerts a
      WHERE a.site_id = $1 AND a.rule_id = 'T4' AND a.notified_at IS NOT NULL AND a.event_at >= $2 AND a.event_at < $3 GROUP BY 2`,
  ],
  route: [
    `SELECT 'departures', date_trunc('hour', t.scheduled_departure),
            count(*) FILTER (WHERE p.departed_at IS NOT NULL AND p.departed_at <= t.scheduled_departure + make_interval(secs => $4::float8 * 60))::float8,
            count(*) FILTER (WHERE p.departed_at IS NOT NULL OR t.scheduled_departure + make_interval(secs => $4::float8 * 60) < now())::float8
       FROM trips t LEFT JOIN trip_progress p ON p.trip_id = t.id
      WHERE t.route_id = $1 AND t.scheduled_departure >= $2 AND t.scheduled_departure < $3 GROUP BY 2`,
  ],
  team: [
    `SELECT 'parcels', date_trunc('hour', e.at), sum(CASE WHEN e.type = 'sorting.scan' THEN (e.payload->>'parcels')::float8 ELSE 1 END), 0::float8
       FROM teams tm JOIN people pp ON pp.team_id = tm.id
       JOIN events e ON e.subject_id = coalesce(tm.floor_id, tm.site_id)
        AND ((e.type = 'sorting.scan' AND e.payload->>'sorterId' = pp.id)
          OR (e.type IN ('pickup.completed','delivery.signed') AND e.payload->>'courierId' = pp.id))
      WHERE tm.id = $1 AND e.at >= $2 AND e.at < $3 GROUP BY 2`,
    `SELECT 'violations', date_trunc('hour', v.at), count(*)::float8, 0::float8 FROM violations v
      WHERE v.team_id = $1 AND ${COUNTED} AND v.at >= $2 AND v.at < $3 GROUP BY 2`,
  ],
  person: [
    `SELECT 'parcels', date_trunc('hour', e.at), sum(CASE WHEN e.type = 'sorting.scan' THEN (e.payload->>'parcels')::float8 ELSE 1 END), 0::float8
       FROM people pp JOIN events e ON e.subject_id = coalesce(pp.floor_id, pp.site_id)
        AND ((e.type = 'sorting.scan' AND e.payload->>'sorterId' = pp.id)
          OR (e.type IN ('pickup.completed','delivery.signed') AND e.payload->>'courierId' = pp.id))
      WHERE pp.id = $1 AND e.at >= $2 AND e.at < $3 GROUP BY 2`,
    `SELECT 'violations', date_trunc('hour', v.at), count(*)::float8, 0::float8 FROM violations v
      WHERE v.person_id = $1 AND ${COUNTED} AND v.at >= $2 AND v.at < $3 GROUP BY 2`,
    `SELECT 'csat', date_trunc('hour', e.at), count(*) FILTER (WHERE (e.payload->>'score')::int >= 4)::float8, count(*)::float8
       FROM people pp JOIN events e ON e.subject_id = pp.site_id AND e.type = 'rating.submitted' AND e.payload->>'courierId' = pp.id
      WHERE pp.id = $1 AND e.at >= $2 AND e.at < $3 GROUP BY 2`,
  ],
};

/** Which rollup statements take the departure lateness threshold as $4. */
const USES_LATE = (sql: string) => sql.includes('$4');

@Injectable()
export class KpisRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Recomputes one unit's hourly rollup rows for [from, to). The advisory lock orders concurrent refreshes of
   * the same unit-day (several hub instances): the later one reads everything the earlier one saw.
   */
  async refresh(kind: LeafKind, id: string, from: Date, to: Date, lateMinutes: number) {
    await this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`kpi:${kind}:${id}:${from.toISOString()}`]);
      await m.query(`DELETE FROM kpi_rollup WHERE unit_kind = $1 AND unit_id = $2 AND hour >= $3 AND hour < $4`, [kind, id, from, to]);
      for (const sql of ROLLUPS[kind]) {
        const params: unknown[] = [id, from, to];
        if (USES_LATE(sql)) params.push(lateMinutes);
        await m.query(
          `INSERT INTO kpi_rollup (unit_kind, unit_id, key, hour, num, den)
           SELECT '${kind}', $1, k, h, coalesce(n, 0), coalesce(d, 0) FROM (${sql}) AS r(k, h, n, d)
           ON CONFLICT (unit_kind, unit_id, key, hour) DO UPDATE SET num = kpi_rollup.num + EXCLUDED.num, den = kpi_rollup.den + EXCLUDED.den`,
          params,
        );
      }
    });
  }

  /** SQL selecting the leaf rows that make up a unit (`hq`, `region:R`, `site:S`, `floor:F`, `route:R`, `team:T`, `person:P`). */
  unitCondition(unit: string, params: unknown[]): string {
    if (unit === 'hq') return `r.unit_kind IN ('floor','site')`;
    const i = unit.indexOf(':');
    const kind = unit.slice(0, i);
    params.push(unit.slice(i + 1));
    const p = `$${params.length}`;
    switch (kind) {
      case 'region':
        return `((r.unit_kind = 'site' AND r.unit_id IN (SELECT id FROM sites WHERE region_id = ${p}))
              OR (r.unit_kind = 'floor' AND r.unit_id IN (SELECT f.id FROM floors f JOIN sites s ON s.id = f.site_id WHERE s.region_id = ${p})))`;
      case 'site':
        return `((r.unit_kind = 'site' AND r.unit_id = ${p}) OR (r.unit_kind = 'floor' AND r.unit_id IN (SELECT id FROM floors WHERE site_id = ${p})))`;
      default:
        params.push(kind);
        return `(r.unit_kind = $${params.length} AND r.unit_id = ${p})`;
    }
  }

  async sums(unit: string, from: Date, to: Date, bucket: 'hour' | 'day' | null): Promise<RollupSum[]> {
    const params: unknown[] = [from, to];
    const cond = this.unitCondition(unit, params);
    const b = bucket === 'hour' ? `r.hour` : bucket === 'day' ? `(date_trunc('day', r.hour AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai')` : 'NULL::timestamptz';
    const rows = await this.ds.query(
      `SELECT r.key, ${b} AS bucket, sum(r.num)::float8 AS num, sum(r.den)::float8 AS den FROM kpi_rollup r
        WHERE r.hour >= $1 AND r.hour < $2 AND ${cond} GROUP BY 1, 2`,
      params,
    );
    return rows.map((r: Record<string, unknown>) => ({ key: r.key as string, bucket: r.bucket ? new Date(r.bucket as string) : null, num: Number(r.num), den: Number(r.den) }));
  }

  /** Per leaf unit of one kind: parcels and counted violations in a window (the leaderboard's input). */
  async perUnit(kind: 'floor' | 'site' | 'team', from: Date, to: Date): Promise<{ unitId: string; parcels: number; violations: number }[]> {
    const rows = await this.ds.query(
      `SELECT r.unit_id, sum(r.num) FILTER (WHERE r.key = 'parcels')::float8 AS parcels, sum(r.num) FILTER (WHERE r.key = 'violations')::float8 AS violations
         FROM kpi_rollup r WHERE r.unit_kind = $1 AND r.hour >= $2 AND r.hour < $3 AND r.key IN ('parcels','violations') GROUP BY 1`,
      [kind, from, to],
    );
    return rows.map((r: Record<string, unknown>) => ({ unitId: r.unit_id as string, parcels: Number(r.parcels ?? 0), violations: Number(r.violations ?? 0) }));
  }

  targets(): Promise<{ key: string; target: number | null; baseline: number | null }[]> {
    return this.ds.query(`SELECT key, target, baseline FROM kpi_targets`);
  }

  async setTarget(key: string, target: number | null | undefined, baseline: number | null | undefined, note: string | undefined) {
    await this.ds.query(
      `INSERT INTO kpi_targets (key, target, baseline, note) VALUES ($1, $2, $3, coalesce($4, ''))
       ON CONFLICT (key) DO UPDATE SET target = CASE WHEN $5 THEN EXCLUDED.target ELSE kpi_targets.target END,
         baseline = CASE WHEN $6 THEN EXCLUDED.baseline ELSE kpi_targets.baseline END, note = coalesce($4, kpi_targets.note), updated_at = now()`,
      [key, target ?? null, baseline ?? null, note ?? null, target !== undefined, baseline !== undefined],
    );
  }

  /** Cameras per unit: the denominator of the camera online rate. */
  async cameras(unit: string): Promise<string[]> {
    if (unit === 'hq') return (await this.ds.query(`SELECT id FROM cameras`)).map((r: { id: string }) => r.id);
    const i = unit.indexOf(':');
    const kind = unit.slice(0, i);
    const id = unit.slice(i + 1);
    const sql =
      kind === 'floor'
        ? `SELECT id FROM cameras WHERE floor_id = $1`
        : kind === 'site'
          ? `SELECT c.id FROM cameras c JOIN floors f ON f.id = c.floor_id WHERE f.site_id = $1`
          : kind === 'region'
            ? `SELECT c.id FROM cameras c JOIN floors f ON f.id = c.floor_id JOIN sites s ON s.id = f.site_id WHERE s.region_id = $1`
            : null;
    if (!sql) return [];
    return (await this.ds.query(sql, [id])).map((r: { id: string }) => r.id);
  }

  /** Sites that scheduled departures in a window: their on-time rate moves as the clock passes the deadlines. */
  async sitesWithTrips(from: Date, to: Date): Promise<string[]> {
    const rows = await this.ds.query(
      `SELECT DISTINCT r.origin_site_id AS id FROM trips t JOIN routes r ON r.id = t.route_id WHERE t.scheduled_departure >= $1 AND t.scheduled_departure < $2`,
      [from, to],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  names(kind: 'floor' | 'site' | 'team'): Promise<{ id: string; name: string; site_id: string | null; region_id: string | null; kind?: string }[]> {
    if (kind === 'floor') return this.ds.query(`SELECT f.id, f.name, f.site_id, s.region_id FROM floors f JOIN sites s ON s.id = f.site_id`);
    if (kind === 'team') return this.ds.query(`SELECT t.id, t.name, t.site_id, s.region_id FROM teams t JOIN sites s ON s.id = t.site_id`);
    return this.ds.query(`SELECT s.id, s.name, s.id AS site_id, s.region_id, s.kind FROM sites s`);
  }
}
