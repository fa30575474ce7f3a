import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { IngestModule } from '../ingest/ingest.module';
import { NetworkModule } from '../network/network.module';
import { LiveGateway } from './live.gateway';
import { LivePublisher } from './live-publisher';
import { RoomRouter } from './room-router';
import { SnapshotContributors } from './snapshot-contributors';

@Module({
  imports: [AuthModule, IngestModule, NetworkModule],
  providers: [LiveGateway, LivePublisher, RoomRouter, SnapshotContributors],
  exports: [LivePublisher, SnapshotContributors, RoomRouter],
})
export class RealtimeModule {}
