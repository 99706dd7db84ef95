import { Injectable } from '@nestjs/common';
import { type EntityManager, QueryFailedError } from 'typeorm';
import { AuditLog, type AuditedTransaction } from '../audit/audit-log.js';
import type { AuditContext } from '../audit/audit.types.js';
import type { PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { AgreementRepository, type VersionLifecycle } from './agreement.repository.js';
import {
  actsForNetwork,
  isParty,
  isVisibleTo,
  statusOf,
  type AgreementRecord,
  type VersionRecord,
} from './agreement-state.js';
import { AgreementProblems } from './agreements.problems.js';
import { AgreementDto } from './dto/agreement-view.dto.js';

function isForeignKeyViolation(error: unknown, constraint: string): boolean {
  const driverError =
    error instanceof QueryFailedError
      ? (error.driverError as { code?: string; constraint?: string })
      : undefined;
  return driverError?.code === '23503' && driverError.constraint === constraint;
}

/** One change to an agreement in progress: the locked agreement, the transaction, its clock. */
export interface AgreementChange {
  readonly agreement: AgreementRecord;
  readonly tx: AuditedTransaction;
  readonly now: Date;
}

/** The transaction discipline every agreement change shares: lock, check, change, view, record. */
@Injectable()
export class AgreementTransactions {
  constructor(
    private readonly audit: AuditLog,
    private readonly agreements: AgreementRepository,
  ) {}

  /** The change and its audit record commit together; a party that is no agency is a 400. */
  async run<T>(ctx: AuditContext, work: (tx: AuditedTransaction) => Promise<T>): Promise<T> {
    try {
      return await this.audit.transaction(ctx, work);
    } catch (error) {
      if (isForeignKeyViolation(error, 'FK_agreement_party_agency')) {
        throw new DomainError(AgreementProblems.unknownAgency, {
          errors: [{ property: 'parties', constraints: ['registeredAgency'] }],
        });
      }
      throw error;
    }
  }

  /**
   * A change to an existing agreement: locks it (changes to one agreement are serialised), answers
   * 404 when the caller may not see it and 409 once it is terminated, then runs `work`.
   */
  change<T>(
    ctx: AuditContext,
    caller: PrincipalContext,
    id: string,
    work: (change: AgreementChange) => Promise<T>,
  ): Promise<T> {
    const now = new Date();
    return this.run(ctx, async (tx) => {
      const locked = await this.agreements.lockAndTouch(id, now, tx.manager);
      const agreement = locked ? await this.agreements.findWithVersions(id, tx.manager) : null;
      if (!agreement || !isVisibleTo(agreement, caller))
        throw new DomainError(AgreementProblems.notFound);
      if (statusOf(agreement) === 'terminated') throw new DomainError(AgreementProblems.terminated);
      return work({ agreement, tx, now });
    });
  }

  transition(
    version: VersionRecord,
    change: VersionLifecycle,
    manager: EntityManager,
  ): Promise<void> {
    return this.agreements.setLifecycle(
      version.row.agreementId,
      version.row.version,
      change,
      manager,
    );
  }

  /** The agreement as it now stands in the transaction, for the response. */
  async view(id: string, manager: EntityManager): Promise<AgreementDto> {
    const agreement = await this.agreements.findWithVersions(id, manager);
    return AgreementDto.from(agreement as AgreementRecord);
  }
}

/** Drafting: the table's roles draft for anyone; an agency drafts only what binds itself. */
export function requireProposer(caller: PrincipalContext, parties: readonly string[]): void {
  if (!actsForNetwork(caller.roles) && !parties.includes(caller.agencyId))
    throw new DomainError(AgreementProblems.notAParty);
}

/** Suspending or terminating: the table's roles, or a party to the version that governs. */
export function requireActor(caller: PrincipalContext, governing: VersionRecord | undefined): void {
  if (!actsForNetwork(caller.roles) && !isParty(governing, caller.agencyId))
    throw new DomainError(AgreementProblems.notAParty);
}

export const partiesOf = (...versions: (VersionRecord | undefined)[]): string[] => [
  ...new Set(versions.flatMap((v) => v?.parties.map((p) => p.agencyId) ?? [])),
];
