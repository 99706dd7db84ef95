import { Inject, Injectable } from '@nestjs/common';
import {
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
  type KeyObject,
} from 'jose';
import type { AppConfig } from '../../config/app-config.js';
import { InjectConfig } from '../../config/config.provider.js';
import { DomainError, type ProblemDefinition } from '../errors/domain-error.js';
import { AuthProblems } from './auth.problems.js';
import { ISSUER_DIRECTORY, type IssuerDirectory, type IssuerKey } from './issuer-directory.js';
import { isKeyAlgorithm } from './key-algorithms.js';
import type { PrincipalContext } from './principal.js';
import { isRole, type Role } from './roles.js';
import { TokenUseStore } from './token-use.store.js';
import { UUID } from '../validation/patterns.js';

const MAX_TOKEN_LENGTH = 8192;
const MAX_ROLES = 5;
// Printable, no spaces: ids, not names. Keeps free text (and personal data) out of `sub` and `jti`.
const OPAQUE_ID = /^[\x21-\x7e]{1,128}$/;

function fail(problem: ProblemDefinition): never {
  throw new DomainError(problem, {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

/** RFC 6750 §3.1: a request with no credentials at all gets the challenge without an error code. */
function failMissing(): never {
  throw new DomainError(AuthProblems.missingToken, { headers: { 'www-authenticate': 'Bearer' } });
}

/**
 * Verifies a bearer JWT exactly as DESIGN §5 says, cheapest and least revealing checks first. The
 * signature is checked before the token id is spent, so a forger cannot burn someone else's `jti`.
 */
@Injectable()
export class TokenVerifier {
  // Imported keys are immutable per key row; revocation is re-read from the database on every call.
  private readonly keyCache = new Map<string, CryptoKey | KeyObject | Uint8Array>();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @Inject(ISSUER_DIRECTORY) private readonly issuers: IssuerDirectory,
    private readonly tokenUses: TokenUseStore,
  ) {}

  async verify(authorization: string | undefined): Promise<PrincipalContext> {
    const token = this.bearer(authorization);
    const header = this.header(token);
    const unverified = this.unverifiedClaims(token);
    const issuer = await this.issuers.findIssuer(unverified.iss, header.kid);
    if (!issuer) fail(AuthProblems.unknownIssuer);
    if (!issuer.key) fail(AuthProblems.unknownKey);
    if (issuer.key.alg !== header.alg) fail(AuthProblems.algorithmNotAllowed);
    // The signature is checked before the key's or the agency's status is told: a forger learns
    // nothing about revocations or suspensions.
    const payload = await this.verifySignatureAndTimes(token, issuer.key, unverified.iss);
    if (issuer.key.revoked) fail(AuthProblems.keyRevoked);
    if (!issuer.active) fail(AuthProblems.agencySuspended);
    const roles = this.roles(payload, issuer.allowedRoles);
    const expiresAt = new Date(((payload.exp as number) + this.config.clockSkewSeconds) * 1000);
    const firstUse = await this.tokenUses.spend(issuer.agencyId, payload.jti as string, expiresAt);
    if (!firstUse) fail(AuthProblems.replayed);
    return {
      agencyId: issuer.agencyId,
      agencySector: issuer.sector,
      subject: payload.sub as string,
      roles,
      tokenId: payload.jti as string,
    };
  }

  private bearer(authorization: string | undefined): string {
    if (!authorization) failMissing();
    // The scheme is case-insensitive (RFC 9110 §11.1); the token itself is not.
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/i.exec(authorization);
    if (!match || match[1].length > MAX_TOKEN_LENGTH) fail(AuthProblems.malformedToken);
    return match[1];
  }

  private header(token: string): { alg: string; kid: string } {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      fail(AuthProblems.malformedToken);
    }
    if (token.split('.').length !== 3) fail(AuthProblems.malformedToken); // no JWE, no unsecured JWT
    if (!isKeyAlgorithm(header.alg)) fail(AuthProblems.algorithmNotAllowed);
    if (typeof header.kid !== 'string' || !OPAQUE_ID.test(header.kid))
      fail(AuthProblems.missingKeyId);
    return { alg: header.alg, kid: header.kid };
  }

  private unverifiedClaims(token: string): { iss: string } {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      fail(AuthProblems.malformedToken);
    }
    if (typeof claims.iss !== 'string') fail(AuthProblems.missingClaim);
    if (!UUID.test(claims.iss)) fail(AuthProblems.unknownIssuer);
    return { iss: claims.iss.toLowerCase() };
  }

  private async key(key: IssuerKey): Promise<CryptoKey | KeyObject | Uint8Array> {
    const cached = this.keyCache.get(key.id);
    if (cached) return cached;
    const imported = await importJWK(key.publicJwk, key.alg);
    if (this.keyCache.size > 10_000) this.keyCache.clear();
    this.keyCache.set(key.id, imported);
    return imported;
  }

  private async verifySignatureAndTimes(
    token: string,
    key: IssuerKey,
    iss: string,
  ): Promise<JWTPayload> {
    const skew = this.config.clockSkewSeconds;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.key(key), {
        algorithms: [key.alg],
        issuer: iss,
        audience: this.config.audience,
        clockTolerance: skew,
        requiredClaims: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'],
      }));
    } catch (error) {
      fail(this.joseProblem(error));
    }
    const { iat, exp, sub, jti } = payload as {
      iat: number;
      exp: number;
      sub: unknown;
      jti: unknown;
    };
    const now = Math.floor(Date.now() / 1000);
    if (typeof sub !== 'string' || !OPAQUE_ID.test(sub)) fail(AuthProblems.missingClaim);
    if (typeof jti !== 'string' || !OPAQUE_ID.test(jti)) fail(AuthProblems.missingClaim);
    if (iat > now + skew) fail(AuthProblems.issuedInFuture);
    if (exp - iat > this.config.maxTokenLifetimeSeconds) fail(AuthProblems.lifetimeTooLong);
    return payload;
  }

  private joseProblem(error: unknown): ProblemDefinition {
    if (error instanceof joseErrors.JWTExpired) return AuthProblems.expired;
    if (error instanceof joseErrors.JWTClaimValidationFailed) {
      if (error.claim === 'nbf') return AuthProblems.notYetValid;
      if (error.claim === 'aud' && error.reason === 'check_failed')
        return AuthProblems.wrongAudience;
      if (error.claim === 'iat' && error.reason === 'check_failed')
        return AuthProblems.issuedInFuture;
      return AuthProblems.missingClaim;
    }
    if (error instanceof joseErrors.JWSSignatureVerificationFailed)
      return AuthProblems.badSignature;
    if (error instanceof joseErrors.JOSEAlgNotAllowed) return AuthProblems.algorithmNotAllowed;
    return AuthProblems.malformedToken;
  }

  private roles(payload: JWTPayload, allowed: readonly Role[]): Role[] {
    const roles = payload.roles;
    if (!Array.isArray(roles) || roles.length === 0 || roles.length > MAX_ROLES)
      fail(AuthProblems.missingClaim);
    if (!roles.every(isRole)) fail(AuthProblems.unknownRole);
    if (!roles.every((role) => allowed.includes(role))) fail(AuthProblems.roleNotGranted);
    return [...new Set(roles)];
  }
}
