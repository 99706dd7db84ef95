import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishedKey } from '../../src/audit/broker-keys.js';
import { RetentionService, type RetentionCounts } from '../../src/retention/retention.service.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { agreementBody } from '../factories/agreement.factory.js';
import { daysFromToday, highRiskCase } from '../factories/case.factory.js';
import {
  auditSize,
  offlineVerify,
  publishedKeys,
  receiptOf,
  superuser,
} from '../support/audit-helpers.js';
import { expectProblem } from '../support/problem.js';
import { spawnNode } from '../support/processes.js';
import {
  startSecondInstance,
  startTestApp,
  type HttpResult,
  type TestApp,
} from '../support/test-app.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PHONE = '+1 418 555 0199';
const ADDRESS = '12 rue des Lilas';
const SUMMARY = 'Libéré ce matin, a dit vouloir retourner au 12 rue des Lilas';
const CONTACT_POINT = 'Sgt. Tremblay 418 555 0142';
const NOTHING: RetentionCounts = {
  purgedItems: 0,
  endedConsents: 0,
  endedAgreements: 0,
  purgedRiskChanges: 0,
  purgedNotifications: 0,
};
const inDays = (days: number): Date => new Date(Date.now() + days * DAY);

type Leaf = Record<string, unknown> & {
  action: string;
  actor: { agencyId: string | null; subject: string | null };
  requestId: string;
  targets?: Record<string, unknown>;
};

/** Every record of an action, as hashed into the log (straight from PostgreSQL). */
async function leaves(t: TestApp, action: string): Promise<Leaf[]> {
  const rows: { leaf: string }[] = await t.dataSource.query(
    'SELECT leaf FROM audit_record WHERE action = $1 ORDER BY seq',
    [action],
  );
  return rows.map((r) => JSON.parse(r.leaf) as Leaf);
}

/**
 * Retention (DESIGN §2, §4): what is past its date is purged or ended by a scheduled job, every
 * change recorded; the log, which never held content, still verifies afterwards. Time moves by
 * running the job as at a later instant, never by waiting.
 */
describe('retention', () => {
  let t: TestApp;
  let retention: RetentionService;
  let table: TestAgency;
  let police: TestAgency;
  let shelter: TestAgency;
  let keys: PublishedKey[];
  let caseId: string;
  let victimId: string;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp();
    retention = t.app.get(RetentionService);
    table = await createAgency(t.dataSource, { sector: 'coordination' });
    police = await createAgency(t.dataSource, { sector: 'police' });
    shelter = await createAgency(t.dataSource, { sector: 'shelter' });
    keys = await publishedKeys(t, await table.token());
    ({ caseId, victimId } = await highRiskCase(t, {
      referrer: police,
      coordinator: table,
      assigned: [shelter, police],
    }));
    dir = await mkdtemp(join(tmpdir(), 'filet-retention-'));
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  const as = async (
    agency: TestAgency,
    roles: Parameters<TestAgency['token']>[0] = ['agency_user'],
  ) => ({
    token: await agency.token(roles),
  });
  const post = async <T = Record<string, unknown>>(
    agency: TestAgency,
    roles: Parameters<TestAgency['token']>[0],
    path: string,
    body: unknown,
  ): Promise<HttpResult<T>> => t.request<T>('POST', path, { ...(await as(agency, roles)), body });

  async function contribute(body: Record<string, unknown>): Promise<string> {
    const res = await post(shelter, ['agency_user'], `/v1/cases/${caseId}/information`, {
      personId: victimId,
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function versionsLeft(itemId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await t.dataSource.query(
      'SELECT count(*)::int AS n FROM information_item_version WHERE item_id = $1',
      [itemId],
    );
    return n;
  }

  describe('information items', () => {
    let expired: string;
    let kept: string;
    const at = inDays(30);

    beforeAll(async () => {
      expired = await contribute({
        category: 'contact',
        fields: { phone: PHONE, safe_to_call: false },
        retainUntil: daysFromToday(10),
      });
      // A correction: two versions, both purged with the item.
      const corrected = await t.request('PATCH', `/v1/information/${expired}`, {
        ...(await as(shelter)),
        body: { reason: 'retention_review', retainUntil: daysFromToday(20) },
      });
      expect(corrected.status).toBe(200);
      kept = await contribute({
        category: 'weapons',
        fields: { access_to_firearms: true },
        retainUntil: daysFromToday(400),
      });
      expect(await retention.run(at)).toEqual({ ...NOTHING, purgedItems: 1 });
    });

    it('past its retention date an item loses every version; one within it keeps them', async () => {
      expect(await versionsLeft(expired)).toBe(0);
      expect(await versionsLeft(kept)).toBe(1);
      const held = await t.request('GET', `/v1/information/${kept}`, await as(shelter));
      expect(held.body).toEqual(
        expect.objectContaining({
          status: 'held',
          purgedAt: null,
          fields: { access_to_firearms: true },
        }),
      );
    });

    it('its holder is told it was purged, not that it is missing, and sees none of its content', async () => {
      const res = await t.request('GET', `/v1/information/${expired}`, await as(shelter));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: expired,
        caseId,
        personId: victimId,
        holderAgencyId: shelter.id,
        category: 'contact',
        status: 'purged',
        purgedAt: at.toISOString(),
        versions: [],
      });
      expect(res.text).not.toContain('418 555');

      const list = await t.request<{ items: Record<string, unknown>[] }>(
        'GET',
        `/v1/cases/${caseId}/information`,
        await as(shelter),
      );
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([
        {
          id: expired,
          caseId,
          personId: victimId,
          holderAgencyId: shelter.id,
          category: 'contact',
          status: 'purged',
          purgedAt: at.toISOString(),
        },
        expect.objectContaining({ id: kept, status: 'held', version: 1 }),
      ]);
      // Still the holder's alone: to anyone else it is as absent as before.
      expectProblem(
        await t.request('GET', `/v1/information/${expired}`, await as(police)),
        404,
        'item.not_found',
      );
    });

    it('a purged item can no longer be corrected: 409, in French and in English', async () => {
      const patch = async (headers: Record<string, string> = {}) =>
        t.request('PATCH', `/v1/information/${expired}`, {
          ...(await as(shelter)),
          headers,
          body: { reason: 'inaccurate', fields: { phone: '+1 418 555 0100' } },
        });
      const fr = expectProblem(await patch(), 409, 'item.purged');
      expect(fr.title).toMatch(/supprimé/);
      const en = expectProblem(await patch({ 'accept-language': 'en' }), 409, 'item.purged');
      expect(en.title).toMatch(/purged/);
      expect(await versionsLeft(expired)).toBe(0);
    });

    it('each purge is recorded once, by the system, with ids and codes and no content', async () => {
      const purges = await leaves(t, 'item.purge');
      expect(purges).toEqual([
        expect.objectContaining({
          outcome: 'success',
          actor: { agencyId: null, subject: 'system:retention', roles: [] },
          parties: [shelter.id],
          targets: { caseId, personIds: [victimId], itemId: expired, version: 2 },
          categories: ['contact'],
          reasonCodes: ['retention_expired'],
        }),
      ]);
      expect(JSON.stringify(purges)).not.toContain('418 555');
      // The holder's privacy officer finds it in the audit views.
      const found = await t.request<{ items: { record: Leaf }[] }>(
        'GET',
        '/v1/audit/records?action=item.purge',
        await as(shelter, ['privacy_officer']),
      );
      expect(found.status).toBe(200);
      expect(found.body.items.map((i) => i.record.targets?.itemId)).toEqual([expired]);
    });
  });

  it('a disclosure after the purge releases nothing of the item, and says no more than if none were held', async () => {
    const agreement = await post<{ id: string }>(
      table,
      ['coordinator'],
      '/v1/agreements',
      agreementBody([shelter.id, police.id], {
        purposes: ['safety_planning'],
        flows: [
          { fromAgencyId: shelter.id, toAgencyId: police.id, categories: ['location', 'contact'] },
        ],
      }),
    );
    expect(agreement.status).toBe(201);
    for (const party of [shelter, police]) {
      const signed = await post(
        party,
        ['legal_reviewer'],
        `/v1/agreements/${agreement.body.id}/signatures`,
        {
          version: 1,
        },
      );
      expect(signed.status).toBe(201);
    }
    const consent = await post(shelter, ['agency_user'], `/v1/cases/${caseId}/consents`, {
      personId: victimId,
      recipientAgencyIds: [police.id],
      categories: ['location', 'contact'],
      purposes: ['safety_planning'],
      howObtained: 'in_person',
      capacityNote: 'capable_presumed',
    });
    expect(consent.status).toBe(201);
    const item = await contribute({
      category: 'location',
      fields: { address: ADDRESS, municipality: 'Val-Saint-Loup' },
      retainUntil: daysFromToday(10),
    });
    type Disclosure = { outcome: string; released: { itemId: string }[]; withheld: unknown[] };
    const disclose = async (category: string) => {
      const res = await post<Disclosure>(police, ['agency_user'], '/v1/disclosures', {
        caseId,
        personId: victimId,
        categories: [category],
        purpose: 'safety_planning',
        basis: 'consent',
      });
      expect(res.status).toBe(200);
      return res;
    };
    const before = await disclose('location');
    expect(before.body.outcome).toBe('permit');
    expect(before.body.released.map((r) => r.itemId)).toEqual([item]);

    expect(await retention.run(inDays(30))).toEqual({ ...NOTHING, purgedItems: 1 });

    const after = await disclose('location');
    expect(after.body.released).toEqual([]);
    expect(after.text).not.toContain('Lilas');
    expect(after.text).not.toContain(item);
    // Contact: covered alike, and nothing was ever held. The two answers cannot be told apart.
    const neverHeld = await disclose('contact');
    expect({ outcome: after.body.outcome, withheld: after.body.withheld }).toEqual({
      outcome: neverHeld.body.outcome,
      withheld: [
        expect.objectContaining({
          category: 'location',
          reasons: (neverHeld.body.withheld as { reasons: unknown[] }[])[0].reasons,
        }),
      ],
    });
  });

  it('a consent whose period ran out is marked ended and recorded; a withdrawn one is left alone', async () => {
    const until = new Date(Date.now() + HOUR).toISOString();
    const record = async () => {
      const res = await post<{ id: string }>(
        shelter,
        ['agency_user'],
        `/v1/cases/${caseId}/consents`,
        {
          personId: victimId,
          recipientAgencyIds: [police.id],
          categories: ['safety_plan'],
          purposes: ['safety_planning'],
          howObtained: 'written',
          capacityNote: 'capable_presumed',
          validUntil: until,
        },
      );
      expect(res.status).toBe(201);
      return res.body.id;
    };
    const expiring = await record();
    const withdrawn = await record();
    const res = await post(shelter, ['agency_user'], `/v1/consents/${withdrawn}/withdraw`, {
      reason: 'person_request',
    });
    expect(res.status).toBe(200);

    const at = new Date(Date.now() + 2 * HOUR);
    expect(await retention.run(at)).toEqual({ ...NOTHING, endedConsents: 1 });
    const ended: { id: string; ended_at: Date | null }[] = await t.dataSource.query(
      'SELECT id, ended_at FROM consent WHERE id = ANY($1::uuid[]) ORDER BY id',
      [[expiring, withdrawn]],
    );
    expect(Object.fromEntries(ended.map((c) => [c.id, c.ended_at?.toISOString() ?? null]))).toEqual(
      {
        [expiring]: at.toISOString(),
        [withdrawn]: null,
      },
    );
    expect(await leaves(t, 'consent.expire')).toEqual([
      expect.objectContaining({
        actor: { agencyId: null, subject: 'system:retention', roles: [] },
        parties: [police.id, shelter.id].sort(),
        targets: { caseId, personIds: [victimId], consentId: expiring },
        categories: ['safety_plan'],
        consentVersions: [`${expiring}:1`],
      }),
    ]);
    expect(await retention.run(at)).toEqual(NOTHING);
  });

  it('an agreement past its term is terminated as `expired`, its open draft withdrawn, and recorded', async () => {
    const effectiveTo = new Date(Date.now() + HOUR).toISOString();
    const created = await post<{ id: string }>(
      table,
      ['coordinator'],
      '/v1/agreements',
      agreementBody([shelter.id, police.id], { effectiveTo }),
    );
    expect(created.status).toBe(201);
    const id = created.body.id;
    for (const party of [shelter, police]) {
      expect(
        (await post(party, ['legal_reviewer'], `/v1/agreements/${id}/signatures`, { version: 1 }))
          .status,
      ).toBe(201);
    }
    // A renewal being signed when the term ends: cut off with it.
    const amended = await post(
      table,
      ['coordinator'],
      `/v1/agreements/${id}/versions`,
      agreementBody([shelter.id, police.id]),
    );
    expect(amended.status).toBe(201);

    expect(await retention.run(new Date(Date.now() + 2 * HOUR))).toEqual({
      ...NOTHING,
      endedAgreements: 1,
    });
    type Version = {
      version: number;
      status: string;
      endedAt: string | null;
      endReason: string | null;
      endedByAgencyId: string | null;
    };
    const read = await t.request<{
      status: string;
      current: Version;
      pending: Version | null;
      versions: Version[];
    }>('GET', `/v1/agreements/${id}`, await as(table, ['coordinator']));
    expect(read.body.status).toBe('terminated');
    expect(read.body.pending).toBeNull();
    expect(read.body.current).toEqual(
      expect.objectContaining({
        version: 1,
        status: 'terminated',
        // It stopped being in force at the end of its term, not when the job noticed.
        endedAt: new Date(effectiveTo).toISOString(),
        endReason: 'expired',
        endedByAgencyId: null,
      }),
    );
    expect(read.body.versions[1]).toEqual(
      expect.objectContaining({
        version: 2,
        status: 'withdrawn',
        endedAt: expect.stringMatching(ISO),
      }),
    );
    // Over for good, as after a termination.
    expectProblem(
      await post(table, ['coordinator'], `/v1/agreements/${id}/suspend`, {
        reason: 'under_review',
      }),
      409,
      'agreement.terminated',
    );
    expect(await leaves(t, 'agreement.expire')).toEqual([
      expect.objectContaining({
        parties: [police.id, shelter.id].sort(),
        targets: { agreementId: id, version: 1, withdrawnVersion: 2 },
        reasonCodes: ['expired'],
      }),
    ]);
  });

  it('alert text (summary, contact point) is cleared after alertContentDays; the alert itself stays', async () => {
    const insertChange = async (createdAt: Date): Promise<string> => {
      const [{ id }]: { id: string }[] = await t.dataSource.query(
        `INSERT INTO risk_change (case_id, reported_by_agency_id, reported_by_subject, kind, urgent, occurred_at,
                                  summary, contact_point, person_ids, created_at)
         VALUES ($1, $2, 'officer-7', 'release_from_custody', true, $3, $4, $5, $6, $3) RETURNING id`,
        [caseId, police.id, createdAt, SUMMARY, CONTACT_POINT, [victimId]],
      );
      return id;
    };
    const notify = async (
      recipient: TestAgency,
      kind: string,
      sourceId: string,
      createdAt: Date,
    ): Promise<string> => {
      const [{ id }]: { id: string }[] = await t.dataSource.query(
        `INSERT INTO notification (recipient_agency_id, kind, case_id, source_id, payload, urgent, created_at)
         VALUES ($1, $2, $3, $4, $5, true, $6) RETURNING id`,
        [
          recipient.id,
          kind,
          caseId,
          sourceId,
          {
            riskChangeId: sourceId,
            kind: 'release_from_custody',
            summary: SUMMARY,
            contactPoint: CONTACT_POINT,
          },
          createdAt,
        ],
      );
      return id;
    };
    const old = await insertChange(inDays(-366));
    const toShelter = await notify(shelter, 'risk_change', old, inDays(-366));
    const toTable = await notify(table, 'risk_change', old, inDays(-366));
    // An escalation made of the alert later: its own source, swept on its own.
    const escalation = await notify(table, 'escalation', toShelter, inDays(-365.9));
    const recent = await insertChange(inDays(-10));
    const recentAlert = await notify(shelter, 'risk_change', recent, inDays(-10));

    expect(await retention.run()).toEqual({
      ...NOTHING,
      purgedRiskChanges: 1,
      purgedNotifications: 3,
    });
    const changes: {
      id: string;
      summary: string | null;
      contact_point: string | null;
      purged: boolean;
      kind: string;
    }[] = await t.dataSource.query(
      `SELECT id, summary, contact_point, purged_at IS NOT NULL AS purged, kind FROM risk_change ORDER BY created_at`,
    );
    expect(changes).toEqual([
      { id: old, summary: null, contact_point: null, purged: true, kind: 'release_from_custody' },
      {
        id: recent,
        summary: SUMMARY,
        contact_point: CONTACT_POINT,
        purged: false,
        kind: 'release_from_custody',
      },
    ]);
    const alerts: { id: string; payload: Record<string, unknown>; purged: boolean }[] =
      await t.dataSource.query(
        'SELECT id, payload, purged_at IS NOT NULL AS purged FROM notification',
      );
    const byId = new Map(alerts.map((a) => [a.id, a]));
    for (const id of [toShelter, toTable, escalation]) {
      expect(byId.get(id)).toEqual({
        id,
        payload: { riskChangeId: expect.any(String), kind: 'release_from_custody' },
        purged: true,
      });
    }
    expect(byId.get(recentAlert)).toEqual(
      expect.objectContaining({
        purged: false,
        payload: expect.objectContaining({ summary: SUMMARY }),
      }),
    );

    expect(await leaves(t, 'risk_change.purge')).toEqual([
      expect.objectContaining({
        parties: [police.id, shelter.id, table.id].sort(),
        targets: {
          caseId,
          personIds: [victimId],
          riskChangeId: old,
          notificationIds: expect.arrayContaining([toShelter, toTable]),
        },
        reasonCodes: ['retention_expired'],
      }),
    ]);
    expect(await leaves(t, 'notification.purge')).toEqual([
      expect.objectContaining({
        parties: [table.id],
        targets: { caseId, notificationId: escalation },
      }),
    ]);
  });

  it('a second run finds nothing more to do and records nothing', async () => {
    const size = await auditSize(t);
    expect(await retention.run(inDays(30))).toEqual(NOTHING);
    expect(await auditSize(t)).toBe(size);
  });

  it('the coordinating agency’s admin or privacy officer runs it on demand; the run is recorded', async () => {
    // Something due now: a risk change reported long ago.
    const [{ id: changeId }]: { id: string }[] = await t.dataSource.query(
      `INSERT INTO risk_change (case_id, reported_by_agency_id, reported_by_subject, kind, urgent, occurred_at,
                                summary, person_ids, created_at)
       VALUES ($1, $2, 'officer-7', 'new_threat', true, $3, $4, '{}', $3) RETURNING id`,
      [caseId, police.id, inDays(-400), SUMMARY],
    );
    const res = await post(table, ['privacy_officer'], '/v1/retention/runs', {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...NOTHING, purgedRiskChanges: 1 });
    const { claims } = await receiptOf(res, keys);
    const [row]: { leaf: string }[] = await t.dataSource.query(
      'SELECT leaf FROM audit_record WHERE seq = $1',
      [claims.seq],
    );
    const run = JSON.parse(row.leaf) as Leaf;
    expect(run).toEqual(
      expect.objectContaining({
        action: 'retention.run',
        actor: expect.objectContaining({ agencyId: table.id, roles: ['privacy_officer'] }),
        targets: { ...NOTHING, purgedRiskChanges: 1 },
      }),
    );
    // What it did is the system's, under the operator's request id: one finds the other.
    const purge = (await leaves(t, 'risk_change.purge')).find(
      (l) => l.targets?.riskChangeId === changeId,
    );
    expect(purge).toEqual(
      expect.objectContaining({
        actor: { agencyId: null, subject: 'system:retention', roles: [] },
        requestId: run.requestId,
      }),
    );
    // No body at all is as good as `{}`.
    const bare = await t.request('POST', '/v1/retention/runs', await as(table, ['admin']));
    expect(bare.status).toBe(200);
    expect(bare.body).toEqual(NOTHING);
  });

  it('anyone else is refused, and a body with anything in it is a 400, never a 500', async () => {
    for (const [agency, roles] of [
      [police, ['privacy_officer']],
      [police, ['admin']],
      [table, ['coordinator']],
      [table, ['agency_user']],
    ] as const) {
      expectProblem(await post(agency, roles, '/v1/retention/runs', {}), 403, 'auth.forbidden');
    }
    for (const body of [{ now: '2099-01-01T00:00:00Z' }, [], 'now', 42, null]) {
      expectProblem(
        await post(table, ['privacy_officer'], '/v1/retention/runs', body),
        400,
        'request.invalid',
      );
    }
    const raw = await t.request('POST', '/v1/retention/runs', {
      ...(await as(table, ['privacy_officer'])),
      rawBody: '{"now":',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(raw, 400, 'request.malformed_body');
  });

  it('afterwards the log verifies, online and offline, and every purge has exactly one record', async () => {
    const verified = await t.request<{ ok: boolean }>(
      'GET',
      '/v1/audit/verify',
      await as(table, ['privacy_officer']),
    );
    expect(verified.status).toBe(200);
    expect(verified.body.ok).toBe(true);
    await post(table, ['privacy_officer'], '/v1/audit/checkpoints', undefined);
    const exported = await t.request(
      'GET',
      '/v1/audit/export',
      await as(table, ['privacy_officer']),
    );
    expect(exported.status).toBe(200);
    const offline = await offlineVerify(exported.text, dir, { trust: keys });
    expect(offline.output).toMatch(/OK — \d+ enregistrements/);
    expect(offline.code).toBe(0);

    const purged: { id: string }[] = await t.dataSource.query(
      'SELECT id FROM information_item WHERE purged_at IS NOT NULL ORDER BY id',
    );
    const recorded = (await leaves(t, 'item.purge')).map((l) => String(l.targets?.itemId)).sort();
    expect(recorded).toEqual(purged.map((p) => p.id));
    expect(purged).toHaveLength(2);
    // Nothing purged ever reached the log.
    const all: { leaf: string }[] = await t.dataSource.query('SELECT leaf FROM audit_record');
    const log = all.map((r) => r.leaf).join('\n');
    // Whole phrases: a bare digit run like 555 turns up in random ids and hashes.
    for (const text of ['418 555', 'Lilas', 'Tremblay']) expect(log).not.toContain(text);
  });
});

/** Several runs at once, on two broker instances over one database (DESIGN §7 scale-out). */
describe('concurrent retention runs', () => {
  let t: TestApp;
  let second: TestApp;
  let table: TestAgency;
  let holder: TestAgency;
  const ITEMS = 250;

  beforeAll(async () => {
    t = await startTestApp();
    second = await startSecondInstance(t);
    table = await createAgency(t.dataSource, { sector: 'coordination' });
    holder = await createAgency(t.dataSource, { sector: 'shelter' });
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });

  it('purge each item exactly once between them, and the log verifies', async () => {
    const { caseId, victimId } = await highRiskCase(t, { referrer: holder, coordinator: table });
    // More items than one batch, written straight into PostgreSQL (the purge is under test).
    const ids: { id: string }[] = await t.dataSource.query(
      `WITH items AS (
         INSERT INTO information_item (case_id, person_id, holder_agency_id, category, current_version)
         SELECT $1, $2, $3, 'weapons', 1 FROM generate_series(1, $4) RETURNING id)
       INSERT INTO information_item_version (item_id, version, fields, sensitivity, retain_until, excluded, recorded_by_subject)
       SELECT id, 1, '{"access_to_firearms": true}', '{justice}', CURRENT_DATE + 5, false, 'seed' FROM items
       RETURNING item_id AS id`,
      [caseId, victimId, holder.id, ITEMS],
    );
    expect(ids).toHaveLength(ITEMS);
    const at = inDays(10);
    const runs = await Promise.all([
      t.app.get(RetentionService).run(at),
      second.app.get(RetentionService).run(at),
      t.app.get(RetentionService).run(at),
      second.app.get(RetentionService).run(at),
    ]);
    expect(runs.reduce((sum, r) => sum + r.purgedItems, 0)).toBe(ITEMS);

    const [{ left, purged }]: { left: number; purged: number }[] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM information_item_version)::int AS left,
              (SELECT count(*) FROM information_item WHERE purged_at IS NOT NULL)::int AS purged`,
    );
    expect({ left, purged }).toEqual({ left: 0, purged: ITEMS });
    const perItem: { id: string; n: number }[] = await t.dataSource.query(
      `SELECT leaf::jsonb #>> '{targets,itemId}' AS id, count(*)::int AS n
         FROM audit_record WHERE action = 'item.purge' GROUP BY 1`,
    );
    expect(perItem).toHaveLength(ITEMS);
    expect(perItem.every((r) => r.n === 1)).toBe(true);

    const verified = await second.request<{ ok: boolean; treeSize: number }>(
      'GET',
      '/v1/audit/verify',
      {
        token: await table.token(['privacy_officer']),
      },
    );
    expect(verified.body).toEqual(expect.objectContaining({ ok: true }));
  });
});

/** `npm run retention:run`: the compiled CLI against the database, as an operator would run it. */
describe('npm run retention:run', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs once, prints what it did in French and English, and records it like the schedule', async () => {
    const table = await createAgency(t.dataSource, { sector: 'coordination' });
    const holder = await createAgency(t.dataSource, { sector: 'police' });
    const { caseId, victimId } = await highRiskCase(t, { referrer: holder, coordinator: table });
    const res = await t.request('POST', `/v1/cases/${caseId}/information`, {
      token: await holder.token(['agency_user']),
      body: {
        personId: victimId,
        category: 'weapons',
        fields: { access_to_firearms: true },
        retainUntil: daysFromToday(5),
      },
    });
    expect(res.status).toBe(201);
    const itemId = res.body.id as string;
    // Its retention date passes (the API refuses a past date; the database administrator does not).
    const db = await superuser(t);
    try {
      await db.query(
        'UPDATE information_item_version SET retain_until = CURRENT_DATE - 1 WHERE item_id = $1',
        [itemId],
      );
    } finally {
      await db.end();
    }

    const cli = spawnNode('dist/src/cli/retention-run.js', [], {
      NODE_ENV: 'test',
      DATABASE_URL: t.database.url,
      FILET_AUDIT_KEY_FILE: t.config.auditKeyFile,
      LOG_LEVEL: 'warn',
    });
    expect(await cli.exited()).toBe(0);
    expect(cli.output()).toContain('Renseignements purgés / items purged: 1');
    expect(cli.output()).toContain('Consentements échus terminés / expired consents ended: 0');

    const read = await t.request('GET', `/v1/information/${itemId}`, {
      token: await holder.token(['agency_user']),
    });
    expect(read.body).toEqual(expect.objectContaining({ status: 'purged', versions: [] }));
    expect(await leaves(t, 'item.purge')).toEqual([
      expect.objectContaining({
        actor: { agencyId: null, subject: 'system:retention', roles: [] },
        requestId: expect.stringMatching(/^retention-cli-/),
        targets: expect.objectContaining({ itemId }),
      }),
    ]);
    const again = spawnNode('dist/src/cli/retention-run.js', [], {
      NODE_ENV: 'test',
      DATABASE_URL: t.database.url,
      FILET_AUDIT_KEY_FILE: t.config.auditKeyFile,
      LOG_LEVEL: 'warn',
    });
    expect(await again.exited()).toBe(0);
    expect(again.output()).toContain('Renseignements purgés / items purged: 0');
    const verified = await t.request<{ ok: boolean }>('GET', '/v1/audit/verify', {
      token: await table.token(['privacy_officer']),
    });
    expect(verified.body.ok).toBe(true);
  });
});
