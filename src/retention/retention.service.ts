import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditLog, type AuditedTransaction } from '../audit/audit-log.js';
import type { AuditContext } from '../audit/audit.types.js';
import type { PrincipalContext } from '../common/auth/principal.js';
import { CommonProblems } from '../common/errors/common.problems.js';
import { DomainError } from '../common/errors/domain-error.js';
import { ItemsService } from '../items/items.service.js';
import { PolicyService } from '../policy/policy.service.js';
import { RetentionRepository } from './retention.repository.js';

/** What one run did. */
export interface RetentionCounts {
  /** Items whose content (every version) was deleted: their retention date had passed. */
  readonly purgedItems: number;
  /** Consents whose period had run out, marked ended. */
  readonly endedConsents: number;
  /** Agreements whose version in force (or suspended) had reached the end of its term. */
  readonly endedAgreements: number;
  /** Risk changes whose free text (summary, contact point) was cleared. */
  readonly purgedRiskChanges: number;
  /** Notifications (alerts) whose free text was cleared. */
  readonly purgedNotifications: number;
}

export interface RunOptions {
  /** Ties the run's records together in the log: the operator's request, or the run's own id. */
  readonly requestId?: string;
  /** Stops the run between two batches (the broker shutting down); what was done stays done. */
  readonly signal?: AbortSignal;
}

/** The subject of what retention does on its own: the broker, under no agency. */
export const RETENTION_SUBJECT = 'system:retention';

/** Rows per transaction: short transactions and locks, a bounded set of records per commit. */
const BATCH = 100;
const DAY_MS = 86_400_000;
const RETENTION_EXPIRED = 'retention_expired';

const ZERO: RetentionCounts = {
  purgedItems: 0,
  endedConsents: 0,
  endedAgreements: 0,
  purgedRiskChanges: 0,
  purgedNotifications: 0,
};

/** One batch: how many rows it took (fewer than a batch means nothing is left), what it did. */
interface BatchResult {
  readonly taken: number;
  readonly done: Partial<RetentionCounts>;
}

type Batch = (tx: AuditedTransaction) => Promise<BatchResult>;

function systemContext(requestId: string): AuditContext {
  return {
    actor: { agencyId: null, subject: RETENTION_SUBJECT, roles: [] },
    requestId,
    receipts: [],
  };
}

function add(total: RetentionCounts, done: Partial<RetentionCounts>): RetentionCounts {
  return {
    purgedItems: total.purgedItems + (done.purgedItems ?? 0),
    endedConsents: total.endedConsents + (done.endedConsents ?? 0),
    endedAgreements: total.endedAgreements + (done.endedAgreements ?? 0),
    purgedRiskChanges: total.purgedRiskChanges + (done.purgedRiskChanges ?? 0),
    purgedNotifications: total.purgedNotifications + (done.purgedNotifications ?? 0),
  };
}

/**
 * Retention (DESIGN §2, §4): purges what is kept no longer than a date and ends what ran out.
 * - information items past their retention date lose their content (every version); the item is
 *   kept, marked purged, so that it is reported as purged and not as missing;
 * - consents whose period ran out are marked ended (their status was already `expired`);
 * - agreements past their term are terminated as `expired`, an open draft withdrawn with them;
 * - risk changes and their alerts lose their free text after `workflows.retention.alertContentDays`.
 * Each batch is one transaction with the audit record of each change in it. The log holds ids and
 * codes only, never content, so it stays whole and verifiable after a purge. Rows are taken with
 * `SKIP LOCKED`: runs on several instances at once share the work and never do anything twice.
 */
@Injectable()
export class RetentionService {
  constructor(
    private readonly audit: AuditLog,
    private readonly items: ItemsService,
    private readonly retention: RetentionRepository,
    private readonly policy: PolicyService,
  ) {}

  /** One run as at `now`: everything due by then, in batches. */
  async run(now: Date = new Date(), options: RunOptions = {}): Promise<RetentionCounts> {
    const requestId = options.requestId ?? `retention-${randomUUID()}`;
    // Kept "until" a date: through that whole day (UTC, as the date was checked when given).
    const today = now.toISOString().slice(0, 10);
    const alertDays = this.policy.current().workflows.retention.alertContentDays;
    const alertCutoff = new Date(now.getTime() - alertDays * DAY_MS);
    const batches: Batch[] = [
      async (tx) => {
        const purged = await this.items.purgeExpired(tx, { before: today, at: now, limit: BATCH });
        return { taken: purged, done: { purgedItems: purged } };
      },
      (tx) => this.endConsents(tx, now),
      (tx) => this.endAgreements(tx, now),
      (tx) => this.purgeRiskChanges(tx, alertCutoff, now),
      (tx) => this.purgeNotifications(tx, alertCutoff, now),
    ];
    let total = ZERO;
    for (const batch of batches) {
      for (;;) {
        if (options.signal?.aborted) return total;
        // A context per batch: its receipts are not needed, and a long run keeps none in memory.
        const result = await this.audit.transaction(systemContext(requestId), batch);
        total = add(total, result.done);
        if (result.taken < BATCH) break;
      }
    }
    return total;
  }

  /**
   * An operator's run, now, instead of waiting for the schedule: the coordinating agency's admin
   * (who runs the broker) or privacy officer (who answers for the table's retention). The run only
   * does what is due anyway; the request is recorded with what it did.
   */
  async runFor(ctx: AuditContext, caller: PrincipalContext): Promise<RetentionCounts> {
    if (caller.agencySector !== 'coordination') {
      await this.audit.record(ctx, {
        action: 'auth.forbidden',
        outcome: 'failure',
        reasonCodes: [CommonProblems.forbidden.code],
        targets: { route: 'POST /v1/retention/runs' },
      });
      throw new DomainError(CommonProblems.forbidden);
    }
    const counts = await this.run(new Date(), { requestId: ctx.requestId });
    await this.audit.record(ctx, {
      action: 'retention.run',
      outcome: 'success',
      targets: { ...counts },
    });
    return counts;
  }

  private async endConsents(tx: AuditedTransaction, now: Date): Promise<BatchResult> {
    const expired = await this.retention.lockExpiredConsents(now, BATCH, tx.manager);
    await this.retention.markConsentsEnded(
      expired.map((c) => c.id),
      now,
      tx.manager,
    );
    for (const consent of expired) {
      await tx.record({
        action: 'consent.expire',
        outcome: 'success',
        parties: consent.parties,
        targets: { caseId: consent.caseId, personIds: [consent.personId], consentId: consent.id },
        categories: [...consent.categories],
        reasonCodes: ['expired'],
        consentVersions: [`${consent.id}:${consent.version}`],
      });
    }
    return { taken: expired.length, done: { endedConsents: expired.length } };
  }

  private async endAgreements(tx: AuditedTransaction, now: Date): Promise<BatchResult> {
    const locked = await this.retention.lockAgreementsPastTerm(now, BATCH, tx.manager);
    const open = await this.retention.findOpenVersions(locked, tx.manager);
    let ended = 0;
    for (const agreementId of locked) {
      const versions = open.filter((v) => v.agreementId === agreementId);
      const governing = versions.find(
        (v) => v.status !== 'draft' && v.effectiveTo !== null && v.effectiveTo <= now,
      );
      // Ended by a person since the rows were chosen: nothing left to do.
      if (!governing) continue;
      const pending = versions.find((v) => v.status === 'draft');
      await this.retention.expireVersion(agreementId, governing.version, tx.manager);
      if (pending)
        await this.retention.withdrawDraft(agreementId, pending.version, now, tx.manager);
      await tx.record({
        action: 'agreement.expire',
        outcome: 'success',
        parties: [...governing.parties, ...(pending?.parties ?? [])],
        targets: { agreementId, version: governing.version, withdrawnVersion: pending?.version },
        reasonCodes: ['expired'],
      });
      ended += 1;
    }
    return { taken: locked.length, done: { endedAgreements: ended } };
  }

  private async purgeRiskChanges(
    tx: AuditedTransaction,
    cutoff: Date,
    now: Date,
  ): Promise<BatchResult> {
    const expired = await this.retention.lockRiskChangesPastContent(cutoff, BATCH, tx.manager);
    const notifications = await this.retention.purgeRiskChanges(
      expired.map((r) => r.id),
      now,
      tx.manager,
    );
    for (const change of expired) {
      const its = notifications.filter((n) => n.sourceId === change.id);
      await tx.record({
        action: 'risk_change.purge',
        outcome: 'success',
        parties: [...change.parties, ...its.map((n) => n.recipientAgencyId)],
        targets: {
          caseId: change.caseId,
          personIds: change.personIds.length ? [...change.personIds] : undefined,
          riskChangeId: change.id,
          notificationIds: its.map((n) => n.id),
        },
        reasonCodes: [RETENTION_EXPIRED],
      });
    }
    return {
      taken: expired.length,
      done: { purgedRiskChanges: expired.length, purgedNotifications: notifications.length },
    };
  }

  private async purgeNotifications(
    tx: AuditedTransaction,
    cutoff: Date,
    now: Date,
  ): Promise<BatchResult> {
    const expired = await this.retention.lockNotificationsPastContent(cutoff, BATCH, tx.manager);
    await this.retention.purgeNotifications(
      expired.map((n) => n.id),
      now,
      tx.manager,
    );
    for (const notification of expired) {
      await tx.record({
        action: 'notification.purge',
        outcome: 'success',
        parties: [notification.recipientAgencyId],
        targets: { caseId: notification.caseId ?? undefined, notificationId: notification.id },
        reasonCodes: [RETENTION_EXPIRED],
      });
    }
    return { taken: expired.length, done: { purgedNotifications: expired.length } };
  }
}
