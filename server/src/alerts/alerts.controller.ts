import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { AlertActionSchema, AlertListQuerySchema } from '@kanjian/shared';
import { Auth, type AuthedRequest } from '../auth/auth.guard';
import { AppError } from '../common/errors';
import { parseBody } from '../common/validation';
import { requireUser } from '../rules/unit-scope';
import { AlertsService } from './alerts.service';

@Controller('api/v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** `status=open` is the unacknowledged ones, `unresolved` (default) adds acknowledged ones; `scope` is a room. */
  @Get()
  @Auth({ kinds: ['user'] })
  list(@Req() req: AuthedRequest, @Query() q: unknown) {
    return this.alerts.list(requireUser(req.principal), parseBody(AlertListQuerySchema, q));
  }

  @Post(':id/:action')
  @HttpCode(200)
  @Auth({ kinds: ['user'] })
  act(@Req() req: AuthedRequest, @Param('id') id: string, @Param('action') action: string, @Body() body: unknown) {
    if (action !== 'ack' && action !== 'resolve' && action !== 'escalate') throw new AppError('resource/not_found', `no alert action ${action} (ack, resolve, escalate)`);
    const { note } = parseBody(AlertActionSchema, body ?? {});
    return this.alerts.act(requireUser(req.principal), id, action, note ?? null);
  }
}
