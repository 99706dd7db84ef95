import { pino, type Logger } from 'pino';
import type { LogLevel } from '../../config/app-config.js';

/**
 * Fields a log line may carry. Anything else is dropped before it is written, so personal data
 * cannot reach the logs by accident: log ids and codes, never names, addresses or bodies.
 */
const ALLOWED_FIELDS = new Set([
  'event',
  'requestId',
  'method',
  'route',
  'status',
  'durationMs',
  'agencyId',
  'code',
  'errorName',
  'pgCode',
  'stack',
  'context',
  'port',
  'url',
  'count',
  'migrations',
  'adapter',
  'embedded',
]);

export function redactToAllowList(fields: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (ALLOWED_FIELDS.has(key)) kept[key] = value;
  }
  return kept;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'filet' },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redactToAllowList(fields),
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** Stack frames without the message line, which may quote data (e.g. a rejected SQL value). */
export function stackFrames(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.stack) return undefined;
  return error.stack
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 12)
    .join('\n');
}
