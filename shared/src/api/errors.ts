/** The one error catalogue: every error the API answers carries one of these codes. */
export const ERROR_CODES = {
  'request/unparseable': 400,
  'request/invalid': 400,
  'request/too_large': 413,
  'request/unsupported_media_type': 415,
  'auth/missing_token': 401,
  'auth/invalid_token': 401,
  'auth/bad_credentials': 401,
  'auth/forbidden': 403,
  'auth/out_of_scope': 403,
  'resource/not_found': 404,
  'resource/conflict': 409,
  'service/unavailable': 503,
  'internal/error': 500,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
  correlationId: string;
}
