import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { isDatabaseUnavailable } from '../common/errors/problem.js';
import { AuditProblems } from './audit.problems.js';
import { AuditSequencer, type Placement } from './audit-sequencer.js';
import type { AuditContext, AuditEntry } from './audit.types.js';
import { LOWER_UUID } from '../common/validation/patterns.js';

/** A transaction whose changes and audit records commit, or roll back, together. */
export interface AuditedTransaction {
  readonly manager: EntityManager;
  /** Writes the record of what this transaction does; it commits (or not) with the transaction. */
  record(entry: AuditEntry): Promise<void>;
}

/**
 * The record as it will be hashed, less `seq` and `time`, which the sequencer adds. Undefined fields
 * are left out, never null-filled; only ids, codes and numbers, nothing JSON cannot carry exactly.
 */
function entryOf(ctx: AuditContext, entry: AuditEntry): Record<string, unknown> {
  const record: Record<string, unknown> = {
    v: 1,
    actor: {
      agencyId: ctx.actor.agencyId,
      subject: ctx.actor.subject,
      roles: [...ctx.actor.roles],
    },
    action: entry.action,
    outcome: entry.outcome,
    requestId: ctx.requestId,
  };
  const optional: Record<string, unknown> = {
    parties: entry.parties?.length ? [...new Set(entry.parties)].sort() : undefined,
    targets: entry.targets
      ? Object.fromEntries(Object.entries(entry.targets).filter(([, v]) => v !== undefined))
      : undefined,
    categories: entry.categories,
    purpose: entry.purpose,
    basis: entry.basis,
    reasonCodes: entry.reasonCodes,
    policyBundleHash: entry.policyBundleHash,
    agreementVersion: entry.agreementVersion,
    consentVersions: entry.consentVersions,
    payloadSha256: entry.payloadSha256,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) record[key] = value;
  assertStorable(record);
  return record;
}

/**
 * The sequencer stores these as uuid columns for search: a malformed one must fail here, in the
 * action's own transaction, and never reach (and stall) the sequencer.
 */
function assertStorable(record: {
  actor?: { agencyId?: string | null };
  parties?: unknown;
  targets?: { agencyId?: unknown; caseId?: unknown; personIds?: unknown };
}): void {
  const ids = [
    record.actor?.agencyId ?? undefined,
    record.targets?.agencyId,
    record.targets?.caseId,
    ...((record.parties as unknown[] | undefined) ?? []),
    ...((record.targets?.personIds as unknown[] | undefined) ?? []),
  ].filter((id) => id !== undefined);
  for (const id of ids) {
    if (typeof id !== 'string' || !LOWER_UUID.test(id))
      throw new TypeError('audit entry: ids must be lower-case uuids');
  }
}

// jsonb refuses both; RFC 8785 refuses lone surrogates too.
const UNSTORABLE = /\0|\p{Cs}/u;

/**
 * The record as `audit_pending` gives it back (jsonb keeps exactly what JSON carries), so its leaf
 * is the same whoever sequences it, in a copy the caller can no longer change.
 */
function placementOf(ctx: AuditContext, entry: AuditEntry): Placement {
  const json = JSON.stringify(entryOf(ctx, entry), (key, value: unknown) => {
    if (UNSTORABLE.test(key) || (typeof value === 'string' && UNSTORABLE.test(value)))
      throw new TypeError('audit entry: NUL character or lone surrogate');
    return value;
  });
  return {
    entry: JSON.parse(json) as Record<string, unknown>,
    recordedAt: new Date().toISOString(),
  };
}

/**
 * The audit log's only writer. A record of an action is written inside the action's transaction
 * (enqueued in `audit_pending`, no global lock), so the action and its record commit or roll back
 * together (fail closed); after the commit, the sequencer places it in the tree with a gapless
 * sequence number, and the caller's receipt waits for that. A record that is the whole action goes
 * to the sequencer directly: its batch's commit is its one commit.
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sequencer: AuditSequencer,
  ) {}

  /** Runs `work` in a transaction; its records' receipts reach `ctx` once they are in the tree. */
  async transaction<T>(
    ctx: AuditContext,
    work: (tx: AuditedTransaction) => Promise<T>,
  ): Promise<T> {
    let records: Placement[] = [];
    const result = await this.dataSource.transaction(async (manager) => {
      // Checked as they come (a bad entry fails at its call), written together before the commit.
      const drafts: Placement[] = [];
      const done = await work({
        manager,
        record: async (entry) => {
          drafts.push(this.draft(ctx, entry));
        },
      });
      records = await this.enqueue(manager, drafts);
      return done;
    });
    if (records.length > 0) {
      try {
        ctx.receipts.push(...(await this.sequencer.place(records)));
      } catch (error) {
        // Committed: the queue row stays, and a sequencer places it when the database is back.
        if (error instanceof DomainError && error.problem === AuditProblems.unavailable)
          throw new DomainError(AuditProblems.unsequenced, { cause: error });
        throw error;
      }
    }
    return result;
  }

  /**
   * A record that is the whole action (an authentication failure, a read of the audit views): no
   * change to commit with it, so no queue row either. Nothing is answered before its batch commits,
   * and if that fails the caller gets a 503, as if the queue had refused it.
   */
  async record(ctx: AuditContext, entry: AuditEntry): Promise<void> {
    let placement: Placement;
    try {
      placement = placementOf(ctx, entry);
    } catch (error) {
      throw new DomainError(AuditProblems.unavailable, { cause: error });
    }
    ctx.receipts.push(...(await this.sequencer.place([placement])));
  }

  private draft(ctx: AuditContext, entry: AuditEntry): Placement {
    try {
      return placementOf(ctx, entry);
    } catch (error) {
      throw new DomainError(AuditProblems.unavailable, { cause: error });
    }
  }

  /**
   * One statement for all of a transaction's records, in the order they were recorded: the ids are
   * drawn in that order (ORDER BY n), and sorted back, whatever order RETURNING gives them in.
   */
  private async enqueue(manager: EntityManager, drafts: Placement[]): Promise<Placement[]> {
    if (drafts.length === 0) return [];
    try {
      const rows: { id: string }[] = await manager.query(
        `INSERT INTO audit_pending (recorded_at, entry)
         SELECT r.recorded_at, r.entry
           FROM unnest($1::timestamptz[], $2::jsonb[]) WITH ORDINALITY AS r(recorded_at, entry, n)
          ORDER BY r.n
         RETURNING id`,
        [drafts.map((d) => d.recordedAt), drafts.map((d) => d.entry)],
      );
      const ids = rows.map((row) => BigInt(row.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return drafts.map((draft, i) => ({ ...draft, pendingId: String(ids[i]) }));
    } catch (error) {
      if (error instanceof DomainError || isDatabaseUnavailable(error)) throw error;
      throw new DomainError(AuditProblems.unavailable, { cause: error });
    }
  }
}
