import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

let root: Logger | undefined;

/** One structured JSON logger per process; Nest's own messages go through it too. */
export function rootLogger(level = 'info'): Logger {
  root ??= pino({ level, base: { svc: 'kanjian-hub' }, timestamp: pino.stdTimeFunctions.isoTime });
  return root;
}

export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}
  log(message: unknown, context?: string) {
    this.pino.info({ ctx: context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pino.error({ ctx: context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ ctx: context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pino.debug({ ctx: context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pino.trace({ ctx: context }, String(message));
  }
}
