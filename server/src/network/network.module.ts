import { Module } from '@nestjs/common';
import { NetworkController } from './network.controller';
import { ReferenceCache } from './reference-cache.service';

@Module({
  controllers: [NetworkController],
  providers: [ReferenceCache],
  exports: [ReferenceCache],
})
export class NetworkModule {}
