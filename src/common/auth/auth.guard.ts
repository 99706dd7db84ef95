import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { auditContextOf } from '../../audit/audit-context.js';
import { AuditLog } from '../../audit/audit-log.js';
import { CommonProblems } from '../errors/common.problems.js';
import { DomainError } from '../errors/domain-error.js';
import { ACCESS_METADATA, type AccessRule } from './access.decorator.js';
import { TokenVerifier } from './token-verifier.js';
import { UUID } from '../validation/patterns.js';

/**
 * The one global guard. A route with no access declaration is refused (fail closed); the route
 * table test lists every route's declaration so a change shows in review. Every refusal is
 * recorded in the audit log before the caller hears of it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly audit: AuditLog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!rule) throw new DomainError(CommonProblems.forbidden);
    if (rule.kind === 'public') return true;
    try {
      request.principal = await this.verifier.verify(request.headers.authorization);
    } catch (error) {
      if (error instanceof DomainError && error.problem.status === 401)
        await this.recordRejectedToken(request, error);
      throw error;
    }
    if (
      rule.kind === 'roles' &&
      !rule.roles.some((role) => request.principal?.roles.includes(role))
    ) {
      await this.audit.record(auditContextOf(request), {
        action: 'auth.forbidden',
        outcome: 'failure',
        reasonCodes: [CommonProblems.forbidden.code],
        targets: { route: `${request.method} ${request.routeOptions.url ?? ''}` },
      });
      throw new DomainError(CommonProblems.forbidden);
    }
    return true;
  }

  private async recordRejectedToken(request: FastifyRequest, error: DomainError): Promise<void> {
    // The claimed issuer is unverified: kept as a target for investigation, never made a party
    // (a forger must not fill an agency's view with records in its name).
    const claimed = this.claimedIssuer(request.headers.authorization);
    await this.audit.record(auditContextOf(request), {
      action: 'auth.failure',
      outcome: 'failure',
      reasonCodes: [error.problem.code],
      targets: {
        route: `${request.method} ${request.routeOptions.url ?? ''}`,
        claimedIssuer: claimed,
      },
    });
  }

  private claimedIssuer(authorization: string | undefined): string | undefined {
    try {
      const iss = decodeJwt(authorization?.replace(/^Bearer\s+/i, '') ?? '').iss;
      return typeof iss === 'string' && UUID.test(iss) ? iss.toLowerCase() : undefined;
    } catch {
      return undefined;
    }
  }
}
