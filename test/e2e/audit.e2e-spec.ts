import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHECKPOINT_TYPE,
  verifySigned,
  type CheckpointClaims,
} from '../../src/audit/audit-signer.js';
import { rotateBrokerKey, type PublishedKey } from '../../src/audit/broker-keys.js';
import { verifyConsistency, verifyInclusion } from '../../src/audit/core/merkle.js';
import {
  createAgency,
  mintToken,
  registrationBody,
  type TestAgency,
} from '../factories/agency.factory.js';
import {
  auditSize,
  offlineVerify,
  publishedKeys,
  receiptOf,
  superuser,
} from '../support/audit-helpers.js';
import { expectProblem } from '../support/problem.js';
import { startSecondInstance, startTestApp, type TestApp } from '../support/test-app.js';

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

describe('audit log', () => {
  let app: TestApp;
  let admin: TestAgency;
  let police: TestAgency;
  let keys: PublishedKey[];
  let dir: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await createAgency(app.dataSource, { sector: 'coordination' });
    police = await createAgency(app.dataSource, { sector: 'police' });
    keys = await publishedKeys(app, await admin.token());
    dir = await mkdtemp(join(tmpdir(), 'filet-audit-'));
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a change returns a signed receipt whose record proves into a signed checkpoint', async () => {
    const res = await app.request('POST', '/v1/agencies', {
      token: await admin.token(['admin']),
      body: registrationBody(),
    });
    expect(res.status).toBe(201);
    const { claims } = await receiptOf(res, keys);

    const issued = await app.request<{ treeSize: number; rootHash: string; jws: string }>(
      'POST',
      '/v1/audit/checkpoints',
      {
        token: await admin.token(['privacy_officer']),
      },
    );
    expect(issued.status).toBe(200);
    const signed = await verifySigned<CheckpointClaims>(issued.body.jws, CHECKPOINT_TYPE, keys);
    expect(signed?.claims).toEqual(
      expect.objectContaining({ treeSize: issued.body.treeSize, rootHash: issued.body.rootHash }),
    );

    const proof = await app.request<{
      proof: string[];
      treeSize: number;
      leafHash: string;
      rootHash: string;
    }>('GET', `/v1/audit/records/${claims.seq}/proof?treeSize=${issued.body.treeSize}`, {
      token: await admin.token(),
    });
    expect(proof.status).toBe(200);
    // Reading the log is itself recorded: the proof comes with its own receipt.
    expect(proof.headers.get('filet-audit-receipt')).toEqual(expect.any(String));
    expect(proof.body.leafHash).toBe(claims.leafHash);
    expect(proof.body.rootHash).toBe(issued.body.rootHash);
    expect(
      verifyInclusion({
        leafHash: b64(claims.leafHash),
        index: claims.seq,
        treeSize: issued.body.treeSize,
        proof: proof.body.proof.map(b64),
        root: b64(issued.body.rootHash),
      }),
    ).toBe(true);
    // The same proof does not hold for another record.
    expect(
      verifyInclusion({
        leafHash: b64(claims.leafHash),
        index: claims.seq === 0 ? 1 : claims.seq - 1,
        treeSize: issued.body.treeSize,
        proof: proof.body.proof.map(b64),
        root: b64(issued.body.rootHash),
      }),
    ).toBe(false);
  });

  it('consecutive checkpoints are consistent, with an RFC 6962 consistency proof', async () => {
    const officer = async (): Promise<string> => admin.token(['privacy_officer']);
    const first = await app.request<{ treeSize: number; rootHash: string }>(
      'POST',
      '/v1/audit/checkpoints',
      { token: await officer() },
    );
    for (let i = 0; i < 5; i++) {
      await app.request('POST', '/v1/agencies', {
        token: await admin.token(['admin']),
        body: registrationBody(),
      });
    }
    const second = await app.request<{ treeSize: number; rootHash: string }>(
      'POST',
      '/v1/audit/checkpoints',
      { token: await officer() },
    );
    expect(second.body.treeSize).toBeGreaterThan(first.body.treeSize);
    const res = await app.request<{ proof: string[] }>(
      'GET',
      `/v1/audit/consistency?from=${first.body.treeSize}&to=${second.body.treeSize}`,
      { token: await police.token() },
    );
    expect(res.status).toBe(200);
    expect(
      verifyConsistency({
        size1: first.body.treeSize,
        size2: second.body.treeSize,
        root1: b64(first.body.rootHash),
        root2: b64(second.body.rootHash),
        proof: res.body.proof.map(b64),
      }),
    ).toBe(true);
  });

  it('records every authentication failure, with a receipt, and the unverified claimed issuer as a target only', async () => {
    const before = await auditSize(app);
    const expired = await mintToken({
      key: police.key,
      issuer: police.id,
      iat: 1_000_000,
      exp: 1_000_060,
    });
    const res = await app.request('GET', '/v1/agencies', { token: expired });
    expectProblem(res, 401, 'auth.token_expired');
    const { claims } = await receiptOf(res, keys);
    expect(claims.seq).toBe(before);
    const [row] = await app.dataSource.query(
      'SELECT action, outcome, parties, leaf FROM audit_record WHERE seq = $1',
      [claims.seq],
    );
    expect(row).toEqual(
      expect.objectContaining({ action: 'auth.failure', outcome: 'failure', parties: [] }),
    );
    expect(JSON.parse(row.leaf)).toEqual(
      expect.objectContaining({
        reasonCodes: ['auth.token_expired'],
        actor: { agencyId: null, subject: null, roles: [] },
        requestId: res.headers.get('x-request-id'),
        targets: { route: 'GET /v1/agencies', claimedIssuer: police.id },
      }),
    );
  });

  it('records a refused role (403) with the caller as actor', async () => {
    const res = await app.request('POST', '/v1/agencies', {
      token: await police.token(['agency_user'], { sub: 'clerk-7' }),
      body: registrationBody(),
    });
    expectProblem(res, 403, 'auth.forbidden');
    const { claims } = await receiptOf(res, keys);
    const [row] = await app.dataSource.query('SELECT leaf FROM audit_record WHERE seq = $1', [
      claims.seq,
    ]);
    expect(JSON.parse(row.leaf)).toEqual(
      expect.objectContaining({
        action: 'auth.forbidden',
        actor: { agencyId: police.id, subject: 'clerk-7', roles: ['agency_user'] },
        targets: { route: 'POST /v1/agencies' },
      }),
    );
  });

  it('a record holds ids and codes, never the names it was given', async () => {
    const body = registrationBody({
      names: { fr: 'Maison Sœur-Marie-Tremblay', en: 'Sister Marie Tremblay House' },
    });
    const res = await app.request<{ id: string }>('POST', '/v1/agencies', {
      token: await admin.token(['admin']),
      body,
    });
    const { claims } = await receiptOf(res, keys);
    const [row] = await app.dataSource.query('SELECT leaf FROM audit_record WHERE seq = $1', [
      claims.seq,
    ]);
    expect(row.leaf).not.toMatch(/Tremblay/);
    expect(JSON.parse(row.leaf)).toEqual(
      expect.objectContaining({
        action: 'agency.register',
        outcome: 'success',
        targets: expect.objectContaining({ agencyId: res.body.id }),
      }),
    );
  });

  it('an agency gets proofs only for records it is party to; others answer 404', async () => {
    const res = await app.request('POST', '/v1/agencies', {
      token: await admin.token(['admin']),
      body: registrationBody(),
    });
    const { claims } = await receiptOf(res, keys);
    const asPolice = await app.request('GET', `/v1/audit/records/${claims.seq}/proof`, {
      token: await police.token(),
    });
    expectProblem(asPolice, 404, 'audit.record_not_found');
    // Another agency's privacy officer is no party either; the coordinating agency's is.
    const asPoliceOfficer = await app.request('GET', `/v1/audit/records/${claims.seq}/proof`, {
      token: await police.token(['privacy_officer']),
    });
    expectProblem(asPoliceOfficer, 404, 'audit.record_not_found');
    const asCoordinationOfficer = await app.request(
      'GET',
      `/v1/audit/records/${claims.seq}/proof`,
      {
        token: await admin.token(['privacy_officer']),
      },
    );
    expect(asCoordinationOfficer.status).toBe(200);
    const beyond = await app.request(
      'GET',
      `/v1/audit/records/${claims.seq}/proof?treeSize=${claims.seq}`,
      { token: await admin.token() },
    );
    expectProblem(beyond, 400, 'audit.bad_tree_size');
    const notANumber = await app.request('GET', '/v1/audit/records/abc/proof', {
      token: await admin.token(),
    });
    expectProblem(notANumber, 400, 'request.invalid');
  });

  it('fails closed: when the record cannot be written, the change does not happen (503)', async () => {
    const db = await superuser(app);
    try {
      await db.query(
        `CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`,
      );
      await db.query(
        'CREATE TRIGGER test_refuse BEFORE INSERT ON audit_pending FOR EACH ROW EXECUTE FUNCTION test_refuse()',
      );
      const body = registrationBody();
      const [{ count: before }] = await app.dataSource.query(
        'SELECT count(*)::int AS count FROM agency',
      );
      const res = await app.request('POST', '/v1/agencies', {
        token: await admin.token(['admin']),
        body,
      });
      expectProblem(res, 503, 'audit.unavailable');
      expect(res.headers.get('filet-audit-receipt')).toBeNull();
      const [{ count: after }] = await app.dataSource.query(
        'SELECT count(*)::int AS count FROM agency',
      );
      expect(after).toBe(before);
    } finally {
      await db.query('DROP TRIGGER IF EXISTS test_refuse ON audit_pending');
      await db.query('DROP FUNCTION IF EXISTS test_refuse()');
      await db.end();
    }
  });

  describe('append-only', () => {
    it("the broker's role may only INSERT and SELECT the log", async () => {
      for (const sql of [
        "UPDATE audit_record SET outcome = 'failure' WHERE seq = 0",
        'DELETE FROM audit_record WHERE seq = 0',
        'TRUNCATE audit_record',
        'DELETE FROM audit_node',
        'DELETE FROM audit_checkpoint',
      ]) {
        await expect(app.dataSource.query(sql)).rejects.toThrow(/permission denied/);
      }
      const [{ current_user: role }] = await app.dataSource.query('SELECT current_user');
      expect(role).toBe('filet_app');
    });

    it('a trigger refuses UPDATE, DELETE and TRUNCATE even to the owner and superuser', async () => {
      const db = await superuser(app);
      try {
        for (const sql of [
          "UPDATE audit_record SET outcome = 'failure' WHERE seq = 0",
          'DELETE FROM audit_record WHERE seq = 0',
          'TRUNCATE audit_record CASCADE',
          'UPDATE audit_node SET hash = hash',
          'DELETE FROM audit_checkpoint',
          'TRUNCATE audit_checkpoint',
          'DELETE FROM audit_head',
        ]) {
          await expect(db.query(sql)).rejects.toThrow(/append-only/);
        }
      } finally {
        await db.end();
      }
    });
  });

  it('the export verifies offline, receipts included; the coordination privacy officer alone may export', async () => {
    const res = await app.request('POST', '/v1/agencies', {
      token: await admin.token(['admin']),
      body: registrationBody(),
    });
    const { jws } = await receiptOf(res, keys);
    await app.request('POST', '/v1/audit/checkpoints', {
      token: await admin.token(['privacy_officer']),
    });

    expectProblem(
      await app.request('GET', '/v1/audit/export', {
        token: await police.token(['privacy_officer']),
      }),
      403,
      'auth.forbidden',
    );
    const exported = await app.request('GET', '/v1/audit/export', {
      token: await admin.token(['privacy_officer']),
    });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toContain('application/x-ndjson');
    const result = await offlineVerify(exported.text, dir, { trust: keys, receipts: [jws] });
    expect(result.output).toMatch(/OK — \d+ enregistrements/);
    expect(result.code).toBe(0);

    const report = await app.request<{ ok: boolean; treeSize: number }>('GET', '/v1/audit/verify', {
      token: await admin.token(['privacy_officer']),
    });
    expect(report.body).toEqual(expect.objectContaining({ ok: true }));
  });

  it('every read of the audit views is itself recorded', async () => {
    const before = await auditSize(app);
    const res = await app.request('GET', '/v1/audit/verify', {
      token: await police.token(['privacy_officer']),
    });
    expect(res.status).toBe(200);
    const { claims } = await receiptOf(res, keys);
    expect(claims.seq).toBe(before);
    const [row] = await app.dataSource.query(
      'SELECT action, actor_agency_id FROM audit_record WHERE seq = $1',
      [before],
    );
    expect(row).toEqual({ action: 'audit.verify', actor_agency_id: police.id });
  });
});

describe('audit key rotation', () => {
  it('after rotation both keys are published, and checkpoints signed by either verify', async () => {
    const first = await startTestApp();
    const coordination = await createAgency(first.dataSource, { sector: 'coordination' });
    const officer = (): Promise<string> => coordination.token(['privacy_officer']);
    await first.request('POST', '/v1/agencies', {
      token: await coordination.token(['admin']),
      body: registrationBody(),
    });
    const before = await first.request<{ jws: string; keyId: string }>(
      'POST',
      '/v1/audit/checkpoints',
      { token: await officer() },
    );
    await rotateBrokerKey(first.config.auditKeyFile);
    // Instances read the key file at start-up: a restarted instance signs with the new key.
    const restarted = await startSecondInstance(first);
    try {
      const keys = await publishedKeys(restarted, await coordination.token());
      expect(keys).toHaveLength(2);
      expect(keys[0]).toEqual(
        expect.objectContaining({ kid: before.body.keyId, retiredAt: expect.any(String) }),
      );
      await restarted.request('POST', '/v1/agencies', {
        token: await coordination.token(['admin']),
        body: registrationBody(),
      });
      const after = await restarted.request<{ keyId: string; jws: string }>(
        'POST',
        '/v1/audit/checkpoints',
        { token: await officer() },
      );
      expect(after.body.keyId).toBe(keys[1].kid);
      expect(await verifySigned(before.body.jws, CHECKPOINT_TYPE, keys)).toBeDefined();
      expect(await verifySigned(after.body.jws, CHECKPOINT_TYPE, keys)).toBeDefined();
      const report = await restarted.request<{ ok: boolean; checkpointsChecked: number }>(
        'GET',
        '/v1/audit/verify',
        { token: await officer() },
      );
      expect(report.body).toEqual(expect.objectContaining({ ok: true, checkpointsChecked: 2 }));
    } finally {
      await restarted.close();
      await first.close();
    }
  });
});
