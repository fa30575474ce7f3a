import 'reflect-metadata';
import { RoleSchema } from '@kanjian/shared';
import { parseArgs } from 'node:util';
import { AuthRepository } from '../auth/auth.repository';
import { ConfigError, parseConfig } from '../config/config';
import { createDataSource } from '../database/data-source';
import { detectStorageMode, ensurePartitions } from '../database/storage-mode';
import { NetworkRepository } from '../network/network.repository';
import { buildReferenceNetwork } from '../network/reference-network';
import { nextRollInMs, rollTrips, rollWindow, serviceDayOf } from '../network/trip-roll';
import { DEMO_USERS } from './demo-users';

const USAGE = `usage: kanjian <command> [options]
  migrate                                   apply pending migrations
  seed [--seed N] [--scale X] [--day YYYY-MM-DD] [--ahead N] [--demo-users] [--follow [--every 1h]]
                                            load the reference network with the trips of the day (default: today in
                                            UTC+8), the day before and N days after (default 1; idempotent);
                                            --demo-users adds the demo logins; --follow keeps running and loads the
                                            trips of the days that come into that window as the clock moves on
  create-user --username U --password P --role hq|region|site|floor [--scope ID] [--name "Display"] [--person ID]
  create-token --name NAME --scope all|region:ID|site:ID|floor:ID|camera:ID|vehicle:ID
                                            prints a new feed token (only its hash is stored)
  revoke-token --name NAME`;

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      seed: { type: 'string' }, scale: { type: 'string' }, day: { type: 'string' }, 'demo-users': { type: 'boolean' },
      ahead: { type: 'string' }, follow: { type: 'boolean' }, every: { type: 'string' },
      username: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, scope: { type: 'string' },
      name: { type: 'string' }, person: { type: 'string' },
    },
    strict: true,
  });
  if (!cmd || cmd === 'help' || cmd === '--help') return void console.log(USAGE);
  const config = parseConfig();
  const ds = createDataSource(config.KJ_DATABASE_URL, 2);
  await ds.initialize();
  try {
    const ran = await ds.runMigrations({ transaction: 'each' });
    if (cmd === 'migrate') {
      const mode = await detectStorageMode(ds);
      if (mode === 'partitioned') await ensurePartitions(ds);
      console.log(`migrations applied: ${ran.length ? ran.map((m) => m.name).join(', ') : 'none pending'}; storage: ${mode}`);
      return;
    }
    const auth = new AuthRepository(ds);
    switch (cmd) {
      case 'seed': {
        const seed = Number(values.seed ?? 42);
        const scale = Number(values.scale ?? 1);
        const ahead = Number(values.ahead ?? 1);
        if (!Number.isInteger(seed)) throw new UsageError('--seed must be an integer');
        if (!(scale > 0 && scale <= 100)) throw new UsageError('--scale must be a number in (0, 100]');
        if (!(Number.isInteger(ahead) && ahead >= 0 && ahead <= 14)) throw new UsageError('--ahead must be a whole number of days from 0 to 14');
        if (values.day && !/^\d{4}-\d{2}-\d{2}$/.test(values.day)) throw new UsageError('--day must be YYYY-MM-DD');
        if (values.follow && values.day) throw new UsageError('--follow rolls with the clock; it cannot be combined with --day');
        if (values.every && !values.follow) throw new UsageError('--every only applies with --follow');
        const everyMs = values.every ? parseDuration(values.every) : 3_600_000;
        if (!(everyMs >= 1000)) throw new UsageError(`--every must be a duration of at least 1s (e.g. 30s, 10m, 1h), got "${values.every}"`);
        const day = values.day ?? serviceDayOf(Date.now());
        // The trips of the day before and of the days ahead too: trucks on the road at midnight, screens opened early.
        let trips = 0;
        const window = rollWindow(day, ahead);
        for (const d of window.filter((x) => x !== day)) trips += (await NetworkRepository.load(ds, buildReferenceNetwork({ seed, scale, day: d }))).trips ?? 0;
        const net = buildReferenceNetwork({ seed, scale, day });
        const counts = await NetworkRepository.load(ds, net);
        console.log(`reference network loaded for ${day}: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')} (+${trips} trips of ${window.filter((x) => x !== day).join(', ')})`);
        if (values['demo-users']) {
          for (const u of DEMO_USERS(net)) await auth.upsertUser(u);
          console.log(`demo users: ${DEMO_USERS(net).map((u) => `${u.username}/${u.password} (${u.role}${u.scopeId ? ` ${u.scopeId}` : ''})`).join(', ')}`);
        }
        if (values.follow) await follow(ds, { seed, scale, ahead }, everyMs);
        return;
      }
      case 'create-user': {
        const role = RoleSchema.safeParse(values.role);
        if (!values.username || !values.password || !role.success) throw new UsageError('create-user needs --username, --password and --role hq|region|site|floor');
        if (role.data !== 'hq' && !values.scope) throw new UsageError(`a ${role.data} user needs --scope <id>`);
        await auth.upsertUser({ username: values.username, password: values.password, role: role.data, scopeId: values.scope ?? null, displayName: values.name ?? values.username, personId: values.person ?? null });
        console.log(`user ${values.username} saved`);
        return;
      }
      case 'create-token': {
        if (!values.name || !values.scope || !/^(all|(region|site|floor|camera|vehicle):.+)$/.test(values.scope)) {
          throw new UsageError('create-token needs --name and --scope all|region:ID|site:ID|floor:ID|camera:ID|vehicle:ID');
        }
        console.log(await auth.createFeedToken(values.name, values.scope));
        return;
      }
      case 'revoke-token': {
        if (!values.name) throw new UsageError('revoke-token needs --name');
        console.log(`revoked ${await auth.revokeFeedToken(values.name)} token(s)`);
        return;
      }
      default:
        throw new UsageError(`unknown command ${cmd}`);
    }
  } finally {
    await ds.destroy();
  }
}

class UsageError extends Error {}

/** `90s`, `10m`, `1h` → ms; NaN when malformed. */
function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(s);
  return m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'] : NaN;
}

/** `seed --follow`: loads the days that come into the window as the clock moves on, until SIGINT or SIGTERM. */
async function follow(ds: Parameters<typeof rollTrips>[0], opts: Parameters<typeof rollTrips>[1], everyMs: number): Promise<void> {
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((res) => (stop = res));
  let timer: NodeJS.Timeout | null = null;
  const onSignal = () => {
    if (timer) clearTimeout(timer);
    stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  console.log(`following the clock: the trips of the day before to ${opts.ahead} day(s) ahead stay loaded (checked every ${everyMs / 1000} s and after midnight UTC+8)`);
  for (;;) {
    const wait = new Promise<boolean>((res) => (timer = setTimeout(() => res(true), nextRollInMs(Date.now(), everyMs))));
    if (!(await Promise.race([wait, stopped.then(() => false)]))) return;
    try {
      const r = await rollTrips(ds, opts);
      if (r.loaded.length) console.log(`${new Date().toISOString()} today is ${r.today}: loaded ${r.loaded.map((x) => `${x.trips} trips of ${x.day}`).join(', ')}`);
    } catch (e) {
      // A database restart or a busy moment: the next tick tries again (every load is idempotent).
      console.error(`${new Date().toISOString()} loading the trips ahead failed, retrying at the next tick: ${(e as Error).message}`);
    }
  }
}

main().catch((e) => {
  if (e instanceof UsageError || e instanceof ConfigError) {
    console.error(`${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`failed: ${(e as Error).message}`);
  process.exit(1);
});
