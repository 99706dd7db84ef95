import type { DataSource, QueryRunner } from 'typeorm';
import type { PublishedKey } from './broker-keys.js';

const BATCH = 5000;

export const EXPORT_FORMAT = 'filet-audit-export';

/** One line of an export (NDJSON): header first, then keys, checkpoints, records in order. */
export type ExportLine =
  | { type: typeof EXPORT_FORMAT; v: 1; log: string; treeSize: number; exportedAt: string }
  | ({ type: 'key' } & PublishedKey)
  | { type: 'checkpoint'; treeSize: number; jws: string }
  | { type: 'record'; seq: number; leafHash: string; leaf: string };

export interface LogRow {
  seq: string;
  recorded_at: Date;
  leaf: string;
  leaf_hash: Buffer;
  action: string;
  outcome: string;
  actor_agency_id: string | null;
  parties: string[];
  case_id: string | null;
  person_ids: string[];
  basis: string | null;
}

export interface LogSnapshot {
  readonly treeSize: number;
  readonly checkpoints: readonly { treeSize: number; jws: string }[];
  /** Every record in sequence order, read in batches. */
  records(): AsyncGenerator<LogRow>;
}

async function openSnapshot(runner: QueryRunner): Promise<LogSnapshot> {
  await runner.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const [head]: { size: string }[] = await runner.query('SELECT size FROM audit_head WHERE id = 1');
  const checkpoints: { tree_size: string; jws: string }[] = await runner.query(
    'SELECT tree_size, jws FROM audit_checkpoint ORDER BY tree_size',
  );
  return {
    treeSize: Number(head.size),
    checkpoints: checkpoints.map((c) => ({ treeSize: Number(c.tree_size), jws: c.jws })),
    async *records() {
      for (let from = 0; ;) {
        const rows: LogRow[] = await runner.query(
          `SELECT seq, recorded_at, leaf, leaf_hash, action, outcome, actor_agency_id, parties, case_id, person_ids, basis
             FROM audit_record WHERE seq >= $1 ORDER BY seq LIMIT $2`,
          [from, BATCH],
        );
        yield* rows;
        if (rows.length < BATCH) return;
        from = Number(rows[rows.length - 1].seq) + 1;
      }
    },
  };
}

/**
 * Reads the whole log from one consistent snapshot (REPEATABLE READ, read-only), so the head, the
 * checkpoints and the records agree even while appends go on.
 */
export async function withLogSnapshot<T>(
  dataSource: DataSource,
  use: (snapshot: LogSnapshot) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    return await use(await openSnapshot(runner));
  } finally {
    await runner.query('ROLLBACK').catch(() => undefined);
    await runner.release();
  }
}

/** The export of one snapshot as a stream; the snapshot closes when the stream ends or is abandoned. */
export async function* streamExport(
  dataSource: DataSource,
  keys: readonly PublishedKey[],
  log: string,
): AsyncGenerator<string> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    yield* exportLines(await openSnapshot(runner), keys, log);
  } finally {
    await runner.query('ROLLBACK').catch(() => undefined);
    await runner.release();
  }
}

/** The export as NDJSON lines, for `GET /v1/audit/export` and `npm run audit:export`. */
export async function* exportLines(
  snapshot: LogSnapshot,
  keys: readonly PublishedKey[],
  log: string,
): AsyncGenerator<string> {
  const header: ExportLine = {
    type: EXPORT_FORMAT,
    v: 1,
    log,
    treeSize: snapshot.treeSize,
    exportedAt: new Date().toISOString(),
  };
  yield `${JSON.stringify(header)}\n`;
  for (const key of keys) yield `${JSON.stringify({ type: 'key', ...key } satisfies ExportLine)}\n`;
  for (const c of snapshot.checkpoints)
    yield `${JSON.stringify({ type: 'checkpoint', ...c } satisfies ExportLine)}\n`;
  let chunk = '';
  for await (const row of snapshot.records()) {
    const line: ExportLine = {
      type: 'record',
      seq: Number(row.seq),
      leafHash: row.leaf_hash.toString('base64'),
      leaf: row.leaf,
    };
    chunk += `${JSON.stringify(line)}\n`;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
