import { Injectable } from '@nestjs/common';
import { AgenciesService } from '../agencies/agencies.service.js';
import type { EntityManager } from 'typeorm';
import { AuditLog, type AuditedTransaction } from '../audit/audit-log.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { AuditContext } from '../audit/audit.types.js';
import { caseParties } from '../cases/case-access.js';
import { assertOpen, CasesService } from '../cases/cases.service.js';
import type { PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { ConsentFact, PersonFact } from '../policy/facts.js';
import { PolicyService } from '../policy/policy.service.js';
import type { ConsentVersionEntity } from './consent.entity.js';
import { ConsentRepository } from './consent.repository.js';
import type { CapacityNote } from './consent.types.js';
import { ConsentProblems } from './consents.problems.js';
import type { RecordConsentDto, WithdrawConsentDto } from './dto/consent-input.dto.js';
import { ConsentDto, statusAt } from './dto/consent-view.dto.js';

/**
 * Whether the capacity note fits the person (legal-rules.md §2, capacity): a minor under a `minor_*`
 * note, an adult under another; a person lacking capacity through a representative or guardian; a
 * person assessed capable in their own name.
 */
function capacityFits(person: PersonFact, note: CapacityNote): boolean {
  if (person.minor !== note.startsWith('minor_')) return false;
  if (person.capacity === 'lacks_capacity') {
    return note === 'representative_lacks_capacity' || note === 'minor_guardian_consent';
  }
  if (person.capacity === 'capable') return note !== 'representative_lacks_capacity';
  return true;
}

function toFact(personId: string, v: ConsentVersionEntity, at: Date): ConsentFact {
  return {
    id: v.consentId,
    version: v.version,
    personId,
    status: statusAt(v, at),
    recipientAgencyIds: [...v.recipientAgencyIds],
    recipientSectors: [...v.recipientSectors],
    categories: [...v.categories],
    purposes: [...v.purposes],
    validFrom: v.validFrom.toISOString(),
    validUntil: v.validUntil ? v.validUntil.toISOString() : null,
    withdrawnAt: v.withdrawnAt ? v.withdrawnAt.toISOString() : null,
  };
}

/** Consents of the persons of a case (DESIGN §2 Consent): every version kept, withdrawal at once. */
@Injectable()
export class ConsentsService {
  constructor(
    private readonly audit: AuditLog,
    private readonly consents: ConsentRepository,
    private readonly cases: CasesService,
    private readonly agencies: AgenciesService,
    private readonly policy: PolicyService,
    private readonly notifications: NotificationsService,
  ) {}

  async record(
    ctx: AuditContext,
    caller: PrincipalContext,
    caseId: string,
    input: RecordConsentDto,
  ): Promise<ConsentDto> {
    const now = new Date();
    const validFrom = input.validFrom ? new Date(input.validFrom) : now;
    const validUntil = input.validUntil ? new Date(input.validUntil) : null;
    if (validUntil && (validUntil <= validFrom || validUntil <= now)) {
      throw new DomainError(ConsentProblems.invalidPeriod);
    }
    const recipientAgencyIds = (input.recipientAgencyIds ?? []).map((id) => id.toLowerCase());
    const recipientSectors = input.recipientSectors ?? [];
    if (recipientAgencyIds.length === 0 && recipientSectors.length === 0) {
      throw new DomainError(ConsentProblems.noRecipient);
    }
    const taxonomy = this.policy.current().taxonomy.categories;
    if (!input.categories.every((c) => Object.hasOwn(taxonomy, c))) {
      throw new DomainError(ConsentProblems.unknownCategory);
    }
    await this.checkAgenciesExist(recipientAgencyIds);
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const kase = await this.cases.lockForChange(caller, caseId, manager);
      assertOpen(kase);
      const person = await this.cases.requirePerson(kase.id, input.personId, manager);
      if (!capacityFits(person, input.capacityNote)) {
        throw new DomainError(ConsentProblems.capacityMismatch);
      }
      const { consent, versions } = await this.consents.insertConsent(
        { caseId: kase.id, personId: person.id },
        {
          status: 'active',
          recipientAgencyIds,
          recipientSectors: [...recipientSectors],
          categories: [...input.categories],
          purposes: [...input.purposes],
          validFrom,
          validUntil,
          howObtained: input.howObtained,
          capacityNote: input.capacityNote,
          recordedByAgencyId: caller.agencyId,
          recordedBySubject: caller.subject,
          withdrawnAt: null,
          withdrawalReason: null,
        },
        manager,
      );
      await record({
        action: 'consent.record',
        outcome: 'success',
        parties: [...caseParties(kase, kase.assignedAgencyIds), ...recipientAgencyIds],
        targets: { caseId: kase.id, personIds: [person.id], consentId: consent.id },
        categories: [...input.categories],
        consentVersions: [`${consent.id}:1`],
      });
      return ConsentDto.fromConsent(consent, versions, now);
    });
  }

  async list(caller: PrincipalContext, caseId: string, personId?: string): Promise<ConsentDto[]> {
    const kase = await this.cases.requireVisible(caller, caseId);
    const now = new Date();
    return (await this.consents.findForCase(kase.id, personId)).map((c) =>
      ConsentDto.fromConsent(c.consent, c.versions, now),
    );
  }

  /**
   * Takes effect at once: the new version is current when the transaction commits, and the next
   * decision reads it. Consent-based sharing stops; other bases are untouched (DESIGN §2).
   */
  async withdraw(
    ctx: AuditContext,
    caller: PrincipalContext,
    consentId: string,
    input: WithdrawConsentDto,
  ): Promise<ConsentDto> {
    const withdrawn = await this.audit.transaction(ctx, async ({ manager, record }) => {
      const found = await this.consents.findById(consentId);
      if (!found) throw new DomainError(ConsentProblems.notFound);
      // The case first, as every change to a case locks it first; 404 without a part in it.
      const kase = await this.cases.lockIfVisible(caller, found.caseId, manager);
      if (!kase) throw new DomainError(ConsentProblems.notFound);
      const consent = await this.consents.findByIdForUpdate(consentId, manager);
      if (!consent) throw new DomainError(ConsentProblems.notFound);
      const versions = await this.consents.findVersions(consent.id, manager);
      const current = versions[versions.length - 1];
      const now = new Date();
      const status = statusAt(current, now);
      if (status === 'withdrawn') throw new DomainError(ConsentProblems.alreadyWithdrawn);
      if (status === 'expired') throw new DomainError(ConsentProblems.expired);
      const next = await this.consents.appendVersion(
        consent,
        {
          status: 'withdrawn',
          recipientAgencyIds: current.recipientAgencyIds,
          recipientSectors: current.recipientSectors,
          categories: current.categories,
          purposes: current.purposes,
          validFrom: current.validFrom,
          validUntil: current.validUntil,
          howObtained: current.howObtained,
          capacityNote: current.capacityNote,
          recordedByAgencyId: caller.agencyId,
          recordedBySubject: caller.subject,
          withdrawnAt: now,
          withdrawalReason: input.reason,
        },
        manager,
      );
      await record({
        action: 'consent.withdraw',
        outcome: 'success',
        parties: [...caseParties(kase, kase.assignedAgencyIds), ...current.recipientAgencyIds],
        targets: { caseId: kase.id, personIds: [consent.personId], consentId: consent.id },
        categories: [...current.categories],
        reasonCodes: [input.reason],
        consentVersions: [`${consent.id}:${next.version}`],
      });
      await this.noticeRecipients(manager, record, kase.id, consent.personId, consent.id, now);
      return ConsentDto.fromConsent(consent, [...versions, next], now);
    });
    this.notifications.committed();
    return withdrawn;
  }

  /**
   * Withdrawal is pushed to those who already received information under the consent (DESIGN §2):
   * each recipient agency gets a notice naming the disclosures it covered and the obligation that
   * now applies, and each notice is recorded.
   */
  private async noticeRecipients(
    manager: EntityManager,
    record: AuditedTransaction['record'],
    caseId: string,
    personId: string,
    consentId: string,
    withdrawnAt: Date,
  ): Promise<void> {
    const disclosures: {
      id: string;
      requester_agency_id: string;
      decided_at: Date;
      categories: string[];
    }[] = await manager.query(
      `SELECT d.id, d.requester_agency_id, d.decided_at,
              array(SELECT DISTINCT r ->> 'category' FROM jsonb_array_elements(d.decision -> 'released') r
                     WHERE r ->> 'basis' = 'consent' ORDER BY 1) AS categories
         FROM decision d
        WHERE d.person_id = $1 AND NOT d.dry_run
          AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(d.decision -> 'consentVersions') v
                       WHERE split_part(v, '@', 1) = $2)
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(d.decision -> 'released') r
                       WHERE r ->> 'basis' = 'consent')
        ORDER BY d.decided_at, d.id`,
      [personId, consentId],
    );
    const byRecipient = new Map<string, typeof disclosures>();
    for (const d of disclosures)
      byRecipient.set(d.requester_agency_id, [
        ...(byRecipient.get(d.requester_agency_id) ?? []),
        d,
      ]);
    const obligation = this.policy.current().workflows.consentWithdrawal.obligation;
    for (const [recipient, covered] of byRecipient) {
      const [notificationId] = await this.notifications.notify(manager, [
        {
          recipientAgencyId: recipient,
          kind: 'consent_withdrawn',
          caseId,
          sourceId: consentId,
          urgent: false,
          payload: {
            consentId,
            caseId,
            personId,
            withdrawnAt: withdrawnAt.toISOString(),
            disclosures: covered.map((d) => ({
              decisionId: d.id,
              decidedAt: d.decided_at.toISOString(),
              categories: d.categories,
            })),
            obligation,
          },
        },
      ]);
      await record({
        action: 'consent.withdrawal_notice',
        outcome: 'success',
        parties: [recipient],
        targets: {
          caseId,
          personIds: [personId],
          consentId,
          notificationId,
          decisionIds: covered.map((d) => d.id),
        },
        reasonCodes: [obligation.code],
      });
    }
  }

  /**
   * The current version of each consent of a person, its status as at `at` (default: now).
   * The disclosure path reads the same in one statement (disclosures/disclosure-facts.repository.ts);
   * test/e2e/disclosure-facts.e2e-spec.ts holds the two equal: change one, change the other.
   */
  async forPerson(personId: string, at: Date = new Date()): Promise<ConsentFact[]> {
    return (await this.consents.findCurrentForPerson(personId)).map((v) => toFact(personId, v, at));
  }

  private async checkAgenciesExist(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const known = new Set((await this.agencies.listDirectory()).map((a) => a.id));
    if (!ids.every((id) => known.has(id))) throw new DomainError(ConsentProblems.unknownAgency);
  }
}
