import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog, type AuditedTransaction } from '../audit/audit-log.js';
import type { AuditContext } from '../audit/audit.types.js';
import { isTableOversight, type PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { PolicyService } from '../policy/policy.service.js';
import type { ReviewOutcome } from './review.entity.js';
import { ReviewProblems } from './reviews.problems.js';
import type {
  CommentDto,
  DecideReviewDto,
  FlagDecisionDto,
  ReviewListQueryDto,
} from './dto/review-input.dto.js';

const DAY_MS = 86_400_000;

export type ReviewReason =
  'life_safety_exception' | 'no_agreement' | 'legal_obligation' | 'flagged';

export interface ReviewSummary {
  readonly id: string;
  readonly decisionId: string;
  readonly caseId: string;
  readonly reasons: readonly string[];
  readonly status: 'open' | 'decided';
  readonly openedAt: string;
  readonly dueAt: string;
  readonly overdue: boolean;
  readonly openedBy: { readonly agencyId: string; readonly subject: string } | null;
  readonly note: string | null;
  readonly followsReviewId: string | null;
  readonly outcome: ReviewOutcome | null;
  readonly outcomeReasons: string | null;
  readonly remediation: string | null;
  readonly decidedBy: { readonly agencyId: string | null; readonly subject: string } | null;
  readonly decidedAt: string | null;
}

interface ReviewRow {
  id: string;
  decision_id: string;
  case_id: string;
  reasons: string[];
  status: 'open' | 'decided';
  opened_at: Date;
  due_at: Date;
  opened_by_agency_id: string | null;
  opened_by_subject: string | null;
  note: string | null;
  follows_review_id: string | null;
  outcome: ReviewOutcome | null;
  outcome_reasons: string | null;
  remediation: string | null;
  decided_by_agency_id: string | null;
  decided_by_subject: string | null;
  decided_at: Date | null;
  overdue: boolean;
}

const SELECT_REVIEW = `
  SELECT r.*, d.case_id, (r.status = 'open' AND r.due_at < now()) AS overdue
    FROM review r JOIN decision d ON d.id = r.decision_id`;

/** The decision's requester or one of its holders (released or pending items). */
const PARTY_SQL = `(d.requester_agency_id::text = $AGENCY::text
   OR d.decision -> 'released' @> jsonb_build_array(jsonb_build_object('holderAgencyId', $AGENCY::text))
   OR d.decision -> 'pending' @> jsonb_build_array(jsonb_build_object('holderAgencyId', $AGENCY::text)))`;

function partyClause(param: string): string {
  return PARTY_SQL.replaceAll('$AGENCY', param);
}

/**
 * What a party agency (not the table's oversight) sees of a review: where it stands and its
 * outcome, not the reviewers' written reasons, notes or remediation, which may discuss another
 * holder's release or the other side of the case.
 */
function forParty(review: ReviewSummary): ReviewSummary {
  return { ...review, note: null, outcomeReasons: null, remediation: null };
}

function toSummary(row: ReviewRow): ReviewSummary {
  return {
    id: row.id,
    decisionId: row.decision_id,
    caseId: row.case_id,
    reasons: row.reasons,
    status: row.status,
    openedAt: row.opened_at.toISOString(),
    dueAt: row.due_at.toISOString(),
    overdue: row.overdue,
    openedBy:
      row.opened_by_agency_id && row.opened_by_subject
        ? { agencyId: row.opened_by_agency_id, subject: row.opened_by_subject }
        : null,
    note: row.note,
    followsReviewId: row.follows_review_id,
    outcome: row.outcome,
    outcomeReasons: row.outcome_reasons,
    remediation: row.remediation,
    decidedBy: row.decided_by_subject
      ? { agencyId: row.decided_by_agency_id, subject: row.decided_by_subject }
      : null,
    decidedAt: row.decided_at?.toISOString() ?? null,
  };
}

/**
 * Legal review after the fact (DESIGN §2 Review, §3.3): opened by the broker for every exception
 * use, `legal_obligation` disclosure and exception without agreement, or flagged by a privacy
 * officer; decided once by the table's legal reviewers, with reasons; commented; followed by a new
 * review when a decided one must be looked at again. Every step is in the audit log.
 */
@Injectable()
export class ReviewsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly policy: PolicyService,
  ) {}

  /** The deadline: the earliest the policy sets for any of the reasons. */
  dueAt(reasons: readonly ReviewReason[], from: Date): Date {
    const days = this.policy.current().workflows.reviews.deadlineDays;
    return new Date(from.getTime() + Math.min(...reasons.map((r) => days[r])) * DAY_MS);
  }

  /** Opens the review a decision's duties call for, in the decision's own transaction. */
  async openForDecision(
    tx: AuditedTransaction,
    opening: {
      decisionId: string;
      reasons: readonly ReviewReason[];
      caseId: string;
      personId: string;
      parties: readonly string[];
    },
    now: Date,
  ): Promise<string> {
    const [row]: { id: string }[] = await tx.manager.query(
      `INSERT INTO review (decision_id, reasons, status, opened_at, due_at) VALUES ($1, $2, 'open', $3, $4) RETURNING id`,
      [opening.decisionId, opening.reasons, now.toISOString(), this.dueAt(opening.reasons, now)],
    );
    await tx.record({
      action: 'review.open',
      outcome: 'success',
      parties: opening.parties,
      targets: {
        reviewId: row.id,
        decisionId: opening.decisionId,
        caseId: opening.caseId,
        personIds: [opening.personId],
      },
      reasonCodes: [...opening.reasons],
    });
    return row.id;
  }

  /** A privacy officer or legal reviewer asks for a review of a decision (or a new look at one). */
  flag(
    caller: PrincipalContext,
    ctx: AuditContext,
    input: FlagDecisionDto,
  ): Promise<ReviewSummary> {
    const decisionId = input.decisionId.toLowerCase();
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const [decision]: {
        id: string;
        case_id: string;
        person_id: string;
        dry_run: boolean;
        requester_agency_id: string;
      }[] = await manager.query(
        `SELECT d.id, d.case_id, d.person_id, d.dry_run, d.requester_agency_id FROM decision d
          WHERE d.id = $1 AND ($3::boolean OR ${partyClause('$2')})`,
        [decisionId, caller.agencyId, isTableOversight(caller)],
      );
      if (!decision) throw new DomainError(ReviewProblems.decisionNotFound);
      if (decision.dry_run) throw new DomainError(ReviewProblems.dryRun);
      const [open]: { id: string }[] = await manager.query(
        `SELECT id FROM review WHERE decision_id = $1 AND status = 'open'`,
        [decisionId],
      );
      if (open) throw new DomainError(ReviewProblems.alreadyOpen);
      const now = new Date();
      // Two flags at once: the unique index on open reviews lets one in, the other gets the 409.
      const [row]: { id: string }[] = await manager
        .query(
          `INSERT INTO review (decision_id, reasons, status, opened_at, due_at, opened_by_agency_id, opened_by_subject,
                             note, follows_review_id)
         VALUES ($1, '{flagged}', 'open', $2, $3, $4, $5, $6,
                 (SELECT id FROM review WHERE decision_id = $1 ORDER BY opened_at DESC, id LIMIT 1))
         RETURNING id`,
          [
            decisionId,
            now.toISOString(),
            this.dueAt(['flagged'], now),
            caller.agencyId,
            caller.subject,
            input.note ?? null,
          ],
        )
        .catch((error: unknown) => {
          if ((error as { driverError?: { code?: string } }).driverError?.code === '23505')
            throw new DomainError(ReviewProblems.alreadyOpen);
          throw error;
        });
      await record({
        action: 'review.open',
        outcome: 'success',
        parties: [decision.requester_agency_id],
        targets: {
          reviewId: row.id,
          decisionId,
          caseId: decision.case_id,
          personIds: [decision.person_id],
        },
        reasonCodes: ['flagged', input.reason],
      });
      return this.summary(row.id, manager);
    });
  }

  async list(caller: PrincipalContext, query: ReviewListQueryDto): Promise<ReviewSummary[]> {
    const rows: ReviewRow[] = await this.dataSource.query(
      `${SELECT_REVIEW}
        WHERE ($1::boolean OR ${partyClause('$2')})
          AND ($3::text IS NULL OR r.status = $3)
          AND (NOT $4::boolean OR (r.status = 'open' AND r.due_at < now()))
          AND ($5::uuid IS NULL OR r.decision_id = $5)
        ORDER BY r.due_at, r.id
        LIMIT $6 OFFSET $7`,
      [
        isTableOversight(caller),
        caller.agencyId,
        query.status ?? null,
        query.overdue === 'true',
        query.decisionId?.toLowerCase() ?? null,
        query.limit ?? 50,
        query.offset ?? 0,
      ],
    );
    const oversight = isTableOversight(caller);
    return rows.map((row) => (oversight ? toSummary(row) : forParty(toSummary(row))));
  }

  /**
   * A review with its comments and the decision's whole review history. The table's oversight also
   * gets the decision in full — request, attestation, trace; a party agency reads its own part of
   * the decision at GET /v1/decisions/{id}, and of the review its standing, outcome and its own
   * agency's comments.
   */
  async get(caller: PrincipalContext, id: string): Promise<Record<string, unknown>> {
    const oversight = isTableOversight(caller);
    const seen = await this.visible(caller, id);
    const review = oversight ? seen : forParty(seen);
    const [comments, history, decision] = await Promise.all([
      this.dataSource.query(
        `SELECT id, author_agency_id AS "authorAgencyId", author_subject AS "authorSubject", text,
                created_at AS "createdAt"
           FROM review_comment WHERE review_id = $1 AND ($2::boolean OR author_agency_id = $3)
          ORDER BY created_at, id`,
        [id, oversight, caller.agencyId],
      ) as Promise<Record<string, unknown>[]>,
      this.dataSource.query(
        `${SELECT_REVIEW} WHERE r.decision_id = $1 ORDER BY r.opened_at, r.id`,
        [review.decisionId],
      ) as Promise<ReviewRow[]>,
      oversight
        ? (this.dataSource.query(
            `SELECT id, requester_agency_id, subject, case_id, person_id, outcome, request, decision,
                    policy_bundle_hash, decided_at
               FROM decision WHERE id = $1`,
            [review.decisionId],
          ) as Promise<Record<string, unknown>[]>)
        : Promise.resolve([]),
    ]);
    const row = decision[0] as
      | {
          id: string;
          requester_agency_id: string;
          subject: string;
          case_id: string;
          person_id: string;
          outcome: string;
          request: Record<string, unknown>;
          decision: Record<string, unknown>;
          policy_bundle_hash: string;
          decided_at: Date;
        }
      | undefined;
    return {
      ...review,
      comments: comments.map((c) => ({
        ...c,
        createdAt: (c.createdAt as Date).toISOString(),
      })),
      history: history.map((row) => (oversight ? toSummary(row) : forParty(toSummary(row)))),
      ...(row
        ? {
            decision: {
              decisionId: row.id,
              requesterAgencyId: row.requester_agency_id,
              requesterSubject: row.subject,
              caseId: row.case_id,
              personId: row.person_id,
              outcome: row.outcome,
              request: row.request,
              attestation: row.request.attestation ?? null,
              ...row.decision,
              policyBundleHash: row.policy_bundle_hash,
              decidedAt: row.decided_at.toISOString(),
            },
          }
        : {}),
    };
  }

  /** The outcome, once: a decided review is final (and the database refuses to change it). */
  decide(
    caller: PrincipalContext,
    ctx: AuditContext,
    id: string,
    input: DecideReviewDto,
  ): Promise<ReviewSummary> {
    if (input.outcome === 'remediation_required' && !input.remediation)
      throw new DomainError(ReviewProblems.remediationMissing);
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const review = await this.visible(caller, id, manager, true);
      if (!isTableOversight(caller)) throw new DomainError(ReviewProblems.notTableReviewer);
      if (review.status === 'decided') throw new DomainError(ReviewProblems.alreadyDecided);
      await manager.query(
        `UPDATE review SET status = 'decided', outcome = $2, outcome_reasons = $3, remediation = $4,
                           decided_by_agency_id = $5, decided_by_subject = $6, decided_at = now()
          WHERE id = $1`,
        [
          id,
          input.outcome,
          input.reasons,
          input.remediation ?? null,
          caller.agencyId,
          caller.subject,
        ],
      );
      await record({
        action: 'review.decide',
        outcome: 'success',
        targets: { reviewId: id, decisionId: review.decisionId, caseId: review.caseId },
        reasonCodes: [input.outcome],
      });
      return this.summary(id, manager);
    });
  }

  comment(
    caller: PrincipalContext,
    ctx: AuditContext,
    id: string,
    input: CommentDto,
  ): Promise<{ id: string; reviewId: string; createdAt: string }> {
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const review = await this.visible(caller, id, manager);
      const [row]: { id: string; created_at: Date }[] = await manager.query(
        `INSERT INTO review_comment (review_id, author_agency_id, author_subject, text)
         VALUES ($1, $2, $3, $4) RETURNING id, created_at`,
        [id, caller.agencyId, caller.subject, input.text],
      );
      await record({
        action: 'review.comment',
        outcome: 'success',
        targets: {
          reviewId: id,
          decisionId: review.decisionId,
          caseId: review.caseId,
          commentId: row.id,
        },
      });
      return { id: row.id, reviewId: id, createdAt: row.created_at.toISOString() };
    });
  }

  /** The review if the caller may see it: the table's oversight, or a party to its decision. */
  private async visible(
    caller: PrincipalContext,
    id: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<ReviewSummary> {
    const rows: ReviewRow[] = await manager.query(
      `${SELECT_REVIEW} WHERE r.id = $1 AND ($2::boolean OR ${partyClause('$3')})${lock ? ' FOR UPDATE OF r' : ''}`,
      [id, isTableOversight(caller), caller.agencyId],
    );
    if (!rows[0]) throw new DomainError(ReviewProblems.notFound);
    return toSummary(rows[0]);
  }

  private async summary(id: string, manager: EntityManager): Promise<ReviewSummary> {
    const [row]: ReviewRow[] = await manager.query(`${SELECT_REVIEW} WHERE r.id = $1`, [id]);
    return toSummary(row);
  }
}
