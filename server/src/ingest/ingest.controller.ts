import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { INGEST_LIMITS, type IngestResponse } from '@kanjian/shared';
import { readBody } from '../common/body';
import { Auth, type AuthedRequest } from '../auth/auth.guard';
import type { FeedPrincipal } from '../auth/principal';
import { IngestService, splitBody } from './ingest.service';

@Controller('api/v1/events')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  /** A batch of events: a JSON array, or NDJSON with Content-Type application/x-ndjson. */
  @Post()
  @HttpCode(200)
  @Auth({ kinds: ['feed'] })
  async post(@Req() req: AuthedRequest): Promise<IngestResponse> {
    const body = await readBody(req, INGEST_LIMITS.maxBytes);
    const ndjson = /ndjson|jsonl/.test(req.headers['content-type'] ?? '');
    const { items, issues } = splitBody(body, ndjson);
    return this.ingest.ingest(items, issues, req.principal as FeedPrincipal);
  }
}
