import { Controller, Get } from '@nestjs/common';
import type { Network } from '@kanjian/shared';
import { DataSource } from 'typeorm';
import { Auth } from '../auth/auth.guard';
import { NetworkRepository } from './network.repository';

@Controller('api/v1/network')
export class NetworkController {
  private cache: { at: number; net: Promise<Network> } | null = null;

  constructor(private readonly ds: DataSource) {}

  /** The whole reference network; cached for 10 s (it changes by seed or admin action, rarely). */
  @Get()
  @Auth({ kinds: ['user', 'feed'] })
  get(): Promise<Network> {
    if (!this.cache || Date.now() - this.cache.at > 10_000) {
      this.cache = { at: Date.now(), net: NetworkRepository.read(this.ds) };
      this.cache.net.catch(() => (this.cache = null));
    }
    return this.cache.net;
  }
}
