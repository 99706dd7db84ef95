import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { negotiateLanguage } from '../i18n/language.js';
import { stackFrames } from '../logging/logger.js';
import { toProblem } from './problem.js';
import { consoleProblem, isConsoleRequest } from '../../console/error-page.js';
import { languageOf } from '../../console/layout.js';

/** Every error leaves the broker as RFC 9457 problem JSON; unexpected ones are logged without data. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = toProblem(error, {
      language: isConsoleRequest(request)
        ? languageOf(request)
        : negotiateLanguage(request.headers['accept-language']),
      requestId: String(request.id),
      instance: request.url.split('?')[0],
    });
    if (problem.unexpected) {
      const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
      this.logger.error(
        {
          event: 'request.failed',
          requestId: String(request.id),
          code: problem.body.code,
          errorName: cause instanceof Error ? cause.constructor.name : typeof cause,
          pgCode: (cause as { code?: unknown } | undefined)?.code,
          stack: stackFrames(cause),
        },
        'request failed',
      );
    }
    if (reply.sent) return;
    if (isConsoleRequest(request)) {
      const rendered = consoleProblem(request, problem);
      void reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
      return;
    }
    void reply.code(problem.status).headers(problem.headers).send(JSON.stringify(problem.body));
  }
}
