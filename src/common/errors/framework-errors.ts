import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { DEFAULT_LANGUAGE, negotiateLanguage } from '../i18n/language.js';
import { CommonProblems } from './common.problems.js';
import { DomainError, defineProblems, type ProblemDefinition } from './domain-error.js';
import { toProblem } from './problem.js';

/** Requests refused before any route or hook: by the HTTP parser or the router. */
export const TransportProblems = defineProblems({
  uriTooLong: {
    code: 'request.uri_too_long',
    status: 414,
    title: {
      fr: 'Un segment de l’adresse demandée est trop long.',
      en: 'A segment of the requested address is too long.',
    },
  },
  headersTooLarge: {
    code: 'request.headers_too_large',
    status: 431,
    title: {
      fr: 'Les en-têtes (ou l’adresse) de la requête sont trop volumineux.',
      en: 'The request headers (or address) are too large.',
    },
  },
  timeout: {
    code: 'request.timeout',
    status: 408,
    title: {
      fr: 'La requête n’est pas arrivée à temps.',
      en: 'The request did not arrive in time.',
    },
  },
});

/** The headers every response carries (security headers, for the path asked). */
export type HeadersFor = (url: string) => Record<string, string>;

/**
 * Fastify's `frameworkErrors`: a malformed URL (bad percent-encoding) or an over-long path
 * parameter, refused by the router before any hook runs. Answered as every other refusal is — an
 * RFC 9457 problem with the security headers and a request id, logged like any request — instead
 * of Fastify's own JSON, which quotes the URL back.
 */
export function frameworkErrorHandler(headersFor: HeadersFor, logger: Logger) {
  return (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void => {
    const definition: ProblemDefinition =
      error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? TransportProblems.uriTooLong
        : error.code === 'FST_ERR_BAD_URL'
          ? CommonProblems.invalidRequest
          : CommonProblems.internal;
    const requestId = String(request.id);
    const problem = toProblem(new DomainError(definition), {
      language: negotiateLanguage(request.headers['accept-language']),
      requestId,
    });
    logger.info(
      {
        event: 'request',
        requestId,
        method: request.method,
        route: 'unmatched',
        status: problem.status,
        code: problem.body.code,
      },
      'request',
    );
    void reply
      .code(problem.status)
      .headers({ ...headersFor(''), ...problem.headers, 'x-request-id': requestId })
      .send(JSON.stringify(problem.body));
  };
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses (headers or URL over its size,
 * a malformed request, a timeout) is written to the socket before there is a request. The same
 * problem shape and headers as any refusal, in the default language (no header was read).
 */
export function clientErrorHandler(headersFor: HeadersFor) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const definition =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? TransportProblems.headersTooLarge
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? TransportProblems.timeout
          : CommonProblems.invalidRequest;
    const requestId = randomUUID();
    const problem = toProblem(new DomainError(definition), {
      language: DEFAULT_LANGUAGE,
      requestId,
    });
    const body = JSON.stringify(problem.body);
    const headers = {
      ...headersFor(''),
      ...problem.headers,
      'x-request-id': requestId,
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    };
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
          Object.entries(headers)
            .map(([name, value]) => `${name}: ${value}\r\n`)
            .join('') +
          `\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}
