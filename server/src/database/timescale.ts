/**
 * Time-partitioned storage. With the `timescaledb` extension the event tables become hypertables with
 * compression and retention policies; on plain PostgreSQL they are natively range-partitioned by day, with a
 * default partition so that no row is ever refused, and BRIN indexes on time.
 */
export const TIME_TABLES = ['vehicle_positions', 'events'] as const;
export type TimeTable = (typeof TIME_TABLES)[number];

export const RETENTION_DAYS: Record<TimeTable, number> = { vehicle_positions: 30, events: 400 };
export const COMPRESS_AFTER_DAYS: Record<TimeTable, number> = { vehicle_positions: 2, events: 7 };

const SEGMENT_BY: Record<TimeTable, string> = { vehicle_positions: 'vehicle_id', events: 'type' };

/** Statements that turn the (unpartitioned) tables into hypertables with their policies. */
export function timescaleStatements(): string[] {
  const out: string[] = [];
  for (const t of TIME_TABLES) {
    out.push(
      `SELECT create_hypertable('${t}', by_range('at', INTERVAL '1 day'), if_not_exists => TRUE)`,
      `ALTER TABLE ${t} SET (timescaledb.compress, timescaledb.compress_segmentby = '${SEGMENT_BY[t]}', timescaledb.compress_orderby = 'at DESC')`,
      `SELECT add_compression_policy('${t}', INTERVAL '${COMPRESS_AFTER_DAYS[t]} days', if_not_exists => TRUE)`,
      `SELECT add_retention_policy('${t}', INTERVAL '${RETENTION_DAYS[t]} days', if_not_exists => TRUE)`,
    );
  }
  return out;
}

/** The per-day partition name for a table on plain PostgreSQL. */
export function partitionName(table: TimeTable, day: Date): string {
  return `${table}_p${day.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** DDL for the daily partitions covering [from, to) on plain PostgreSQL; idempotent. */
export function partitionStatements(table: TimeTable, from: Date, days: number): string[] {
  const out: string[] = [];
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  for (let i = 0; i < days; i++) {
    const lo = new Date(start + i * 86_400_000);
    const hi = new Date(start + (i + 1) * 86_400_000);
    out.push(
      `CREATE TABLE IF NOT EXISTS ${partitionName(table, lo)} PARTITION OF ${table} ` +
        `FOR VALUES FROM ('${lo.toISOString()}') TO ('${hi.toISOString()}')`,
    );
  }
  return out;
}
