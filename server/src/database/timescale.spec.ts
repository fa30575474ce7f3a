import { parse } from 'libpg-query';
import { partitionName, partitionStatements, timescaleStatements } from './timescale';

/** This machine has no TimescaleDB: its SQL is at least parsed by PostgreSQL's own parser (libpg_query). */
describe('Timescale statements', () => {
  it('parse as PostgreSQL', async () => {
    const stmts = timescaleStatements();
    expect(stmts.length).toBe(8);
    for (const s of stmts) await expect(parse(s)).resolves.toHaveProperty('stmts');
  });

  it('the parser does reject broken SQL (so the check above can fail)', async () => {
    await expect(parse(`SELECT create_hypertable('x', by_range('at'`)).rejects.toThrow(/syntax/);
  });

  it('name the hypertables, their policies and their segmenting', () => {
    const all = timescaleStatements().join('\n');
    expect(all).toContain(`create_hypertable('vehicle_positions', by_range('at', INTERVAL '1 day')`);
    expect(all).toContain(`timescaledb.compress_segmentby = 'vehicle_id'`);
    expect(all).toContain(`add_retention_policy('events', INTERVAL '400 days'`);
  });
});

describe('native partitions', () => {
  it('cover whole UTC days, named by date', async () => {
    const s = partitionStatements('events', new Date('2026-11-23T17:00:00Z'), 2);
    expect(s[0]).toContain(`events_p20261123 PARTITION OF events FOR VALUES FROM ('2026-11-23T00:00:00.000Z') TO ('2026-11-24T00:00:00.000Z')`);
    expect(partitionName('vehicle_positions', new Date('2026-11-24T00:00:00Z'))).toBe('vehicle_positions_p20261124');
    for (const x of s) await expect(parse(x)).resolves.toHaveProperty('stmts');
  });
});
