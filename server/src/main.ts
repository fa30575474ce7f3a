import { ConfigError, parseConfig } from './config/config';
import { rootLogger } from './common/logger';
import { createHub } from './hub';

async function main() {
  let config;
  try {
    config = parseConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const log = rootLogger(config.KJ_LOG_LEVEL);
  try {
    const app = await createHub(config);
    log.info({ instance: config.instanceId, url: await app.getUrl() }, 'hub listening');
    // Shutdown drains the ingest buffer before connections close, so every answered event is stored.
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 30_000);
      force.unref();
      app.close().then(
        () => process.exit(0),
        (e) => {
          log.error({ err: e }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  } catch (e) {
    const msg = (e as Error).message;
    const hint = /ECONNREFUSED.*(5432)|database|password authentication|does not exist/i.test(msg)
      ? 'PostgreSQL is unreachable or the database is missing: check KJ_DATABASE_URL (see README "If PostgreSQL or Redis is down")'
      : /6379|redis/i.test(msg)
        ? 'Redis is unreachable: check KJ_REDIS_URL (see README "If PostgreSQL or Redis is down")'
        : undefined;
    log.fatal({ err: e, hint }, 'hub failed to start');
    process.exit(1);
  }
}

void main();
