import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { Purpose } from '../policy/facts.js';
import { AgreementFlowEntity } from './agreement-flow.entity.js';
import { AgreementPartyEntity } from './agreement-party.entity.js';
import type { AgreementRecord, VersionRecord } from './agreement-state.js';
import { AgreementVersionEntity } from './agreement-version.entity.js';
import { AgreementEntity } from './agreement.entity.js';
import type { Frequency, VersionStatus } from './agreement.types.js';

export interface NewVersion {
  readonly agreementId: string;
  readonly version: number;
  readonly createdByAgencyId: string;
  readonly parties: readonly string[];
  readonly purposes: readonly Purpose[];
  readonly flows: readonly {
    fromAgencyId: string;
    toAgencyId: string;
    categories: readonly string[];
  }[];
  readonly transmissionTerms: string;
  readonly securityMeasures: string;
  readonly frequency: Frequency;
  readonly effectiveFrom: Date;
  readonly effectiveTo: Date | null;
  readonly onwardDisclosureProhibited: boolean;
  readonly retentionDays: number;
  readonly breachContact: string;
}

/** What may change on a version once written: its lifecycle, never its content. */
export interface VersionLifecycle {
  readonly status: VersionStatus;
  readonly activatedAt?: Date;
  readonly endedAt?: Date;
  readonly endReason?: string | null;
  readonly endedByAgencyId?: string | null;
}

interface AgreementRow {
  id: string;
  created_at: Date;
  updated_at: Date;
}

const key = (agreementId: string, version: number): string => `${agreementId}#${version}`;

@Injectable()
export class AgreementRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertAgreement(now: Date, manager: EntityManager): Promise<AgreementEntity> {
    const repository = manager.getRepository(AgreementEntity);
    return repository.save(repository.create({ createdAt: now, updatedAt: now }));
  }

  /** The version row, then its parties, then its flows (which reference the party rows). */
  async insertVersion(draft: NewVersion, manager: EntityManager): Promise<void> {
    const ids = { agreementId: draft.agreementId, version: draft.version };
    await manager.getRepository(AgreementVersionEntity).insert({
      ...ids,
      status: 'draft',
      purposes: [...draft.purposes],
      transmissionTerms: draft.transmissionTerms,
      securityMeasures: draft.securityMeasures,
      frequency: draft.frequency,
      effectiveFrom: draft.effectiveFrom,
      effectiveTo: draft.effectiveTo,
      onwardDisclosureProhibited: draft.onwardDisclosureProhibited,
      retentionDays: draft.retentionDays,
      breachContact: draft.breachContact,
      createdByAgencyId: draft.createdByAgencyId,
    });
    await manager
      .getRepository(AgreementPartyEntity)
      .insert(draft.parties.map((agencyId, position) => ({ ...ids, agencyId, position })));
    await manager.getRepository(AgreementFlowEntity).insert(
      draft.flows.map((flow, position) => ({
        ...ids,
        fromAgencyId: flow.fromAgencyId,
        toAgencyId: flow.toAgencyId,
        position,
        categories: [...flow.categories],
      })),
    );
  }

  /**
   * Locks the agreement row for the rest of the transaction and marks it changed, in one
   * statement: every change to one agreement (signatures above all) is serialised.
   */
  async lockAndTouch(
    id: string,
    now: Date,
    manager: EntityManager,
  ): Promise<AgreementEntity | null> {
    const [rows]: [AgreementRow[], number] = await manager.query(
      'UPDATE agreement SET updated_at = $2 WHERE id = $1 RETURNING id, created_at, updated_at',
      [id, now],
    );
    const row = rows[0];
    if (!row) return null;
    return Object.assign(new AgreementEntity(), {
      id: row.id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }

  async findWithVersions(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AgreementRecord | null> {
    const agreement = await manager.getRepository(AgreementEntity).findOne({ where: { id } });
    if (!agreement) return null;
    return (await this.attachVersions([agreement], manager))[0];
  }

  /** Agreements to which the agency is a party in any version, oldest first. */
  async findForParty(agencyId: string): Promise<AgreementRecord[]> {
    const agreements = await this.dataSource
      .getRepository(AgreementEntity)
      .createQueryBuilder('a')
      .where(
        'EXISTS (SELECT 1 FROM agreement_party p WHERE p.agreement_id = a.id AND p.agency_id = :agencyId)',
        { agencyId },
      )
      .orderBy('a.created_at', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .getMany();
    return this.attachVersions(agreements, this.dataSource.manager);
  }

  async findAll(): Promise<AgreementRecord[]> {
    const agreements = await this.dataSource
      .getRepository(AgreementEntity)
      .find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return this.attachVersions(agreements, this.dataSource.manager);
  }

  /** Records the signature unless one is already there; false when the party had signed. */
  async signAsParty(
    party: { agreementId: string; version: number; agencyId: string },
    signature: { subject: string; at: Date },
    manager: EntityManager,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(AgreementPartyEntity)
      .set({ signedBy: signature.subject, signedAt: signature.at })
      .where(
        'agreement_id = :agreementId AND version = :version AND agency_id = :agencyId AND signed_at IS NULL',
        party,
      )
      .execute();
    return result.affected === 1;
  }

  async setLifecycle(
    agreementId: string,
    version: number,
    change: VersionLifecycle,
    manager: EntityManager,
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(AgreementVersionEntity)
      // Only what changes: an absent field keeps its value.
      .set(Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)))
      .where('agreement_id = :agreementId AND version = :version', { agreementId, version })
      .execute();
  }

  /**
   * Versions in force at `at` to which any of the agencies is a party: came into force before
   * `at` and had not stopped being in force by then (suspended, superseded, terminated), and `at`
   * falls within the term [effectiveFrom, effectiveTo). Exact for past instants too.
   */
  async findInForce(agencyIds: readonly string[], at: Date): Promise<VersionRecord[]> {
    const pairs: { agreement_id: string; version: number }[] = await this.dataSource.query(
      `SELECT v.agreement_id, v.version
         FROM agreement_version v
        WHERE v.activated_at <= $2
          AND (v.ended_at IS NULL OR v.ended_at > $2)
          AND v.effective_from <= $2
          AND (v.effective_to IS NULL OR v.effective_to > $2)
          AND EXISTS (SELECT 1 FROM agreement_party p
                       WHERE p.agreement_id = v.agreement_id AND p.version = v.version
                         AND p.agency_id = ANY($1::uuid[]))
        ORDER BY v.agreement_id, v.version`,
      [agencyIds, at],
    );
    if (pairs.length === 0) return [];
    const wanted = new Set(pairs.map((p) => key(p.agreement_id, p.version)));
    const versions = await this.loadVersions(
      [...new Set(pairs.map((p) => p.agreement_id))],
      this.dataSource.manager,
    );
    return versions.filter((v) => wanted.has(key(v.row.agreementId, v.row.version)));
  }

  private async attachVersions(
    agreements: readonly AgreementEntity[],
    manager: EntityManager,
  ): Promise<AgreementRecord[]> {
    const versions = await this.loadVersions(
      agreements.map((a) => a.id),
      manager,
    );
    return agreements.map((row) => ({
      row,
      versions: versions.filter((v) => v.row.agreementId === row.id),
    }));
  }

  /** Every version of these agreements with its parties and flows: three queries in all. */
  private async loadVersions(
    agreementIds: readonly string[],
    manager: EntityManager,
  ): Promise<VersionRecord[]> {
    if (agreementIds.length === 0) return [];
    const where = { agreementId: In([...agreementIds]) };
    // One after the other: inside a transaction they share one connection.
    const rows = await manager
      .getRepository(AgreementVersionEntity)
      .find({ where, order: { agreementId: 'ASC', version: 'ASC' } });
    const parties = await manager
      .getRepository(AgreementPartyEntity)
      .find({ where, order: { position: 'ASC' } });
    const flows = await manager
      .getRepository(AgreementFlowEntity)
      .find({ where, order: { position: 'ASC' } });
    const partiesOf = new Map<string, AgreementPartyEntity[]>();
    for (const party of parties) {
      const k = key(party.agreementId, party.version);
      partiesOf.set(k, [...(partiesOf.get(k) ?? []), party]);
    }
    const flowsOf = new Map<string, AgreementFlowEntity[]>();
    for (const flow of flows) {
      const k = key(flow.agreementId, flow.version);
      flowsOf.set(k, [...(flowsOf.get(k) ?? []), flow]);
    }
    return rows.map((row) => ({
      row,
      parties: partiesOf.get(key(row.agreementId, row.version)) ?? [],
      flows: flowsOf.get(key(row.agreementId, row.version)) ?? [],
    }));
  }
}
