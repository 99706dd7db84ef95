import type { PublishedKey } from '../../src/audit/broker-keys.js';
import { ConsentsService } from '../../src/consents/consents.service.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { addPerson, highRiskCase, moveTo, referCase } from '../factories/case.factory.js';
import { publishedKeys, receiptOf } from '../support/audit-helpers.js';
import { expectProblem } from '../support/problem.js';
import { startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOBODY = '00000000-0000-4000-8000-000000000000';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('consents API', () => {
  let t: TestApp;
  let police: TestAgency;
  let shelter: TestAgency;
  let outsider: TestAgency;
  let table: TestAgency;
  let keys: PublishedKey[];
  let consents: ConsentsService;

  beforeAll(async () => {
    t = await startTestApp();
    police = await createAgency(t.dataSource, { sector: 'police' });
    shelter = await createAgency(t.dataSource, { sector: 'shelter' });
    outsider = await createAgency(t.dataSource, { sector: 'community' });
    table = await createAgency(t.dataSource, { sector: 'coordination' });
    keys = await publishedKeys(t, await police.token());
    consents = t.app.get(ConsentsService);
  });
  afterAll(async () => {
    await t.close();
  });

  const as = async (
    agency: TestAgency,
    roles: Parameters<TestAgency['token']>[0] = ['agency_user'],
  ) => ({
    token: await agency.token(roles),
  });

  async function recorded(res: HttpResult<unknown>): Promise<Record<string, unknown>> {
    const { claims } = await receiptOf(res, keys);
    const [row]: { leaf: string }[] = await t.dataSource.query(
      'SELECT leaf FROM audit_record WHERE seq = $1',
      [claims.seq],
    );
    return JSON.parse(row.leaf) as Record<string, unknown>;
  }

  const consentBody = (personId: string, overrides: Record<string, unknown> = {}) => ({
    personId,
    recipientAgencyIds: [shelter.id],
    recipientSectors: ['victim_services'],
    categories: ['contact', 'safety_plan'],
    purposes: ['safety_planning'],
    howObtained: 'in_person',
    capacityNote: 'capable_assessed',
    ...overrides,
  });

  async function record(
    caseId: string,
    body: Record<string, unknown>,
    agency: TestAgency = police,
  ): Promise<HttpResult> {
    return t.request('POST', `/v1/cases/${caseId}/consents`, { ...(await as(agency)), body });
  }

  it('records a consent with its scope and period; every version is listed', async () => {
    const { caseId, victimId } = await highRiskCase(t, { referrer: police, coordinator: table });
    const res = await record(
      caseId,
      consentBody(victimId, {
        validFrom: '2025-01-01T00:00:00Z',
        validUntil: '2099-01-01T00:00:00Z',
      }),
    );
    expect(res.status).toBe(201);
    const version1 = {
      version: 1,
      status: 'active',
      recipientAgencyIds: [shelter.id],
      recipientSectors: ['victim_services'],
      categories: ['contact', 'safety_plan'],
      purposes: ['safety_planning'],
      validFrom: '2025-01-01T00:00:00.000Z',
      validUntil: '2099-01-01T00:00:00.000Z',
      howObtained: 'in_person',
      capacityNote: 'capable_assessed',
      recordedByAgencyId: police.id,
      recordedBySubject: expect.any(String),
      withdrawnAt: null,
      withdrawalReason: null,
      createdAt: expect.stringMatching(ISO),
    };
    expect(res.body).toEqual({
      ...version1,
      id: expect.stringMatching(UUID),
      caseId,
      personId: victimId,
      versions: [version1],
    });
    expect(await recorded(res)).toMatchObject({
      action: 'consent.record',
      targets: { caseId, personIds: [victimId], consentId: res.body.id },
      categories: ['contact', 'safety_plan'],
      consentVersions: [`${res.body.id}:1`],
      parties: [police.id, shelter.id].sort(),
    });
    const list = await t.request('GET', `/v1/cases/${caseId}/consents`, await as(police));
    expect(list.body).toEqual({ items: [res.body] });
    const filtered = await t.request<{ items: unknown[] }>(
      'GET',
      `/v1/cases/${caseId}/consents?personId=${NOBODY}`,
      await as(police),
    );
    expect(filtered.body.items).toEqual([]);

    expect(await consents.forPerson(victimId)).toEqual([
      {
        id: res.body.id,
        version: 1,
        personId: victimId,
        status: 'active',
        recipientAgencyIds: [shelter.id],
        recipientSectors: ['victim_services'],
        categories: ['contact', 'safety_plan'],
        purposes: ['safety_planning'],
        validFrom: '2025-01-01T00:00:00.000Z',
        validUntil: '2099-01-01T00:00:00.000Z',
        withdrawnAt: null,
      },
    ]);
  });

  it('withdrawal takes effect at once, as a new version; the old version is kept', async () => {
    const { caseId, victimId } = await highRiskCase(t, { referrer: police, coordinator: table });
    const recorded1 = await record(caseId, consentBody(victimId));
    const id = recorded1.body.id as string;

    // Any agency with a part in the case may record the person's withdrawal.
    await t.request('POST', `/v1/cases/${caseId}/assignments`, {
      ...(await as(table, ['coordinator'])),
      body: { agencyId: shelter.id },
    });
    const res = await t.request('POST', `/v1/consents/${id}/withdraw`, {
      ...(await as(shelter)),
      body: { reason: 'person_request' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      version: 2,
      status: 'withdrawn',
      withdrawnAt: expect.stringMatching(ISO),
      withdrawalReason: 'person_request',
      recordedByAgencyId: shelter.id,
      categories: ['contact', 'safety_plan'],
    });
    const versions = res.body.versions as Record<string, unknown>[];
    expect(versions.map((v) => [v.version, v.status, v.recordedByAgencyId])).toEqual([
      [1, 'active', police.id],
      [2, 'withdrawn', shelter.id],
    ]);
    expect(await recorded(res)).toMatchObject({
      action: 'consent.withdraw',
      targets: { caseId, personIds: [victimId], consentId: id },
      reasonCodes: ['person_request'],
      consentVersions: [`${id}:2`],
    });

    const [fact] = await consents.forPerson(victimId);
    expect(fact).toMatchObject({
      id,
      version: 2,
      status: 'withdrawn',
      withdrawnAt: res.body.withdrawnAt,
    });
    const rows = await t.dataSource.query(
      'SELECT version, status FROM consent_version WHERE consent_id = $1 ORDER BY version',
      [id],
    );
    expect(rows).toEqual([
      { version: 1, status: 'active' },
      { version: 2, status: 'withdrawn' },
    ]);

    expectProblem(
      await t.request('POST', `/v1/consents/${id}/withdraw`, {
        ...(await as(police)),
        body: { reason: 'person_request' },
      }),
      409,
      'consent.already_withdrawn',
    );
  });

  it('expires once validUntil has passed: forPerson and the list say `expired`', async () => {
    const { caseId, victimId } = await highRiskCase(t, { referrer: police, coordinator: table });
    const until = new Date(Date.now() + 1500);
    const res = await record(caseId, consentBody(victimId, { validUntil: until.toISOString() }));
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('active');
    expect((await consents.forPerson(victimId))[0].status).toBe('active');
    // As at a later instant (replay, or the engine's clock).
    expect((await consents.forPerson(victimId, new Date(until.getTime() + 1)))[0].status).toBe(
      'expired',
    );

    await sleep(until.getTime() - Date.now() + 50);
    expect(await consents.forPerson(victimId)).toEqual([
      expect.objectContaining({
        id: res.body.id,
        version: 1,
        status: 'expired',
        withdrawnAt: null,
      }),
    ]);
    const list = await t.request<{ items: { status: string; versions: { status: string }[] }[] }>(
      'GET',
      `/v1/cases/${caseId}/consents`,
      await as(police),
    );
    expect(list.body.items[0].status).toBe('expired');
    expect(list.body.items[0].versions[0].status).toBe('active');
    expectProblem(
      await t.request('POST', `/v1/consents/${res.body.id}/withdraw`, {
        ...(await as(police)),
        body: { reason: 'person_request' },
      }),
      409,
      'consent.expired',
    );
  });

  it('the capacity note must fit the person', async () => {
    const caseId = await referCase(t, police);
    const incapable = await addPerson(t, police, caseId, { capacity: 'lacks_capacity' });
    const child = await addPerson(t, police, caseId, {
      role: 'child',
      capacity: 'unknown',
      minor: true,
    });
    expectProblem(
      await record(caseId, consentBody(incapable, { capacityNote: 'capable_presumed' })),
      409,
      'consent.capacity_mismatch',
    );
    expectProblem(
      await record(caseId, consentBody(child, { capacityNote: 'capable_presumed' })),
      409,
      'consent.capacity_mismatch',
    );
    expect(
      (
        await record(
          caseId,
          consentBody(incapable, { capacityNote: 'representative_lacks_capacity' }),
        )
      ).status,
    ).toBe(201);
    expect(
      (await record(caseId, consentBody(child, { capacityNote: 'minor_guardian_consent' }))).status,
    ).toBe(201);
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    const { caseId, victimId } = await highRiskCase(t, { referrer: police, coordinator: table });
    const before = await t.dataSource.query('SELECT count(*)::int AS n FROM consent_version');
    const cases: [Record<string, unknown>, string][] = [
      [
        consentBody(victimId, { recipientAgencyIds: [], recipientSectors: [] }),
        'consent.no_recipient',
      ],
      [consentBody(victimId, { categories: ['horoscope'] }), 'consent.unknown_category'],
      [consentBody(victimId, { recipientAgencyIds: [NOBODY] }), 'consent.unknown_agency'],
      [
        consentBody(victimId, {
          validFrom: '2030-01-01T00:00:00Z',
          validUntil: '2029-01-01T00:00:00Z',
        }),
        'consent.invalid_period',
      ],
      [consentBody(victimId, { validUntil: '2020-01-01T00:00:00Z' }), 'consent.invalid_period'],
      [consentBody(victimId, { purposes: ['curiosity'] }), 'request.invalid'],
      [consentBody(victimId, { purposes: [] }), 'request.invalid'],
      [consentBody(victimId, { categories: [] }), 'request.invalid'],
      [consentBody(victimId, { recipientSectors: ['bakery'] }), 'request.invalid'],
      [consentBody(victimId, { howObtained: 'telepathy' }), 'request.invalid'],
      [consentBody(victimId, { validUntil: '2099-01-01' }), 'request.invalid'],
      [consentBody(victimId, { validUntil: '2099-02-30T00:00:00Z' }), 'request.invalid'],
      [consentBody(victimId, { validUntil: null }), 'request.invalid'],
      [consentBody(victimId, { signature: 'Jeanne T.' }), 'request.invalid'],
      [consentBody('nope'), 'request.invalid'],
    ];
    for (const [body, code] of cases) {
      const res = await record(caseId, body);
      expect({ body, code: (res.body as { code?: string }).code }).toEqual({ body, code });
      expectProblem(res, 400, code);
    }
    expect(await t.dataSource.query('SELECT count(*)::int AS n FROM consent_version')).toEqual(
      before,
    );

    // A person of another case is not a person of this one.
    const other = await highRiskCase(t, { referrer: police, coordinator: table });
    expectProblem(await record(caseId, consentBody(other.victimId)), 404, 'case.person_not_found');
  });

  it('isolation: an agency with no part in the case gets 404, for the case and for the consent', async () => {
    const { caseId, victimId } = await highRiskCase(t, { referrer: police, coordinator: table });
    const { body } = await record(caseId, consentBody(victimId));
    expectProblem(
      await t.request('GET', `/v1/cases/${caseId}/consents`, await as(outsider)),
      404,
      'case.not_found',
    );
    expectProblem(await record(caseId, consentBody(victimId), outsider), 404, 'case.not_found');
    for (const id of [body.id as string, NOBODY]) {
      expectProblem(
        await t.request('POST', `/v1/consents/${id}/withdraw`, {
          ...(await as(outsider)),
          body: { reason: 'person_request' },
        }),
        404,
        'consent.not_found',
      );
    }
    expectProblem(
      await t.request('POST', `/v1/cases/${caseId}/consents`, {
        ...(await as(police, ['privacy_officer'])),
        body: consentBody(victimId),
      }),
      403,
      'auth.forbidden',
    );
  });

  it('a closed case takes no new consent, but a consent on it can still be withdrawn', async () => {
    const { caseId, victimId } = await highRiskCase(t, { referrer: police, coordinator: table });
    const { body } = await record(caseId, consentBody(victimId));
    await moveTo(t, table, caseId, 'closed', 'risk_reduced');
    expectProblem(await record(caseId, consentBody(victimId)), 409, 'case.closed');
    const res = await t.request('POST', `/v1/consents/${body.id}/withdraw`, {
      ...(await as(police)),
      body: { reason: 'representative_request' },
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('withdrawn');
  });
});
