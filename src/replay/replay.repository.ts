import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { DecisionFacts, DisclosureRequest } from '../policy/decision.types.js';
import type { StoredDecision, StoredOutcome } from '../policy/replay.js';

/** A stored decision with what replay reports besides its inputs: who asked, about whom. */
export interface DecisionRecord extends StoredDecision {
  readonly requesterAgencyId: string;
  readonly caseId: string;
  readonly personId: string;
  readonly dryRun: boolean;
  readonly outcome: string;
}

interface DecisionRow {
  id: string;
  requester_agency_id: string;
  case_id: string;
  person_id: string;
  dry_run: boolean;
  outcome: string;
  request: DisclosureRequest;
  facts: DecisionFacts;
  decision: StoredOutcome;
  policy_bundle_hash: string;
  decided_at: Date;
}

const DECISION_COLUMNS = `id, requester_agency_id, case_id, person_id, dry_run, outcome, request, facts, decision,
  policy_bundle_hash, decided_at`;

const toRecord = (row: DecisionRow): DecisionRecord => ({
  id: row.id,
  requesterAgencyId: row.requester_agency_id,
  caseId: row.case_id,
  personId: row.person_id,
  dryRun: row.dry_run,
  outcome: row.outcome,
  request: row.request,
  facts: row.facts,
  decision: row.decision,
  policyBundleHash: row.policy_bundle_hash,
  decidedAt: row.decided_at,
});

export interface NewProposal {
  readonly hash: string;
  readonly content: Record<string, unknown>;
  readonly agencyId: string;
  readonly subject: string;
}

/**
 * What replay reads: stored decisions (never changed by it) and proposed bundles, which it alone
 * writes. Used by the replay service and by `npm run policy:replay`.
 */
@Injectable()
export class ReplayRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findDecision(id: string): Promise<DecisionRecord | undefined> {
    const rows: DecisionRow[] = await this.dataSource.query(
      `SELECT ${DECISION_COLUMNS} FROM decision WHERE id = $1`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Decisions made from `since` (inclusive) to `until` (exclusive), oldest first, in batches. */
  async *decidedBetween(
    since: Date,
    until: Date | undefined,
    batch = 200,
  ): AsyncGenerator<DecisionRecord> {
    // The cursor is PostgreSQL's own text of the instant: a JS Date would drop its microseconds.
    let after: { at: string; id: string } | undefined;
    for (;;) {
      const rows: (DecisionRow & { cursor: string })[] = await this.dataSource.query(
        `SELECT ${DECISION_COLUMNS}, decided_at::text AS cursor FROM decision
          WHERE decided_at >= $1 AND ($2::timestamptz IS NULL OR decided_at < $2)
            AND ($3::timestamptz IS NULL OR (decided_at, id) > ($3, $4::uuid))
          ORDER BY decided_at, id LIMIT $5`,
        [since, until ?? null, after?.at ?? null, after?.id ?? null, batch],
      );
      for (const row of rows) yield toRecord(row);
      if (rows.length < batch) return;
      const last = rows[rows.length - 1];
      after = { at: last.cursor, id: last.id };
    }
  }

  /** A proposed bundle's content by hash. */
  async findProposal(hash: string): Promise<Record<string, unknown> | undefined> {
    const rows: { content: Record<string, unknown> }[] = await this.dataSource.query(
      'SELECT content FROM policy_proposal WHERE hash = $1',
      [hash],
    );
    return rows[0]?.content;
  }

  /** Stores a proposal once: the same content uploaded again keeps its first uploader and time. */
  async saveProposal(manager: EntityManager, proposal: NewProposal): Promise<void> {
    await manager.query(
      `INSERT INTO policy_proposal (hash, content, uploaded_by_agency_id, uploaded_by_subject)
       VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING`,
      [proposal.hash, proposal.content, proposal.agencyId, proposal.subject],
    );
  }
}
