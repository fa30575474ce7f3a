import { parseCli } from './args';

describe('parseCli', () => {
  it('takes the documented command line', () => {
    const o = parseCli(['--hub', 'http://127.0.0.1:3000', '--token', 't0k', '--seed', '42', '--scale', '1', '--speed', '60', '--duration', '10m'], {});
    expect(o).toMatchObject({ hub: 'http://127.0.0.1:3000', token: 't0k', seed: 42, scale: 1, speed: 60, duration: 600_000, evidence: 'upload', format: 'ndjson', batch: 5000 });
    expect(o.state).toMatch(/127\.0\.0\.1_3000-seed42\.state\.json$/);
    expect(o.truth).toMatch(/127\.0\.0\.1_3000-seed42\.truth\.ndjson$/);
  });

  it('fetches the network again every 10 minutes unless told otherwise', () => {
    const base = ['--hub', 'http://h:1', '--token', 't'];
    expect(parseCli(base, {}).refreshNetworkMs).toBe(600_000);
    expect(parseCli([...base, '--refresh-network', '30s'], {}).refreshNetworkMs).toBe(30_000);
    expect(parseCli([...base, '--refresh-network', 'off'], {}).refreshNetworkMs).toBeNull();
    expect(parseCli([...base, '--network', 'n.json'], {}).refreshNetworkMs).toBeNull();
    expect(() => parseCli([...base, '--refresh-network', '10ms'], {})).toThrow(/--refresh-network must be at least 1s/);
    expect(() => parseCli([...base, '--network', 'n.json', '--refresh-network', '1m'], {})).toThrow(/cannot be combined with --network/);
  });

  it('reads the token from KJ_SIM_TOKEN', () => {
    expect(parseCli(['--hub', 'http://h:1'], { KJ_SIM_TOKEN: 'env' }).token).toBe('env');
  });

  it('names what is wrong', () => {
    expect(() => parseCli([], {})).toThrow(/--hub is required/);
    expect(() => parseCli(['--hub', 'http://h:1'], {})).toThrow(/--token/);
    expect(() => parseCli(['--hub', 'http://h:1', '--token', 't', '--scale', '0'], {})).toThrow(/--scale must be a number above 0/);
    expect(() => parseCli(['--hub', 'http://h:1', '--token', 't', '--seed', '1.5'], {})).toThrow(/--seed must be a non-negative integer, got "1.5"/);
    expect(() => parseCli(['--hub', 'http://h:1', '--token', 't', '--duration', 'soon'], {})).toThrow(/duration must look like/);
    expect(() => parseCli(['--hub', 'http://h:1', '--token', 't', '--batch', '50000'], {})).toThrow(/at most 20,000/);
    expect(() => parseCli(['--hub', 'http://h:1', '--token', 't', '--start', 'yesterday'], {})).toThrow(/--start must be an ISO time/);
    expect(() => parseCli(['--out', 'x.ndjson'], {})).toThrow(/--out needs --network/);
    expect(() => parseCli(['--hub', 'http://h:1', '--token', 't', '--bogus'], {})).toThrow(/bogus/);
  });

  it('generates offline without a hub', () => {
    const o = parseCli(['--out', '/tmp/e.ndjson', '--network', 'n.json', '--duration', '1h', '--start', '2024-11-11T08:00:00+08:00'], {});
    expect(o).toMatchObject({ hub: null, out: '/tmp/e.ndjson', evidence: 'none', state: null, start: Date.parse('2024-11-11T00:00:00Z') });
  });
});
