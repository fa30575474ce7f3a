import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { ErrorBody, ErrorCode } from '@kanjian/shared';
import type { Request, Response } from 'express';
import { rootLogger } from './logger';
import { AppError } from './errors';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'request/invalid',
  401: 'auth/missing_token',
  403: 'auth/forbidden',
  404: 'resource/not_found',
  409: 'resource/conflict',
  413: 'request/too_large',
  415: 'request/unsupported_media_type',
  503: 'service/unavailable',
};

/** Answers every error as `{code, message, details, correlationId}`; unknown errors are a bare 500 and a log line. */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { correlationId?: string }>();
    const res = http.getResponse<Response>();
    const correlationId = req.correlationId ?? 'none';
    let status = 500;
    let body: ErrorBody = { code: 'internal/error', message: 'internal error', correlationId };
    if (err instanceof AppError) {
      status = err.getStatus();
      body = { code: err.code, message: err.message, details: err.details, correlationId };
    } else if (err instanceof HttpException) {
      status = err.getStatus();
      const r = err.getResponse();
      const message = typeof r === 'string' ? r : ((r as { message?: string }).message ?? err.message);
      body = { code: STATUS_CODES[status] ?? 'internal/error', message: String(message), correlationId };
    } else if (isBodyParserError(err)) {
      status = err.status;
      body = {
        code: status === 413 ? 'request/too_large' : 'request/unparseable',
        message: status === 413 ? 'request body over the size limit' : 'request body is not valid JSON',
        correlationId,
      };
    }
    if (status >= 500) rootLogger().error({ err, correlationId, path: req.url }, 'request failed');
    res.status(status).json(body);
  }
}

function isBodyParserError(e: unknown): e is { status: number; type: string } {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number' && 'type' in e;
}
