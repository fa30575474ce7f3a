import { Module } from '@nestjs/common';
import { NetworkModule } from '../network/network.module';
import { RulesConfigModule } from '../rules/rules-config.module';
import { ViolationsModule } from '../violations/violations.module';
import { TraceController } from './trace.controller';
import { TraceRepository } from './trace.repository';
import { TraceService } from './trace.service';

@Module({
  imports: [ViolationsModule, RulesConfigModule, NetworkModule],
  controllers: [TraceController],
  providers: [TraceRepository, TraceService],
  exports: [TraceService],
})
export class TraceModule {}
