import {
  HealthSchema,
  INGEST_LIMITS,
  IngestEventSchema,
  IngestResponseSchema,
  LoginRequestSchema,
  LoginResponseSchema,
  NetworkSchema,
  UserInfoSchema,
} from '@kanjian/shared';
import { z } from 'zod';
import { RULES_OPENAPI_PATHS } from '../rules/rules.openapi';

const ErrorSchema = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional(), correlationId: z.string() });

/** Extra paths other domains add to the document (alerts, KPIs, trace …), each with its shared schemas. */
export type OpenApiPaths = Record<string, Record<string, unknown>>;

function json(schema: z.ZodType) {
  return { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } };
}
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: 'error', content: json(ErrorSchema) }]));

/** The OpenAPI 3.1 document, generated from the same zod schemas the hub validates with. */
export function buildOpenApi(version: string, extra: OpenApiPaths = {}) {
  const bearer = [{ bearer: [] }];
  return {
    openapi: '3.1.0',
    info: { title: 'Kanjian hub', version, description: 'Real-time service-quality command center for express-delivery networks' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths: {
      '/api/v1/events': {
        post: {
          summary: `Ingest a batch of events (JSON array or NDJSON; at most ${INGEST_LIMITS.maxItems} items and ${INGEST_LIMITS.maxBytes} bytes)`,
          security: bearer,
          requestBody: {
            content: {
              'application/json': { schema: { type: 'array', items: z.toJSONSchema(IngestEventSchema, { io: 'input', unrepresentable: 'any' }) } },
              'application/x-ndjson': { schema: { type: 'string' } },
            },
          },
          responses: { '200': { description: 'stored (good items kept, bad ones named)', content: json(IngestResponseSchema) }, ...errors(400, 401, 403, 413, 503) },
        },
      },
      '/api/v1/auth/login': {
        post: { summary: 'Log in', requestBody: { content: json(LoginRequestSchema) }, responses: { '200': { description: 'token', content: json(LoginResponseSchema) }, ...errors(400, 401) } },
      },
      '/api/v1/auth/me': { get: { summary: 'The logged-in user', security: bearer, responses: { '200': { description: 'user', content: json(UserInfoSchema) }, ...errors(401) } } },
      '/api/v1/network': {
        get: {
          summary: 'The reference network',
          security: bearer,
          parameters: [
            { name: 'tripsFrom', in: 'query', required: false, description: 'only trips departing at or after this ISO 8601 date-time', schema: { type: 'string', format: 'date-time' } },
          ],
          responses: { '200': { description: 'network', content: json(NetworkSchema) }, ...errors(400, 401) },
        },
      },
      '/api/v1/evidence': {
        post: {
          summary: 'Store an evidence file (raw JPEG, PNG or MP4 body); idempotent by content hash',
          security: bearer,
          responses: { '200': { description: 'stored', content: json(z.object({ uri: z.string(), sha256: z.string() })) }, ...errors(400, 401, 413, 415) },
        },
      },
      '/api/v1/evidence/{name}': { get: { summary: 'An evidence file', security: bearer, responses: { '200': { description: 'the file' }, ...errors(401, 404) } } },
      '/api/health': { get: { summary: 'Health of the hub and its dependencies', responses: { '200': { description: 'ok', content: json(HealthSchema) }, '503': { description: 'down', content: json(HealthSchema) } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'text exposition format' } } } },
      ...RULES_OPENAPI_PATHS,
      ...extra,
    },
  };
}
