import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Role } from './roles.js';

/** Who is calling: the agency whose key signed the token, the user or system, and the roles. */
export interface PrincipalContext {
  readonly agencyId: string;
  readonly agencySector: string;
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly tokenId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: PrincipalContext;
  }
}

/** The coordinating agency of the table (DESIGN §2), whose privacy officers oversee the whole log. */
export function isCoordinationPrivacyOfficer(principal: PrincipalContext): boolean {
  return principal.agencySector === 'coordination' && principal.roles.includes('privacy_officer');
}

/**
 * The table's oversight: the coordinating agency's privacy officers and legal reviewers. They read
 * decision traces, reviews and replays, which name every item evaluated and every holder's verdict.
 */
export function isTableOversight(principal: PrincipalContext): boolean {
  return (
    principal.agencySector === 'coordination' &&
    (principal.roles.includes('privacy_officer') || principal.roles.includes('legal_reviewer'))
  );
}

export function hasRole(principal: PrincipalContext, role: Role): boolean {
  return principal.roles.includes(role);
}

/** The authenticated caller. Only on routes that are not `@Public()`. */
export const Principal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): PrincipalContext => {
    const principal = ctx.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) throw new Error('@Principal() used on a route without authentication');
    return principal;
  },
);
