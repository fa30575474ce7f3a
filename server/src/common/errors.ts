import { HttpException } from '@nestjs/common';
import { ERROR_CODES, type ErrorCode } from '@kanjian/shared';

/** An expected failure with a catalogue code; the global filter turns it into `{code, message, details}`. */
export class AppError extends HttpException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super({ code, message, details }, ERROR_CODES[code]);
  }
}
