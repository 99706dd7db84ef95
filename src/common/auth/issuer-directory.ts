import type { JWK } from 'jose';
import type { KeyAlgorithm } from './key-algorithms.js';
import type { Role } from './roles.js';

export interface IssuerKey {
  readonly id: string;
  readonly alg: KeyAlgorithm;
  readonly publicJwk: JWK;
  readonly revoked: boolean;
}

export interface Issuer {
  readonly agencyId: string;
  /** The agency's sector (DESIGN §2); the coordinating agency's officers see the whole log. */
  readonly sector: string;
  readonly active: boolean;
  readonly allowedRoles: readonly Role[];
  /** The key named by the token's `kid`, looked up among this agency's keys only. */
  readonly key: IssuerKey | undefined;
}

/** Where the verifier learns who may sign; implemented by the agencies feature. */
export interface IssuerDirectory {
  findIssuer(agencyId: string, kid: string): Promise<Issuer | undefined>;
}

export const ISSUER_DIRECTORY = Symbol('ISSUER_DIRECTORY');
