import { Module } from '@nestjs/common';
import { NetworkModule } from '../network/network.module';
import { ViolationsModule } from '../violations/violations.module';
import { AppealsController } from './appeals.controller';
import { AppealsRepository } from './appeals.repository';
import { AppealsService } from './appeals.service';

@Module({
  imports: [ViolationsModule, NetworkModule],
  controllers: [AppealsController],
  providers: [AppealsRepository, AppealsService],
})
export class AppealsModule {}
