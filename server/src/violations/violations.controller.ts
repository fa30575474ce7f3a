import { Controller, Get, Query, Req } from '@nestjs/common';
import { ViolationListQuerySchema } from '@kanjian/shared';
import { Auth, type AuthedRequest } from '../auth/auth.guard';
import { parseBody } from '../common/validation';
import { requireUser } from '../rules/unit-scope';
import { ViolationsService } from './violations.service';

@Controller('api/v1')
export class ViolationsController {
  constructor(private readonly violations: ViolationsService) {}

  /** `unit` (or `scope`) is a room name; defaults to the user's own unit. */
  @Get('violations')
  @Auth({ kinds: ['user'] })
  list(@Req() req: AuthedRequest, @Query() q: unknown) {
    return this.violations.list(requireUser(req.principal), parseBody(ViolationListQuerySchema, q));
  }

  @Get('me/violations')
  @Auth({ kinds: ['user'] })
  mine(@Req() req: AuthedRequest) {
    return this.violations.mine(requireUser(req.principal));
  }
}
