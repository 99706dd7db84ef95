import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { AuditProblems } from './audit.problems.js';
import type { ReceiptClaims } from './audit.types.js';
import { canonicalize } from './core/canonical-json.js';
import { appendLeaf, leafHash } from './core/merkle.js';

const BATCH = 2000;
// Entries left behind (their broker crashed between commit and sequencing) are swept up this often.
const SWEEP_EVERY_MS = 2000;

interface PendingRow {
  id: string;
  recorded_at: string;
  entry: Record<string, unknown>;
}

type SequencedRecord = Record<string, unknown> & {
  action: string;
  outcome: string;
  actor: { agencyId: string | null };
  basis?: string;
  parties?: string[];
  targets?: { agencyId?: string; caseId?: string; personIds?: string[] };
};

interface Waiter {
  resolve(receipt: ReceiptClaims): void;
  reject(error: unknown): void;
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

export type SequencedListener = (treeSize: number) => void;

/**
 * Moves committed pending entries into the Merkle tree, in batches: under the head's row lock it
 * gives each entry the next sequence number, builds its leaf (RFC 8785 JSON with `seq` and `time`),
 * stores leaves and completed nodes, and advances the head, in one transaction and one commit for
 * the whole batch. Requests waiting for their receipt are answered when their batch commits, on
 * whichever broker instance sequenced it. One round runs at a time per instance; requests that
 * arrive during a round are taken by the next one, so load turns into larger batches.
 */
@Injectable()
export class AuditSequencer implements OnModuleInit, OnModuleDestroy {
  private readonly waiters = new Map<string, Waiter>();
  private readonly listeners: SequencedListener[] = [];
  private running: Promise<void> | undefined;
  private again = false;
  private sweep: NodeJS.Timeout | undefined;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.sweep = setInterval(() => this.kick(), SWEEP_EVERY_MS);
    this.sweep.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweep);
    await this.running;
  }

  onSequenced(listener: SequencedListener): void {
    this.listeners.push(listener);
  }

  /** Resolves with each entry's receipt claims once it is in the tree, durably. */
  sequence(pendingIds: readonly string[]): Promise<ReceiptClaims[]> {
    const receipts = Promise.all(
      pendingIds.map(
        (id) =>
          new Promise<ReceiptClaims>((resolve, reject) =>
            this.waiters.set(id, { resolve, reject }),
          ),
      ),
    );
    this.kick();
    return receipts;
  }

  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.again) this.kick();
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const placed = await this.round();
        this.settle(placed);
        // Entries another instance sequenced first: find them by their pending id.
        if (this.waiters.size > 0) this.settle(await this.lookup([...this.waiters.keys()]));
        if (placed.size === BATCH) this.again = true;
        if (this.again && placed.size === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      } catch (error) {
        const failure = new DomainError(AuditProblems.unavailable, { cause: error });
        for (const [id, waiter] of this.waiters) {
          this.waiters.delete(id);
          waiter.reject(failure);
        }
        return;
      }
    } while (this.again);
  }

  private settle(placed: ReadonlyMap<string, ReceiptClaims>): void {
    for (const [id, receipt] of placed) {
      this.waiters.get(id)?.resolve(receipt);
      this.waiters.delete(id);
    }
  }

  private async lookup(ids: readonly string[]): Promise<Map<string, ReceiptClaims>> {
    const rows: { pending_id: string; seq: string; leaf_hash: Buffer; recorded_at: Date }[] =
      await this.dataSource.query(
        'SELECT pending_id, seq, leaf_hash, recorded_at FROM audit_record WHERE pending_id = ANY($1::bigint[])',
        [ids],
      );
    return new Map(
      rows.map((r) => [
        String(r.pending_id),
        {
          seq: Number(r.seq),
          leafHash: r.leaf_hash.toString('base64'),
          recordedAt: r.recorded_at.toISOString(),
        },
      ]),
    );
  }

  /**
   * One batch in two statements and one commit. The read takes the head and the oldest pending
   * entries from one snapshot; the write stores leaves and nodes and removes the entries only if it
   * also moves the head from the size it read (`WHERE size = …`). When another sequencer got there
   * first, the row lock makes this statement wait, then match nothing: it writes nothing and the
   * next round starts from the new head. Returns the receipts placed, by pending id.
   */
  private async round(): Promise<Map<string, ReceiptClaims>> {
    const [read]: { size: string; frontier: Buffer[]; pending: PendingRow[] }[] =
      await this.dataSource.query(
        `SELECT h.size, h.frontier,
              COALESCE((SELECT json_agg(json_build_object('id', p.id::text, 'recorded_at', p.recorded_at, 'entry', p.entry)
                                        ORDER BY p.id)
                          FROM (SELECT id, recorded_at, entry FROM audit_pending ORDER BY id LIMIT $1) p), '[]') AS pending
         FROM audit_head h WHERE h.id = 1`,
        [BATCH],
      );
    const placed = new Map<string, ReceiptClaims>();
    if (read.pending.length === 0) return placed;
    const expected = Number(read.size);
    let size = expected;
    let frontier = read.frontier;
    const columns = {
      seq: [] as number[],
      recordedAt: [] as string[],
      leaf: [] as string[],
      hash: [] as Buffer[],
      action: [] as string[],
      outcome: [] as string[],
      actor: [] as (string | null)[],
      parties: [] as string[],
      caseId: [] as (string | null)[],
      personIds: [] as string[],
      basis: [] as (string | null)[],
      pendingId: [] as string[],
    };
    const nodes = { level: [] as number[], index: [] as string[], hash: [] as Buffer[] };
    for (const row of read.pending) {
      const recordedAt = new Date(row.recorded_at).toISOString();
      const record = { ...row.entry, seq: size, time: recordedAt } as unknown as SequencedRecord;
      const leaf = canonicalize(record);
      const hash = leafHash(Buffer.from(leaf, 'utf8'));
      const appended = appendLeaf(frontier, size, hash);
      frontier = appended.frontier;
      for (const node of appended.completed) {
        nodes.level.push(node.level);
        nodes.index.push(String(node.index));
        nodes.hash.push(node.hash);
      }
      columns.seq.push(size);
      columns.recordedAt.push(recordedAt);
      columns.leaf.push(leaf);
      columns.hash.push(hash);
      columns.action.push(record.action);
      columns.outcome.push(record.outcome);
      columns.actor.push(record.actor.agencyId);
      // Arrays of arrays do not fit unnest: uuid lists travel as text and are split back.
      columns.parties.push(partiesOf(record).join(','));
      columns.caseId.push(record.targets?.caseId ?? null);
      columns.personIds.push((record.targets?.personIds ?? []).join(','));
      columns.basis.push(record.basis ?? null);
      columns.pendingId.push(row.id);
      placed.set(row.id, { seq: size, leafHash: hash.toString('base64'), recordedAt });
      size++;
    }
    const [write]: { won: number }[] = await this.dataSource.query(
      `WITH head AS (
         UPDATE audit_head SET size = $16, frontier = $17 WHERE id = 1 AND size = $18 RETURNING 1
       ), records AS (
         INSERT INTO audit_record (seq, recorded_at, leaf, leaf_hash, action, outcome, actor_agency_id,
                                   parties, case_id, person_ids, basis, pending_id)
         SELECT seq, recorded_at, leaf, leaf_hash, action, outcome, actor,
                COALESCE(string_to_array(NULLIF(parties, ''), ',')::uuid[], '{}'), case_id,
                COALESCE(string_to_array(NULLIF(person_ids, ''), ',')::uuid[], '{}'), basis, pending_id
           FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::bytea[], $5::text[], $6::text[],
                       $7::uuid[], $8::text[], $9::uuid[], $10::text[], $11::text[], $12::bigint[])
                AS r(seq, recorded_at, leaf, leaf_hash, action, outcome, actor, parties, case_id, person_ids, basis, pending_id)
          WHERE EXISTS (SELECT 1 FROM head)
       ), nodes AS (
         INSERT INTO audit_node (level, idx, hash)
         SELECT * FROM unnest($13::smallint[], $14::bigint[], $15::bytea[]) WHERE EXISTS (SELECT 1 FROM head)
       ), done AS (
         DELETE FROM audit_pending WHERE id = ANY($12::bigint[]) AND EXISTS (SELECT 1 FROM head)
       )
       SELECT count(*)::int AS won FROM head`,
      [
        columns.seq,
        columns.recordedAt,
        columns.leaf,
        columns.hash,
        columns.action,
        columns.outcome,
        columns.actor,
        columns.parties,
        columns.caseId,
        columns.personIds,
        columns.basis,
        columns.pendingId,
        nodes.level,
        nodes.index,
        nodes.hash,
        size,
        frontier,
        expected,
      ],
    );
    if (write.won !== 1) {
      this.again = true; // another instance moved the head: read again
      return new Map();
    }
    for (const listener of this.listeners) listener(size);
    return placed;
  }
}
