import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { AuditSigner } from './audit/audit-signer.js';
import type { AppConfig } from './config/app-config.js';
import {
  clientErrorHandler,
  frameworkErrorHandler,
  type HeadersFor,
} from './common/errors/framework-errors.js';
import { NestPinoLogger } from './common/logging/nest-logger.js';
import { UnreadBodyInterceptor } from './common/validation/unread-body.interceptor.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';

export const RECEIPT_HEADER = 'filet-audit-receipt';
/**
 * A caller's request id is kept when it is a uuid or a hex trace id (W3C trace context, B3), so
 * their logs and ours line up. Nothing freer: the id goes into every log line and every audit
 * record — a permanent log that must never hold a name — and an id made of words can carry one.
 */
const REQUEST_ID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,64})$/i;

/** JSON and problems: nothing to load, run, frame or submit (OWASP API8). */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/**
 * The Swagger UI page: its own scripts and styles (it sets inline styles), its embedded icons, and
 * calls to this broker only ("Try it out"); never framed.
 */
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The console: its own script and style sheet only (no inline script or style), forms posted to
 * itself, never framed.
 */
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function isConsolePage(url: string): boolean {
  return url === '/console' || url.startsWith('/console/') || url.startsWith('/console?');
}

/** Form fields as an object; a field given twice becomes a list. Only the console reads forms. */
function parseForm(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<
    string,
    string | string[]
  >;
  for (const [name, value] of new URLSearchParams(body)) {
    const previous = fields[name];
    fields[name] =
      previous === undefined
        ? value
        : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return { ...fields };
}

function isDocsPage(url: string): boolean {
  return url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?');
}

/**
 * Security headers on every response, errors included (OWASP API8). Answers carry personal data:
 * never stored by a cache (the docs' static assets set their own, public, caching).
 */
function securityHeaders(config: AppConfig): HeadersFor {
  const common: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    ...(config.hsts ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
  return (url) => ({
    ...common,
    // Console forms check their Origin: under no-referrer a browser sends `Origin: null` with a
    // form post, so console pages let their own origin through (and nothing to other sites).
    ...(isConsolePage(url) ? { 'referrer-policy': 'same-origin' } : {}),
    'content-security-policy': isDocsPage(url)
      ? DOCS_CSP
      : isConsolePage(url)
        ? CONSOLE_CSP
        : API_CSP,
  });
}

function requestId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Builds the broker's HTTP application (not yet listening). Used by `main.ts`, the tests and the benchmarks. */
export async function createApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  const headersFor = securityHeaders(options.config);
  const adapter = new FastifyAdapter({
    bodyLimit: options.config.bodyLimitBytes,
    genReqId: requestId,
    logger: false,
    trustProxy: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    // What the router and the HTTP parser refuse before any hook still gets a problem and the headers.
    frameworkErrors: frameworkErrorHandler(headersFor, options.logger),
    clientErrorHandler: clientErrorHandler(headersFor),
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(options),
    adapter,
    {
      logger: new NestPinoLogger(options.logger),
      abortOnError: false,
      // Fastify's own JSON parser (with the body limit and poisoning checks above) is the only one.
      bodyParser: false,
    },
  );
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalInterceptors(new UnreadBodyInterceptor());

  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: a text/plain or form body must be refused (415), not validated as a string or a form.
  fastify.removeContentTypeParser('text/plain');
  // HTML forms post to the console only; the API takes JSON (a form there is 415, as before).
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    // A proposed policy file can be long: the API's body limit, not less.
    { parseAs: 'string', bodyLimit: options.config.bodyLimitBytes },
    (request, body, done) => {
      if (!isConsolePage(request.url)) {
        done(
          Object.assign(new Error('Unsupported Media Type'), {
            statusCode: 415,
            code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
          }),
          undefined,
        );
        return;
      }
      done(null, parseForm(String(body)));
    },
  );
  fastify.addHook('onRequest', async (request, reply) => {
    (request as FastifyRequest & { startedAt?: bigint }).startedAt = process.hrtime.bigint();
    void reply.headers({ 'x-request-id': String(request.id), ...headersFor(request.url) });
  });
  // Every response that caused an audit record carries its signed receipt (DESIGN §4), errors too:
  // a refused token is recorded, and the refusal says where.
  const signer = app.get(AuditSigner);
  fastify.addHook('onSend', async (request, reply, payload) => {
    const receipts = request.audit?.receipts;
    if (receipts?.length) {
      const signed = await Promise.all(receipts.map((claims) => signer.signReceipt(claims)));
      void reply.header(RECEIPT_HEADER, signed.join(', '));
    }
    return payload;
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const startedAt = (request as FastifyRequest & { startedAt?: bigint }).startedAt;
    options.logger.info(
      {
        event: 'request',
        requestId: String(request.id),
        method: request.method,
        // The route pattern, not the URL: a query string is the caller's and may carry anything.
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        durationMs: startedAt ? Number(process.hrtime.bigint() - startedAt) / 1e6 : undefined,
        agencyId: request.principal?.agencyId,
      },
      'request',
    );
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Filet')
      .setDescription(
        'Courtier de communication de renseignements pour la concertation en violence conjugale à haut risque. ' +
          '/ Information-sharing broker for coordinated responses to high-risk intimate-partner violence.',
      )
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT (ES256 or EdDSA, signed by your agency)',
      })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', raw: ['json'] });
  return app;
}
