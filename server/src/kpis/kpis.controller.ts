import { Body, Controller, Get, Put, Query, Req } from '@nestjs/common';
import { KpiQuerySchema, KpiTargetUpdateSchema } from '@kanjian/shared';
import { z } from 'zod';
import { Auth, type AuthedRequest } from '../auth/auth.guard';
import { parseBody } from '../common/validation';
import { requireUser } from '../rules/unit-scope';
import { KpisService } from './kpis.service';

const LeaderboardQuerySchema = z.object({
  window: z.enum(['today', 'week']).default('today'),
  minVolume: z.coerce.number().int().min(0).max(10_000_000).default(100),
});

@Controller('api/v1')
export class KpisController {
  constructor(private readonly kpis: KpisService) {}

  /** `unit` = hq | region:ID | site:ID | floor:ID | route:ID | team:ID | person:ID; `bucket` gives a series. */
  @Get('kpis')
  @Auth({ kinds: ['user'] })
  async list(@Req() req: AuthedRequest, @Query() q: unknown) {
    const query = parseBody(KpiQuerySchema, q);
    this.kpis.checkUnit(requireUser(req.principal), query.unit);
    return this.kpis.values(query.unit, query.window, query.bucket, query.key);
  }

  @Put('kpis/targets')
  @Auth({ kinds: ['user'], roles: ['hq'] })
  async target(@Body() body: unknown) {
    const t = parseBody(KpiTargetUpdateSchema, body);
    await this.kpis.setTarget(t.key, t.target, t.baseline, t.note);
    return this.kpis.values('hq', 'today', undefined, t.key);
  }

  @Get('leaderboard')
  @Auth({ kinds: ['user'] })
  leaderboard(@Req() req: AuthedRequest, @Query() q: unknown) {
    const { window, minVolume } = parseBody(LeaderboardQuerySchema, q);
    return this.kpis.leaderboard(requireUser(req.principal), window, minVolume);
  }
}
