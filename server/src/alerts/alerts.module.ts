import { Module } from '@nestjs/common';
import { KpisModule } from '../kpis/kpis.module';
import { NetworkModule } from '../network/network.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { RulesConfigModule } from '../rules/rules-config.module';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

@Module({
  imports: [RulesConfigModule, NotificationsModule, RealtimeModule, NetworkModule, KpisModule],
  controllers: [AlertsController],
  providers: [AlertsRepository, AlertsService],
  exports: [AlertsService, AlertsRepository],
})
export class AlertsModule {}
