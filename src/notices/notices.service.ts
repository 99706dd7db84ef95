import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog, type AuditedTransaction } from '../audit/audit-log.js';
import type { AuditContext } from '../audit/audit.types.js';
import { isCoordinationPrivacyOfficer, type PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Localized } from '../common/i18n/language.js';
import { PolicyService } from '../policy/policy.service.js';
import type { NoticeStatus } from './notice.entity.js';
import { NoticeProblems } from './notices.problems.js';
import type {
  NoticeDecisionDto,
  NoticeListQueryDto,
  NoticeSentDto,
} from './dto/notice-input.dto.js';

const DAY_MS = 86_400_000;

export interface NoticeView {
  readonly id: string;
  readonly decisionId: string;
  readonly holderAgencyId: string;
  readonly recipientAgencyId: string;
  readonly caseId: string;
  readonly personId: string;
  readonly regime: string;
  readonly status: NoticeStatus;
  readonly createdAt: string;
  readonly dueAt: string;
  readonly overdue: boolean;
  /** What the person would be told of: the disclosure, by category and basis (no content). */
  readonly disclosure: {
    readonly basis: string;
    readonly purpose: string;
    readonly categories: readonly string[];
    readonly decidedAt: string;
  };
  readonly rule: { readonly description: Localized; readonly citation: string };
  readonly history?: readonly {
    readonly status: NoticeStatus;
    readonly reasons: string | null;
    readonly means: string | null;
    readonly actorAgencyId: string | null;
    readonly actorSubject: string | null;
    readonly at: string;
  }[];
}

interface NoticeRow {
  id: string;
  decision_id: string;
  holder_agency_id: string;
  requester_agency_id: string;
  case_id: string;
  person_id: string;
  regime: string;
  status: NoticeStatus;
  created_at: Date;
  due_at: Date;
  overdue: boolean;
  basis: string;
  purpose: string;
  categories: string[] | null;
  decided_at: Date;
}

const SELECT_NOTICE = `
  SELECT n.*, d.requester_agency_id, d.request ->> 'basis' AS basis, d.request ->> 'purpose' AS purpose,
         d.decided_at, (n.status = 'held' AND n.due_at < now()) AS overdue,
         (SELECT array_agg(DISTINCT r ->> 'category' ORDER BY r ->> 'category')
            FROM jsonb_array_elements(d.decision -> 'released') r
           WHERE r ->> 'holderAgencyId' = n.holder_agency_id::text) AS categories
    FROM notice n JOIN decision d ON d.id = n.decision_id`;

/**
 * Notices the holder's regime owes the person concerned (PIPEDA 7(3)(e), FIPPA 42(1)(h)): created
 * `held` with the disclosure, never sent by Filet. The holder's privacy officer clears one to send
 * or withholds it for safety — the person may be the one posing the risk — with reasons; the holder
 * then records that it sent it. Overdue held notices are listed so none is forgotten.
 */
@Injectable()
export class NoticesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly policy: PolicyService,
  ) {}

  /** Holds the notice a disclosure's duties call for, in the disclosure's own transaction. */
  async holdForDecision(
    tx: AuditedTransaction,
    notice: {
      decisionId: string;
      holderAgencyId: string;
      recipientAgencyId: string;
      caseId: string;
      personId: string;
      regime: string;
    },
    now: Date,
  ): Promise<string> {
    const due = new Date(
      now.getTime() + this.policy.current().workflows.notices.deadlineDays * DAY_MS,
    );
    const [row]: { id: string }[] = await tx.manager.query(
      `INSERT INTO notice (decision_id, holder_agency_id, case_id, person_id, regime, status, created_at, due_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'held', $6, $7, $6) RETURNING id`,
      [
        notice.decisionId,
        notice.holderAgencyId,
        notice.caseId,
        notice.personId,
        notice.regime,
        now.toISOString(),
        due.toISOString(),
      ],
    );
    await tx.manager.query(`INSERT INTO notice_event (notice_id, status) VALUES ($1, 'held')`, [
      row.id,
    ]);
    await tx.record({
      action: 'notice.hold',
      outcome: 'success',
      parties: [notice.holderAgencyId, notice.recipientAgencyId],
      targets: {
        noticeId: row.id,
        decisionId: notice.decisionId,
        caseId: notice.caseId,
        personIds: [notice.personId],
      },
      reasonCodes: [notice.regime],
    });
    return row.id;
  }

  /** The holder's notices; the coordinating agency's privacy officers see every agency's. */
  async list(caller: PrincipalContext, query: NoticeListQueryDto): Promise<NoticeView[]> {
    const rows: NoticeRow[] = await this.dataSource.query(
      `${SELECT_NOTICE}
        WHERE ($1::boolean OR n.holder_agency_id = $2)
          AND ($3::text IS NULL OR n.status = $3)
          AND (NOT $4::boolean OR (n.status = 'held' AND n.due_at < now()))
        ORDER BY n.due_at, n.id LIMIT $5 OFFSET $6`,
      [
        isCoordinationPrivacyOfficer(caller),
        caller.agencyId,
        query.status ?? null,
        query.overdue === 'true',
        query.limit ?? 50,
        query.offset ?? 0,
      ],
    );
    return rows.map((r) => this.toView(r));
  }

  async get(caller: PrincipalContext, id: string): Promise<NoticeView> {
    const row = await this.visible(caller, id);
    return this.withHistory(row);
  }

  clear(caller: PrincipalContext, ctx: AuditContext, id: string, input: NoticeDecisionDto) {
    return this.move(caller, ctx, id, ['held', 'withheld_for_safety'], 'cleared_to_send', {
      reasons: input.reasons,
    });
  }

  withhold(caller: PrincipalContext, ctx: AuditContext, id: string, input: NoticeDecisionDto) {
    return this.move(caller, ctx, id, ['held'], 'withheld_for_safety', { reasons: input.reasons });
  }

  markSent(caller: PrincipalContext, ctx: AuditContext, id: string, input: NoticeSentDto) {
    return this.move(caller, ctx, id, ['cleared_to_send'], 'sent', {
      means: input.means,
      at: input.sentAt ? new Date(input.sentAt).toISOString() : undefined,
    });
  }

  private move(
    caller: PrincipalContext,
    ctx: AuditContext,
    id: string,
    from: readonly NoticeStatus[],
    to: NoticeStatus,
    step: { reasons?: string; means?: string; at?: string },
  ): Promise<NoticeView> {
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const row = await this.visible(caller, id, manager, true);
      if (row.holder_agency_id !== caller.agencyId) throw new DomainError(NoticeProblems.notHolder);
      if (!from.includes(row.status))
        throw new DomainError(to === 'sent' ? NoticeProblems.notCleared : NoticeProblems.notHeld);
      await manager.query(`UPDATE notice SET status = $2, updated_at = now() WHERE id = $1`, [
        id,
        to,
      ]);
      await manager.query(
        `INSERT INTO notice_event (notice_id, status, reasons, means, actor_agency_id, actor_subject, at)
         VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::timestamptz, now()))`,
        [
          id,
          to,
          step.reasons ?? null,
          step.means ?? null,
          caller.agencyId,
          caller.subject,
          step.at ?? null,
        ],
      );
      await record({
        action: `notice.${to === 'cleared_to_send' ? 'clear' : to === 'sent' ? 'sent' : 'withhold'}`,
        outcome: 'success',
        parties: [row.holder_agency_id, row.requester_agency_id],
        targets: {
          noticeId: id,
          decisionId: row.decision_id,
          caseId: row.case_id,
          personIds: [row.person_id],
        },
        reasonCodes: step.means ? [to, step.means] : [to],
      });
      return this.withHistory({ ...row, status: to, overdue: false }, manager);
    });
  }

  private async visible(
    caller: PrincipalContext,
    id: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<NoticeRow> {
    const rows: NoticeRow[] = await manager.query(
      `${SELECT_NOTICE} WHERE n.id = $1 AND ($2::boolean OR n.holder_agency_id = $3)${lock ? ' FOR UPDATE OF n' : ''}`,
      [id, isCoordinationPrivacyOfficer(caller), caller.agencyId],
    );
    if (!rows[0]) throw new DomainError(NoticeProblems.notFound);
    return rows[0];
  }

  private async withHistory(
    row: NoticeRow,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<NoticeView> {
    const events: {
      status: NoticeStatus;
      reasons: string | null;
      means: string | null;
      actor_agency_id: string | null;
      actor_subject: string | null;
      at: Date;
    }[] = await manager.query(
      'SELECT status, reasons, means, actor_agency_id, actor_subject, at FROM notice_event WHERE notice_id = $1 ORDER BY id',
      [row.id],
    );
    return {
      ...this.toView(row),
      history: events.map((e) => ({
        status: e.status,
        reasons: e.reasons,
        means: e.means,
        actorAgencyId: e.actor_agency_id,
        actorSubject: e.actor_subject,
        at: e.at.toISOString(),
      })),
    };
  }

  private toView(row: NoticeRow): NoticeView {
    const notices = this.policy.current().workflows.notices;
    return {
      id: row.id,
      decisionId: row.decision_id,
      holderAgencyId: row.holder_agency_id,
      recipientAgencyId: row.requester_agency_id,
      caseId: row.case_id,
      personId: row.person_id,
      regime: row.regime,
      status: row.status,
      createdAt: row.created_at.toISOString(),
      dueAt: row.due_at.toISOString(),
      overdue: row.overdue,
      disclosure: {
        basis: row.basis,
        purpose: row.purpose,
        categories: row.categories ?? [],
        decidedAt: row.decided_at.toISOString(),
      },
      rule: { description: notices.description, citation: notices.citation },
    };
  }
}
