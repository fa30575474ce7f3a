import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { parseRoom } from '@kanjian/shared';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { EventWriter } from '../ingest/event-writer';
import { KpisService } from '../kpis/kpis.service';
import { NotificationsService } from '../notifications/notifications.service';
import { SnapshotContributors } from '../realtime/snapshot-contributors';
import { ViolationsService } from '../violations/violations.service';
import { CheckpointService } from './checkpoint.service';
import { DeadlineProcessor } from './deadline.processor';
import { RuleEngine } from './rule-engine.service';
import { RulesReference } from './rules-reference.service';
import { SilenceSweeper } from './silence-sweeper.service';
import { ThresholdsService } from './thresholds.service';

/**
 * Starts the rules stage in order (schema, reference, thresholds, then the engine and its timers) and stops it
 * without losing work: the ingest buffer is flushed first, then every committed event is evaluated.
 */
@Injectable()
export class RulesBootstrap implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('Rules');
  private started = false;

  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ref: RulesReference,
    private readonly thresholds: ThresholdsService,
    private readonly engine: RuleEngine,
    private readonly deadlines: DeadlineProcessor,
    private readonly sweeper: SilenceSweeper,
    private readonly checkpoint: CheckpointService,
    private readonly kpis: KpisService,
    private readonly notifications: NotificationsService,
    private readonly writer: EventWriter,
    private readonly contributors: SnapshotContributors,
    private readonly violations: ViolationsService,
    private readonly alerts: AlertsService,
  ) {}

  async onApplicationBootstrap() {
    // Hooks of modules at the same depth run in no set order: make sure the rules' tables exist first.
    if (this.config.KJ_MIGRATE_ON_START) await this.ds.runMigrations({ transaction: 'each' });
    await this.ref.start();
    await this.thresholds.start();
    this.contributors.register(async (room, snap) => {
      const [violations, alerts, kpis] = await Promise.all([
        this.violations.recentForRoom(room),
        this.alerts.unresolvedForRoom(room),
        parseRoom(room).kind === 'hq' || parseRoom(room).id ? this.kpis.values(room, 'today') : Promise.resolve([]),
      ]);
      snap.violations = violations;
      snap.alerts = alerts;
      snap.kpis = kpis;
    });
    this.kpis.start();
    if (!this.config.KJ_RULES_ENABLED) {
      this.log.warn('rules are off (KJ_RULES_ENABLED=false): nothing is evaluated');
      return;
    }
    await this.engine.start();
    this.writer.onCommitted((rows) => void this.engine.onCommitted(rows));
    this.deadlines.start();
    this.notifications.startWorker();
    await this.checkpoint.start();
    await this.sweeper.start();
    this.started = true;
    this.log.log('rules on: streaming stage, timers, sweeps and notifications started');
  }

  async beforeApplicationShutdown() {
    if (!this.started) {
      await this.kpis.stop().catch(() => undefined);
      return;
    }
    await this.sweeper.stop();
    await this.deadlines.stop();
    await this.writer.drain();
    await this.engine.stop();
    await this.kpis.stop().catch((e) => this.log.warn(`final KPI refresh failed: ${(e as Error).message}`));
    await this.checkpoint.stop();
    await this.notifications.onApplicationShutdown();
  }
}
