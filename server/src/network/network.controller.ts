import { Controller, Get, Query } from '@nestjs/common';
import { type Network, NetworkQuerySchema } from '@kanjian/shared';
import { DataSource } from 'typeorm';
import { Auth } from '../auth/auth.guard';
import { parseBody } from '../common/validation';
import { NetworkRepository } from './network.repository';

@Controller('api/v1/network')
export class NetworkController {
  private cache: { at: number; net: Promise<Network> } | null = null;

  constructor(private readonly ds: DataSource) {}

  /**
   * The reference network; the whole of it is cached for 10 s (it changes by seed or admin action, rarely). With
   * `tripsFrom`, only the trips departing from then on (read each time: its callers ask every few minutes).
   */
  @Get()
  @Auth({ kinds: ['user', 'feed'] })
  get(@Query() q: unknown): Promise<Network> {
    const { tripsFrom } = parseBody(NetworkQuerySchema, q);
    if (tripsFrom) return NetworkRepository.read(this.ds, { tripsFrom: new Date(tripsFrom) });
    if (!this.cache || Date.now() - this.cache.at > 10_000) {
      this.cache = { at: Date.now(), net: NetworkRepository.read(this.ds) };
      this.cache.net.catch(() => (this.cache = null));
    }
    return this.cache.net;
  }
}
