import { randomBytes, randomUUID } from 'node:crypto';
import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { DataSource } from 'typeorm';
import { AgencyKeyEntity } from '../../src/agencies/agency-key.entity.js';
import { AgencyEntity } from '../../src/agencies/agency.entity.js';
import type { AgencyStatus, Sector } from '../../src/agencies/agency.types.js';
import type { KeyAlgorithm } from '../../src/common/auth/key-algorithms.js';
import { ROLES, type Role } from '../../src/common/auth/roles.js';

export const TEST_AUDIENCE = 'urn:filet:broker';

export interface TestKey {
  readonly kid: string;
  readonly alg: KeyAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** A throwaway key pair, made per test; nothing is hard-coded. */
export async function generateTestKey(alg: KeyAlgorithm = 'ES256', kid?: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    crv: alg === 'EdDSA' ? 'Ed25519' : undefined,
  });
  return {
    kid: kid ?? `k-${randomBytes(4).toString('hex')}`,
    alg,
    privateKey,
    publicJwk: await exportJWK(publicKey),
  };
}

export interface TokenOptions {
  readonly key: TestKey;
  readonly issuer: string;
  readonly roles?: readonly string[];
  readonly sub?: string;
  readonly audience?: string;
  readonly jti?: string;
  /** Seconds since the epoch. */
  readonly iat?: number;
  readonly exp?: number;
  readonly nbf?: number;
  /** Claims to leave out entirely. */
  readonly omit?: readonly (keyof JWTPayload | 'roles')[];
  readonly headerKid?: string | null;
}

export async function mintToken(options: TokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: options.issuer,
    sub: options.sub ?? `user-${randomBytes(3).toString('hex')}`,
    aud: options.audience ?? TEST_AUDIENCE,
    iat: options.iat ?? now,
    exp: options.exp ?? (options.iat ?? now) + 120,
    jti: options.jti ?? randomUUID(),
    roles: options.roles ?? ['agency_user'],
    ...(options.nbf !== undefined ? { nbf: options.nbf } : {}),
  };
  for (const claim of options.omit ?? []) delete claims[claim];
  const header: { alg: string; kid?: string } = { alg: options.key.alg };
  if (options.headerKid !== null) header.kid = options.headerKid ?? options.key.kid;
  return new SignJWT(claims).setProtectedHeader(header).sign(options.key.privateKey);
}

export interface TestAgency {
  readonly id: string;
  readonly code: string;
  readonly sector: Sector;
  readonly key: TestKey;
  /** A fresh single-use token for this agency, signed with its key. */
  token(roles?: readonly Role[], options?: Partial<TokenOptions>): Promise<string>;
}

export interface AgencyFactoryOptions {
  readonly sector?: Sector;
  readonly allowedRoles?: readonly Role[];
  readonly status?: AgencyStatus;
  readonly alg?: KeyAlgorithm;
  readonly kid?: string;
}

/** Inserts an agency with one active key, straight into the database (real SQL, no HTTP). */
export async function createAgency(
  dataSource: DataSource,
  options: AgencyFactoryOptions = {},
): Promise<TestAgency> {
  const key = await generateTestKey(options.alg ?? 'ES256', options.kid);
  const code = `agency-${randomBytes(4).toString('hex')}`;
  const sector = options.sector ?? 'police';
  const agency = await dataSource.getRepository(AgencyEntity).save(
    dataSource.getRepository(AgencyEntity).create({
      code,
      nameFr: `Organisme ${code}`,
      nameEn: `Agency ${code}`,
      sector,
      jurisdiction: 'CA-QC',
      privacyRegime: 'QC-A-2.1',
      allowedRoles: [...(options.allowedRoles ?? ROLES)],
      status: options.status ?? 'active',
    }),
  );
  await dataSource.getRepository(AgencyKeyEntity).insert({
    agencyId: agency.id,
    kid: key.kid,
    alg: key.alg,
    publicJwk: key.publicJwk,
    status: 'active',
  });
  return {
    id: agency.id,
    code,
    sector,
    key,
    token: (roles = ['agency_user'], extra = {}) =>
      mintToken({ key, issuer: agency.id, roles, ...extra }),
  };
}

/** A valid `POST /v1/agencies` body with a fresh code and no keys; override any field. */
export function registrationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const code = `reg-${randomBytes(4).toString('hex')}`;
  return {
    code,
    names: { fr: `Maison d’hébergement ${code}`, en: `Shelter ${code}` },
    sector: 'shelter',
    jurisdiction: 'CA-QC',
    privacyRegime: 'QC-P-39.1',
    ...overrides,
  };
}
