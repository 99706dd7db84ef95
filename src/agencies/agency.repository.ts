import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { Issuer } from '../common/auth/issuer-directory.js';
import type { JWK } from 'jose';
import type { KeyAlgorithm } from '../common/auth/key-algorithms.js';
import { AgencyKeyEntity } from './agency-key.entity.js';
import { AgencyEntity } from './agency.entity.js';

export interface NewKey {
  readonly kid: string;
  readonly alg: KeyAlgorithm;
  readonly publicJwk: JWK;
}

interface IssuerRow {
  agency_id: string;
  sector: string;
  status: string;
  allowed_roles: Issuer['allowedRoles'];
  key_id: string | null;
  alg: KeyAlgorithm | null;
  public_jwk: JWK | null;
  key_status: string | null;
}

@Injectable()
export class AgencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One round trip per request: the agency's status and the one key its token names. */
  async findIssuer(agencyId: string, kid: string): Promise<Issuer | undefined> {
    const rows: IssuerRow[] = await this.dataSource.query(
      `SELECT a.id AS agency_id, a.sector, a.status, a.allowed_roles,
              k.id AS key_id, k.alg, k.public_jwk, k.status AS key_status
         FROM agency a
         LEFT JOIN agency_key k ON k.agency_id = a.id AND k.kid = $2
        WHERE a.id = $1`,
      [agencyId, kid],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      agencyId: row.agency_id,
      sector: row.sector,
      active: row.status === 'active',
      allowedRoles: row.allowed_roles,
      key:
        row.key_id && row.alg && row.public_jwk
          ? {
              id: row.key_id,
              alg: row.alg,
              publicJwk: row.public_jwk,
              revoked: row.key_status !== 'active',
            }
          : undefined,
    };
  }

  findByIds(ids: readonly string[]): Promise<AgencyEntity[]> {
    return this.dataSource.getRepository(AgencyEntity).find({ where: { id: In([...ids]) } });
  }

  listDirectory(): Promise<AgencyEntity[]> {
    return this.dataSource.getRepository(AgencyEntity).find({ order: { code: 'ASC' } });
  }

  findById(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AgencyEntity | null> {
    return manager.getRepository(AgencyEntity).findOne({ where: { id } });
  }

  /** Locks the agency row for the rest of the transaction, so status and key changes serialise. */
  findByIdForUpdate(id: string, manager: EntityManager): Promise<AgencyEntity | null> {
    return manager
      .getRepository(AgencyEntity)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findKeys(
    agencyId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AgencyKeyEntity[]> {
    return manager
      .getRepository(AgencyKeyEntity)
      .find({ where: { agencyId }, order: { createdAt: 'ASC' } });
  }

  findKey(agencyId: string, kid: string, manager: EntityManager): Promise<AgencyKeyEntity | null> {
    return manager.getRepository(AgencyKeyEntity).findOne({ where: { agencyId, kid } });
  }

  insertAgency(agency: Partial<AgencyEntity>, manager: EntityManager): Promise<AgencyEntity> {
    const repository = manager.getRepository(AgencyEntity);
    return repository.save(repository.create(agency));
  }

  saveAgency(agency: AgencyEntity, manager: EntityManager): Promise<AgencyEntity> {
    return manager.getRepository(AgencyEntity).save(agency);
  }

  async insertKeys(
    agencyId: string,
    keys: readonly NewKey[],
    manager: EntityManager,
  ): Promise<void> {
    if (keys.length === 0) return;
    const repository = manager.getRepository(AgencyKeyEntity);
    await repository.insert(
      keys.map((key) => ({
        agencyId,
        kid: key.kid,
        alg: key.alg,
        publicJwk: key.publicJwk,
        status: 'active' as const,
      })),
    );
  }

  async revokeKey(key: AgencyKeyEntity, manager: EntityManager): Promise<AgencyKeyEntity> {
    key.status = 'revoked';
    key.revokedAt = new Date();
    return manager.getRepository(AgencyKeyEntity).save(key);
  }

  countAgencies(): Promise<number> {
    return this.dataSource.getRepository(AgencyEntity).count();
  }
}
