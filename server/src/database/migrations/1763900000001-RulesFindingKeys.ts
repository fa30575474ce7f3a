import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Findings that only raise an alert (incidents, devices, patterns) have no violation row to make them idempotent:
 * their keys are kept here so a replay after a crash does not raise them twice.
 */
export class RulesFindingKeys1763900000001 implements MigrationInterface {
  name = 'RulesFindingKeys1763900000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rule_finding_keys (
        dedupe_key text PRIMARY KEY,
        rule_id text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX rule_finding_keys_at_idx ON rule_finding_keys (at);
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS rule_finding_keys`);
  }
}
