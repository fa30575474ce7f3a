import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { z } from 'zod';
import { Auth, type AuthedRequest } from '../auth/auth.guard';
import { parseBody } from '../common/validation';
import { requireUser } from '../rules/unit-scope';
import { TraceService } from './trace.service';

const ComplaintQuerySchema = z.object({ status: z.enum(['open', 'resolved', 'all']).default('open'), scope: z.string().optional() });

@Controller('api/v1')
export class TraceController {
  constructor(private readonly trace: TraceService) {}

  @Get('waybills/:no/trace')
  @Auth({ kinds: ['user'] })
  waybill(@Req() req: AuthedRequest, @Param('no') no: string) {
    return this.trace.trace(requireUser(req.principal), no);
  }

  @Get('complaints')
  @Auth({ kinds: ['user'] })
  complaints(@Req() req: AuthedRequest, @Query() q: unknown) {
    const { status, scope } = parseBody(ComplaintQuerySchema, q);
    return this.trace.complaints(requireUser(req.principal), status, scope);
  }
}
