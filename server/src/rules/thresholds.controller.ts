import { Body, Controller, Get, Put, Query, Req } from '@nestjs/common';
import { ThresholdQuerySchema, ThresholdsUpdateSchema } from '@kanjian/shared';
import { Auth, type AuthedRequest } from '../auth/auth.guard';
import { parseBody } from '../common/validation';
import { ThresholdsService } from './thresholds.service';
import { requireUser } from './unit-scope';

@Controller('api/v1/rules')
export class ThresholdsController {
  constructor(private readonly thresholds: ThresholdsService) {}

  @Get('thresholds')
  @Auth({ kinds: ['user'] })
  view(@Req() req: AuthedRequest, @Query() q: unknown) {
    const { site, floor } = parseBody(ThresholdQuerySchema, q);
    return this.thresholds.view(requireUser(req.principal), site, floor);
  }

  @Put('thresholds')
  @Auth({ kinds: ['user'], roles: ['hq', 'region', 'site'] })
  update(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.thresholds.update(requireUser(req.principal), parseBody(ThresholdsUpdateSchema, body));
  }
}
