import { HttpException } from '@nestjs/common';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import type { Language } from '../i18n/language.js';
import { CommonProblems } from './common.problems.js';
import { DomainError, type FieldProblem, type ProblemDefinition } from './domain-error.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** RFC 9457 problem details, with Filet's stable `code` and the request id as extensions. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly code: string;
  readonly requestId: string;
  readonly errors?: readonly FieldProblem[];
  /** Extension members a problem declares (RFC 9457 §3.2). */
  readonly [extension: string]: unknown;
}

export interface ProblemResponse {
  readonly status: number;
  readonly body: ProblemBody;
  readonly headers: Readonly<Record<string, string>>;
  /** True when the cause is not a client's mistake and deserves a log line. */
  readonly unexpected: boolean;
}

// Connection-level failures of PostgreSQL: the database is away, not the request wrong.
const UNAVAILABLE_PG_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
  '53300',
]);
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // TypeORM releases a transaction's query runner when its connection fails (the server went away
  // between two statements): the transaction's next statement then throws one of these.
  if (
    error instanceof QueryRunnerAlreadyReleasedError ||
    error instanceof QueryRunnerProviderAlreadyReleasedError
  )
    return true;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (UNAVAILABLE_PG_CODES.has(code) || UNAVAILABLE_NODE_CODES.has(code))
  )
    return true;
  const driverError = (error as { driverError?: unknown }).driverError;
  if (driverError && driverError !== error && isDatabaseUnavailable(driverError)) return true;
  // node-postgres words: the server went away, the pool waited too long for a connection, or a
  // client's connection broke earlier.
  return /Connection terminated|connection timeout|Cannot use a pool after calling end|timeout exceeded when trying to connect|encountered a connection error and is not queryable|is not currently accepting connections/i.test(
    error.message,
  );
}

function fromTransportError(error: unknown): ProblemDefinition | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return CommonProblems.bodyTooLarge;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return CommonProblems.unsupportedMediaType;
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return CommonProblems.malformedBody;
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    if (statusCode === 413) return CommonProblems.bodyTooLarge;
    if (statusCode === 415) return CommonProblems.unsupportedMediaType;
    if (error instanceof SyntaxError || /JSON/i.test(error.message))
      return CommonProblems.malformedBody;
    return CommonProblems.invalidRequest;
  }
  return undefined;
}

function fromHttpException(error: HttpException): ProblemDefinition {
  const status = error.getStatus();
  switch (status) {
    case 404:
      return CommonProblems.routeNotFound;
    case 405:
      return CommonProblems.methodNotAllowed;
    case 413:
      return CommonProblems.bodyTooLarge;
    case 415:
      return CommonProblems.unsupportedMediaType;
    case 403:
      return CommonProblems.forbidden;
    default:
      return status >= 500 ? CommonProblems.internal : CommonProblems.invalidRequest;
  }
}

export interface ProblemContext {
  readonly language: Language;
  readonly requestId: string;
  readonly instance?: string;
}

/** The single mapping from anything thrown to what the client sees. Unknown errors reveal nothing. */
export function toProblem(error: unknown, context: ProblemContext): ProblemResponse {
  let definition: ProblemDefinition;
  let options: DomainError['options'] = {};
  if (error instanceof DomainError) {
    definition = error.problem;
    options = error.options;
  } else if (error instanceof HttpException) {
    // Fastify's own errors (body too large, bad JSON…) arrive wrapped, with the original as cause.
    definition =
      fromTransportError((error as { cause?: unknown }).cause) ?? fromHttpException(error);
  } else if (isDatabaseUnavailable(error)) {
    definition = CommonProblems.unavailable;
  } else {
    definition = fromTransportError(error) ?? CommonProblems.internal;
  }
  // Server-side failures deserve a log line (kind and stack only); client mistakes do not.
  const unexpected = definition.status >= 500;
  const headers: Record<string, string> = {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-language': context.language,
    ...options.headers,
  };
  if (definition.status === 503) headers['retry-after'] = headers['retry-after'] ?? '2';
  return {
    status: definition.status,
    unexpected,
    headers,
    body: {
      // Extensions first: the standard members and Filet's own always win over them.
      ...options.extensions,
      type: `urn:filet:problem:${definition.code}`,
      title: definition.title[context.language],
      status: definition.status,
      ...(options.detail ? { detail: options.detail[context.language] } : {}),
      ...(context.instance ? { instance: context.instance } : {}),
      code: definition.code,
      requestId: context.requestId,
      ...(options.errors ? { errors: options.errors } : {}),
    },
  };
}
