import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from './errors';

/** Reads a request body up to `limit` bytes; past it the request is refused with 413 before it is all read. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    req.resume();
    return Promise.reject(new AppError('request/too_large', `body of ${declared} bytes is over the limit of ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new AppError('request/too_large', `body is over the limit of ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

const RAW_ROUTES = ['/api/v1/events', '/api/v1/evidence'];

/**
 * JSON bodies for every route but the ingest and evidence ones, which read their raw bodies themselves (their
 * size limits and formats differ). Errors answer in the API's error shape.
 */
export function jsonBodyMiddleware(limit = 1024 * 1024) {
  return (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: (e?: unknown) => void) => {
    const ct = req.headers['content-type'] ?? '';
    if (RAW_ROUTES.some((r) => req.url?.startsWith(r)) || !ct.includes('json') || req.method === 'GET') return next();
    readBody(req, limit).then(
      (buf) => {
        try {
          req.body = buf.length ? JSON.parse(buf.toString('utf8')) : {};
          next();
        } catch (e) {
          fail(res, 400, 'request/unparseable', `request body is not valid JSON: ${(e as Error).message}`);
        }
      },
      (e: AppError) => fail(res, e.getStatus(), e.code, e.message),
    );
  };
}

function fail(res: ServerResponse, status: number, code: string, message: string) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ code, message, correlationId: res.getHeader('x-request-id') ?? 'none' }));
}
