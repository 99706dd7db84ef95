import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { isDatabaseUnavailable } from '../common/errors/problem.js';
import { AuditProblems } from './audit.problems.js';
import type { AuditContext, AuditEntry, ReceiptClaims } from './audit.types.js';
import { canonicalize } from './core/canonical-json.js';
import { appendLeaf, leafHash } from './core/merkle.js';

/** A transaction whose changes and audit records commit, or roll back, together. */
export interface AuditedTransaction {
  readonly manager: EntityManager;
  /**
   * Appends the record of what this transaction does. Call it last: it takes the log's head lock,
   * which is then held until commit, so nothing should wait on other rows after it.
   */
  record(entry: AuditEntry): Promise<void>;
}

interface HeadRow {
  size: string;
  frontier: Buffer[];
}

/** Listeners told, after commit, how large the log now is (the checkpoint cadence uses it). */
export type AppendListener = (treeSize: number) => void;

/** Builds the leaf: the record exactly as hashed. Undefined fields are left out, never null-filled. */
function recordOf(
  seq: number,
  time: string,
  ctx: AuditContext,
  entry: AuditEntry,
): Record<string, unknown> {
  const record: Record<string, unknown> = {
    v: 1,
    seq,
    time,
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
  return record;
}

/** Agencies a record concerns: its actor and the parties named. Privacy officers search by these. */
export function partiesOf(record: {
  actor?: { agencyId?: string | null };
  parties?: string[];
  targets?: { agencyId?: string };
}): string[] {
  const ids = [record.actor?.agencyId, record.targets?.agencyId, ...(record.parties ?? [])];
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))].sort();
}

/**
 * The audit log's only writer. Each record is appended inside the transaction of the action it
 * describes, under the tree head's row lock: sequence numbers are gapless and every broker instance
 * on the database appends to the same tree. Any failure to record aborts the action (fail closed).
 */
@Injectable()
export class AuditLog implements OnModuleDestroy {
  private readonly listeners: AppendListener[] = [];

  constructor(private readonly dataSource: DataSource) {}

  onAppend(listener: AppendListener): void {
    this.listeners.push(listener);
  }

  onModuleDestroy(): void {
    this.listeners.length = 0;
  }

  /** Runs `work` in a transaction; its records' receipts reach `ctx` only once it has committed. */
  async transaction<T>(
    ctx: AuditContext,
    work: (tx: AuditedTransaction) => Promise<T>,
  ): Promise<T> {
    const committed: ReceiptClaims[] = [];
    const result = await this.dataSource.transaction(async (manager) => {
      return work({
        manager,
        record: async (entry) => {
          committed.push(await this.append(manager, ctx, entry));
        },
      });
    });
    this.published(ctx, committed);
    return result;
  }

  /** A record that is the whole action: an authentication failure, a read of the audit views. */
  record(ctx: AuditContext, entry: AuditEntry): Promise<void> {
    return this.transaction(ctx, (tx) => tx.record(entry));
  }

  private published(ctx: AuditContext, receipts: readonly ReceiptClaims[]): void {
    if (receipts.length === 0) return;
    ctx.receipts.push(...receipts);
    const treeSize = Math.max(...receipts.map((r) => r.seq)) + 1;
    for (const listener of this.listeners) listener(treeSize);
  }

  private async append(
    manager: EntityManager,
    ctx: AuditContext,
    entry: AuditEntry,
  ): Promise<ReceiptClaims> {
    try {
      const [head]: HeadRow[] = await manager.query(
        'SELECT size, frontier FROM audit_head WHERE id = 1 FOR UPDATE',
      );
      const seq = Number(head.size);
      const recordedAt = new Date().toISOString();
      const record = recordOf(seq, recordedAt, ctx, entry);
      const leaf = canonicalize(record);
      const hash = leafHash(Buffer.from(leaf, 'utf8'));
      const { frontier, completed } = appendLeaf(head.frontier, seq, hash);
      const targets = (record.targets ?? {}) as { caseId?: string; personIds?: string[] };
      // One round trip for the record, its completed subtree nodes and the new head.
      await manager.query(
        `WITH record AS (
           INSERT INTO audit_record (seq, recorded_at, leaf, leaf_hash, action, outcome, actor_agency_id,
                                     parties, case_id, person_ids, basis)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ), nodes AS (
           INSERT INTO audit_node (level, idx, hash)
           SELECT * FROM unnest($12::smallint[], $13::bigint[], $14::bytea[])
         )
         UPDATE audit_head SET size = $15, frontier = $16 WHERE id = 1`,
        [
          seq,
          recordedAt,
          leaf,
          hash,
          entry.action,
          entry.outcome,
          ctx.actor.agencyId,
          partiesOf(record as never),
          targets.caseId ?? null,
          targets.personIds ?? [],
          entry.basis ?? null,
          completed.map((n) => n.level),
          completed.map((n) => String(n.index)),
          completed.map((n) => n.hash),
          seq + 1,
          frontier,
        ],
      );
      return { seq, leafHash: hash.toString('base64'), recordedAt };
    } catch (error) {
      if (error instanceof DomainError || isDatabaseUnavailable(error)) throw error;
      throw new DomainError(AuditProblems.unavailable, { cause: error });
    }
  }
}
