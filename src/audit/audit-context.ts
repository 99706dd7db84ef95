import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuditContext } from './audit.types.js';

declare module 'fastify' {
  interface FastifyRequest {
    audit?: AuditContext;
  }
}

/** The request's audit context, made once: the actor is the authenticated caller, if any. */
export function auditContextOf(request: FastifyRequest): AuditContext {
  request.audit ??= {
    actor: {
      agencyId: request.principal?.agencyId ?? null,
      subject: request.principal?.subject ?? null,
      roles: request.principal?.roles ?? [],
    },
    requestId: String(request.id),
    receipts: [],
  };
  return request.audit;
}

/** Injects the request's audit context into a handler, to pass to the service that records. */
export const Audit = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuditContext =>
  auditContextOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
