import { Module } from '@nestjs/common';
import { NetworkModule } from '../network/network.module';
import { EventWriter } from './event-writer';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';

@Module({
  imports: [NetworkModule],
  controllers: [IngestController],
  providers: [IngestService, EventWriter],
  exports: [EventWriter],
})
export class IngestModule {}
