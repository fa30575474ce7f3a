import pino from 'pino';
import { ConfigError, loadJt808Config } from './jt808.config';
import { startJt808App } from './jt808-app';

/** Entry point of the JT/T 808 gateway process: `node dist/jt808/jt808-main.js`. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadJt808Config(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = pino({ level: config.logLevel, name: 'jt808' });
  const app = await startJt808App(config, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, queued: app.sink.depth }, 'stopping: closing connections and draining the hub queue');
    app.stop().then(
      () => process.exit(0),
      (e: Error) => {
        logger.error({ err: e.message }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main().catch((e: Error) => {
  process.stderr.write(`jt808 gateway failed to start: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
