import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { auditContextOf } from '../../audit/audit-context.js';
import { AuditLog } from '../../audit/audit-log.js';
import type { AppConfig } from '../../config/app-config.js';
import { InjectConfig } from '../../config/config.provider.js';
import { CommonProblems } from '../errors/common.problems.js';
import { DomainError } from '../errors/domain-error.js';
import { RateLimitProblems } from '../rate-limit/rate-limit.problems.js';
import { clientAddressKey, RateLimiter } from '../rate-limit/rate-limiter.js';
import { ACCESS_METADATA, type AccessRule } from './access.decorator.js';
import { TokenVerifier } from './token-verifier.js';
import { ConsoleProblems } from '../../console/console.problems.js';
import {
  CLEAR_SESSION_COOKIE,
  ConsoleSessions,
  presentedSessionSecret,
  sameSecret,
} from '../../console/console-sessions.service.js';
import { UUID } from '../validation/patterns.js';
import type { Role } from './roles.js';

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/**
 * The one global guard. A route with no access declaration is refused (fail closed); the route
 * table test lists every route's declaration so a change shows in review. Every refusal is
 * recorded in the audit log before the caller hears of it.
 *
 * It also applies the rate limit (OWASP API4), per agency once the token is verified, and per
 * client address for requests whose token fails: the address limit only ever turns a 401 into a
 * 429, so agencies sharing an address (a proxy) never pay for a flood of forged tokens.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly audit: AuditLog,
    private readonly consoleSessions: ConsoleSessions,
    @InjectConfig() config: AppConfig,
  ) {
    this.limiter = new RateLimiter({
      perMinute: config.rateLimitPerMinute,
      burst: config.rateLimitBurst,
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!rule) throw new DomainError(CommonProblems.forbidden);
    if (rule.kind === 'public') return true;
    if (rule.kind === 'console') return this.consoleSession(request, rule.roles);
    try {
      request.principal = await this.verifier.verify(request.headers.authorization);
    } catch (error) {
      if (error instanceof DomainError && error.problem.status === 401) {
        await this.limit(request, `address:${clientAddressKey(request.ip)}`, 'address');
        await this.recordRejectedToken(request, error);
      }
      throw error;
    }
    await this.limit(request, `agency:${request.principal.agencyId}`, 'agency');
    if (rule.kind === 'roles') await this.requireRole(request, rule.roles);
    return true;
  }

  private async requireRole(request: FastifyRequest, roles: readonly Role[]): Promise<void> {
    if (roles.length === 0 || roles.some((role) => request.principal?.roles.includes(role))) return;
    await this.audit.record(auditContextOf(request), {
      action: 'auth.forbidden',
      outcome: 'failure',
      reasonCodes: [CommonProblems.forbidden.code],
      targets: { route: `${request.method} ${request.routeOptions.url ?? ''}` },
    });
    throw new DomainError(CommonProblems.forbidden);
  }

  /**
   * A console page: the session cookie instead of a token. What changes anything must carry the
   * session's CSRF token and come from this origin (Origin and Fetch Metadata, when the browser
   * sends them); the token is then taken out of the body, which the page's DTO validates.
   */
  private async consoleSession(request: FastifyRequest, roles: readonly Role[]): Promise<boolean> {
    const presented = presentedSessionSecret(request.headers.cookie) !== undefined;
    const session = presented
      ? await this.consoleSessions.authenticate(request.headers.cookie)
      : undefined;
    if (!session) {
      // A session cookie that opens nothing (ended, expired, forged): limited per address like a
      // bad token, recorded, and cleared so that the browser presents it once.
      if (presented) {
        await this.limit(request, `address:${clientAddressKey(request.ip)}`, 'address');
        await this.audit.record(auditContextOf(request), {
          action: 'auth.failure',
          outcome: 'failure',
          reasonCodes: [ConsoleProblems.signInRequired.code],
          targets: { route: `${request.method} ${request.routeOptions.url ?? ''}` },
        });
      }
      throw new DomainError(
        ConsoleProblems.signInRequired,
        presented ? { headers: { 'set-cookie': CLEAR_SESSION_COOKIE } } : {},
      );
    }
    request.principal = session.principal;
    request.consoleSession = session;
    await this.limit(request, `agency:${session.principal.agencyId}`, 'agency');
    if (request.method === 'GET' || request.method === 'HEAD') {
      // A page read is recorded in the reader's name: a link on another site must not make a
      // signed-in officer read (and record) what that site chose. Fetch Metadata tells; the page
      // then asks the person to follow the link themselves. Browsers without it are let through.
      const site = request.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        throw new DomainError(ConsoleProblems.crossSite);
      }
    } else {
      const body = request.body as Record<string, unknown> | undefined;
      const token = body && typeof body === 'object' ? body._csrf : undefined;
      const origin = request.headers.origin;
      const site = request.headers['sec-fetch-site'];
      const sameOrigin =
        (origin === undefined || originHost(origin) === request.headers.host) &&
        (site === undefined || site === 'same-origin');
      if (typeof token !== 'string' || !sameSecret(token, session.csrfToken) || !sameOrigin) {
        await this.audit.record(auditContextOf(request), {
          action: 'auth.forbidden',
          outcome: 'failure',
          reasonCodes: [ConsoleProblems.csrf.code],
          targets: { route: `${request.method} ${request.routeOptions.url ?? ''}` },
        });
        throw new DomainError(ConsoleProblems.csrf);
      }
      delete body!._csrf;
    }
    await this.requireRole(request, roles);
    return true;
  }

  /**
   * Spends one request of `key`'s allowance or refuses with 429 and Retry-After. Only the first
   * refusal of a run is recorded: a record per refused request would let a flood write the log.
   */
  private async limit(
    request: FastifyRequest,
    key: string,
    scope: 'agency' | 'address',
  ): Promise<void> {
    const verdict = this.limiter.take(key);
    if (verdict.allowed) return;
    if (verdict.firstRefusal) {
      await this.audit.record(auditContextOf(request), {
        action: 'rate_limit.exceeded',
        outcome: 'failure',
        reasonCodes: [RateLimitProblems.exceeded.code],
        targets: { route: `${request.method} ${request.routeOptions.url ?? ''}`, scope },
      });
    }
    throw new DomainError(RateLimitProblems.exceeded, {
      headers: { 'retry-after': String(verdict.retryAfterSeconds) },
    });
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
