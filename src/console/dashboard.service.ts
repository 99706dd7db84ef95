import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import type { AuditContext } from '../audit/audit.types.js';
import { hasRole, isTableOversight, type PrincipalContext } from '../common/auth/principal.js';
import type { Outcome } from '../policy/decision.types.js';
import { BASES, type Basis } from '../policy/facts.js';

export const DASHBOARD_DAYS = [7, 30, 90] as const;
export type DashboardDays = (typeof DASHBOARD_DAYS)[number];

export const OUTCOMES: readonly Outcome[] = ['permit', 'partial', 'deny', 'pending'];

/** Counts only: no person, case or free text ever reaches the dashboard. */
export interface DashboardFigures {
  /** Whether the figures cover the whole table or only the caller's agency's part. */
  readonly wholeTable: boolean;
  /** The days of the period in the table's time zone, `YYYY-MM-DD`, oldest first. */
  readonly days: readonly string[];
  /** Decisions (dry runs left out) per day, by the basis requested. */
  readonly byBasis: Readonly<Record<Basis, readonly number[]>>;
  /** Decisions (dry runs left out) per day, by outcome. */
  readonly byOutcome: Readonly<Record<Outcome, readonly number[]>>;
  /** Uses of the life/safety exception that released something, per day. */
  readonly exceptionUses: readonly number[];
  /** Undefined for whoever cannot read reviews through the API (coordinators). */
  readonly reviews: { readonly open: number; readonly overdue: number } | undefined;
  readonly alerts: { readonly unacknowledged: number; readonly urgent: number };
}

/**
 * A decision the agency is party to: its requester or one of its holders (released or pending
 * items) — the same test as the reviews' (reviews.service.ts) and GET /v1/decisions/{id}.
 */
const PARTY = `(d.requester_agency_id = $AGENCY::uuid
   OR d.decision -> 'released' @> jsonb_build_array(jsonb_build_object('holderAgencyId', $AGENCY::text))
   OR d.decision -> 'pending' @> jsonb_build_array(jsonb_build_object('holderAgencyId', $AGENCY::text)))`;

function party(param: string): string {
  return PARTY.replaceAll('$AGENCY', param);
}

/** The first day of the period, at its start in the table's time zone ($1: zone, $2: days). */
const FIRST_DAY = `(date_trunc('day', now() AT TIME ZONE $1) - make_interval(days => $2::int - 1))`;

/** An exception use that involved the agency: it asked, or its items went. */
function involved(param: string): string {
  return `(d.requester_agency_id = ${param}::uuid
   OR d.decision -> 'released' @> jsonb_build_array(jsonb_build_object('holderAgencyId', ${param}::text)))`;
}

/**
 * The dashboard's figures, counted in PostgreSQL from the decision, review and notification tables
 * (DESIGN §4 oversight), within what the API lets the same person read:
 * - decisions: the whole table for the table's oversight (the coordinating agency's privacy
 *   officers and legal reviewers, who read every decision); for anyone else, the decisions their
 *   agency requested (a holder's releases are in its register; another agency's request is not
 *   its to count), and the exception uses that involved it;
 * - reviews: as `GET /v1/reviews` lists them, for those who may call it (not coordinators);
 * - alerts: the agency's own inbox, as `GET /v1/inbox`.
 * Counts only. Each read is recorded.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: AuditLog,
  ) {}

  async figures(
    caller: PrincipalContext,
    ctx: AuditContext,
    days: DashboardDays,
    timeZone: string,
  ): Promise<DashboardFigures> {
    const wholeTable = isTableOversight(caller);
    const readsReviews = hasRole(caller, 'privacy_officer') || hasRole(caller, 'legal_reviewer');
    const dayRows: { day: string }[] = await this.dataSource.query(
      `SELECT to_char(g, 'YYYY-MM-DD') AS day
         FROM generate_series(${FIRST_DAY}, date_trunc('day', now() AT TIME ZONE $1), interval '1 day') AS g
        ORDER BY g`,
      [timeZone, days],
    );
    const decisionRows: {
      day: string;
      basis: string | null;
      outcome: string;
      decisions: number;
      exception_uses: number;
    }[] = await this.dataSource.query(
      `SELECT to_char(date_trunc('day', d.decided_at AT TIME ZONE $1), 'YYYY-MM-DD') AS day,
              d.request ->> 'basis' AS basis,
              d.outcome,
              (count(*) FILTER (WHERE $3::boolean OR d.requester_agency_id = $4::uuid))::int AS decisions,
              (count(*) FILTER (WHERE d.request ->> 'basis' = 'life_safety'
                                  AND jsonb_array_length(d.decision -> 'released') > 0))::int AS exception_uses
         FROM decision d
        WHERE NOT d.dry_run
          AND d.decided_at >= ${FIRST_DAY} AT TIME ZONE $1
          AND ($3::boolean OR ${involved('$4')})
        GROUP BY 1, 2, 3`,
      [timeZone, days, wholeTable, caller.agencyId],
    );
    const [reviews]: { open: number; overdue: number }[] = readsReviews
      ? await this.dataSource.query(
          `SELECT count(*)::int AS open, (count(*) FILTER (WHERE r.due_at < now()))::int AS overdue
             FROM review r JOIN decision d ON d.id = r.decision_id
            WHERE r.status = 'open' AND ($1::boolean OR ${party('$2')})`,
          [wholeTable, caller.agencyId],
        )
      : [];
    const [alerts]: { unacknowledged: number; urgent: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS unacknowledged, (count(*) FILTER (WHERE urgent))::int AS urgent
         FROM notification
        WHERE kind = 'risk_change' AND acknowledged_at IS NULL
          AND recipient_agency_id = $1::uuid`,
      [caller.agencyId],
    );
    // Recorded after reading and before answering, as the other reads of the oversight views.
    await this.log.record(ctx, {
      action: 'dashboard.read',
      outcome: 'success',
      targets: { days },
    });

    const dayList = dayRows.map((r) => r.day);
    const index = new Map(dayList.map((d, i) => [d, i]));
    const zeros = (): number[] => dayList.map(() => 0);
    const byBasis = Object.fromEntries(BASES.map((b) => [b, zeros()])) as Record<Basis, number[]>;
    const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, zeros()])) as Record<
      Outcome,
      number[]
    >;
    const exceptionUses = zeros();
    for (const row of decisionRows) {
      const i = index.get(row.day);
      if (i === undefined) continue;
      if (row.basis && Object.hasOwn(byBasis, row.basis))
        byBasis[row.basis as Basis][i] += row.decisions;
      if (Object.hasOwn(byOutcome, row.outcome))
        byOutcome[row.outcome as Outcome][i] += row.decisions;
      exceptionUses[i] += row.exception_uses;
    }
    return {
      wholeTable,
      days: dayList,
      byBasis,
      byOutcome,
      exceptionUses,
      reviews: readsReviews ? (reviews ?? { open: 0, overdue: 0 }) : undefined,
      alerts: alerts ?? { unacknowledged: 0, urgent: 0 },
    };
  }
}
