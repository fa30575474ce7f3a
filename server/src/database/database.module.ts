import { Global, Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { MIGRATIONS } from './data-source';
import { detectStorageMode, ensurePartitions, type StorageMode } from './storage-mode';

/** Which storage the database runs; read by health and by domains that use Timescale-only features. */
@Injectable()
export class StorageInfo implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Storage');
  mode: StorageMode = 'partitioned';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap() {
    if (this.config.KJ_MIGRATE_ON_START) {
      const ran = await this.ds.runMigrations({ transaction: 'each' });
      if (ran.length) this.log.log(`applied migrations: ${ran.map((m) => m.name).join(', ')}`);
    }
    this.mode = await detectStorageMode(this.ds);
    this.log.log(
      this.mode === 'timescale'
        ? 'storage: TimescaleDB hypertables (compression and retention policies on)'
        : 'storage: PostgreSQL native daily range partitions with BRIN (timescaledb extension not installed)',
    );
    if (this.mode === 'partitioned') {
      await ensurePartitions(this.ds);
      this.timer = setInterval(() => void ensurePartitions(this.ds).catch((e) => this.log.warn(String(e))), 6 * 3600_000);
      this.timer.unref();
    }
  }

  onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
  }
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => ({
        type: 'postgres',
        url: c.KJ_DATABASE_URL,
        synchronize: false,
        migrationsRun: false,
        migrations: MIGRATIONS,
        migrationsTableName: 'kj_migrations',
        extra: { max: c.KJ_DATABASE_POOL, application_name: `kanjian-${c.instanceId}` },
        retryAttempts: 3,
        retryDelay: 1000,
        logging: false,
      }),
    }),
  ],
  providers: [StorageInfo],
  exports: [StorageInfo],
})
export class DatabaseModule {}
