import { randomUUID } from 'node:crypto';
import { AgreementsService } from '../../src/agreements/agreements.service.js';
import type { Role } from '../../src/common/auth/roles.js';
import type { AgreementFact } from '../../src/policy/facts.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { agreementBody } from '../factories/agreement.factory.js';
import { auditSize, publishedKeys, receiptOf } from '../support/audit-helpers.js';
import { expectProblem } from '../support/problem.js';
import { startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Party {
  agencyId: string;
  signedBy: string | null;
  signedAt: string | null;
}
interface Version {
  version: number;
  status: string;
  parties: Party[];
  flows: { fromAgencyId: string; toAgencyId: string; categories: string[] }[];
  effectiveFrom: string;
  effectiveTo: string | null;
  activatedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  endedByAgencyId: string | null;
  [field: string]: unknown;
}
interface Agreement {
  id: string;
  status: string;
  current: Version | null;
  pending: Version | null;
  versions: Version[];
  [field: string]: unknown;
}

const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();

/** A complete, valid version between the given agencies (flows between the first two). */
const content = (
  parties: readonly TestAgency[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> =>
  agreementBody(
    parties.map((p) => p.id),
    overrides,
  );

describe('agreements API', () => {
  let t: TestApp;
  let service: AgreementsService;
  let table: TestAgency; // the coordinating agency: holds the table's roles
  let police: TestAgency;
  let shelter: TestAgency;
  let health: TestAgency;
  let outsider: TestAgency;

  beforeAll(async () => {
    t = await startTestApp();
    service = t.app.get(AgreementsService);
    table = await createAgency(t.dataSource, { sector: 'coordination' });
    police = await createAgency(t.dataSource, { sector: 'police' });
    shelter = await createAgency(t.dataSource, { sector: 'shelter' });
    health = await createAgency(t.dataSource, { sector: 'health' });
    outsider = await createAgency(t.dataSource, { sector: 'community' });
  });
  afterAll(async () => {
    await t.close();
  });

  async function as(agency: TestAgency, roles: Role[]): Promise<{ token: string }> {
    return { token: await agency.token(roles) };
  }

  /** Asserts a successful change: its status and the signed receipt(s) of its audit record(s). */
  async function expectRecorded(
    res: HttpResult<unknown>,
    status: number,
    records = 1,
  ): Promise<Agreement> {
    expect({ status: res.status, body: status < 300 ? 'ok' : res.body }).toEqual({
      status,
      body: 'ok',
    });
    const header = res.headers.get('filet-audit-receipt') ?? '';
    expect(header.split(', ').filter(Boolean)).toHaveLength(records);
    const keys = await publishedKeys(t, (await as(table, ['agency_user'])).token);
    await receiptOf(
      { headers: new Headers({ 'filet-audit-receipt': header.split(', ')[0] }) },
      keys,
    );
    return res.body as Agreement;
  }

  async function draft(
    parties: readonly TestAgency[],
    overrides: Record<string, unknown> = {},
  ): Promise<Agreement> {
    const res = await t.request('POST', '/v1/agreements', {
      ...(await as(table, ['coordinator'])),
      body: content(parties, overrides),
    });
    return expectRecorded(res, 201);
  }

  function sign(
    agency: TestAgency,
    id: string,
    version: number,
    roles: Role[] = ['legal_reviewer'],
  ): Promise<HttpResult<Agreement>> {
    return agency.token(roles).then((token) =>
      t.request<Agreement>('POST', `/v1/agreements/${id}/signatures`, {
        token,
        body: { version },
      }),
    );
  }

  /** Drafts and has every party sign: the agreement comes into force. */
  async function inForceAgreement(
    parties: readonly TestAgency[],
    overrides: Record<string, unknown> = {},
  ): Promise<Agreement> {
    const created = await draft(parties, overrides);
    let last: HttpResult<Agreement> | undefined;
    for (const party of parties) last = await sign(party, created.id, 1);
    return expectRecorded(last as HttpResult<Agreement>, 201, 2);
  }

  async function amend(
    by: TestAgency,
    id: string,
    parties: readonly TestAgency[],
    overrides: Record<string, unknown> = {},
  ): Promise<HttpResult<Agreement>> {
    return t.request<Agreement>('POST', `/v1/agreements/${id}/versions`, {
      ...(await as(by, ['legal_reviewer'])),
      body: content(parties, overrides),
    });
  }

  async function read(by: TestAgency, id: string, roles: Role[] = ['agency_user']) {
    return t.request<Agreement>('GET', `/v1/agreements/${id}`, await as(by, roles));
  }

  const inForceIds = async (agencies: readonly TestAgency[], at = new Date()): Promise<string[]> =>
    (
      await service.inForce(
        agencies.map((a) => a.id),
        at,
      )
    ).map((f) => `${f.id}@${f.version}`);

  /** The audit records of one agreement, as hashed into the log. */
  async function recordsOf(id: string): Promise<Record<string, unknown>[]> {
    const rows: { leaf: string }[] = await t.dataSource.query(
      `SELECT leaf FROM audit_record WHERE action LIKE 'agreement.%' ORDER BY seq`,
    );
    return rows
      .map((r) => JSON.parse(r.leaf) as Record<string, unknown>)
      .filter((r) => (r.targets as { agreementId?: string }).agreementId === id);
  }

  describe('drafting and activation', () => {
    it('drafts version 1 with every statutory clause; it binds no one and is not in force', async () => {
      const body = content([police, shelter], {
        frequency: 'periodic',
        effectiveFrom: '2025-01-01T00:00:00-05:00',
        effectiveTo: '2099-01-01T00:00:00-05:00',
        onwardDisclosureProhibited: false,
        retentionDays: 730,
        breachContact: '+1 819 555-0100 poste 204',
      });
      const res = await t.request('POST', '/v1/agreements', {
        ...(await as(police, ['legal_reviewer'])),
        body,
      });
      const created = await expectRecorded(res, 201);
      const expectedVersion = {
        version: 1,
        status: 'draft',
        parties: [
          { agencyId: police.id, signedBy: null, signedAt: null },
          { agencyId: shelter.id, signedBy: null, signedAt: null },
        ],
        purposes: ['risk_assessment', 'safety_planning'],
        flows: body.flows,
        transmissionTerms: body.transmissionTerms,
        securityMeasures: body.securityMeasures,
        frequency: 'periodic',
        effectiveFrom: '2025-01-01T05:00:00.000Z',
        effectiveTo: '2099-01-01T05:00:00.000Z',
        onwardDisclosureProhibited: false,
        retentionDays: 730,
        breachContact: '+1 819 555-0100 poste 204',
        createdAt: expect.stringMatching(ISO_DATE),
        createdByAgencyId: police.id,
        activatedAt: null,
        endedAt: null,
        endReason: null,
        endedByAgencyId: null,
      };
      expect(created).toEqual({
        id: expect.stringMatching(UUID),
        status: 'draft',
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
        current: null,
        pending: expectedVersion,
        versions: [expectedVersion],
      });
      const again = await read(shelter, created.id);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(created);
      expect(await inForceIds([police, shelter])).not.toContain(`${created.id}@1`);
    });

    it('onward disclosure is prohibited unless the agreement says otherwise', async () => {
      const created = await draft([police, shelter]);
      expect(created.pending?.onwardDisclosureProhibited).toBe(true);
    });

    it('comes into force when the last party signs, in the same transaction, with both records', async () => {
      const created = await draft([police, shelter, health]);
      const first = await expectRecorded(await sign(police, created.id, 1), 201);
      expect(first.status).toBe('draft');
      expect(first.pending?.parties[0]).toEqual({
        agencyId: police.id,
        signedBy: expect.any(String),
        signedAt: expect.stringMatching(ISO_DATE),
      });
      await expectRecorded(await sign(shelter, created.id, 1, ['admin']), 201);
      expect(await inForceIds([police])).not.toContain(`${created.id}@1`);

      const last = await expectRecorded(await sign(health, created.id, 1), 201, 2);
      expect(last.status).toBe('active');
      expect(last.pending).toBeNull();
      expect(last.current).toMatchObject({
        version: 1,
        status: 'active',
        activatedAt: last.current?.parties[2].signedAt,
      });

      const facts = await service.inForce([shelter.id.toUpperCase()], new Date());
      expect(facts.filter((f) => f.id === created.id)).toEqual([
        {
          id: created.id,
          version: 1,
          status: 'active',
          partyAgencyIds: [police.id, shelter.id, health.id],
          purposes: ['risk_assessment', 'safety_planning'],
          flows: [
            {
              fromAgencyId: police.id,
              toAgencyId: shelter.id,
              categories: ['identity', 'risk_assessment'],
            },
            { fromAgencyId: shelter.id, toAgencyId: police.id, categories: ['location.shelter'] },
          ],
          effectiveFrom: created.pending?.effectiveFrom as string,
          effectiveTo: null,
          onwardDisclosureProhibited: true,
          retentionDays: 365,
        } satisfies AgreementFact,
      ]);
      expect(await inForceIds([outsider])).not.toContain(`${created.id}@1`);
      expect(await service.inForce(['not-a-uuid'], new Date())).toEqual([]);
      expect(await service.inForce([], new Date())).toEqual([]);

      const records = await recordsOf(created.id);
      expect(records.map((r) => r.action)).toEqual([
        'agreement.create',
        'agreement.sign',
        'agreement.sign',
        'agreement.sign',
        'agreement.activate',
      ]);
      const parties = [police.id, shelter.id, health.id].sort();
      expect(records.at(-1)).toMatchObject({
        actor: { agencyId: health.id },
        parties,
        targets: { agreementId: created.id, version: 1 },
        outcome: 'success',
      });
      expect(records.at(-2)).toMatchObject({
        action: 'agreement.sign',
        parties,
        targets: { agreementId: created.id, version: 1 },
      });
    });

    it('two last signatures at once: both are kept, the version activates exactly once', async () => {
      const created = await draft([police, shelter]);
      const [a, b] = await Promise.all([sign(police, created.id, 1), sign(shelter, created.id, 1)]);
      expect([a.status, b.status]).toEqual([201, 201]);
      const now = await read(police, created.id);
      expect(now.body.status).toBe('active');
      expect(now.body.current?.parties.every((p) => p.signedAt !== null)).toBe(true);
      const actions = (await recordsOf(created.id)).map((r) => r.action);
      expect(actions.filter((action) => action === 'agreement.activate')).toHaveLength(1);
    });

    it('a second signature by the same agency is refused (409), nothing recorded', async () => {
      const created = await draft([police, shelter]);
      await expectRecorded(await sign(police, created.id, 1), 201);
      const before = await auditSize(t);
      expectProblem(await sign(police, created.id, 1, ['admin']), 409, 'agreement.already_signed');
      expect(await auditSize(t)).toBe(before);
    });

    it('a signature names the version read: one replaced since is refused (409)', async () => {
      const created = await draft([police, shelter]);
      await expectRecorded(await amend(shelter, created.id, [police, shelter]), 201);
      expectProblem(await sign(police, created.id, 1), 409, 'agreement.stale_version');
      await expectRecorded(await sign(police, created.id, 2), 201);
    });

    it('nothing to sign once in force: 409', async () => {
      const active = await inForceAgreement([police, shelter]);
      expectProblem(await sign(police, active.id, 1), 409, 'agreement.no_pending_version');
    });
  });

  describe('amendments', () => {
    it('a new version is a draft while the old stays in force; signed by all, it replaces it', async () => {
      const active = await inForceAgreement([police, shelter, health]);
      const amended = await expectRecorded(
        await amend(police, active.id, [police, shelter], { retentionDays: 90 }),
        201,
      );
      expect(amended.status).toBe('active');
      expect(amended.current).toMatchObject({ version: 1, status: 'active' });
      expect(amended.pending).toMatchObject({ version: 2, status: 'draft', retentionDays: 90 });
      expect(amended.versions.map((v) => v.version)).toEqual([1, 2]);
      expect(await inForceIds([police])).toContain(`${active.id}@1`);

      await expectRecorded(await sign(police, active.id, 2), 201);
      expect(await inForceIds([police])).toContain(`${active.id}@1`);
      const beforeSwitch = new Date();
      const done = await expectRecorded(await sign(shelter, active.id, 2), 201, 2);

      expect(done.current).toMatchObject({ version: 2, status: 'active', retentionDays: 90 });
      expect(done.versions[0]).toMatchObject({
        version: 1,
        status: 'superseded',
        endedAt: done.current?.activatedAt,
      });
      const ids = await inForceIds([police, shelter, health]);
      expect(ids).toContain(`${active.id}@2`);
      expect(ids).not.toContain(`${active.id}@1`);
      // The health centre left in version 2: no agreement in force for it any more...
      expect(await inForceIds([health])).not.toContain(`${active.id}@2`);
      // ...but it keeps reading the agreement it was party to, history included.
      expect((await read(health, active.id)).status).toBe(200);
      // And the past stays answerable: version 1 was in force before the switch.
      expect(await inForceIds([health], beforeSwitch)).toContain(`${active.id}@1`);

      const records = await recordsOf(active.id);
      expect(records.find((r) => r.action === 'agreement.amend')).toMatchObject({
        parties: [police.id, shelter.id, health.id].sort(),
        targets: { agreementId: active.id, version: 2 },
      });
      expect(records.at(-1)).toMatchObject({
        action: 'agreement.activate',
        targets: { agreementId: active.id, version: 2, supersededVersion: 1 },
      });
    });

    it('amending again replaces the open draft: its signatures do not carry over', async () => {
      const created = await draft([police, shelter]);
      await expectRecorded(await sign(police, created.id, 1), 201);
      const res = await expectRecorded(await amend(shelter, created.id, [police, shelter]), 201);
      expect(res.versions.map((v) => [v.version, v.status])).toEqual([
        [1, 'withdrawn'],
        [2, 'draft'],
      ]);
      expect(res.pending?.parties.every((p) => p.signedAt === null)).toBe(true);
      expectProblem(await sign(police, created.id, 1), 409, 'agreement.stale_version');
    });
  });

  describe('suspension and termination', () => {
    it('suspension takes the agreement out of force at once; a draft signed before it cannot lift it', async () => {
      const active = await inForceAgreement([police, shelter]);
      await expectRecorded(await amend(police, active.id, [police, shelter]), 201);
      await expectRecorded(await sign(police, active.id, 2), 201);

      const res = await t.request('POST', `/v1/agreements/${active.id}/suspend`, {
        ...(await as(shelter, ['legal_reviewer'])),
        body: { reason: 'breach' },
      });
      const suspended = await expectRecorded(res, 200);
      expect(suspended.status).toBe('suspended');
      expect(suspended.current).toMatchObject({
        version: 1,
        status: 'suspended',
        endReason: 'breach',
        endedByAgencyId: shelter.id,
        endedAt: expect.stringMatching(ISO_DATE),
      });
      expect(suspended.versions[1]).toMatchObject({ version: 2, status: 'withdrawn' });
      expect(await inForceIds([police, shelter])).not.toContain(`${active.id}@1`);
      expectProblem(await sign(shelter, active.id, 2), 409, 'agreement.no_pending_version');
      expect((await recordsOf(active.id)).at(-1)).toMatchObject({
        action: 'agreement.suspend',
        reasonCodes: ['breach'],
        targets: { agreementId: active.id, version: 1, withdrawnVersion: 2 },
      });

      // Suspended twice: 409. Back in force only through a new version every party signs.
      const again = await t.request('POST', `/v1/agreements/${active.id}/suspend`, {
        ...(await as(table, ['coordinator'])),
        body: { reason: 'administrative' },
      });
      expectProblem(again, 409, 'agreement.not_active');
      await expectRecorded(await amend(police, active.id, [police, shelter]), 201);
      await expectRecorded(await sign(police, active.id, 3), 201);
      const back = await expectRecorded(await sign(shelter, active.id, 3), 201, 2);
      expect(back.current).toMatchObject({ version: 3, status: 'active' });
      expect(back.versions[0]).toMatchObject({
        status: 'superseded',
        endedAt: suspended.current?.endedAt,
      });
      expect(await inForceIds([police])).toContain(`${active.id}@3`);
    });

    it('termination is final: not in force, and nothing more may change', async () => {
      const active = await inForceAgreement([police, shelter]);
      await expectRecorded(await amend(police, active.id, [police, shelter]), 201);
      const res = await t.request('POST', `/v1/agreements/${active.id}/terminate`, {
        ...(await as(police, ['legal_reviewer'])),
        body: { reason: 'party_withdrawal' },
      });
      const terminated = await expectRecorded(res, 200);
      expect(terminated.status).toBe('terminated');
      expect(terminated.versions.map((v) => v.status)).toEqual(['terminated', 'withdrawn']);
      expect(terminated.current).toMatchObject({
        endReason: 'party_withdrawal',
        endedByAgencyId: police.id,
      });
      expect(await inForceIds([police, shelter])).not.toContain(`${active.id}@1`);

      const before = await auditSize(t);
      const token = async (): Promise<{ token: string }> => as(table, ['coordinator', 'admin']);
      for (const refused of [
        await amend(police, active.id, [police, shelter]),
        await sign(police, active.id, 2),
        await t.request('POST', `/v1/agreements/${active.id}/suspend`, {
          ...(await token()),
          body: { reason: 'breach' },
        }),
        await t.request('POST', `/v1/agreements/${active.id}/terminate`, {
          ...(await token()),
          body: { reason: 'breach' },
        }),
      ]) {
        expectProblem(refused, 409, 'agreement.terminated');
      }
      expect(await auditSize(t)).toBe(before);
    });

    it('a draft never signed may be abandoned: terminated, and never in force', async () => {
      const created = await draft([police, shelter]);
      const res = await t.request('POST', `/v1/agreements/${created.id}/terminate`, {
        ...(await as(table, ['coordinator'])),
        body: { reason: 'mutual_agreement' },
      });
      const terminated = await expectRecorded(res, 200);
      expect(terminated).toMatchObject({ status: 'terminated', current: null, pending: null });
      expect(terminated.versions[0]).toMatchObject({ status: 'terminated', activatedAt: null });
    });

    it('suspending an agreement not yet in force: 409', async () => {
      const created = await draft([police, shelter]);
      const res = await t.request('POST', `/v1/agreements/${created.id}/suspend`, {
        ...(await as(police, ['legal_reviewer'])),
        body: { reason: 'under_review' },
      });
      expectProblem(res, 409, 'agreement.not_active');
    });
  });

  describe('term', () => {
    it('in force only within [effectiveFrom, effectiveTo), and never before its activation', async () => {
      const effectiveTo = iso(HOUR);
      const beforeActivation = new Date();
      const active = await inForceAgreement([police, shelter], {
        effectiveFrom: iso(-DAY),
        effectiveTo,
      });
      expect(await inForceIds([police])).toContain(`${active.id}@1`);
      const end = new Date(effectiveTo);
      expect(await inForceIds([police], new Date(end.getTime() - 1))).toContain(`${active.id}@1`);
      expect(await inForceIds([police], end)).not.toContain(`${active.id}@1`);
      expect(await inForceIds([police], new Date(end.getTime() + DAY))).not.toContain(
        `${active.id}@1`,
      );
      // A term that starts in the past does not reach back before the parties signed.
      expect(await inForceIds([police], beforeActivation)).not.toContain(`${active.id}@1`);
    });

    it('a term that has not started yet: active, but not in force until it starts', async () => {
      const start = iso(DAY);
      const active = await inForceAgreement([police, shelter], { effectiveFrom: start });
      expect(active.status).toBe('active');
      expect(await inForceIds([police])).not.toContain(`${active.id}@1`);
      expect(await inForceIds([police], new Date(start))).toContain(`${active.id}@1`);
    });
  });

  describe('who sees and who may act', () => {
    it('an agency not party answers 404 everywhere, exactly as an agreement that does not exist', async () => {
      const active = await inForceAgreement([police, shelter]);
      const missing = randomUUID();
      for (const id of [active.id, missing]) {
        const before = await auditSize(t);
        expectProblem(await read(outsider, id), 404, 'agreement.not_found');
        expectProblem(await sign(outsider, id, 1), 404, 'agreement.not_found');
        expectProblem(await amend(outsider, id, [outsider, police]), 404, 'agreement.not_found');
        for (const action of ['suspend', 'terminate']) {
          const res = await t.request('POST', `/v1/agreements/${id}/${action}`, {
            ...(await as(outsider, ['legal_reviewer'])),
            body: { reason: 'administrative' },
          });
          expectProblem(res, 404, 'agreement.not_found');
        }
        expect(await auditSize(t)).toBe(before);
      }
      const list = await t.request<{ items: { id: string }[] }>(
        'GET',
        '/v1/agreements',
        await as(outsider, ['agency_user']),
      );
      expect(list.status).toBe(200);
      expect(list.body.items.map((i) => i.id)).not.toContain(active.id);
    });

    it('lists the agreements of the caller’s agency; the table’s roles see them all', async () => {
      const mine = await inForceAgreement([police, health]);
      const theirs = await draft([shelter, outsider]);
      const own = await t.request<{ items: Record<string, unknown>[] }>(
        'GET',
        '/v1/agreements',
        await as(health, ['agency_user']),
      );
      expect(own.status).toBe(200);
      expect(own.body.items.map((i) => i.id)).toContain(mine.id);
      expect(own.body.items.map((i) => i.id)).not.toContain(theirs.id);
      expect(own.body.items.find((i) => i.id === mine.id)).toEqual({
        id: mine.id,
        status: 'active',
        currentVersion: 1,
        pendingVersion: null,
        partyAgencyIds: [police.id, health.id],
        purposes: ['risk_assessment', 'safety_planning'],
        effectiveFrom: mine.current?.effectiveFrom,
        effectiveTo: null,
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
      });
      for (const role of ['coordinator', 'admin'] as const) {
        const all = await t.request<{ items: { id: string }[] }>(
          'GET',
          '/v1/agreements',
          await as(table, [role]),
        );
        expect(all.body.items.map((i) => i.id)).toEqual(
          expect.arrayContaining([mine.id, theirs.id]),
        );
        expect((await read(table, theirs.id, [role])).status).toBe(200);
      }
    });

    it('roles: front-line users, privacy officers and the coordinator cannot sign; 403 before anything else', async () => {
      const created = await draft([police, shelter]);
      const before = await auditSize(t);
      for (const roles of [['agency_user'], ['privacy_officer'], ['coordinator']] as Role[][]) {
        expectProblem(await sign(police, created.id, 1, roles), 403, 'auth.forbidden');
      }
      for (const roles of [['agency_user'], ['privacy_officer']] as Role[][]) {
        const create = await t.request('POST', '/v1/agreements', {
          ...(await as(police, roles)),
          body: content([police, shelter]),
        });
        expectProblem(create, 403, 'auth.forbidden');
        const suspend = await t.request('POST', `/v1/agreements/${created.id}/suspend`, {
          ...(await as(police, roles)),
          body: { reason: 'breach' },
        });
        expectProblem(suspend, 403, 'auth.forbidden');
      }
      // Each refusal is itself recorded (auth.forbidden); no agreement record among them.
      expect(await auditSize(t)).toBe(before + 7);
      expect((await recordsOf(created.id)).map((r) => r.action)).toEqual(['agreement.create']);
    });

    it('an agency drafts only agreements that bind itself, and signs only for itself', async () => {
      const refused = await t.request('POST', '/v1/agreements', {
        ...(await as(outsider, ['legal_reviewer'])),
        body: content([police, shelter]),
      });
      expectProblem(refused, 403, 'agreement.not_a_party');
      // The table's administrator sees every agreement, but is not a party to this one.
      const created = await draft([police, shelter]);
      expectProblem(await sign(table, created.id, 1, ['admin']), 403, 'agreement.not_a_party');
      // A former party may read, but neither sign nor suspend the version it is no longer in.
      const active = await inForceAgreement([police, shelter, health]);
      await expectRecorded(await amend(police, active.id, [police, shelter]), 201);
      await expectRecorded(await sign(police, active.id, 2), 201);
      await expectRecorded(await sign(shelter, active.id, 2), 201, 2);
      expectProblem(await sign(health, active.id, 2), 409, 'agreement.no_pending_version');
      const suspend = await t.request('POST', `/v1/agreements/${active.id}/suspend`, {
        ...(await as(health, ['legal_reviewer'])),
        body: { reason: 'breach' },
      });
      expectProblem(suspend, 403, 'agreement.not_a_party');
    });
  });

  describe('input (every refusal a 4xx problem, nothing written)', () => {
    async function counts(): Promise<unknown> {
      return {
        rows: await t.dataSource.query(
          `SELECT (SELECT count(*) FROM agreement)::int AS agreements,
                  (SELECT count(*) FROM agreement_version)::int AS versions`,
        ),
        audit: await auditSize(t),
      };
    }

    const cases: [
      string,
      (p: { a: string; b: string }) => Record<string, unknown>,
      string,
      string,
    ][] = [
      ['an unknown property', () => ({ colour: 'blue' }), 'request.invalid', 'colour'],
      ['a single party', ({ a }) => ({ parties: [a], flows: [] }), 'request.invalid', 'parties'],
      [
        'a party twice, in two spellings',
        ({ a, b }) => ({ parties: [a, b, a.toUpperCase()] }),
        'request.invalid',
        'parties',
      ],
      [
        'a party that is not a uuid',
        ({ a }) => ({ parties: [a, 'police'] }),
        'request.invalid',
        'parties',
      ],
      ['an unknown purpose', () => ({ purposes: ['curiosity'] }), 'request.invalid', 'purposes'],
      ['no purpose', () => ({ purposes: [] }), 'request.invalid', 'purposes'],
      ['no flow', () => ({ flows: [] }), 'request.invalid', 'flows'],
      [
        'a category outside the pattern',
        ({ a, b }) => ({ flows: [{ fromAgencyId: a, toAgencyId: b, categories: ['Identity'] }] }),
        'request.invalid',
        'flows.0.categories',
      ],
      [
        'a category of 41 characters',
        ({ a, b }) => ({
          flows: [{ fromAgencyId: a, toAgencyId: b, categories: ['x'.repeat(41)] }],
        }),
        'request.invalid',
        'flows.0.categories',
      ],
      [
        '41 categories',
        ({ a, b }) => ({
          flows: [
            {
              fromAgencyId: a,
              toAgencyId: b,
              // a…z, aa, bb…: 41 distinct categories, each well formed.
              categories: Array.from({ length: 41 }, (_, i) =>
                String.fromCharCode(97 + (i % 26)).repeat(1 + Math.floor(i / 26)),
              ),
            },
          ],
        }),
        'request.invalid',
        'flows.0.categories',
      ],
      ['a flow that is an array', () => ({ flows: [[]] }), 'request.invalid', 'flows'],
      [
        'a flow to an agency that is not a party',
        ({ a }) => ({
          flows: [{ fromAgencyId: a, toAgencyId: randomUUID(), categories: ['identity'] }],
        }),
        'agreement.invalid_flow',
        'flows.0',
      ],
      [
        'a flow from a party to itself',
        ({ a }) => ({ flows: [{ fromAgencyId: a, toAgencyId: a, categories: ['identity'] }] }),
        'agreement.invalid_flow',
        'flows.0',
      ],
      [
        'the same direction twice',
        ({ a, b }) => ({
          flows: [
            { fromAgencyId: a, toAgencyId: b, categories: ['identity'] },
            { fromAgencyId: a.toUpperCase(), toAgencyId: b, categories: ['contact'] },
          ],
        }),
        'agreement.invalid_flow',
        'flows.1',
      ],
      [
        'an end before the start',
        () => ({ effectiveFrom: iso(2 * DAY), effectiveTo: iso(DAY) }),
        'agreement.invalid_term',
        'effectiveTo',
      ],
      [
        'an end already past',
        () => ({ effectiveFrom: iso(-2 * DAY), effectiveTo: iso(-DAY) }),
        'agreement.invalid_term',
        'effectiveTo',
      ],
      [
        'a date without offset',
        () => ({ effectiveFrom: '2026-01-01T00:00:00' }),
        'request.invalid',
        'effectiveFrom',
      ],
      ['a bare date', () => ({ effectiveFrom: '2026-01-01' }), 'request.invalid', 'effectiveFrom'],
      [
        'an impossible date',
        () => ({ effectiveFrom: '2026-02-30T00:00:00Z' }),
        'request.invalid',
        'effectiveFrom',
      ],
      [
        'a date as a number',
        () => ({ effectiveTo: 1767225600000 }),
        'request.invalid',
        'effectiveTo',
      ],
      ['a retention of 0 days', () => ({ retentionDays: 0 }), 'request.invalid', 'retentionDays'],
      [
        'a retention of 3651 days',
        () => ({ retentionDays: 3651 }),
        'request.invalid',
        'retentionDays',
      ],
      [
        'a retention of 1.5 days',
        () => ({ retentionDays: 1.5 }),
        'request.invalid',
        'retentionDays',
      ],
      ['a retention as text', () => ({ retentionDays: '30' }), 'request.invalid', 'retentionDays'],
      ['an unknown frequency', () => ({ frequency: 'daily' }), 'request.invalid', 'frequency'],
      [
        'a breach contact that is a sentence',
        () => ({ breachContact: 'call Marie at home' }),
        'request.invalid',
        'breachContact',
      ],
      [
        'blank security measures',
        () => ({ securityMeasures: ' \n ' }),
        'request.invalid',
        'securityMeasures',
      ],
      [
        'terms with a NUL',
        () => ({ transmissionTerms: 'Par Filet\u0000' }),
        'request.invalid',
        'transmissionTerms',
      ],
      [
        'terms of 4001 characters',
        () => ({ transmissionTerms: 'x'.repeat(4001) }),
        'request.invalid',
        'transmissionTerms',
      ],
      [
        'no security measures',
        () => ({ securityMeasures: undefined }),
        'request.invalid',
        'securityMeasures',
      ],
      [
        'a null onward-disclosure clause',
        () => ({ onwardDisclosureProhibited: null }),
        'request.invalid',
        'onwardDisclosureProhibited',
      ],
    ];

    it.each(cases)('%s: 400 problem naming it', async (_label, change, code, property) => {
      const before = await counts();
      const base = content([police, shelter]);
      const res = await t.request('POST', '/v1/agreements', {
        ...(await as(table, ['coordinator'])),
        body: { ...base, ...change({ a: police.id, b: shelter.id }) },
      });
      const problem = expectProblem(res, 400, code);
      expect(problem.errors?.map((e) => e.property)).toContain(property);
      expect(await counts()).toEqual(before);
    });

    it('a party that is no registered agency: 400 agreement.unknown_agency, nothing written', async () => {
      const before = await counts();
      const stranger = randomUUID();
      const res = await t.request('POST', '/v1/agreements', {
        ...(await as(table, ['coordinator'])),
        body: content([police, shelter], {
          parties: [police.id, shelter.id, stranger],
        }),
      });
      expectProblem(res, 400, 'agreement.unknown_agency');
      expect(res.text).not.toContain(stranger);
      expect(await counts()).toEqual(before);
    });

    it('bad amendments, signatures, reasons and ids are refused the same way', async () => {
      const active = await inForceAgreement([police, shelter]);
      const before = await counts();
      const asTable = async (): Promise<{ token: string }> => as(table, ['coordinator', 'admin']);
      const bad: [HttpResult<unknown>, number, string][] = [
        [
          await amend(police, active.id, [police, shelter], { retentionDays: 0 }),
          400,
          'request.invalid',
        ],
        [
          await amend(police, active.id, [police, shelter], { effectiveTo: iso(-DAY) }),
          400,
          'agreement.invalid_term',
        ],
        [
          await t.request('POST', `/v1/agreements/${active.id}/signatures`, {
            ...(await asTable()),
            body: {},
          }),
          400,
          'request.invalid',
        ],
        [
          await t.request('POST', `/v1/agreements/${active.id}/signatures`, {
            ...(await asTable()),
            body: { version: '1' },
          }),
          400,
          'request.invalid',
        ],
        [
          await t.request('POST', `/v1/agreements/${active.id}/suspend`, {
            ...(await asTable()),
            body: { reason: 'because' },
          }),
          400,
          'request.invalid',
        ],
        [
          await t.request('POST', `/v1/agreements/${active.id}/terminate`, {
            ...(await asTable()),
            body: { reason: 'breach', note: 'x' },
          }),
          400,
          'request.invalid',
        ],
        [
          await t.request('GET', '/v1/agreements/not-a-uuid', await asTable()),
          400,
          'request.invalid',
        ],
        [
          await t.request('POST', `/v1/agreements/${active.id}/suspend`, {
            ...(await asTable()),
            rawBody: '{"reason":',
            headers: { 'content-type': 'application/json' },
          }),
          400,
          'request.malformed_body',
        ],
      ];
      for (const [res, status, code] of bad) expectProblem(res, status, code);
      expect(await counts()).toEqual(before);
    });
  });

  describe('in the database', () => {
    it("the broker's role cannot rewrite a version, a flow or a signature, nor delete anything", async () => {
      const active = await inForceAgreement([police, shelter]);
      const denied = /permission denied/;
      const attempts: [string, RegExp][] = [
        [`UPDATE agreement_version SET retention_days = 3650 WHERE agreement_id = $1`, denied],
        [`UPDATE agreement_flow SET categories = '{health}' WHERE agreement_id = $1`, denied],
        [`UPDATE agreement_party SET agency_id = agency_id WHERE agreement_id = $1`, denied],
        [
          `UPDATE agreement_party SET signed_by = 'someone-else' WHERE agreement_id = $1`,
          /signature is final/,
        ],
        [`DELETE FROM agreement_party WHERE agreement_id = $1`, denied],
        [`DELETE FROM agreement_version WHERE agreement_id = $1`, denied],
        [`DELETE FROM agreement WHERE id = $1`, denied],
      ];
      for (const [sql, refusal] of attempts) {
        await expect(t.dataSource.query(sql, [active.id])).rejects.toThrow(refusal);
      }
      expect((await read(police, active.id)).body).toEqual(
        expect.objectContaining({ current: active.current }),
      );
    });
  });
});
