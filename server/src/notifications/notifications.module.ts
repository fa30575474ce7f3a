import { Module } from '@nestjs/common';
import { NetworkModule } from '../network/network.module';
import { LogSmsProvider, SMS_PROVIDER } from './notification-channels';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [NetworkModule],
  controllers: [NotificationsController],
  providers: [NotificationsRepository, NotificationsService, { provide: SMS_PROVIDER, useClass: LogSmsProvider }],
  exports: [NotificationsService],
})
export class NotificationsModule {}
