// Agency tokens for the end-to-end benchmark: ES256 JWTs signed like an agency's own system would.
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Role } from '../src/common/auth/roles.js';

/** The broker refuses a token whose exp − iat exceeds this (FILET_MAX_TOKEN_LIFETIME_SECONDS ≤ 300). */
export const TOKEN_LIFETIME_SECONDS = 300;
// A pooled token is used at most this long after it was signed: well inside its lifetime.
const POOL_FRESH_SECONDS = TOKEN_LIFETIME_SECONDS - 30;

export interface AgencyKey {
  readonly kid: string;
  readonly publicJwk: JWK;
  readonly privateKey: KeyObject;
}

export function generateAgencyKey(): AgencyKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid: `bench-${randomUUID().slice(0, 8)}`,
    publicJwk: publicKey.export({ format: 'jwk' }) as JWK,
    privateKey,
  };
}

/**
 * Signs tokens synchronously with node:crypto (the same compact JWS `jose` produces: base64url
 * header and claims, raw r‖s signature), about 30,000 a second on one core — several times faster
 * than `jose`'s WebCrypto path, which matters when a pool of tens of thousands is minted ahead.
 */
export class TokenMinter {
  private readonly header: string;

  constructor(
    private readonly key: AgencyKey,
    private readonly issuer: string,
    private readonly roles: readonly Role[],
    private readonly audience: string,
    private readonly subject = 'bench-worker',
  ) {
    this.header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: key.kid })).toString('base64url');
  }

  mint(now = Date.now()): string {
    const iat = Math.floor(now / 1000);
    const claims = Buffer.from(
      JSON.stringify({
        iss: this.issuer,
        sub: this.subject,
        aud: this.audience,
        iat,
        exp: iat + TOKEN_LIFETIME_SECONDS,
        jti: randomUUID(),
        roles: this.roles,
      }),
    ).toString('base64url');
    const input = `${this.header}.${claims}`;
    const signature = sign('sha256', Buffer.from(input), {
      key: this.key.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  }
}

/**
 * Single-use tokens minted ahead of a load window, so the load generator spends no CPU signing
 * while the broker is measured. Should the pool run dry (or its tokens age), it mints on the spot
 * and counts it: the count is reported, since that signing competes with the broker for the CPU.
 */
export class TokenPool {
  private tokens: string[] = [];
  private next = 0;
  private freshUntil = 0;
  /** Tokens signed during the window because the pool was empty or stale. */
  mintedLate = 0;

  constructor(private readonly minter: TokenMinter) {}

  /** Replaces the pool with `size` fresh tokens. */
  fill(size: number): void {
    const now = Date.now();
    this.tokens = Array.from({ length: size }, () => this.minter.mint(now));
    this.next = 0;
    this.freshUntil = now + POOL_FRESH_SECONDS * 1000;
    this.mintedLate = 0;
  }

  take = (): string => {
    if (this.next < this.tokens.length && Date.now() < this.freshUntil) {
      const token = this.tokens[this.next]!;
      this.tokens[this.next++] = ''; // each is used once: let it go
      return token;
    }
    this.mintedLate++;
    return this.minter.mint();
  };

  /** Tokens handed out since the last fill. */
  get used(): number {
    return this.next + this.mintedLate;
  }
}
