import type { PublishedKey } from '../../src/audit/broker-keys.js';
import { ItemsService } from '../../src/items/items.service.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import {
  addPerson,
  daysFromToday,
  highRiskCase,
  moveTo,
  referCase,
} from '../factories/case.factory.js';
import { publishedKeys, receiptOf } from '../support/audit-helpers.js';
import { expectProblem } from '../support/problem.js';
import { startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOBODY = '00000000-0000-4000-8000-000000000000';
const PHONE = '+1 418 555 0199';

describe('information items API', () => {
  let t: TestApp;
  let police: TestAgency;
  let shelter: TestAgency;
  let outsider: TestAgency;
  let table: TestAgency;
  let keys: PublishedKey[];
  let items: ItemsService;
  let caseId: string;
  let victimId: string;

  beforeAll(async () => {
    t = await startTestApp();
    police = await createAgency(t.dataSource, { sector: 'police' });
    shelter = await createAgency(t.dataSource, { sector: 'shelter' });
    outsider = await createAgency(t.dataSource, { sector: 'community' });
    table = await createAgency(t.dataSource, { sector: 'coordination' });
    keys = await publishedKeys(t, await police.token());
    items = t.app.get(ItemsService);
    ({ caseId, victimId } = await highRiskCase(t, {
      referrer: police,
      coordinator: table,
      assigned: [shelter],
    }));
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

  const itemBody = (overrides: Record<string, unknown> = {}) => ({
    personId: victimId,
    category: 'contact',
    fields: { phone: PHONE, safe_to_call: false },
    sensitivity: ['safety_critical'],
    retainUntil: daysFromToday(365),
    ...overrides,
  });

  async function contribute(
    agency: TestAgency,
    body: Record<string, unknown>,
    into: string = caseId,
  ): Promise<HttpResult> {
    return t.request('POST', `/v1/cases/${into}/information`, { ...(await as(agency)), body });
  }

  it('the caller’s agency holds what it contributes; the log keeps ids and codes, never content', async () => {
    const res = await contribute(shelter, itemBody());
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      caseId,
      personId: victimId,
      holderAgencyId: shelter.id,
      category: 'contact',
      status: 'held',
      purgedAt: null,
      version: 1,
      fields: { phone: PHONE, safe_to_call: false },
      // The category's own labels (taxonomy) first, then the holder's.
      sensitivity: ['identifying', 'safety_critical'],
      retainUntil: daysFromToday(365),
      excluded: false,
      excludedReason: null,
      correctionReason: null,
      recordedBySubject: expect.any(String),
      createdAt: expect.stringMatching(ISO),
    });
    const record = await recorded(res);
    expect(record).toMatchObject({
      action: 'item.contribute',
      actor: { agencyId: shelter.id },
      targets: { caseId, personIds: [victimId], itemId: res.body.id, version: 1 },
      categories: ['contact'],
      parties: [police.id, shelter.id].sort(),
    });
    expect(JSON.stringify(record)).not.toContain(PHONE);
  });

  it('a holder sees only its own items; others’ are never listed, nor readable', async () => {
    const mine = await contribute(shelter, itemBody());
    const theirs = await contribute(
      police,
      itemBody({ category: 'weapons', fields: { access_to_firearms: true }, sensitivity: [] }),
    );
    const list = async (agency: TestAgency, roles?: Parameters<TestAgency['token']>[0]) => {
      const res = await t.request<{ items: { id: string; holderAgencyId: string }[] }>(
        'GET',
        `/v1/cases/${caseId}/information`,
        await as(agency, roles),
      );
      expect(res.status).toBe(200);
      return res.body.items;
    };
    const shelterSees = await list(shelter);
    expect(shelterSees.map((i) => i.id)).toContain(mine.body.id);
    expect(shelterSees.map((i) => i.id)).not.toContain(theirs.body.id);
    expect(new Set(shelterSees.map((i) => i.holderAgencyId))).toEqual(new Set([shelter.id]));
    expect((await list(police)).map((i) => i.id)).toEqual([theirs.body.id]);
    // Coordinators see every case, not every agency's items.
    expect(await list(table, ['coordinator'])).toEqual([]);

    expect(
      (await t.request('GET', `/v1/information/${mine.body.id}`, await as(shelter))).status,
    ).toBe(200);
    for (const [agency, id] of [
      [police, mine.body.id],
      [table, mine.body.id],
      [shelter, theirs.body.id],
      [shelter, NOBODY],
    ] as const) {
      expectProblem(
        await t.request('GET', `/v1/information/${id}`, await as(agency)),
        404,
        'item.not_found',
      );
    }
    expectProblem(
      await t.request('GET', `/v1/cases/${caseId}/information`, await as(outsider)),
      404,
      'case.not_found',
    );
    expectProblem(await contribute(outsider, itemBody()), 404, 'case.not_found');
  });

  it('a correction is a new version; the old version is kept', async () => {
    const created = await contribute(shelter, itemBody());
    const id = created.body.id as string;
    const res = await t.request('PATCH', `/v1/information/${id}`, {
      ...(await as(shelter)),
      body: { reason: 'outdated', fields: { phone: '+1 418 555 0123', safe_to_call: true } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      version: 2,
      fields: { phone: '+1 418 555 0123', safe_to_call: true },
      sensitivity: ['identifying', 'safety_critical'],
      correctionReason: 'outdated',
    });
    const versions = res.body.versions as { version: number; fields: unknown }[];
    expect(versions.map((v) => [v.version, v.fields])).toEqual([
      [1, { phone: PHONE, safe_to_call: false }],
      [2, { phone: '+1 418 555 0123', safe_to_call: true }],
    ]);
    expect(await recorded(res)).toMatchObject({
      action: 'item.correct',
      targets: { caseId, personIds: [victimId], itemId: id, version: 2 },
      categories: ['contact'],
      reasonCodes: ['outdated'],
    });
    const read = await t.request('GET', `/v1/information/${id}`, await as(shelter));
    expect(read.body).toEqual(res.body);
    const rows = await t.dataSource.query(
      'SELECT version, fields FROM information_item_version WHERE item_id = $1 ORDER BY version',
      [id],
    );
    expect(rows).toEqual([
      { version: 1, fields: { phone: PHONE, safe_to_call: false } },
      { version: 2, fields: { phone: '+1 418 555 0123', safe_to_call: true } },
    ]);

    // Exclusion: with its reason, kept across later corrections, cleared when lifted.
    const excluded = await t.request('PATCH', `/v1/information/${id}`, {
      ...(await as(shelter)),
      body: { reason: 'exclusion_review', excluded: true, excludedReason: 'endangers_life' },
    });
    expect(excluded.body).toMatchObject({
      version: 3,
      excluded: true,
      excludedReason: 'endangers_life',
    });
    expect(await recorded(excluded)).toMatchObject({
      reasonCodes: ['exclusion_review', 'endangers_life'],
    });
    const later = await t.request('PATCH', `/v1/information/${id}`, {
      ...(await as(shelter)),
      body: { reason: 'retention_review', retainUntil: daysFromToday(30) },
    });
    expect(later.body).toMatchObject({
      version: 4,
      excluded: true,
      excludedReason: 'endangers_life',
      retainUntil: daysFromToday(30),
    });
    const lifted = await t.request('PATCH', `/v1/information/${id}`, {
      ...(await as(shelter)),
      body: { reason: 'exclusion_review', excluded: false },
    });
    expect(lifted.body).toMatchObject({ version: 5, excluded: false, excludedReason: null });
  });

  it('only the holder corrects: another agency gets 404, and a bad correction 400', async () => {
    const { body } = await contribute(shelter, itemBody());
    const patch = async (agency: TestAgency, patchBody: unknown, id = body.id as string) =>
      t.request('PATCH', `/v1/information/${id}`, { ...(await as(agency)), body: patchBody });
    expectProblem(
      await patch(police, { reason: 'inaccurate', fields: { phone: '1' } }),
      404,
      'item.not_found',
    );
    expectProblem(
      await patch(outsider, { reason: 'inaccurate', fields: { phone: '1' } }),
      404,
      'item.not_found',
    );
    expectProblem(await patch(shelter, { reason: 'inaccurate' }), 400, 'item.empty_correction');
    expectProblem(await patch(shelter, { fields: { phone: '1' } }), 400, 'request.invalid');
    expectProblem(
      await patch(shelter, { reason: 'inaccurate', excluded: true }),
      400,
      'item.exclusion_reason',
    );
    expectProblem(
      await patch(shelter, { reason: 'inaccurate', excludedReason: 'court_order' }),
      400,
      'item.exclusion_reason',
    );
    expectProblem(
      await patch(shelter, { reason: 'inaccurate', fields: { colour: 'red' } }),
      400,
      'item.invalid_fields',
    );
    expectProblem(
      await patch(shelter, { reason: 'inaccurate', retainUntil: '2001-01-01' }),
      400,
      'item.retain_until_past',
    );
    expectProblem(
      await patch(shelter, { reason: 'inaccurate', category: 'identity' }),
      400,
      'request.invalid',
    );
    expectProblem(
      await patch(shelter, { reason: 'whim', retainUntil: daysFromToday(9) }),
      400,
      'request.invalid',
    );
    const versions = await t.dataSource.query(
      'SELECT count(*)::int AS n FROM information_item_version WHERE item_id = $1',
      [body.id],
    );
    expect(versions[0].n).toBe(1);
  });

  it('refuses input that does not fit the taxonomy or the rules, naming fields, never values', async () => {
    const before = await t.dataSource.query('SELECT count(*)::int AS n FROM information_item');
    const fields = await contribute(
      shelter,
      itemBody({ fields: { phone: 42, email: 'x'.repeat(201), home_planet: 'Mars' } }),
    );
    expect(expectProblem(fields, 400, 'item.invalid_fields').errors).toEqual([
      { property: 'fields.phone', constraints: ['isString'] },
      { property: 'fields.email', constraints: ['maxLength'] },
      { property: 'fields.home_planet', constraints: ['unknownField'] },
    ]);
    expect(fields.text).not.toContain('Mars');
    const cases: [Record<string, unknown>, string][] = [
      [itemBody({ category: 'horoscope' }), 'item.unknown_category'],
      [itemBody({ fields: {} }), 'item.invalid_fields'],
      [itemBody({ fields: { phone: { nested: PHONE } } }), 'item.invalid_fields'],
      [itemBody({ fields: [PHONE] }), 'request.invalid'],
      [itemBody({ excluded: true }), 'item.exclusion_reason'],
      [itemBody({ excludedReason: 'legal_privilege' }), 'item.exclusion_reason'],
      [itemBody({ excluded: true, excludedReason: 'seemed_wise' }), 'request.invalid'],
      [itemBody({ retainUntil: daysFromToday(0) }), 'item.retain_until_past'],
      [itemBody({ retainUntil: '2030-02-30' }), 'request.invalid'],
      [itemBody({ sensitivity: Array.from({ length: 11 }, (_, i) => `l${i}`) }), 'request.invalid'],
      [itemBody({ sensitivity: ['Not A Code'] }), 'request.invalid'],
      [itemBody({ holderAgencyId: police.id }), 'request.invalid'],
      [itemBody({ personId: 'victim' }), 'request.invalid'],
    ];
    for (const [body, code] of cases) {
      const res = await contribute(shelter, body);
      expect({ body, code: (res.body as { code?: string }).code }).toEqual({ body, code });
      expectProblem(res, 400, code);
    }
    expectProblem(
      await contribute(shelter, itemBody({ personId: NOBODY })),
      404,
      'case.person_not_found',
    );
    expect(await t.dataSource.query('SELECT count(*)::int AS n FROM information_item')).toEqual(
      before,
    );
  });

  it('a de-identified case holds risk factors only: no identifying category before Filter 2', async () => {
    const early = await referCase(t, police);
    const person = await addPerson(t, police, early);
    const identifying: Record<string, Record<string, unknown>> = {
      identity: { name: 'Jeanne Tremblay' },
      contact: { phone: PHONE },
      location: { municipality: 'Val-Saint-Loup' },
      'location.shelter': { shelter_name: 'Le Phare' },
    };
    for (const [category, fields] of Object.entries(identifying)) {
      expectProblem(
        await contribute(police, itemBody({ personId: person, category, fields }), early),
        409,
        'item.identifying_before_confirmation',
      );
    }
    const risk = await contribute(
      police,
      itemBody({ personId: person, category: 'weapons', fields: { access_to_firearms: true } }),
      early,
    );
    expect(risk.status).toBe(201);
  });

  it('a closed case takes no item and no correction', async () => {
    const closing = await highRiskCase(t, { referrer: police, coordinator: table });
    const { body } = await contribute(
      police,
      itemBody({ personId: closing.victimId }),
      closing.caseId,
    );
    await moveTo(t, table, closing.caseId, 'closed', 'moved_out_of_area');
    expectProblem(
      await contribute(police, itemBody({ personId: closing.victimId }), closing.caseId),
      409,
      'case.closed',
    );
    expectProblem(
      await t.request('PATCH', `/v1/information/${body.id}`, {
        ...(await as(police)),
        body: { reason: 'inaccurate', fields: { phone: '1' } },
      }),
      409,
      'case.closed',
    );
  });

  it('forDisclosure returns the current version of a person’s items in the asked categories', async () => {
    const setup = await highRiskCase(t, { referrer: police, coordinator: table });
    const contact = await contribute(police, itemBody({ personId: setup.victimId }), setup.caseId);
    await t.request('PATCH', `/v1/information/${contact.body.id}`, {
      ...(await as(police)),
      body: {
        reason: 'exclusion_review',
        excluded: true,
        excludedReason: 'prejudices_investigation',
      },
    });
    await contribute(
      police,
      itemBody({
        personId: setup.victimId,
        category: 'weapons',
        fields: { licence_holder: true },
        sensitivity: [],
      }),
      setup.caseId,
    );
    expect(await items.forDisclosure(setup.caseId, setup.victimId, ['contact'])).toEqual([
      {
        id: contact.body.id,
        version: 2,
        holderAgencyId: police.id,
        personId: setup.victimId,
        category: 'contact',
        fields: { phone: PHONE, safe_to_call: false },
        sensitivity: ['identifying', 'safety_critical'],
        excluded: true,
        retainUntil: daysFromToday(365),
      },
    ]);
    expect(
      (await items.forDisclosure(setup.caseId, setup.victimId, ['contact', 'weapons']))
        .map((i) => i.category)
        .sort(),
    ).toEqual(['contact', 'weapons']);
    expect(await items.forDisclosure(setup.caseId, setup.victimId, [])).toEqual([]);
    expect(await items.forDisclosure(caseId, setup.victimId, ['contact'])).toEqual([]);
  });
});
