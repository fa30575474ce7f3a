import 'reflect-metadata';
import { RoleSchema } from '@kanjian/shared';
import { parseArgs } from 'node:util';
import { AuthRepository } from '../auth/auth.repository';
import { ConfigError, parseConfig } from '../config/config';
import { createDataSource } from '../database/data-source';
import { detectStorageMode, ensurePartitions } from '../database/storage-mode';
import { NetworkRepository } from '../network/network.repository';
import { buildReferenceNetwork } from '../network/reference-network';
import { DEMO_USERS } from './demo-users';

const USAGE = `usage: kanjian <command> [options]
  migrate                                   apply pending migrations
  seed [--seed N] [--scale X] [--day YYYY-MM-DD] [--demo-users]
                                            load the reference network with the trips of the day (default: today in
                                            UTC+8) and the days either side (idempotent); --demo-users adds the demo logins
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
        if (!Number.isInteger(seed)) throw new UsageError('--seed must be an integer');
        if (!(scale > 0 && scale <= 100)) throw new UsageError('--scale must be a number in (0, 100]');
        if (values.day && !/^\d{4}-\d{2}-\d{2}$/.test(values.day)) throw new UsageError('--day must be YYYY-MM-DD');
        // Trips of the day before and after too: trucks on the road at midnight, and screens opened early.
        const day = values.day ?? new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
        const shift = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
        let trips = 0;
        for (const d of [shift(day, -1), shift(day, 1)]) trips += (await NetworkRepository.load(ds, buildReferenceNetwork({ seed, scale, day: d }))).trips ?? 0;
        const net = buildReferenceNetwork({ seed, scale, day });
        const counts = await NetworkRepository.load(ds, net);
        console.log(`reference network loaded for ${day}: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')} (+${trips} trips on the days either side)`);
        if (values['demo-users']) {
          for (const u of DEMO_USERS(net)) await auth.upsertUser(u);
          console.log(`demo users: ${DEMO_USERS(net).map((u) => `${u.username}/${u.password} (${u.role}${u.scopeId ? ` ${u.scopeId}` : ''})`).join(', ')}`);
        }
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

main().catch((e) => {
  if (e instanceof UsageError || e instanceof ConfigError) {
    console.error(`${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`failed: ${(e as Error).message}`);
  process.exit(1);
});
