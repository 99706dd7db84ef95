import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { CommonProblems } from '../errors/common.problems.js';
import { DomainError, type FieldProblem } from '../errors/domain-error.js';

/**
 * A route that reads no body (an acknowledgement, a release, a delete) refuses any but none or
 * `{}`, as the global pipe refuses undeclared properties: a client that sends `status` or
 * `agencyId` there learns at once that it is not taken (OWASP API3), instead of believing it was.
 * Runs after the guard, so a caller without access still gets its 401 or 403.
 */
export class UnreadBodyInterceptor implements NestInterceptor {
  private readonly readsBody = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && !this.handlerReadsBody(context)) {
      const problems = unreadBodyProblems(context.switchToHttp().getRequest<FastifyRequest>().body);
      if (problems.length)
        throw new DomainError(CommonProblems.invalidRequest, { errors: problems.slice(0, 50) });
    }
    return next.handle();
  }

  private handlerReadsBody(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let reads = this.readsBody.get(handler);
    if (reads === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ??
        {}) as Record<string, unknown>;
      reads = Object.keys(args).some((key) => key.startsWith(`${RouteParamtypes.BODY}:`));
      this.readsBody.set(handler, reads);
    }
    return reads;
  }
}

/** What is wrong with a body sent where none is read: named as properties, never their values. */
export function unreadBodyProblems(body: unknown): FieldProblem[] {
  if (body === undefined || body === null) return [];
  if (typeof body !== 'object' || Array.isArray(body))
    return [{ property: '(body)', constraints: ['isEmptyObject'] }];
  return Object.keys(body).map((property) => ({
    property,
    constraints: ['whitelistValidation'],
  }));
}
