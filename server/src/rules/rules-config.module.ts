import { Module } from '@nestjs/common';
import { RulesReference } from './rules-reference.service';
import { ThresholdsController } from './thresholds.controller';
import { ThresholdsRepository } from './thresholds.repository';
import { ThresholdsService } from './thresholds.service';

/** What every rules domain reads: the reference network as the rules see it, and the effective thresholds. */
@Module({
  controllers: [ThresholdsController],
  providers: [RulesReference, ThresholdsRepository, ThresholdsService],
  exports: [RulesReference, ThresholdsService],
})
export class RulesConfigModule {}
