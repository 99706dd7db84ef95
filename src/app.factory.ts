import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { AuditSigner } from './audit/audit-signer.js';
import { NestPinoLogger } from './common/logging/nest-logger.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';

export const RECEIPT_HEADER = 'filet-audit-receipt';
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** A caller's request id is kept when it is a plain token, so their logs and ours line up. */
function requestId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Builds the broker's HTTP application (not yet listening). Used by `main.ts`, the tests and the benchmarks. */
export async function createApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.config.bodyLimitBytes,
    genReqId: requestId,
    logger: false,
    trustProxy: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
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

  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: a text/plain or form body must be refused (415), not validated as a string or a form.
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onRequest', async (request, reply) => {
    (request as FastifyRequest & { startedAt?: bigint }).startedAt = process.hrtime.bigint();
    void reply.headers({
      'x-request-id': String(request.id),
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
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
