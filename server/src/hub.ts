import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { jsonBodyMiddleware } from './common/body';
import { PinoNestLogger, rootLogger } from './common/logger';
import type { AppConfig } from './config/config';
import { ReferenceCache } from './network/reference-cache.service';
import { RedisIoAdapter } from './realtime/redis-io.adapter';

/** Builds and starts a hub; used by main.ts and by the integration tests (several hubs per test process). */
export async function createHub(config: AppConfig): Promise<NestExpressApplication> {
  const log = rootLogger(config.KJ_LOG_LEVEL).child({ instance: config.instanceId });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: new PinoNestLogger(log),
    abortOnError: false,
  });
  app.set('trust proxy', true);
  app.disable('x-powered-by');
  app.use((req: Request & { correlationId?: string }, res: Response, next: NextFunction) => {
    const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
    req.correlationId = id;
    res.setHeader('x-request-id', id);
    next();
  });
  app.use(jsonBodyMiddleware());
  app.useWebSocketAdapter(new RedisIoAdapter(app, config.KJ_REDIS_URL, config.KJ_REDIS_PREFIX));
  app.enableCors({ origin: true, credentials: true });
  serveWallboard(app, config);
  await app.init();
  await app.get(ReferenceCache).start();
  await app.listen(config.KJ_HTTP_PORT, config.KJ_HTTP_HOST);
  return app;
}

/** The built wallboard is served by the hub itself, so one port serves screens, API and sockets. */
function serveWallboard(app: NestExpressApplication, config: AppConfig) {
  const dir = resolve(config.KJ_WALLBOARD_DIR ?? join(__dirname, '../../wallboard/dist'));
  if (!existsSync(join(dir, 'index.html'))) return;
  app.useStaticAssets(dir, { index: false, maxAge: '1h' });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || /^\/(api|metrics|socket\.io)(\/|$)/.test(req.path)) return next();
    res.sendFile(join(dir, 'index.html'));
  });
}
