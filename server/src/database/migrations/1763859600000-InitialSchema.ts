import type { MigrationInterface, QueryRunner } from 'typeorm';
import { partitionStatements, TIME_TABLES, timescaleStatements } from '../timescale';

/** Reference network, access, and the two time-partitioned event tables. */
export class InitialSchema1763859600000 implements MigrationInterface {
  name = 'InitialSchema1763859600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE regions (id text PRIMARY KEY, name text NOT NULL, name_en text NOT NULL);
      CREATE TABLE sites (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('hub','station','locker','post')),
        name text NOT NULL, name_en text NOT NULL,
        region_id text NOT NULL REFERENCES regions(id),
        parent_id text REFERENCES sites(id),
        city text NOT NULL,
        lat double precision NOT NULL, lon double precision NOT NULL,
        radius_m double precision NOT NULL DEFAULT 500
      );
      CREATE INDEX sites_region_idx ON sites(region_id);
      CREATE TABLE floors (id text PRIMARY KEY, site_id text NOT NULL REFERENCES sites(id), name text NOT NULL, daily_capacity integer NOT NULL);
      CREATE TABLE cameras (id text PRIMARY KEY, floor_id text NOT NULL REFERENCES floors(id), name text NOT NULL, position_m double precision NOT NULL);
      CREATE TABLE vehicles (
        id text PRIMARY KEY, plate text NOT NULL,
        home_site_id text NOT NULL REFERENCES sites(id),
        region_id text NOT NULL REFERENCES regions(id),
        cold_profile text NOT NULL CHECK (cold_profile IN ('none','chilled','frozen','pharma')),
        terminal_phone text UNIQUE
      );
      CREATE TABLE routes (
        id text PRIMARY KEY,
        origin_site_id text NOT NULL REFERENCES sites(id),
        dest_site_id text NOT NULL REFERENCES sites(id),
        distance_km double precision NOT NULL,
        path jsonb NOT NULL
      );
      CREATE TABLE trips (
        id text PRIMARY KEY,
        route_id text NOT NULL REFERENCES routes(id),
        vehicle_id text NOT NULL REFERENCES vehicles(id),
        scheduled_departure timestamptz NOT NULL,
        scheduled_arrival timestamptz NOT NULL
      );
      CREATE INDEX trips_vehicle_idx ON trips(vehicle_id, scheduled_departure);
      CREATE TABLE teams (id text PRIMARY KEY, name text NOT NULL, site_id text NOT NULL REFERENCES sites(id), floor_id text REFERENCES floors(id), leader_id text);
      CREATE TABLE people (
        id text PRIMARY KEY, name text NOT NULL,
        role text NOT NULL CHECK (role IN ('courier','sorter','team_leader','site_manager','region_manager','agent')),
        site_id text REFERENCES sites(id), floor_id text REFERENCES floors(id), team_id text REFERENCES teams(id)
      );

      CREATE TABLE users (
        id bigserial PRIMARY KEY,
        username text NOT NULL UNIQUE,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('hq','region','site','floor')),
        scope_id text,
        person_id text REFERENCES people(id),
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((role = 'hq') = (scope_id IS NULL))
      );
      CREATE TABLE feed_tokens (
        id bigserial PRIMARY KEY,
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        scope text NOT NULL CHECK (scope ~ '^(all|(region|site|floor|camera|vehicle):.+)$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );
    `);

    const timescale = await timescaleAvailable(q);
    const partition = timescale ? '' : 'PARTITION BY RANGE (at)';
    // Positions are deduplicated on their natural key: one vehicle cannot be at two places at one instant, and a
    // retried (same id, same fact) or back-filled position lands on the same key. Vehicle first: the same index
    // serves the rules' and the screens' track queries (one vehicle over a time window).
    await q.query(`
      CREATE TABLE vehicle_positions (
        at timestamptz NOT NULL,
        vehicle_id text NOT NULL,
        id uuid NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL,
        speed_kmh real NOT NULL,
        heading real NOT NULL,
        temp_c real,
        humidity_pct real,
        trip_id text,
        backfill boolean NOT NULL DEFAULT false,
        received_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (vehicle_id, at)
      ) ${partition};
      CREATE TABLE events (
        at timestamptz NOT NULL,
        id uuid NOT NULL,
        type text NOT NULL,
        subject_kind text NOT NULL,
        subject_id text NOT NULL,
        site_id text,
        waybill_no text,
        source text,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (id, at)
      ) ${partition};
      CREATE INDEX events_waybill_idx ON events (waybill_no, at) WHERE waybill_no IS NOT NULL;
      CREATE INDEX events_subject_idx ON events (subject_id, at);
      CREATE INDEX events_id_idx ON events (id);
    `);
    if (timescale) {
      await q.query(`CREATE EXTENSION IF NOT EXISTS timescaledb`);
      for (const s of timescaleStatements()) await q.query(s);
    } else {
      for (const t of TIME_TABLES) {
        await q.query(`CREATE TABLE ${t}_default PARTITION OF ${t} DEFAULT`);
        await q.query(`CREATE INDEX ${t}_at_brin ON ${t} USING brin (at) WITH (autosummarize = on)`);
        for (const s of partitionStatements(t, new Date(Date.now() - 2 * 86_400_000), 10)) await q.query(s);
      }
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS events, vehicle_positions, feed_tokens, users, people, teams, trips, routes, vehicles,
        cameras, floors, sites, regions CASCADE;
    `);
  }
}

export async function timescaleAvailable(q: { query: (sql: string) => Promise<unknown> }): Promise<boolean> {
  const rows = (await q.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`)) as unknown[];
  return rows.length > 0;
}
