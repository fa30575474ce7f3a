import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { createRedis } from '../redis/redis.module';

/**
 * Socket.IO with the Redis adapter always on: a room joined on one hub instance receives what any instance
 * emits to it. (The plain pub/sub adapter: the streams one holds a blocking read that slows shutdown.)
 */
export class RedisIoAdapter extends IoAdapter {
  private pub: Redis | null = null;
  private sub: Redis | null = null;

  constructor(
    app: INestApplicationContext,
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, { ...options, perMessageDeflate: false, maxHttpBufferSize: 1e6 } as ServerOptions);
    this.pub ??= quietLate(createRedis(this.redisUrl, 'io-pub'), ['publish']);
    this.sub ??= quietLate(createRedis(this.redisUrl, 'io-sub'), ['unsubscribe', 'punsubscribe']);
    server.adapter(createAdapter(this.pub, this.sub, { key: `${this.prefix}#io` }));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    const [pub, sub] = [this.pub, this.sub];
    this.pub = this.sub = null;
    await Promise.all([pub?.quit().catch(() => undefined), sub?.quit().catch(() => undefined)]);
  }
}

/**
 * The adapter unsubscribes without awaiting when a namespace closes, Nest may close the server more than once on
 * shutdown, and a last frame may be published as the clients quit: such late commands on a closed connection
 * must not surface as unhandled rejections (which would crash the process mid-drain).
 */
function quietLate(r: Redis, methods: ('unsubscribe' | 'punsubscribe' | 'publish')[]): Redis {
  for (const m of methods) {
    const orig = r[m].bind(r) as (...a: unknown[]) => Promise<unknown>;
    (r as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => orig(...a).catch(() => undefined);
  }
  return r;
}
