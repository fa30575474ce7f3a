import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { AppealsModule } from '../appeals/appeals.module';
import { IngestModule } from '../ingest/ingest.module';
import { KpisModule } from '../kpis/kpis.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { TraceModule } from '../trace/trace.module';
import { ViolationsModule } from '../violations/violations.module';
import { CheckpointService } from './checkpoint.service';
import { DeadlineProcessor } from './deadline.processor';
import { FindingsService } from './findings.service';
import { RuleEngine } from './rule-engine.service';
import { RulesBootstrap } from './rules-bootstrap.service';
import { RulesConfigModule } from './rules-config.module';
import { SilenceSweeper } from './silence-sweeper.service';

/** The rule catalogue at work: the streaming stage, its timers and sweeps, and every domain it feeds. */
@Module({
  imports: [RulesConfigModule, ViolationsModule, AlertsModule, AppealsModule, KpisModule, NotificationsModule, TraceModule, IngestModule, RealtimeModule],
  providers: [RuleEngine, FindingsService, DeadlineProcessor, SilenceSweeper, CheckpointService, RulesBootstrap],
})
export class RulesModule {}
