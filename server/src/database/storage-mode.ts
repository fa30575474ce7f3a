import type { DataSource } from 'typeorm';
import { partitionStatements, TIME_TABLES } from './timescale';

export type StorageMode = 'timescale' | 'partitioned';

/** Which time-partitioning the database runs: decided by whether the `timescaledb` extension is installed. */
export async function detectStorageMode(ds: DataSource): Promise<StorageMode> {
  const rows: unknown[] = await ds.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
  return rows.length > 0 ? 'timescale' : 'partitioned';
}

/**
 * On plain PostgreSQL, keeps daily partitions ahead of the clock (rows outside them fall in the default
 * partition, so nothing is refused). Timescale creates its chunks itself.
 */
export async function ensurePartitions(ds: DataSource, now = new Date(), aheadDays = 7): Promise<number> {
  let made = 0;
  for (const t of TIME_TABLES) {
    for (const s of partitionStatements(t, now, aheadDays + 1)) {
      try {
        await ds.query(s);
        made++;
      } catch (e) {
        // A day whose rows already sit in the default partition cannot be split off online; they stay there.
        if (!/default partition/.test((e as Error).message)) throw e;
      }
    }
  }
  return made;
}
