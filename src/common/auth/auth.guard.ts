import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { CommonProblems } from '../errors/common.problems.js';
import { DomainError } from '../errors/domain-error.js';
import { ACCESS_METADATA, type AccessRule } from './access.decorator.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * The one global guard. A route with no access declaration is refused (fail closed); the route
 * table test lists every route's declaration so a change shows in review.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new DomainError(CommonProblems.forbidden);
    if (rule.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = await this.verifier.verify(request.headers.authorization);
    request.principal = principal;
    if (rule.kind === 'roles' && !rule.roles.some((role) => principal.roles.includes(role))) {
      throw new DomainError(CommonProblems.forbidden);
    }
    return true;
  }
}
