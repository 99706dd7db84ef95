import type { DataSource } from 'typeorm';
import { AgenciesService } from '../../src/agencies/agencies.service.js';
import { AgreementsService } from '../../src/agreements/agreements.service.js';
import { CasesService } from '../../src/cases/cases.service.js';
import { ConsentsService } from '../../src/consents/consents.service.js';
import { DisclosureFactsRepository } from '../../src/disclosures/disclosure-facts.repository.js';
import { ItemsService } from '../../src/items/items.service.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { createAgreement } from '../factories/agreement.factory.js';
import { seedCase, type SeededCase } from '../factories/case.factory.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SUBJECT = 'officer-7';
const CATEGORIES = ['location', 'location.shelter', 'weapons', 'health'];

async function insertItem(
  dataSource: DataSource,
  kase: SeededCase,
  holderId: string,
  category: string,
  versions: readonly { fields: Record<string, unknown>; excluded?: boolean }[],
): Promise<string> {
  const [{ id }]: { id: string }[] = await dataSource.query(
    `INSERT INTO information_item (case_id, person_id, holder_agency_id, category, current_version)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [kase.caseId, kase.personId, holderId, category, versions.length],
  );
  for (const [i, v] of versions.entries()) {
    await dataSource.query(
      `INSERT INTO information_item_version (item_id, version, fields, sensitivity, retain_until,
                                             excluded, excluded_reason, correction_reason,
                                             recorded_by_subject)
       VALUES ($1, $2, $3, '{justice,health}', CURRENT_DATE + 30, $4, $5, $6, 'seed')`,
      [
        id,
        i + 1,
        v.fields,
        v.excluded ?? false,
        v.excluded ? 'court_order' : null,
        i > 0 ? 'outdated' : null,
      ],
    );
  }
  return id;
}

async function insertConsentVersion(
  dataSource: DataSource,
  consentId: string,
  version: number,
  values: { status: 'active' | 'withdrawn'; validFrom: string; validUntil: string | null },
  recorderId: string,
): Promise<void> {
  await dataSource.query(
    `INSERT INTO consent_version (consent_id, version, status, recipient_agency_ids, recipient_sectors,
                                  categories, purposes, valid_from, valid_until, how_obtained,
                                  capacity_note, recorded_by_agency_id, recorded_by_subject,
                                  withdrawn_at, withdrawal_reason)
     VALUES ($1, $2, $3, ARRAY[$6::uuid], '{police}', '{location,weapons}',
             '{safety_planning,emergency}', $4, $5, 'written', 'capable_presumed', $6, 'seed',
             CASE WHEN $3 = 'withdrawn' THEN clock_timestamp() END,
             CASE WHEN $3 = 'withdrawn' THEN 'person_request' END)`,
    [consentId, version, values.status, values.validFrom, values.validUntil, recorderId],
  );
}

/**
 * The one-statement fact loader reads what the features' own methods read: for a case with items
 * of several holders (corrected, excluded, purged), consents active, withdrawn and expired,
 * agreements in force, drafted and of others, a user side and approvals of two item versions, it
 * gives the same facts as CasesService.facts/userSide, ItemsService.forDisclosure,
 * ConsentsService.forPerson, AgreementsService.inForce and AgenciesService.facts.
 */
describe('disclosure facts', () => {
  let app: TestApp;
  let police: TestAgency;
  let shelter: TestAgency;
  let health: TestAgency;
  let kase: SeededCase;

  beforeAll(async () => {
    app = await startTestApp();
    const { dataSource } = app;
    police = await createAgency(dataSource, { sector: 'police' });
    shelter = await createAgency(dataSource, { sector: 'shelter' });
    health = await createAgency(dataSource, { sector: 'health', status: 'suspended' });
    const other = await createAgency(dataSource, { sector: 'child_protection' });
    kase = await seedCase(dataSource, police.id);
    await dataSource.query(`UPDATE case_file SET stage = 'active' WHERE id = $1`, [kase.caseId]);
    for (const agency of [shelter, health, police]) {
      await dataSource.query('INSERT INTO case_assignment (case_id, agency_id) VALUES ($1, $2)', [
        kase.caseId,
        agency.id,
      ]);
    }
    await dataSource.query(
      `INSERT INTO case_user_assignment (case_id, agency_id, subject, side) VALUES ($1, $2, $3, 'victim')`,
      [kase.caseId, police.id, SUBJECT],
    );
    // A second person of the case, whose items and consents are not the victim's.
    await dataSource.query(
      `INSERT INTO case_person (case_id, role, capacity, minor, added_by_agency_id)
       VALUES ($1, 'child', 'unknown', true, $2)`,
      [kase.caseId, police.id],
    );
    const corrected = await insertItem(dataSource, kase, shelter.id, 'location', [
      { fields: { address: '12 rue des Lilas' } },
      { fields: { address: '14 rue des Lilas', municipality: 'Val-Saint-Loup' } },
    ]);
    await insertItem(dataSource, kase, health.id, 'health', [
      { fields: { conditions: 'x' }, excluded: true },
    ]);
    const purged = await insertItem(dataSource, kase, shelter.id, 'location.shelter', [
      { fields: { shelter_name: "Maison L'Aube" } },
    ]);
    await dataSource.query('UPDATE information_item SET purged_at = now() WHERE id = $1', [purged]);
    await insertItem(dataSource, kase, shelter.id, 'identity', [{ fields: { name: 'n' } }]);

    // Consents: the seeded one (active), one withdrawn in its version 2, one expired.
    const consent = async (): Promise<string> => {
      const [{ id }]: { id: string }[] = await dataSource.query(
        `INSERT INTO consent (case_id, person_id, current_version) VALUES ($1, $2, 1) RETURNING id`,
        [kase.caseId, kase.personId],
      );
      return id;
    };
    const withdrawn = await consent();
    await insertConsentVersion(
      dataSource,
      withdrawn,
      1,
      { status: 'active', validFrom: '2025-01-01T10:00:00.123456Z', validUntil: null },
      shelter.id,
    );
    await insertConsentVersion(
      dataSource,
      withdrawn,
      2,
      { status: 'withdrawn', validFrom: '2025-01-01T10:00:00.123456Z', validUntil: null },
      shelter.id,
    );
    await dataSource.query('UPDATE consent SET current_version = 2 WHERE id = $1', [withdrawn]);
    await insertConsentVersion(
      dataSource,
      await consent(),
      1,
      {
        status: 'active',
        validFrom: '2024-01-01T00:00:00Z',
        validUntil: '2025-06-30T23:59:59.999999+02:00',
      },
      shelter.id,
    );
    // The far end of what the API accepts: year 10000 in UTC, which JavaScript cannot parse as
    // PostgreSQL writes it in JSON.
    await insertConsentVersion(
      dataSource,
      await consent(),
      1,
      {
        status: 'active',
        validFrom: '2024-01-01T00:00:00Z',
        validUntil: '9999-12-31T23:59:59-15:59',
      },
      shelter.id,
    );

    // Agreements: two in force with the requester, a draft, and one between others only.
    await createAgreement(dataSource, [shelter.id, police.id], { active: true });
    await createAgreement(dataSource, [police.id, health.id, shelter.id], { active: true });
    await createAgreement(dataSource, [shelter.id, police.id]);
    await createAgreement(dataSource, [shelter.id, other.id], { active: true });

    // Approvals for the police's safety planning: the location as it is now and as it was.
    for (const version of [1, 2]) {
      const [{ id: decisionId }]: { id: string }[] = await dataSource.query(
        `INSERT INTO decision (requester_agency_id, subject, case_id, person_id, dry_run, outcome,
                               request, facts, decision, policy_bundle_hash, decided_at)
         VALUES ($1, $2, $3, $4, false, 'pending', '{"purpose":"safety_planning"}', '{}', '{}', 'h',
                 now())
         RETURNING id`,
        [police.id, SUBJECT, kase.caseId, kase.personId],
      );
      await dataSource.query(
        `INSERT INTO decision_approval (decision_id, item_id, item_version, holder_agency_id, status)
         VALUES ($1, $2, $3, $4, 'approved')`,
        [decisionId, corrected, version, shelter.id],
      );
    }
  });
  afterAll(async () => {
    await app.close();
  });

  it('are the same as the features read them, one by one', async () => {
    const at = new Date();
    const loaded = await app.app.get(DisclosureFactsRepository).load({
      caseId: kase.caseId,
      personId: kase.personId,
      categories: CATEGORIES,
      requesterAgencyId: police.id,
      subject: SUBJECT,
      purpose: 'safety_planning',
      at,
    });

    const cases = app.app.get(CasesService);
    const kaseFacts = await cases.facts(kase.caseId);
    const items = await app.app
      .get(ItemsService)
      .forDisclosure(kase.caseId, kase.personId, CATEGORIES);
    const approvals: { item_id: string; item_version: number }[] = await app.dataSource.query(
      `SELECT a.item_id, a.item_version FROM decision_approval a JOIN decision d ON d.id = a.decision_id
        WHERE a.status = 'approved' AND d.requester_agency_id = $1 AND d.case_id = $2 AND d.person_id = $3
          AND d.request ->> 'purpose' = $4`,
      [police.id, kase.caseId, kase.personId, 'safety_planning'],
    );
    const expected = {
      case: kaseFacts!.case,
      person: kaseFacts!.persons.find((p) => p.id === kase.personId),
      side: await cases.userSide(kase.caseId, police.id, SUBJECT),
      items,
      consents: await app.app.get(ConsentsService).forPerson(kase.personId, at),
      agreements: await app.app.get(AgreementsService).inForce([police.id], at),
      approvals: approvals.map((a) => ({ itemId: a.item_id, itemVersion: a.item_version })),
      holders: await app.app
        .get(AgenciesService)
        .facts([police.id, ...items.map((i) => i.holderAgencyId)]),
    };
    const byItem = (a: { itemId: string; itemVersion: number }, b: typeof a) =>
      a.itemVersion - b.itemVersion;
    expect({ ...loaded, approvals: [...loaded!.approvals].sort(byItem) }).toEqual({
      ...expected,
      approvals: expected.approvals.sort(byItem),
    });
    // The case is rich enough for the comparison to mean something.
    expect(loaded!.items.map((i) => [i.category, i.version, i.excluded])).toEqual([
      ['weapons', 1, false],
      ['location', 2, false],
      ['health', 1, true],
    ]);
    expect(loaded!.consents.map((c) => c.status)).toEqual([
      'active',
      'withdrawn',
      'expired',
      'active',
    ]);
    expect(loaded!.consents[3]!.validUntil).toBe('+010000-01-01T15:58:59.000Z');
    expect(loaded!.agreements).toHaveLength(2);
    expect(loaded!.agreements[0]!.partyAgencyIds.length).toBeGreaterThan(1);
    expect(Object.keys(loaded!.holders).sort()).toEqual([police.id, shelter.id, health.id].sort());
    expect(loaded!.side).toBe('victim');
    expect(loaded!.approvals).toHaveLength(2);

    // And a request decided on them goes through, its stored facts those loaded.
    const res = await app.request<{ decisionId: string }>('POST', '/v1/disclosures/dry-run', {
      token: await police.token(['agency_user'], { sub: SUBJECT }),
      body: {
        caseId: kase.caseId,
        personId: kase.personId,
        categories: CATEGORIES,
        purpose: 'safety_planning',
        basis: 'consent',
      },
    });
    expect(res.status).toBe(200);
    const [stored]: { facts: { items: { id: string }[]; approvedItemIds: string[] } }[] =
      await app.dataSource.query('SELECT facts FROM decision WHERE id = $1', [res.body.decisionId]);
    expect(stored!.facts.items.map((i) => i.id)).toEqual(loaded!.items.map((i) => i.id));
    expect(stored!.facts.approvedItemIds).toEqual([loaded!.items[1]!.id]);
  });

  it('of another user, person or case are theirs', async () => {
    const at = new Date();
    const repository = app.app.get(DisclosureFactsRepository);
    const query = {
      caseId: kase.caseId,
      personId: kase.personId,
      categories: CATEGORIES,
      requesterAgencyId: shelter.id,
      subject: 'someone-else',
      purpose: 'emergency',
      at,
    };
    const loaded = await repository.load(query);
    expect(loaded?.side).toBeNull();
    expect(loaded?.approvals).toEqual([]);
    expect(loaded?.agreements).toEqual(
      await app.app.get(AgreementsService).inForce([shelter.id], at),
    );
    expect(
      (await repository.load({ ...query, personId: '00000000-0000-4000-8000-000000000000' }))
        ?.person,
    ).toBeUndefined();
    expect(
      await repository.load({ ...query, caseId: '00000000-0000-4000-8000-000000000000' }),
    ).toBeUndefined();
    expect((await repository.load({ ...query, categories: [] }))?.items).toEqual([]);
  });
});
