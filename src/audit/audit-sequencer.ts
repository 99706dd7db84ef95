import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { DomainError } from '../common/errors/domain-error.js';
import { AuditProblems } from './audit.problems.js';
import type { ReceiptClaims } from './audit.types.js';
import { canonicalize } from './core/canonical-json.js';
import { appendLeaf, leafHash } from './core/merkle.js';

const BATCH = 2000;
// Entries left behind (their broker crashed between commit and sequencing) are swept up this often.
const SWEEP_EVERY_MS = 2000;

/** A record for the tree: its entry as hashed (less `seq` and `time`), and its queue row if any. */
export interface Placement {
  readonly entry: Record<string, unknown>;
  readonly recordedAt: string;
  /** Its `audit_pending` row, when it was enqueued in its action's transaction. */
  readonly pendingId?: string;
}

interface Waiter {
  resolve(receipt: ReceiptClaims): void;
  reject(error: unknown): void;
}

/** A placement on its way to the tree; swept-up rows have no waiter (until one asks for them). */
interface Job extends Placement {
  waiter?: Waiter;
}

interface Head {
  readonly size: number;
  readonly frontier: Buffer[];
}

/** Where a round's statements run: autocommit, or one transaction holding the head's row lock. */
interface Session {
  readonly locked: boolean;
  read<T>(text: string, values: unknown[]): Promise<T[]>;
  /** Runs the write, and commits: true when it moved the head. */
  write(params: unknown[]): Promise<boolean>;
}

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
 * The head, and which of `$1` are still pending, from one snapshot; when sweeping (`$2` > 0), also
 * the oldest other pending entries.
 */
const READ = `
  SELECT h.size, h.frontier,
         ARRAY(SELECT id::text FROM audit_pending WHERE id = ANY($1::bigint[])) AS mine,
         COALESCE((SELECT json_agg(json_build_object('id', p.id::text, 'recorded_at', p.recorded_at, 'entry', p.entry)
                                   ORDER BY p.id)
                     FROM (SELECT id, recorded_at, entry FROM audit_pending
                            WHERE id <> ALL($1::bigint[]) ORDER BY id LIMIT $2) p), '[]') AS pending
    FROM audit_head h WHERE h.id = 1`;

/**
 * One batch, one statement, one commit, conditioned on moving the head from the tree the batch was
 * built on and on its queued entries still being there (same snapshot: a rival that took them also
 * moved the head). A lost race waits on the head's row lock, then writes nothing.
 */
const WRITE = `
  WITH head AS (
    UPDATE audit_head SET size = $16, frontier = $17
     WHERE id = 1 AND size = $18 AND frontier = $19::bytea[]
       AND (SELECT count(*) FROM audit_pending WHERE id = ANY($20::bigint[])) = cardinality($20::bigint[])
    RETURNING 1
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
    DELETE FROM audit_pending WHERE id = ANY($20::bigint[]) AND EXISTS (SELECT 1 FROM head)
  )
  SELECT count(*)::int AS won FROM head`;
const WRITE_NAME = 'audit-sequencer-write';

/**
 * Places records in the Merkle tree, in batches: gives each the next sequence number, builds its
 * leaf (RFC 8785 JSON with `seq` and `time`), stores leaves and completed nodes, advances the head
 * and removes the entries from `audit_pending`, in one autocommit statement per batch. Callers get
 * their receipts when their batch has committed. Records come from memory (callers hand them over),
 * so the database is read only to learn the head (at start, and after a rival instance moved it)
 * and to sweep up entries whose broker died before sequencing them. One write runs at a time per
 * instance; records arriving meanwhile make the next batch larger. (A second write sent while the
 * first commits cannot follow it: PostgreSQL tests its `size = …` on the head its snapshot shows,
 * the one before the first write, and the two may reach the row lock in either order.)
 */
@Injectable()
export class AuditSequencer implements OnModuleInit, OnModuleDestroy {
  private readonly listeners: SequencedListener[] = [];
  private queue: Job[] = [];
  // Queued jobs by pending id: a swept-up entry and its own caller share one job.
  private readonly byPending = new Map<string, Job>();
  // The head as our last read or write left it; unknown at start and after a lost race.
  private head: Head | undefined;
  // Set by a lost race: the next round holds the head's row lock (see lockedRound).
  private contended = false;
  private running: Promise<void> | undefined;
  private sweepDue = true;
  private sweep: NodeJS.Timeout | undefined;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.sweep = setInterval(() => {
      this.sweepDue = true;
      this.kick();
    }, SWEEP_EVERY_MS);
    this.sweep.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweep);
    this.sweepDue = false;
    await this.running;
  }

  onSequenced(listener: SequencedListener): void {
    this.listeners.push(listener);
  }

  /** Resolves with each record's receipt claims once it is in the tree, durably. */
  place(records: readonly Placement[]): Promise<ReceiptClaims[]> {
    const receipts = Promise.all(
      records.map(
        (record) =>
          new Promise<ReceiptClaims>((resolve, reject) => {
            const known = record.pendingId ? this.byPending.get(record.pendingId) : undefined;
            if (known) {
              known.waiter = { resolve, reject };
              return;
            }
            const job: Job = { ...record, waiter: { resolve, reject } };
            if (job.pendingId) this.byPending.set(job.pendingId, job);
            this.queue.push(job);
          }),
      ),
    );
    this.kick();
    return receipts;
  }

  private kick(): void {
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
      if (this.queue.length > 0 || this.sweepDue) this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0 || this.sweepDue) {
      // Callers answered by the last write ask again within this turn: let them join one batch.
      await nextTurn();
      try {
        if (this.contended) await this.lockedRound();
        else if (!this.head || this.sweepDue) await this.refresh(this.autocommit);
        else await this.write(this.queue.splice(0, BATCH), this.autocommit);
      } catch (error) {
        this.failAll(error);
        return;
      }
    }
  }

  private get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  private readonly autocommit: Session = {
    locked: false,
    read: (text, values) => this.dataSource.query(text, values),
    write: async (values) => {
      // A named statement: parsed and planned once per connection, not once per batch.
      const { rows } = await this.pool.query<{ won: number }>({
        name: WRITE_NAME,
        text: WRITE,
        values,
      });
      return rows[0]!.won === 1;
    },
  };

  /**
   * The round after a lost race holds the head's row lock from its read to its commit, so it cannot
   * lose again: without it, an instance whose writes follow each other closely would win every
   * race against one that must read first, and that one's callers would wait on and on.
   */
  private async lockedRound(): Promise<void> {
    this.contended = false;
    const client = await this.pool.connect();
    // A checked-out connection has no listener of its own: dying between statements must not crash.
    let broken = false;
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    let committed = false;
    const commit = async (): Promise<void> => {
      await client.query('COMMIT');
      committed = true;
    };
    const session: Session = {
      locked: true,
      read: async (text, values) => (await client.query(text, values)).rows,
      write: async (values) => {
        const { rows } = await client.query<{ won: number }>({
          name: WRITE_NAME,
          text: WRITE,
          values,
        });
        await commit();
        return rows[0]!.won === 1;
      },
    };
    try {
      await client.query('BEGIN; SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE');
      await this.refresh(session);
      if (this.queue.length > 0) await this.write(this.queue.splice(0, BATCH), session);
      else await commit();
    } finally {
      client.off('error', onError);
      // Unless it committed, the transaction goes with its connection: PostgreSQL rolls it back.
      client.release(broken || !committed);
    }
  }

  /** Reads the head; settles queued entries a rival sequenced; takes up swept entries. */
  private async refresh(session: Session): Promise<void> {
    const checked = this.queue.filter((job) => job.pendingId !== undefined);
    const sweep = this.sweepDue;
    this.sweepDue = false;
    const [read] = await session.read<{
      size: string;
      frontier: Buffer[];
      mine: string[];
      pending: PendingRow[];
    }>(READ, [checked.map((job) => job.pendingId), sweep ? BATCH : 0]);
    this.head = { size: Number(read.size), frontier: read.frontier };
    const still = new Set(read.mine);
    const gone = checked.filter((job) => !still.has(job.pendingId!));
    if (gone.length > 0) {
      const settled = new Set(gone);
      this.queue = this.queue.filter((job) => !settled.has(job));
      await this.settleElsewhere(gone, session);
    }
    const swept: Job[] = [];
    for (const row of read.pending) {
      if (this.byPending.has(row.id)) continue;
      const job: Job = {
        pendingId: row.id,
        entry: row.entry,
        recordedAt: new Date(row.recorded_at).toISOString(),
      };
      this.byPending.set(row.id, job);
      swept.push(job);
    }
    this.queue = [...swept, ...this.queue];
    if (read.pending.length === BATCH) this.sweepDue = true;
  }

  /** Entries another instance sequenced first: their receipts, found by pending id. */
  private async settleElsewhere(jobs: readonly Job[], session: Session): Promise<void> {
    for (const job of jobs) this.byPending.delete(job.pendingId!);
    const waiting = jobs.filter((job) => job.waiter);
    if (waiting.length === 0) return;
    try {
      const rows = await session.read<{
        pending_id: string;
        seq: string;
        leaf_hash: Buffer;
        recorded_at: Date;
      }>(
        'SELECT pending_id, seq, leaf_hash, recorded_at FROM audit_record WHERE pending_id = ANY($1::bigint[])',
        [waiting.map((job) => job.pendingId)],
      );
      const found = new Map(rows.map((row) => [String(row.pending_id), row]));
      for (const job of waiting) {
        const row = found.get(job.pendingId!);
        if (!row) {
          job.waiter!.reject(new DomainError(AuditProblems.unavailable));
          continue;
        }
        job.waiter!.resolve({
          seq: Number(row.seq),
          leafHash: row.leaf_hash.toString('base64'),
          recordedAt: row.recorded_at.toISOString(),
        });
      }
    } catch (error) {
      this.reject(waiting, error);
    }
  }

  private async write(batch: Job[], session: Session): Promise<void> {
    let built: ReturnType<typeof build>;
    let won: boolean;
    try {
      built = build(this.head!, batch);
      won = await session.write(built.params);
    } catch (error) {
      this.head = undefined; // the commit may or may not have happened: read again
      this.reject(batch, error);
      return;
    }
    if (!won) {
      this.head = undefined; // a rival moved the head: read it, then try again
      if (session.locked) {
        // Holding the lock, we read what we wrote on: losing cannot happen, and must not loop.
        this.reject(batch, new Error('audit sequencer: lost a race while holding the head lock'));
        return;
      }
      this.contended = true;
      this.queue.unshift(...batch);
      return;
    }
    this.head = built.to;
    batch.forEach((job, i) => {
      if (job.pendingId) this.byPending.delete(job.pendingId);
      job.waiter?.resolve(built.receipts[i]!);
    });
    for (const listener of this.listeners) listener(built.to.size);
  }

  private reject(jobs: readonly Job[], cause: unknown): void {
    const failure = new DomainError(AuditProblems.unavailable, { cause });
    for (const job of jobs) {
      if (job.pendingId) this.byPending.delete(job.pendingId);
      job.waiter?.reject(failure);
    }
  }

  /** The database failed us: every caller waiting gets a 503; unsequenced entries stay pending. */
  private failAll(error: unknown): void {
    const jobs = this.queue;
    this.queue = [];
    this.head = undefined;
    this.reject(jobs, error);
  }
}

/** Leaves and nodes of `batch` appended to `from`, as the write's parameters. */
function build(
  from: Head,
  batch: readonly Job[],
): { to: Head; params: unknown[]; receipts: ReceiptClaims[] } {
  let size = from.size;
  let frontier = from.frontier;
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
    pendingId: [] as (string | null)[],
  };
  const nodes = { level: [] as number[], index: [] as string[], hash: [] as Buffer[] };
  const receipts: ReceiptClaims[] = [];
  for (const job of batch) {
    const record = { ...job.entry, seq: size, time: job.recordedAt } as unknown as SequencedRecord;
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
    columns.recordedAt.push(job.recordedAt);
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
    columns.pendingId.push(job.pendingId ?? null);
    receipts.push({ seq: size, leafHash: hash.toString('base64'), recordedAt: job.recordedAt });
    size++;
  }
  const params = [
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
    from.size,
    from.frontier,
    batch.flatMap((job) => (job.pendingId ? [job.pendingId] : [])),
  ];
  return { to: { size, frontier }, params, receipts };
}
