import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { AppealDecisionRequestSchema, AppealRequestSchema } from '@kanjian/shared';
import { z } from 'zod';
import { Auth, type AuthedRequest } from '../auth/auth.guard';
import { parseBody } from '../common/validation';
import { requireUser } from '../rules/unit-scope';
import { AppealsService } from './appeals.service';

const AppealListQuerySchema = z.object({ status: z.enum(['pending', 'upheld', 'dismissed', 'all']).default('pending'), scope: z.string().optional() });

@Controller('api/v1')
export class AppealsController {
  constructor(private readonly appeals: AppealsService) {}

  @Post('violations/:id/appeal')
  @HttpCode(201)
  @Auth({ kinds: ['user'] })
  file(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    return this.appeals.file(requireUser(req.principal), id, parseBody(AppealRequestSchema, body).note);
  }

  @Post('appeals/:id/decision')
  @HttpCode(200)
  @Auth({ kinds: ['user'], roles: ['hq', 'region', 'site'] })
  decide(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    const d = parseBody(AppealDecisionRequestSchema, body);
    return this.appeals.decide(requireUser(req.principal), id, d.decision, d.reason);
  }

  @Get('appeals')
  @Auth({ kinds: ['user'] })
  list(@Req() req: AuthedRequest, @Query() q: unknown) {
    const { status, scope } = parseBody(AppealListQuerySchema, q);
    return this.appeals.list(requireUser(req.principal), status, scope);
  }
}
