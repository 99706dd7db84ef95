// Entities are decorated: the metadata polyfill must load before database.js.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { DataSource } from 'typeorm';
import { exportLines, withLogSnapshot } from '../src/audit/audit-export.js';
import { AuditLog } from '../src/audit/audit-log.js';
import { AuditSequencer } from '../src/audit/audit-sequencer.js';
import { AuditSigner, type CheckpointClaims } from '../src/audit/audit-signer.js';
import { treeReader } from '../src/audit/audit-tree.js';
import type { AuditContext, AuditEntry } from '../src/audit/audit.types.js';
import { loadBrokerKeys } from '../src/audit/broker-keys.js';
import { canonicalize } from '../src/audit/core/canonical-json.js';
import {
  appendLeaf,
  inclusionProof,
  leafHash,
  rootFromFrontier,
  subtreeHash,
  verifyInclusion,
} from '../src/audit/core/merkle.js';
import { APP_ROLE, createDataSource } from '../src/database.js';
import {
  median,
  percentile,
  type Benchmark,
  type BenchOptions,
  type BenchRow,
} from './benchmark.js';
import { sql, withScratchDatabase, withServer, withTempDir } from './postgres.js';

const WRITERS = 10;
const ROUNDS = 2;
const LOAD_BATCH = 10_000;
const PROOF_CALLS = 500;
const PROOF_WARMUP = 50;
const LOG = 'urn:filet:bench';
const ENTRY: AuditEntry = { action: 'bench.append', outcome: 'success' };
const VERIFY_CLI = fileURLToPath(new URL('../src/cli/audit-verify.js', import.meta.url));
// The baseline of the verifier: the same line reader, JSON.parse only.
const PARSE_ONLY = `
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
let lines = 0;
for await (const text of createInterface({ input: createReadStream(process.argv[1], 'utf8'), crlfDelay: Infinity })) {
  if (text.trim()) { JSON.parse(text); lines++; }
}
console.log(lines);`;

type Progress = BenchOptions['progress'];

interface Measure {
  opsPerSec: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

function recordCount(): number {
  const raw = process.env.BENCH_AUDIT_RECORDS ?? '1000000';
  const records = Number(raw);
  if (!Number.isSafeInteger(records) || records < 0) {
    throw new Error(`BENCH_AUDIT_RECORDS invalide / invalid: "${raw}" (entier / integer, ≥ 0)`);
  }
  return records;
}

async function withDataSource<T>(
  url: string,
  options: { role?: string; poolSize: number },
  use: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const dataSource = createDataSource({ url, applicationName: 'filet-bench', ...options });
  await dataSource.initialize();
  try {
    return await use(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** The leaf AuditLog writes for ENTRY (same fields; canonical JSON sorts them). */
function leafOf(seq: number, time: string): string {
  return canonicalize({
    v: 1,
    seq,
    time,
    actor: { agencyId: null, subject: 'bench', roles: [] },
    action: ENTRY.action,
    outcome: ENTRY.outcome,
    requestId: `bench-${seq}`,
  });
}

function latencyMeasure(latencies: readonly number[], opsPerSec: number): Measure {
  const sorted = Float64Array.from(latencies).sort();
  return { opsPerSec, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
}

function rowsOf(
  benchmark: string,
  subjects: readonly { subject: string; rounds: readonly Measure[]; note?: string }[],
): BenchRow[] {
  const rows = subjects.map(({ subject, rounds, note }) => {
    const pick = (key: 'p50Ms' | 'p99Ms'): number | null =>
      rounds[0]![key] === null ? null : median(rounds.map((m) => m[key]!));
    return {
      benchmark,
      subject,
      reqPerSec: median(rounds.map((m) => m.opsPerSec)),
      p50Ms: pick('p50Ms'),
      p99Ms: pick('p99Ms'),
      rounds: rounds.map((m) => m.opsPerSec),
      ...(note ? { note } : {}),
    };
  });
  // The first subject is the baseline.
  return rows.map((row) => ({ ...row, ratio: row.reqPerSec / rows[0]!.reqPerSec }));
}

/** WRITERS concurrent loops of `op`; counts what completes inside the measured window. */
async function drive(
  op: () => Promise<unknown>,
  { warmupSeconds, durationSeconds }: BenchOptions,
): Promise<Measure> {
  const from = performance.now() + warmupSeconds * 1000;
  const until = from + durationSeconds * 1000;
  const latencies: number[] = [];
  const writer = async (): Promise<void> => {
    while (performance.now() < until) {
      const began = performance.now();
      await op();
      const ended = performance.now();
      if (ended >= from && ended <= until) latencies.push(ended - began);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  return latencyMeasure(latencies, latencies.length / durationSeconds);
}

async function appendRows(url: string, options: BenchOptions): Promise<BenchRow[]> {
  await sql(
    url,
    `CREATE TABLE bench_raw (id bigserial PRIMARY KEY, payload text NOT NULL);
     GRANT SELECT, INSERT ON bench_raw TO ${APP_ROLE};
     GRANT USAGE ON SEQUENCE bench_raw_id_seq TO ${APP_ROLE};`,
  );
  // One connection more than writers: the audit sequencer's own (raw inserts get it too, unused).
  return withDataSource(url, { role: APP_ROLE, poolSize: WRITERS + 1 }, async (dataSource) => {
    const auditLog = new AuditLog(dataSource, new AuditSequencer(dataSource));
    const payload = 'x'.repeat(leafOf(123_456, new Date().toISOString()).length);
    let request = 0;
    const subjects = [
      {
        subject: 'raw INSERT',
        op: () => dataSource.query('INSERT INTO bench_raw (payload) VALUES ($1)', [payload]),
      },
      {
        subject: 'AuditLog.record',
        op: () =>
          auditLog.record(
            {
              actor: { agencyId: null, subject: 'bench', roles: [] },
              requestId: `bench-${request++}`,
              receipts: [],
            } satisfies AuditContext,
            ENTRY,
          ),
      },
    ];
    const rounds = subjects.map(() => [] as Measure[]);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [i, { subject, op }] of subjects.entries()) {
        options.progress(`  ${subject} ×${WRITERS}, manche / round ${round}/${ROUNDS}`);
        rounds[i]!.push(await drive(op, options));
      }
    }
    return rowsOf(
      'audit-append',
      subjects.map(({ subject }, i) => ({
        subject,
        rounds: rounds[i]!,
        note: i === 1 ? 'commits/s; target ≥ ×0.50' : 'commits/s',
      })),
    );
  });
}

/**
 * Writes the log AuditLog would have written for `records` appends of ENTRY, in multi-row batches
 * (one append at a time would take hours), and returns its root.
 */
async function bulkLoad(url: string, records: number, progress: Progress): Promise<Buffer> {
  return withDataSource(url, { poolSize: 2 }, async (owner) => {
    const firstTime = Date.now() - records; // one record a millisecond, up to now
    let frontier: Buffer[] = [];
    let inFlight: Promise<unknown> = Promise.resolve();
    const started = performance.now();
    for (let from = 0; from < records; from += LOAD_BATCH) {
      const batch = { seq: [] as number[], time: [] as string[], leaf: [] as string[] };
      const hashes: Buffer[] = [];
      const nodes = { level: [] as number[], index: [] as string[], hash: [] as Buffer[] };
      for (let seq = from; seq < Math.min(from + LOAD_BATCH, records); seq++) {
        const time = new Date(firstTime + seq).toISOString();
        const leaf = leafOf(seq, time);
        const hash = leafHash(Buffer.from(leaf, 'utf8'));
        const appended = appendLeaf(frontier, seq, hash);
        frontier = appended.frontier;
        for (const node of appended.completed) {
          nodes.level.push(node.level);
          nodes.index.push(String(node.index));
          nodes.hash.push(node.hash);
        }
        batch.seq.push(seq);
        batch.time.push(time);
        batch.leaf.push(leaf);
        hashes.push(hash);
      }
      // One batch in the database while the next one is hashed.
      await inFlight;
      inFlight = Promise.all([
        owner.query(
          `INSERT INTO audit_record (seq, recorded_at, leaf, leaf_hash, action, outcome, actor_agency_id,
                                     parties, case_id, person_ids, basis)
           SELECT seq, time, leaf, hash, $5, $6, NULL, '{}', NULL, '{}', NULL
             FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::bytea[]) AS r(seq, time, leaf, hash)`,
          [batch.seq, batch.time, batch.leaf, hashes, ENTRY.action, ENTRY.outcome],
        ),
        owner.query(
          'INSERT INTO audit_node (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])',
          [nodes.level, nodes.index, nodes.hash],
        ),
      ]);
      const done = Math.min(from + LOAD_BATCH, records);
      if (done % 100_000 === 0 || done === records) {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        progress(`  chargement / loading ${done.toLocaleString('en')} (${seconds} s)`);
      }
    }
    await inFlight;
    await owner.query('UPDATE audit_head SET size = $1, frontier = $2 WHERE id = 1', [
      records,
      frontier,
    ]);
    return rootFromFrontier(frontier, records);
  });
}

async function signCheckpoint(
  url: string,
  signer: AuditSigner,
  treeSize: number,
  root: Buffer,
): Promise<void> {
  const claims: CheckpointClaims = {
    log: LOG,
    treeSize,
    rootHash: root.toString('base64'),
    issuedAt: new Date().toISOString(),
  };
  const jws = await signer.signCheckpoint(claims);
  await withDataSource(url, { poolSize: 1 }, (owner) =>
    owner.query(
      `INSERT INTO audit_checkpoint (tree_size, root_hash, issued_at, key_id, jws)
       VALUES ($1, $2, $3, $4, $5)`,
      [treeSize, root, claims.issuedAt, signer.keyId, jws],
    ),
  );
}

/** Runs `node <args>` to the end; fails unless it exits 0. */
async function timeNode(args: readonly string[]): Promise<{ seconds: number; stdout: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const [code, signal] = (await once(child, 'close')) as [number | null, string | null];
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`node ${args.join(' ')}: ${signal ?? code}\n${stdout}${stderr}`);
  return { seconds, stdout };
}

async function verifyRows(
  file: string,
  trustFile: string,
  records: number,
  progress: Progress,
): Promise<BenchRow[]> {
  const subjects = [
    { subject: 'read + JSON.parse', args: ['--input-type=module', '-e', PARSE_ONLY, file] },
    { subject: 'audit-verify CLI', args: [VERIFY_CLI, file, '--trust', trustFile] },
  ];
  const rounds = subjects.map(() => [] as Measure[]);
  const seconds = subjects.map(() => [] as number[]);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [i, { subject, args }] of subjects.entries()) {
      progress(`  ${subject}, manche / round ${round}/${ROUNDS}`);
      const run = await timeNode(args);
      if (i === 1 && !run.stdout.includes(`${records} records`)) {
        throw new Error(`audit-verify: unexpected output: ${run.stdout}`);
      }
      seconds[i]!.push(run.seconds);
      rounds[i]!.push({ opsPerSec: records / run.seconds, p50Ms: null, p99Ms: null });
    }
  }
  return rowsOf(
    'audit-verify',
    subjects.map(({ subject }, i) => ({
      subject,
      rounds: rounds[i]!,
      note: `records/s; ${median(seconds[i]!).toFixed(1)} s${i === 1 ? ' (target < 30 s)' : ''}`,
    })),
  );
}

async function proofRows(
  dataSource: DataSource,
  records: number,
  root: Buffer,
  progress: Progress,
): Promise<BenchRow[]> {
  const reader = treeReader(dataSource);
  const leafHashOf = async (seq: number): Promise<Buffer> => {
    const [row]: { leaf_hash: Buffer }[] = await dataSource.query(
      'SELECT leaf_hash FROM audit_record WHERE seq = $1',
      [seq],
    );
    return row!.leaf_hash;
  };
  const proof = (seq: number): Promise<Buffer[]> => inclusionProof(reader, seq, records);
  // What GET /v1/audit/proofs/inclusion computes: the path and the root, side by side.
  const proofAndRoot = (seq: number): Promise<[Buffer[], Buffer]> =>
    Promise.all([proof(seq), subtreeHash(reader, 0, records)]);
  const subjects = ['SELECT leaf_hash', 'inclusionProof', 'proof + root'];
  for (let i = 0; i < PROOF_WARMUP; i++) {
    const seq = randomInt(records);
    await leafHashOf(seq);
    await proofAndRoot(seq);
  }
  const rounds = subjects.map(() => [] as Measure[]);
  for (let round = 1; round <= ROUNDS; round++) {
    progress(`  ${PROOF_CALLS / ROUNDS} × 3 appels / calls, manche / round ${round}/${ROUNDS}`);
    const latencies = subjects.map(() => [] as number[]);
    const timed = async <T>(i: number, call: () => Promise<T>): Promise<T> => {
      const began = performance.now();
      const result = await call();
      latencies[i]!.push(performance.now() - began);
      return result;
    };
    for (let call = 0; call < PROOF_CALLS / ROUNDS; call++) {
      const seq = randomInt(records);
      // Interleaved call by call, so the machine's noise falls on all three alike.
      const leaf = await timed(0, () => leafHashOf(seq));
      const path = await timed(1, () => proof(seq));
      const [endpointPath, endpointRoot] = await timed(2, () => proofAndRoot(seq));
      const claim = { leafHash: leaf, index: seq, treeSize: records, root };
      if (
        !verifyInclusion({ ...claim, proof: path }) ||
        !verifyInclusion({ ...claim, proof: endpointPath }) ||
        !endpointRoot.equals(root)
      ) {
        throw new Error(
          `inclusion proof of ${seq} in ${records} does not verify against the checkpoint`,
        );
      }
    }
    latencies.forEach((values, i) => {
      const total = values.reduce((sum, ms) => sum + ms, 0);
      rounds[i]!.push(latencyMeasure(values, (1000 * values.length) / total));
    });
  }
  return rowsOf(
    'audit-proof',
    subjects.map((subject, i) => ({
      subject,
      rounds: rounds[i]!,
      note: `calls/s, 1 at a time${i === 1 ? '; target p50 < 5 ms' : ''}`,
    })),
  );
}

/** Build a large log, export it, verify the export offline, serve proofs from it. */
async function largeLogRows(url: string, records: number, progress: Progress): Promise<BenchRow[]> {
  return withTempDir('filet-bench-audit-', async (dir) => {
    const signer = new AuditSigner(await loadBrokerKeys(join(dir, 'keys', 'audit-keys.json')));
    const trustFile = join(dir, 'trusted-keys.json');
    await writeFile(trustFile, JSON.stringify({ keys: signer.publishedKeys }));

    progress(`  journal de / log of ${records.toLocaleString('en')} enregistrements / records…`);
    let started = performance.now();
    const root = await bulkLoad(url, records, progress);
    // What autovacuum does after a bulk insert; the proofs' index scans should not pay for it.
    await sql(url, 'VACUUM (ANALYZE) audit_record, audit_node');
    await signCheckpoint(url, signer, records, root);
    const buildSeconds = (performance.now() - started) / 1000;
    progress(`  journal construit / log built: ${buildSeconds.toFixed(1)} s`);

    return withDataSource(url, { role: APP_ROLE, poolSize: 2 }, async (dataSource) => {
      const file = join(dir, 'audit-export.ndjson');
      started = performance.now();
      await withLogSnapshot(dataSource, (snapshot) =>
        pipeline(
          Readable.from(exportLines(snapshot, signer.publishedKeys, LOG)),
          createWriteStream(file),
        ),
      );
      const exportSeconds = (performance.now() - started) / 1000;
      progress(`  export NDJSON: ${exportSeconds.toFixed(1)} s`);
      const info = (subject: string, seconds: number): BenchRow => ({
        benchmark: 'audit-setup',
        subject,
        reqPerSec: records / seconds,
        p50Ms: null,
        p99Ms: null,
        ratio: null,
        rounds: [records / seconds],
        note: `records/s; ${records.toLocaleString('en')} in ${seconds.toFixed(1)} s`,
      });
      return [
        info('bulk load + sign', buildSeconds),
        info('export NDJSON', exportSeconds),
        ...(await verifyRows(file, trustFile, records, progress)),
        ...(await proofRows(dataSource, records, root, progress)),
      ];
    });
  });
}

async function run(options: BenchOptions): Promise<BenchRow[]> {
  const records = recordCount();
  return withServer(options.progress, async (adminUrl) => {
    const rows = await withScratchDatabase(adminUrl, (url) => appendRows(url, options));
    // Its own database: the bulk load needs gapless sequence numbers from 0.
    if (records > 0) {
      rows.push(
        ...(await withScratchDatabase(adminUrl, (url) =>
          largeLogRows(url, records, options.progress),
        )),
      );
    }
    return rows;
  });
}

export const auditBenchmark: Benchmark = { name: 'audit-log', run };
