import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module';
import { RulesConfigModule } from '../rules/rules-config.module';
import { KpisController } from './kpis.controller';
import { KpisRepository } from './kpis.repository';
import { KpisService } from './kpis.service';

@Module({
  imports: [RulesConfigModule, RealtimeModule],
  controllers: [KpisController],
  providers: [KpisRepository, KpisService],
  exports: [KpisService],
})
export class KpisModule {}
