import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Health } from '@kanjian/shared';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { Auth } from '../auth/auth.guard';
import { MetricsService } from '../common/metrics.service';
import { StorageInfo } from '../database/database.module';
import { EventWriter } from '../ingest/event-writer';
import { JobsService } from '../jobs/jobs.service';
import { REDIS } from '../redis/redis.module';
import { buildOpenApi } from './openapi';

export const VERSION = '0.1.0';

async function timed<T>(f: () => Promise<T>): Promise<number | null> {
  const t0 = performance.now();
  try {
    await f();
    return Math.round((performance.now() - t0) * 10) / 10;
  } catch {
    return null;
  }
}

@Controller()
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly storage: StorageInfo,
    private readonly writer: EventWriter,
    private readonly jobs: JobsService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('api/health')
  @Auth({ kinds: [] })
  async health(@Res({ passthrough: true }) res: Response): Promise<Health> {
    const [dbMs, redisMs] = await Promise.all([timed(() => this.ds.query('SELECT 1')), timed(() => this.redis.ping())]);
    const queues = redisMs === null ? {} : await this.jobs.stats().catch(() => ({}));
    const status = dbMs === null || redisMs === null ? 'down' : 'ok';
    if (status === 'down') res.status(503);
    return {
      status,
      database: { ok: dbMs !== null, timescale: this.storage.mode === 'timescale', latencyMs: dbMs },
      redis: { ok: redisMs !== null, latencyMs: redisMs },
      queues,
      ingest: { buffered: this.writer.buffered, lastFlushAt: this.writer.lastFlushAt?.toISOString() ?? null },
      version: VERSION,
    };
  }

  @Get('api/openapi.json')
  @Auth({ kinds: [] })
  openapi() {
    return buildOpenApi(VERSION);
  }

  @Get('metrics')
  @Auth({ kinds: [] })
  @Header('content-type', 'text/plain; version=0.0.4')
  async prom(): Promise<string> {
    const stats = await this.jobs.stats().catch(() => ({}) as Record<string, Record<string, number | null>>);
    for (const [q, s] of Object.entries(stats)) for (const st of ['waiting', 'active', 'delayed', 'failed'] as const) this.metrics.queueDepth.set({ queue: q, state: st }, Number(s[st] ?? 0));
    return this.metrics.registry.metrics();
  }
}
