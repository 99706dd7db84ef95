import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditSigner } from '../audit-signer.js';
import { loadBrokerKeys } from '../broker-keys.js';
import { canonicalize } from './canonical-json.js';
import { LogVerifier } from './log-verifier.js';
import { leafHash, rootOf } from './merkle.js';

const LOG = 'urn:filet:test';

interface Leaf {
  seq: number;
  leaf: string;
  hash: Buffer;
}

function leaves(count: number): Leaf[] {
  return Array.from({ length: count }, (_, seq) => {
    const leaf = canonicalize({
      v: 1,
      seq,
      action: 'agency.register',
      outcome: 'success',
      requestId: `r${seq}`,
    });
    return { seq, leaf, hash: leafHash(Buffer.from(leaf)) };
  });
}

async function signerIn(dir: string, name: string): Promise<AuditSigner> {
  return new AuditSigner(await loadBrokerKeys(join(dir, name)));
}

async function checkpoint(signer: AuditSigner, log: Leaf[], treeSize: number): Promise<string> {
  return signer.signCheckpoint({
    log: LOG,
    treeSize,
    rootHash: rootOf(log.slice(0, treeSize).map((l) => l.hash)).toString('base64'),
    issuedAt: new Date().toISOString(),
  });
}

async function verify(
  signer: AuditSigner,
  log: Leaf[],
  checkpoints: string[],
  options: { receipts?: string[]; expectedSize?: number } = {},
) {
  const verifier = await LogVerifier.create({
    trusted: signer.publishedKeys,
    checkpoints,
    receipts: options.receipts,
    log: LOG,
  });
  for (const { seq, leaf, hash } of log)
    if (!verifier.addRecord(seq, leaf, hash.toString('base64'))) break;
  return verifier.finish(options.expectedSize);
}

describe('LogVerifier (offline core)', () => {
  let dir: string;
  let signer: AuditSigner;
  let log: Leaf[];
  let checkpoints: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'filet-verifier-'));
    signer = await signerIn(dir, 'keys.json');
    log = leaves(40);
    checkpoints = [
      await checkpoint(signer, log, 10),
      await checkpoint(signer, log, 33),
      await checkpoint(signer, log, 40),
    ];
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts an intact log with its checkpoints and receipts', async () => {
    const receipt = await signer.signReceipt({
      seq: 7,
      leafHash: log[7].hash.toString('base64'),
      recordedAt: 't',
    });
    const report = await verify(signer, log, checkpoints, {
      receipts: [receipt],
      expectedSize: 40,
    });
    expect(report).toEqual({
      ok: true,
      treeSize: 40,
      recordsChecked: 40,
      checkpointsChecked: 3,
      receiptsChecked: 1,
      lastCheckpointSize: 40,
      unanchoredRecords: 0,
    });
  });

  it('names the record whose content was changed (hash recomputed by the tamperer too)', async () => {
    const tampered = log.map((l) => ({ ...l }));
    tampered[5].leaf = tampered[5].leaf.replace('"success"', '"failure"');
    tampered[5].hash = leafHash(Buffer.from(tampered[5].leaf));
    const report = await verify(signer, tampered, checkpoints);
    expect(report.firstProblem).toEqual({ code: 'checkpoint.root_mismatch', treeSize: 10, seq: 9 });
  });

  it('names a record whose stored hash does not match its content', async () => {
    const tampered = log.map((l) => ({ ...l }));
    tampered[12].leaf = tampered[12].leaf.replace('"r12"', '"r99"');
    expect((await verify(signer, tampered, checkpoints)).firstProblem).toEqual({
      code: 'record.hash_mismatch',
      seq: 12,
    });
  });

  it('names the first missing record after a deletion', async () => {
    const deleted = log.filter((l) => l.seq !== 21);
    expect((await verify(signer, deleted, checkpoints)).firstProblem).toEqual({
      code: 'record.missing',
      seq: 21,
    });
  });

  it('detects a record inserted in the middle and the later ones renumbered', async () => {
    const extra = leaves(1)[0];
    const inserted = [
      ...log.slice(0, 15),
      { ...extra, seq: 15 },
      ...log.slice(15).map((l) => ({ ...l, seq: l.seq + 1 })),
    ];
    expect((await verify(signer, inserted, checkpoints)).firstProblem).toEqual({
      code: 'record.seq_mismatch',
      seq: 15,
    });
  });

  it('detects a truncated tail from a checkpoint beyond the end', async () => {
    expect((await verify(signer, log.slice(0, 35), checkpoints)).firstProblem).toEqual({
      code: 'checkpoint.beyond_log',
      treeSize: 40,
      seq: 35,
    });
  });

  it('refuses a consistent forgery signed with another key', async () => {
    const forger = await signerIn(dir, 'forger.json');
    const forged = leaves(40).map((l) => ({ ...l }));
    const forgedCheckpoints = [await checkpoint(forger, forged, 40)];
    const verifier = await LogVerifier.create({
      trusted: signer.publishedKeys,
      checkpoints: forgedCheckpoints,
      log: LOG,
    });
    expect(verifier.finish().firstProblem).toEqual({ code: 'checkpoint.bad_signature' });
  });

  it('refuses a receipt for a record the log does not hold as receipted', async () => {
    const receipt = await signer.signReceipt({
      seq: 3,
      leafHash: log[4].hash.toString('base64'),
      recordedAt: 't',
    });
    expect((await verify(signer, log, checkpoints, { receipts: [receipt] })).firstProblem).toEqual({
      code: 'receipt.not_in_log',
      seq: 3,
    });
  });

  it('reports the records not yet covered by any checkpoint', async () => {
    const report = await verify(signer, log, checkpoints.slice(0, 2));
    expect(report).toEqual(
      expect.objectContaining({ ok: true, lastCheckpointSize: 33, unanchoredRecords: 7 }),
    );
  });

  it('detects two signed checkpoints of one size with different roots (a forked log)', async () => {
    const forked = log.map((l) => ({ ...l }));
    forked[2].hash = leafHash(Buffer.from('another history'));
    const fork = await checkpoint(signer, forked, 10);
    expect((await verify(signer, log, [...checkpoints, fork])).firstProblem).toEqual({
      code: 'checkpoint.equivocation',
      treeSize: 10,
    });
  });

  it('reports a size that differs from what the source claims', async () => {
    expect((await verify(signer, log, checkpoints, { expectedSize: 41 })).firstProblem).toEqual({
      code: 'log.size_mismatch',
      treeSize: 41,
      seq: 40,
    });
  });
});
