import { Body, Controller, Delete, Get, Param, Post, Query, Req } from '@nestjs/common';
import { NotificationChannelCreateSchema } from '@kanjian/shared';
import { Auth, type AuthedRequest } from '../auth/auth.guard';
import { parseBody } from '../common/validation';
import { requireUser } from '../rules/unit-scope';
import { NotificationsService } from './notifications.service';

@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('channels')
  @Auth({ kinds: ['user'] })
  list(@Req() req: AuthedRequest) {
    return this.notifications.list(requireUser(req.principal));
  }

  @Post('channels')
  @Auth({ kinds: ['user'], roles: ['hq', 'region', 'site'] })
  create(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.notifications.create(requireUser(req.principal), parseBody(NotificationChannelCreateSchema, body));
  }

  @Delete('channels/:id')
  @Auth({ kinds: ['user'], roles: ['hq', 'region', 'site'] })
  disable(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.notifications.disable(requireUser(req.principal), id);
  }

  /** Delivery records, `status=dead` for the dead-letter list. */
  @Get('deliveries')
  @Auth({ kinds: ['user'] })
  deliveries(@Req() req: AuthedRequest, @Query('status') status?: string) {
    return this.notifications.deliveries(requireUser(req.principal), status && ['pending', 'delivered', 'dead'].includes(status) ? status : undefined);
  }
}
