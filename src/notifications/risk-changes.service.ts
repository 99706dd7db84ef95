import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import type { AuditContext } from '../audit/audit.types.js';
import { caseParties } from '../cases/case-access.js';
import { CasesService } from '../cases/cases.service.js';
import type { PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { CaseFact } from '../policy/facts.js';
import { PolicyService } from '../policy/policy.service.js';
import type { ReportRiskChangeDto } from './dto/notification-input.dto.js';
import { NotificationProblems } from './notifications.problems.js';
import { NotificationsService } from './notifications.service.js';

const FUTURE_SKEW_MS = 5 * 60_000;

export interface RiskChangeReceipt {
  readonly riskChangeId: string;
  readonly kind: string;
  readonly urgent: boolean;
  /**
   * How many agencies were alerted. Not which: the list would tell the reporter which agencies
   * received information about the persons concerned.
   */
  readonly alerted: number;
}

interface Recipient {
  readonly id: string;
  readonly sector: string;
  /** Referring or assigned: it has a part in the case. */
  readonly inCase: boolean;
}

/**
 * Risk changes (DESIGN §2 Notification; standard 1.4 of the perpetrator-intervention standards):
 * reported on a case, fanned out at once as minimised alerts — what changed, which case, whom to
 * call — to the agencies the policy entitles: those that received information about the persons
 * concerned, those assigned to the case, and the sectors it names (victim services).
 */
@Injectable()
export class RiskChangesService {
  constructor(
    private readonly audit: AuditLog,
    private readonly cases: CasesService,
    private readonly policy: PolicyService,
    private readonly notifications: NotificationsService,
  ) {}

  async report(
    caller: PrincipalContext,
    ctx: AuditContext,
    caseId: string,
    input: ReportRiskChangeDto,
  ): Promise<RiskChangeReceipt> {
    const rules = this.policy.current().workflows.riskChanges;
    const kind = Object.hasOwn(rules.kinds, input.kind) ? rules.kinds[input.kind] : undefined;
    if (!kind) throw new DomainError(NotificationProblems.unknownKind);
    if (input.summary && input.summary.length > rules.summaryMaxLength) {
      throw new DomainError(NotificationProblems.summaryTooLong, {
        detail: {
          fr: `${rules.summaryMaxLength} caractères au plus.`,
          en: `At most ${rules.summaryMaxLength} characters.`,
        },
      });
    }
    const now = new Date();
    if (Date.parse(input.occurredAt) > now.getTime() + FUTURE_SKEW_MS)
      throw new DomainError(NotificationProblems.occurredInFuture);
    const personIds = [...new Set((input.personIds ?? []).map((id) => id.toLowerCase()))];
    const receipt = await this.audit.transaction(ctx, async ({ manager, record }) => {
      const kase = await this.cases.lockIfVisible(caller, caseId, manager);
      if (!kase) throw new DomainError(NotificationProblems.caseNotFound);
      if (kase.stage === 'closed') throw new DomainError(NotificationProblems.caseClosed);
      const [{ known }]: { known: number }[] = await manager.query(
        'SELECT count(*)::int AS known FROM case_person WHERE case_id = $1 AND id = ANY($2::uuid[])',
        [kase.id, personIds],
      );
      if (known !== personIds.length) throw new DomainError(NotificationProblems.personNotInCase);
      const [change]: { id: string; created_at: Date }[] = await manager.query(
        `INSERT INTO risk_change (case_id, reported_by_agency_id, reported_by_subject, kind, urgent, occurred_at,
                                  summary, contact_point, person_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, created_at`,
        [
          kase.id,
          caller.agencyId,
          caller.subject,
          input.kind,
          kind.urgent,
          new Date(input.occurredAt).toISOString(),
          input.summary ?? null,
          input.contactPoint ?? null,
          personIds,
        ],
      );
      const recipients = await this.entitled(manager, kase, personIds, caller.agencyId);
      const [reporter]: { name_fr: string; name_en: string; sector: string }[] =
        await manager.query('SELECT name_fr, name_en, sector FROM agency WHERE id = $1', [
          caller.agencyId,
        ]);
      // Minimised like an Operation Encompass notice: the change, the case, the persons' pseudonymous
      // ids, when, and whom to call. No identity, no location, no narrative beyond the summary.
      const base = {
        riskChangeId: change.id,
        kind: input.kind,
        label: kind.label,
        urgent: kind.urgent,
        caseId: kase.id,
        personIds,
        occurredAt: new Date(input.occurredAt).toISOString(),
        reportedAt: change.created_at.toISOString(),
      };
      const { reporterWithheld } = rules;
      const payloadFor = (recipient: Recipient): Record<string, unknown> => {
        if (
          reporterWithheld.reporterSectors.includes(reporter.sector as never) &&
          reporterWithheld.recipientSectors.includes(recipient.sector as never)
        )
          return { ...base, reportedBy: null, contactNote: reporterWithheld.contactNote };
        return {
          ...base,
          reportedBy: {
            agencyId: caller.agencyId,
            name: { fr: reporter.name_fr, en: reporter.name_en },
          },
          ...(recipient.inCase && input.summary ? { summary: input.summary } : {}),
          ...(recipient.inCase && input.contactPoint ? { contactPoint: input.contactPoint } : {}),
        };
      };
      const escalateAt = kind.urgent
        ? new Date(now.getTime() + rules.escalationMinutes * 60_000)
        : undefined;
      await this.notifications.notify(
        manager,
        recipients.map((recipient) => ({
          recipientAgencyId: recipient.id,
          kind: 'risk_change' as const,
          caseId: kase.id,
          sourceId: change.id,
          payload: payloadFor(recipient),
          urgent: kind.urgent,
          escalateAt,
        })),
      );
      // The case's parties find the report in the log; who was alerted is in the notifications,
      // each recipient's in its own inbox.
      await record({
        action: 'risk_change.report',
        outcome: 'success',
        parties: caseParties(kase, kase.assignedAgencyIds),
        targets: {
          caseId: kase.id,
          personIds: personIds.length ? personIds : undefined,
          riskChangeId: change.id,
        },
        reasonCodes: [input.kind],
      });
      return {
        riskChangeId: change.id,
        kind: input.kind,
        urgent: kind.urgent,
        alerted: recipients.length,
      };
    });
    this.notifications.committed();
    return receipt;
  }

  /** Who the policy entitles to hear of a change on this case, active agencies only, reporter aside. */
  private async entitled(
    manager: EntityManager,
    kase: CaseFact,
    personIds: readonly string[],
    reporterAgencyId: string,
  ): Promise<Recipient[]> {
    const { recipients } = this.policy.current().workflows.riskChanges;
    const rows: { id: string; sector: string }[] = await manager.query(
      `SELECT a.id, a.sector FROM agency a
        WHERE a.status = 'active' AND a.id <> $1
          AND (   ($2::boolean AND a.id IN (
                     SELECT d.requester_agency_id FROM decision d
                      WHERE d.case_id = $3 AND NOT d.dry_run
                        AND (cardinality($4::uuid[]) = 0 OR d.person_id = ANY($4::uuid[]))
                        AND jsonb_array_length(d.decision -> 'released') > 0))
               OR a.id = ANY($5::uuid[])
               OR a.sector = ANY($6::text[]))
        ORDER BY a.id`,
      [
        reporterAgencyId,
        recipients.receivedInformation,
        kase.id,
        personIds,
        recipients.assignedAgencies ? kase.assignedAgencyIds : [],
        recipients.sectors,
      ],
    );
    const inCase = new Set([kase.referringAgencyId, ...kase.assignedAgencyIds]);
    return rows.map((r) => ({ id: r.id, sector: r.sector, inCase: inCase.has(r.id) }));
  }
}
