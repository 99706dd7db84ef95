import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { AuditSigner } from '../../src/audit/audit-signer.js';
import { loadBrokerKeys, type PublishedKey } from '../../src/audit/broker-keys.js';
import { canonicalize } from '../../src/audit/core/canonical-json.js';
import { appendLeaf, leafHash, rootFromFrontier } from '../../src/audit/core/merkle.js';
import { createAgency, registrationBody, type TestAgency } from '../factories/agency.factory.js';
import { offlineVerify, publishedKeys, superuser } from '../support/audit-helpers.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Report {
  ok: boolean;
  firstProblem?: { code: string; seq?: number; treeSize?: number };
}

/**
 * What a careful tamperer does after editing records: rebuild the tree head and the stored nodes from
 * the records as they now are, so the broker keeps appending and nothing looks broken from outside.
 */
async function rebuildTree(db: pg.Client): Promise<void> {
  const { rows } = await db.query('SELECT leaf_hash FROM audit_record ORDER BY seq');
  await db.query('DELETE FROM audit_node');
  let frontier: Buffer[] = [];
  for (const [index, row] of (rows as { leaf_hash: Buffer }[]).entries()) {
    const appended = appendLeaf(frontier, index, row.leaf_hash);
    frontier = appended.frontier;
    for (const node of appended.completed) {
      await db.query('INSERT INTO audit_node VALUES ($1, $2, $3)', [
        node.level,
        node.index,
        node.hash,
      ]);
    }
  }
  await db.query('UPDATE audit_head SET size = $1, frontier = $2', [rows.length, frontier]);
}

/**
 * The tamper drills of the audit issue: a database superuser changes the log behind the broker's
 * back (triggers off). The broker's own verification and the offline verifier both name what broke.
 */
describe('tamper drills', () => {
  let app: TestApp;
  let coordination: TestAgency;
  let keys: PublishedKey[];
  let db: pg.Client;
  let dir: string;

  const officer = (): Promise<string> => coordination.token(['privacy_officer']);
  const verify = async (): Promise<Report> => {
    const res = await app.request<Report>('GET', '/v1/audit/verify', { token: await officer() });
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: expect.objectContaining({ ok: expect.any(Boolean) }),
    });
    return res.body;
  };
  const exportText = async (): Promise<string> =>
    (await app.request('GET', '/v1/audit/export', { token: await officer() })).text;

  beforeEach(async () => {
    app = await startTestApp();
    coordination = await createAgency(app.dataSource, { sector: 'coordination' });
    keys = await publishedKeys(app, await coordination.token());
    for (let i = 0; i < 12; i++) {
      await app.request('POST', '/v1/agencies', {
        token: await coordination.token(['admin']),
        body: registrationBody(),
      });
      if (i === 5 || i === 11)
        await app.request('POST', '/v1/audit/checkpoints', { token: await officer() });
    }
    db = await superuser(app);
    await db.query('SET session_replication_role = replica'); // triggers off: what a superuser can do
    dir = await mkdtemp(join(tmpdir(), 'filet-tamper-'));
  });
  afterEach(async () => {
    await db.end();
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the intact log verifies, online and offline', async () => {
    expect(await verify()).toEqual(expect.objectContaining({ ok: true }));
    expect((await offlineVerify(await exportText(), dir, { trust: keys })).code).toBe(0);
  });

  it('one field of one old record changed (and its hash recomputed) is caught at the next checkpoint', async () => {
    const {
      rows: [row],
    } = await db.query('SELECT leaf FROM audit_record WHERE seq = 3');
    const record = JSON.parse(row.leaf);
    record.outcome = 'failure';
    const leaf = canonicalize(record);
    await db.query(
      'UPDATE audit_record SET leaf = $1, leaf_hash = $2, outcome = $3 WHERE seq = 3',
      [leaf, leafHash(Buffer.from(leaf)), 'failure'],
    );
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstProblem?.code).toBe('checkpoint.root_mismatch');
    const offline = await offlineVerify(await exportText(), dir, { trust: keys });
    expect(offline.code).toBe(1);
    expect(offline.output).toContain('checkpoint.root_mismatch');
  });

  it('a search column changed without touching the leaf is caught', async () => {
    await db.query("UPDATE audit_record SET action = 'agency.update' WHERE seq = 4");
    expect((await verify()).firstProblem).toEqual({ code: 'record.columns_mismatch', seq: 4 });
  });

  it('one record deleted: the gap is named', async () => {
    await db.query('DELETE FROM audit_record WHERE seq = 7');
    expect((await verify()).firstProblem).toEqual(
      expect.objectContaining({ code: 'record.missing', seq: 7 }),
    );
    const offline = await offlineVerify(await exportText(), dir, { trust: keys });
    expect(offline.code).toBe(1);
    expect(offline.output).toContain('record.missing (seq 7');
  });

  it('one record inserted in the middle, later ones renumbered: caught', async () => {
    await db.query('UPDATE audit_record SET seq = seq + 1000 WHERE seq >= 5');
    await db.query('UPDATE audit_record SET seq = seq - 999 WHERE seq >= 1005');
    const {
      rows: [row],
    } = await db.query('SELECT * FROM audit_record WHERE seq = 4');
    const forged = canonicalize({ ...JSON.parse(row.leaf), seq: 5, requestId: 'forged' });
    await db.query(
      `INSERT INTO audit_record (seq, recorded_at, leaf, leaf_hash, action, outcome, actor_agency_id, parties, case_id, person_ids, basis)
       SELECT 5, recorded_at, $1, $2, action, outcome, actor_agency_id, parties, case_id, person_ids, basis FROM audit_record WHERE seq = 4`,
      [forged, leafHash(Buffer.from(forged))],
    );
    await rebuildTree(db);
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstProblem?.seq).toBeGreaterThanOrEqual(5);
    expect((await offlineVerify(await exportText(), dir, { trust: keys })).code).toBe(1);
  });

  it('the tail truncated (head rolled back too): a checkpoint beyond the end names it', async () => {
    const {
      rows: [{ size }],
    } = await db.query('SELECT size FROM audit_head');
    await db.query('DELETE FROM audit_record WHERE seq >= $1', [Number(size) - 4]);
    await rebuildTree(db);
    const report = await verify();
    expect(report.firstProblem?.code).toBe('checkpoint.beyond_log');
    const offline = await offlineVerify(await exportText(), dir, { trust: keys });
    expect(offline.code).toBe(1);
    expect(offline.output).toContain('checkpoint.beyond_log');
  });

  it('checkpoints deleted and history rewritten: the broker sees no anchor left; a kept checkpoint catches it', async () => {
    // An agency kept the latest signed checkpoint (it is public); the tamperer cannot unsign it.
    const kept = await app.request<{ jws: string }>('GET', '/v1/audit/checkpoints/latest', {
      token: await officer(),
    });
    await db.query('DELETE FROM audit_checkpoint');
    const {
      rows: [row],
    } = await db.query('SELECT leaf FROM audit_record WHERE seq = 2');
    const leaf = canonicalize({ ...JSON.parse(row.leaf), outcome: 'failure' });
    await db.query(
      'UPDATE audit_record SET leaf = $1, leaf_hash = $2, outcome = $3 WHERE seq = 2',
      [leaf, leafHash(Buffer.from(leaf)), 'failure'],
    );
    await rebuildTree(db);

    const report = (await verify()) as Report & {
      unanchoredRecords: number;
      lastCheckpointSize: number;
    };
    expect(report).toEqual(expect.objectContaining({ ok: true, lastCheckpointSize: 0 }));
    expect(report.unanchoredRecords).toBeGreaterThan(0);
    const offline = await offlineVerify(await exportText(), dir, {
      trust: keys,
      checkpoints: [kept.body.jws],
    });
    expect(offline.code).toBe(1);
    expect(offline.output).toContain('checkpoint.root_mismatch');
  });

  it('the whole log replaced by a consistent forgery signed with another key: refused', async () => {
    const forger = new AuditSigner(await loadBrokerKeys(join(dir, 'forger-keys.json')));
    const rows = await db.query('SELECT seq, leaf FROM audit_record ORDER BY seq');
    await db.query('DELETE FROM audit_checkpoint');
    for (const row of rows.rows as { seq: string; leaf: string }[]) {
      const leaf = canonicalize({ ...JSON.parse(row.leaf), requestId: `forged-${row.seq}` });
      await db.query('UPDATE audit_record SET leaf = $1, leaf_hash = $2 WHERE seq = $3', [
        leaf,
        leafHash(Buffer.from(leaf)),
        row.seq,
      ]);
    }
    await rebuildTree(db);
    const {
      rows: [head],
    } = await db.query('SELECT size, frontier FROM audit_head');
    const treeSize = Number(head.size);
    const rootHash = rootFromFrontier(head.frontier, treeSize).toString('base64');
    const jws = await forger.signCheckpoint({
      log: app.config.audience,
      treeSize,
      rootHash,
      issuedAt: new Date().toISOString(),
    });
    await db.query('INSERT INTO audit_checkpoint VALUES ($1, $2, now(), $3, $4)', [
      treeSize,
      Buffer.from(rootHash, 'base64'),
      forger.keyId,
      jws,
    ]);

    expect((await verify()).firstProblem).toEqual({ code: 'checkpoint.bad_signature' });
    const offline = await offlineVerify(await exportText(), dir, { trust: keys });
    expect(offline.code).toBe(1);
    expect(offline.output).toContain('checkpoint.bad_signature');
  });
});
