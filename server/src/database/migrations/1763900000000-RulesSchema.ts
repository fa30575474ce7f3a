import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rules, violations, alerts, appeals, notifications, KPI rollups and the state the rules keep between events
 * (complaints, trip progress, evaluation checkpoints). Rollups are plain tables recomputed per unit and day, so
 * they are correct with late data on PostgreSQL and on TimescaleDB alike.
 */
export class RulesSchema1763900000000 implements MigrationInterface {
  name = 'RulesSchema1763900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rule_thresholds (
        scope_kind text NOT NULL CHECK (scope_kind IN ('site','floor')),
        scope_id text NOT NULL,
        rule_id text NOT NULL,
        key text NOT NULL,
        value double precision NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope_kind, scope_id, rule_id, key)
      );
      CREATE TABLE rule_threshold_audit (
        id bigserial PRIMARY KEY,
        scope_kind text NOT NULL,
        scope_id text NOT NULL,
        rule_id text NOT NULL,
        key text NOT NULL,
        old_value double precision,
        new_value double precision,
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        note text
      );
      CREATE INDEX rule_threshold_audit_scope_idx ON rule_threshold_audit (scope_kind, scope_id, changed_at DESC);

      CREATE TABLE violations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dedupe_key text NOT NULL UNIQUE,
        rule_id text NOT NULL,
        stage text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('info','warning','violation','critical')),
        subject_kind text NOT NULL,
        subject_id text NOT NULL,
        floor_id text,
        site_id text,
        region_id text,
        waybill_no text,
        person_id text,
        leader_id text,
        team_id text,
        responsible_kind text NOT NULL CHECK (responsible_kind IN ('person','team_leader','site')),
        responsible text,
        evidence jsonb NOT NULL DEFAULT '[]',
        at timestamptz NOT NULL,
        detected_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','appealed','upheld','dismissed','void')),
        detail text NOT NULL,
        measure double precision,
        source_event_id uuid,
        void_reason text,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX violations_floor_idx ON violations (floor_id, at) WHERE floor_id IS NOT NULL;
      CREATE INDEX violations_site_idx ON violations (site_id, at);
      CREATE INDEX violations_region_idx ON violations (region_id, at);
      CREATE INDEX violations_person_idx ON violations (person_id, at) WHERE person_id IS NOT NULL;
      CREATE INDEX violations_team_idx ON violations (team_id, at) WHERE team_id IS NOT NULL;
      CREATE INDEX violations_waybill_idx ON violations (waybill_no) WHERE waybill_no IS NOT NULL;
      CREATE INDEX violations_rule_idx ON violations (rule_id, subject_id, at);
      CREATE INDEX violations_at_idx ON violations (at);

      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rule_id text NOT NULL,
        subject_kind text NOT NULL,
        subject_id text NOT NULL,
        floor_id text,
        site_id text,
        region_id text,
        extra_rooms text[] NOT NULL DEFAULT '{}',
        severity text NOT NULL CHECK (severity IN ('warning','violation','critical')),
        level text NOT NULL CHECK (level IN ('floor','site','region','hq')),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','acknowledged','resolved')),
        title text NOT NULL,
        detail text NOT NULL DEFAULT '',
        event_at timestamptz NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        last_trigger_at timestamptz NOT NULL DEFAULT now(),
        trigger_count integer NOT NULL DEFAULT 1,
        acknowledged_at timestamptz,
        acknowledged_by text,
        resolved_at timestamptz,
        resolved_by text,
        resolution_note text,
        escalated_at timestamptz,
        notified_at timestamptz,
        violation_id uuid REFERENCES violations(id)
      );
      -- At most one unresolved alert per (rule, subject), enforced here so concurrent triggers cannot race past it.
      CREATE UNIQUE INDEX alerts_one_open_idx ON alerts (rule_id, subject_kind, subject_id) WHERE status <> 'resolved';
      CREATE INDEX alerts_site_idx ON alerts (site_id, opened_at DESC);
      CREATE INDEX alerts_region_idx ON alerts (region_id, opened_at DESC);
      CREATE INDEX alerts_status_idx ON alerts (status, opened_at DESC);
      CREATE TABLE alert_log (
        id bigserial PRIMARY KEY,
        alert_id uuid NOT NULL REFERENCES alerts(id),
        action text NOT NULL,
        by text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        level text,
        note text
      );
      CREATE INDEX alert_log_alert_idx ON alert_log (alert_id, at);

      CREATE TABLE appeals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        violation_id uuid NOT NULL REFERENCES violations(id),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','upheld','dismissed')),
        note text NOT NULL,
        by_user text NOT NULL,
        by_person text,
        at timestamptz NOT NULL DEFAULT now(),
        decided_by text,
        decided_at timestamptz,
        reason text
      );
      CREATE UNIQUE INDEX appeals_one_pending_idx ON appeals (violation_id) WHERE status = 'pending';
      CREATE INDEX appeals_status_idx ON appeals (status, at);

      CREATE TABLE notification_channels (
        id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('webhook','sms')),
        target text NOT NULL,
        scope text NOT NULL CHECK (scope ~ '^(hq|(region|site|floor):.+)$'),
        min_severity text NOT NULL DEFAULT 'warning' CHECK (min_severity IN ('warning','violation','critical')),
        rule_ids text[],
        secret text,
        max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 20),
        enabled boolean NOT NULL DEFAULT true,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE notification_deliveries (
        id bigserial PRIMARY KEY,
        alert_id uuid NOT NULL REFERENCES alerts(id),
        channel_id bigint NOT NULL REFERENCES notification_channels(id),
        reason text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','dead')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (alert_id, channel_id)
      );
      CREATE INDEX notification_deliveries_status_idx ON notification_deliveries (status, created_at);

      CREATE TABLE complaints (
        complaint_id text PRIMARY KEY,
        site_id text NOT NULL,
        waybill_no text,
        category text NOT NULL,
        channel text NOT NULL,
        opened_at timestamptz NOT NULL,
        first_response_at timestamptz,
        resolved_at timestamptz,
        outcome text,
        attributed_stage text,
        attribution_reason text,
        opened_event_id uuid
      );
      CREATE INDEX complaints_site_idx ON complaints (site_id, opened_at);
      CREATE INDEX complaints_waybill_idx ON complaints (waybill_no) WHERE waybill_no IS NOT NULL;

      CREATE TABLE trip_progress (
        trip_id text PRIMARY KEY,
        vehicle_id text NOT NULL,
        departed_at timestamptz,
        departed_site_id text,
        arrived_at timestamptz,
        arrived_site_id text
      );
      CREATE INDEX trip_progress_vehicle_idx ON trip_progress (vehicle_id) WHERE arrived_at IS NULL;
      CREATE INDEX trips_scheduled_departure_idx ON trips (scheduled_departure);

      CREATE TABLE kpi_rollup (
        unit_kind text NOT NULL,
        unit_id text NOT NULL,
        key text NOT NULL,
        hour timestamptz NOT NULL,
        num double precision NOT NULL DEFAULT 0,
        den double precision NOT NULL DEFAULT 0,
        PRIMARY KEY (unit_kind, unit_id, key, hour)
      );
      CREATE INDEX kpi_rollup_hour_idx ON kpi_rollup (hour, key);
      CREATE TABLE kpi_targets (
        key text PRIMARY KEY,
        target double precision,
        baseline double precision,
        note text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO kpi_targets (key, target, baseline, note) VALUES
        ('compliance_rate', 0.999, NULL, '今日规范操作率'),
        ('csat', 90, 82.9, '三全三降: CSAT 82 → 90+'),
        ('complaint_rate_per_10k', NULL, NULL, '三全三降: −40 % against the baseline'),
        ('exception_handling_h', NULL, NULL, '三全三降: −50 % against the baseline'),
        ('coverage', 1, NULL, '三全: every stage recorded'),
        ('camera_online_rate', 1, NULL, '三全: no blind spot'),
        ('on_time_departure_rate', 0.95, NULL, '发车准点率'),
        ('first_response_min', 30, NULL, 'rule A1'),
        ('resolution_h', 48, NULL, 'rule A2'),
        ('incident_notify_latency_s', 300, NULL, 'rule T4'),
        ('coldchain_excursion_min', 0, NULL, 'rule T5');

      CREATE TABLE rules_checkpoints (
        instance_id text PRIMARY KEY,
        safe_before timestamptz NOT NULL,
        beat_at timestamptz NOT NULL DEFAULT now()
      );
      -- Recovery after a crash re-reads recently received events; BRIN keeps that index nearly free for ingest.
      CREATE INDEX events_received_brin ON events USING brin (received_at);
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS events_received_brin;
      DROP INDEX IF EXISTS trips_scheduled_departure_idx;
      DROP TABLE IF EXISTS rules_checkpoints, kpi_targets, kpi_rollup, trip_progress, complaints, notification_deliveries,
        notification_channels, appeals, alert_log, alerts, violations, rule_threshold_audit, rule_thresholds CASCADE;
    `);
  }
}
