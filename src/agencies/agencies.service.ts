import { Injectable } from '@nestjs/common';
import { importJWK, type JWK } from 'jose';
import { type EntityManager, QueryFailedError } from 'typeorm';
import { AuditLog, type AuditedTransaction } from '../audit/audit-log.js';
import type { AuditContext } from '../audit/audit.types.js';
import type { AgencyFact } from '../policy/facts.js';
import type { Issuer, IssuerDirectory } from '../common/auth/issuer-directory.js';
import { algorithmForPublicJwk } from '../common/auth/key-algorithms.js';
import { hasRole, type PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { AgencyProblems } from './agencies.problems.js';
import { AgencyRepository, type NewKey } from './agency.repository.js';
import type { AgencyEntity } from './agency.entity.js';
import type { AgencyStatus } from './agency.types.js';
import type { CreateAgencyDto, PublicKeyDto, UpdateAgencyDto } from './dto/agency-input.dto.js';
import { AgencyDetailDto, AgencyDirectoryEntryDto, AgencyKeyDto } from './dto/agency-view.dto.js';
import { UUID } from '../common/validation/patterns.js';

const PUBLIC_JWK_MEMBERS = new Set(['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use', 'key_ops']);
// A P-256 coordinate or an Ed25519 public key: 32 bytes, unpadded base64url.
const COORDINATE = /^[A-Za-z0-9_-]{43}$/;

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError =
    error instanceof QueryFailedError
      ? (error.driverError as { code?: string; constraint?: string })
      : undefined;
  return driverError?.code === '23505' && driverError.constraint === constraint;
}

/** A JWK the broker will accept: public, allowed curve, a real point, nothing else smuggled in. */
async function toNewKey(input: PublicKeyDto): Promise<NewKey> {
  const jwk = input.jwk as JWK;
  const members = Object.keys(jwk);
  const alg = algorithmForPublicJwk(jwk);
  const sizesOk = members.every(
    (m) => typeof jwk[m as keyof JWK] !== 'string' || String(jwk[m as keyof JWK]).length <= 256,
  );
  if (!alg || !members.every((m) => PUBLIC_JWK_MEMBERS.has(m)) || !sizesOk) {
    throw new DomainError(AgencyProblems.keyInvalid);
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) throw new DomainError(AgencyProblems.keyInvalid);
  const publicJwk: JWK =
    alg === 'ES256'
      ? { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }
      : { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  const coordinates = alg === 'ES256' ? [jwk.x, jwk.y] : [jwk.x];
  if (!coordinates.every((c) => typeof c === 'string' && COORDINATE.test(c))) {
    throw new DomainError(AgencyProblems.keyInvalid);
  }
  try {
    await importJWK(publicJwk, alg); // refuses a point that is not on the curve
  } catch {
    throw new DomainError(AgencyProblems.keyInvalid);
  }
  return { kid: input.kid, alg, publicJwk };
}

async function toNewKeys(inputs: readonly PublicKeyDto[]): Promise<NewKey[]> {
  const kids = new Set(inputs.map((k) => k.kid));
  if (kids.size !== inputs.length) throw new DomainError(AgencyProblems.duplicateKid);
  return Promise.all(inputs.map(toNewKey));
}

/** The agency register and the trust anchors (public keys) that authentication relies on. */
@Injectable()
export class AgenciesService implements IssuerDirectory {
  constructor(
    private readonly audit: AuditLog,
    private readonly agencies: AgencyRepository,
  ) {}

  findIssuer(agencyId: string, kid: string): Promise<Issuer | undefined> {
    return this.agencies.findIssuer(agencyId, kid);
  }

  /**
   * The decision engine's view of these agencies (unknown ids are left out).
   * The disclosure path reads the same in one statement (disclosures/disclosure-facts.repository.ts);
   * test/e2e/disclosure-facts.e2e-spec.ts holds the two equal: change one, change the other.
   */
  async facts(ids: readonly string[]): Promise<Record<string, AgencyFact>> {
    const agencies = await this.agencies.findByIds([...new Set(ids)].filter((id) => UUID.test(id)));
    return Object.fromEntries(
      agencies.map((a) => [
        a.id,
        { id: a.id, sector: a.sector, status: a.status, privacyRegime: a.privacyRegime },
      ]),
    );
  }

  async listDirectory(): Promise<AgencyDirectoryEntryDto[]> {
    return (await this.agencies.listDirectory()).map(AgencyDirectoryEntryDto.from);
  }

  /** Administrators and the agency itself see the full record; others the directory entry. */
  async get(
    caller: PrincipalContext,
    id: string,
  ): Promise<AgencyDirectoryEntryDto | AgencyDetailDto> {
    const agency = await this.require(id);
    if (!this.maySeeKeys(caller, agency.id)) return AgencyDirectoryEntryDto.from(agency);
    return AgencyDetailDto.fromWithKeys(agency, await this.agencies.findKeys(agency.id));
  }

  /** Keys of another agency answer 404, as if they did not exist (DESIGN §5 isolation). */
  async listKeys(caller: PrincipalContext, id: string): Promise<AgencyKeyDto[]> {
    if (!this.maySeeKeys(caller, id)) throw new DomainError(AgencyProblems.notFound);
    const agency = await this.require(id);
    return (await this.agencies.findKeys(agency.id)).map(AgencyKeyDto.from);
  }

  async register(ctx: AuditContext, input: CreateAgencyDto): Promise<AgencyDetailDto> {
    const keys = await toNewKeys(input.keys ?? []);
    return this.inTransaction(ctx, async ({ manager, record }) => {
      const agency = await this.agencies.insertAgency(
        {
          code: input.code,
          nameFr: input.names.fr,
          nameEn: input.names.en,
          sector: input.sector,
          jurisdiction: input.jurisdiction,
          privacyRegime: input.privacyRegime,
          allowedRoles: input.allowedRoles ?? ['agency_user'],
          status: 'active',
        },
        manager,
      );
      await this.agencies.insertKeys(agency.id, keys, manager);
      const view = AgencyDetailDto.fromWithKeys(
        agency,
        await this.agencies.findKeys(agency.id, manager),
      );
      await record({
        action: 'agency.register',
        outcome: 'success',
        targets: { agencyId: agency.id, keyIds: keys.map((k) => k.kid) },
      });
      return view;
    });
  }

  async update(ctx: AuditContext, id: string, input: UpdateAgencyDto): Promise<AgencyDetailDto> {
    if (!input.names && !input.jurisdiction && !input.privacyRegime && !input.allowedRoles) {
      throw new DomainError(AgencyProblems.emptyUpdate);
    }
    return this.inTransaction(ctx, async ({ manager, record }) => {
      const agency = await this.requireForUpdate(id, manager);
      if (input.names) {
        agency.nameFr = input.names.fr;
        agency.nameEn = input.names.en;
      }
      if (input.jurisdiction) agency.jurisdiction = input.jurisdiction;
      if (input.privacyRegime) agency.privacyRegime = input.privacyRegime;
      if (input.allowedRoles) agency.allowedRoles = input.allowedRoles;
      const saved = await this.agencies.saveAgency(agency, manager);
      const view = AgencyDetailDto.fromWithKeys(
        saved,
        await this.agencies.findKeys(saved.id, manager),
      );
      const fields = ['names', 'jurisdiction', 'privacyRegime', 'allowedRoles'] as const;
      await record({
        action: 'agency.update',
        outcome: 'success',
        targets: { agencyId: saved.id, fields: fields.filter((f) => input[f] !== undefined) },
      });
      return view;
    });
  }

  /**
   * Takes effect at once: the next request signed by this agency gets 401, and a suspension ends
   * its staff's console sessions (a reactivation does not bring them back).
   */
  setStatus(
    ctx: AuditContext,
    id: string,
    status: AgencyStatus,
    reason: string,
  ): Promise<AgencyDetailDto> {
    return this.inTransaction(ctx, async ({ manager, record }) => {
      const agency = await this.requireForUpdate(id, manager);
      if (agency.status === status) throw new DomainError(AgencyProblems.alreadyInStatus);
      agency.status = status;
      const saved = await this.agencies.saveAgency(agency, manager);
      if (status === 'suspended') {
        await manager.query(
          `UPDATE console_session SET ended_at = now() WHERE agency_id = $1 AND ended_at IS NULL`,
          [saved.id],
        );
      }
      const view = AgencyDetailDto.fromWithKeys(
        saved,
        await this.agencies.findKeys(saved.id, manager),
      );
      await record({
        action: status === 'suspended' ? 'agency.suspend' : 'agency.reactivate',
        outcome: 'success',
        targets: { agencyId: saved.id },
        reasonCodes: [reason],
      });
      return view;
    });
  }

  /** Several keys at once, so an agency can publish its next key before it rotates. */
  async addKeys(
    ctx: AuditContext,
    id: string,
    inputs: readonly PublicKeyDto[],
  ): Promise<AgencyKeyDto[]> {
    const keys = await toNewKeys(inputs);
    return this.inTransaction(ctx, async ({ manager, record }) => {
      const agency = await this.requireForUpdate(id, manager);
      await this.agencies.insertKeys(agency.id, keys, manager);
      const view = (await this.agencies.findKeys(agency.id, manager)).map(AgencyKeyDto.from);
      await record({
        action: 'agency.keys.add',
        outcome: 'success',
        targets: { agencyId: agency.id, keyIds: keys.map((k) => k.kid) },
      });
      return view;
    });
  }

  /** Takes effect at once: a token signed with this key gets 401 from now on. */
  revokeKey(ctx: AuditContext, id: string, kid: string, reason: string): Promise<AgencyKeyDto> {
    return this.inTransaction(ctx, async ({ manager, record }) => {
      const agency = await this.requireForUpdate(id, manager);
      const key = await this.agencies.findKey(agency.id, kid, manager);
      if (!key) throw new DomainError(AgencyProblems.keyNotFound);
      if (key.status === 'revoked') throw new DomainError(AgencyProblems.keyAlreadyRevoked);
      const view = AgencyKeyDto.from(await this.agencies.revokeKey(key, manager));
      await record({
        action: 'agency.key.revoke',
        outcome: 'success',
        targets: { agencyId: agency.id, keyId: kid },
        reasonCodes: [reason],
      });
      return view;
    });
  }

  private maySeeKeys(caller: PrincipalContext, agencyId: string): boolean {
    return hasRole(caller, 'admin') || caller.agencyId === agencyId.toLowerCase();
  }

  private async require(id: string): Promise<AgencyEntity> {
    const agency = UUID.test(id) ? await this.agencies.findById(id) : null;
    if (!agency) throw new DomainError(AgencyProblems.notFound);
    return agency;
  }

  private async requireForUpdate(id: string, manager: EntityManager): Promise<AgencyEntity> {
    const agency = UUID.test(id) ? await this.agencies.findByIdForUpdate(id, manager) : null;
    if (!agency) throw new DomainError(AgencyProblems.notFound);
    return agency;
  }

  /** The change and its audit record commit together; constraint violations become problems. */
  private async inTransaction<T>(
    ctx: AuditContext,
    work: (tx: AuditedTransaction) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.audit.transaction(ctx, work);
    } catch (error) {
      if (isUniqueViolation(error, 'UQ_agency_code'))
        throw new DomainError(AgencyProblems.codeTaken);
      if (isUniqueViolation(error, 'agency_key_agency_kid_unique'))
        throw new DomainError(AgencyProblems.keyExists);
      throw error;
    }
  }
}
