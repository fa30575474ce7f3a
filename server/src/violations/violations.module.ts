import { Module } from '@nestjs/common';
import { KpisModule } from '../kpis/kpis.module';
import { NetworkModule } from '../network/network.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { RulesConfigModule } from '../rules/rules-config.module';
import { ViolationsController } from './violations.controller';
import { ViolationsRepository } from './violations.repository';
import { ViolationsService } from './violations.service';

@Module({
  imports: [RulesConfigModule, KpisModule, RealtimeModule, NetworkModule],
  controllers: [ViolationsController],
  providers: [ViolationsRepository, ViolationsService],
  exports: [ViolationsService, ViolationsRepository],
})
export class ViolationsModule {}
