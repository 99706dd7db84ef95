import { verifySigned, RECEIPT_TYPE } from '../../src/audit/audit-signer.js';
import type { ReceiptClaims } from '../../src/audit/audit.types.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { agreementBody } from '../factories/agreement.factory.js';
import {
  addPerson,
  assess,
  assign,
  daysFromToday,
  moveTo,
  referCase,
} from '../factories/case.factory.js';
import { publishedKeys } from '../support/audit-helpers.js';
import { expectProblem } from '../support/problem.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Disclosure {
  decisionId: string;
  outcome: string;
  released: {
    itemId: string;
    category: string;
    fields?: Record<string, unknown>;
    fieldNames: string[];
  }[];
  withheld: {
    category: string;
    reasons: { code: string; description: { fr: string; en: string } }[];
  }[];
  duties: { reviewRequired: boolean; reviewReasons: string[]; registerEntries: string[] };
  obligations: { noRedisclosure: boolean; retainUntil: string | null };
  policyBundleHash: string;
  receipt: string;
}

const ATTESTED = {
  reasonable_cause: true,
  serious_risk: true,
  identified_person: true,
  urgency: true,
};

/**
 * A whole high-risk case through the API, as DESIGN §3 tells it: referral → de-identified
 * presentation → threshold → identity flows → consent-based disclosure → consent withdrawn → denied
 * → exception used → permitted with minimal categories, each decision explained and recorded.
 */
describe('a high-risk case, end to end', () => {
  let app: TestApp;
  let table: TestAgency;
  let police: TestAgency;
  let shelter: TestAgency;
  let outsider: TestAgency;
  let caseId: string;
  let victimId: string;
  let consentId: string;

  const request = async (
    agency: TestAgency,
    body: Record<string, unknown>,
    path = '/v1/disclosures',
  ) => app.request<Disclosure>('POST', path, { token: await agency.token(['agency_user']), body });
  const locationOf = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    caseId,
    personId: victimId,
    categories: ['location'],
    purpose: 'safety_planning',
    basis: 'consent',
    ...extra,
  });

  beforeAll(async () => {
    app = await startTestApp();
    table = await createAgency(app.dataSource, { sector: 'coordination' });
    police = await createAgency(app.dataSource, { sector: 'police' });
    shelter = await createAgency(app.dataSource, { sector: 'shelter' });
    outsider = await createAgency(app.dataSource, { sector: 'health' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('1. referral and de-identified presentation: identity does not flow before the threshold', async () => {
    caseId = await referCase(app, police);
    victimId = await addPerson(app, police, caseId, { role: 'victim' });
    await assign(app, table, caseId, shelter.id);
    const res = await request(
      shelter,
      { ...locationOf(), categories: ['identity'] },
      '/v1/disclosures/dry-run',
    );
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('deny');
    expect(res.body.withheld).toEqual([
      { category: 'identity', reasons: [expect.objectContaining({ code: 'R-STAGE' })] },
    ]);
    expect(res.body.withheld[0].reasons[0].description.fr).toMatch(/étape/);
  });

  it('2. the threshold is met (ODARA 9), the table confirms and plans: the case is active', async () => {
    await assess(app, police, caseId, { tool: 'odara', score: 9 });
    await moveTo(app, table, caseId, 'high_risk_confirmed');
    await assign(app, table, caseId, police.id);
    const active = await moveTo(app, table, caseId, 'active');
    expect(active.stage).toBe('active');
    // The agreement between police and shelter, signed by both: shelter → police, location.
    const created = await app.request<{ id: string }>('POST', '/v1/agreements', {
      token: await table.token(['coordinator']),
      body: agreementBody([shelter.id, police.id], {
        purposes: ['safety_planning', 'emergency'],
        flows: [
          {
            fromAgencyId: shelter.id,
            toAgencyId: police.id,
            categories: ['location', 'location.shelter'],
          },
        ],
      }),
    });
    expect(created.status).toBe(201);
    for (const party of [shelter, police]) {
      const signed = await app.request('POST', `/v1/agreements/${created.body.id}/signatures`, {
        token: await party.token(['legal_reviewer']),
        body: { version: 1 },
      });
      expect(signed.status).toBe(201);
    }
    // The shelter contributes what it knows.
    for (const [category, fields] of [
      ['location', { address: '12 rue des Lilas', municipality: 'Val-Saint-Loup' }],
      ['location.shelter', { shelter_name: "Maison L'Aube", address: '1 chemin du Refuge' }],
    ] as const) {
      const item = await app.request('POST', `/v1/cases/${caseId}/information`, {
        token: await shelter.token(['agency_user']),
        body: { personId: victimId, category, fields, retainUntil: daysFromToday(365) },
      });
      expect(item.status).toBe(201);
    }
  });

  it("3. without the victim's consent, her location does not reach the police, nor whether any is held", async () => {
    const res = await request(police, locationOf());
    expect(res.body.outcome).toBe('deny');
    expect(res.body.released).toEqual([]);
    // Told only that nothing was released: a specific reason would say whether anything is held.
    expect(res.body.withheld[0].reasons.map((r) => r.code)).toEqual(['R-DEFAULT-DENY']);
    expect(res.text).not.toContain('rue des Lilas');
    // A category of which nothing at all is held gets the very same answer.
    const nothingHeld = await request(police, locationOf({ categories: ['weapons'] }));
    expect(nothingHeld.body.withheld).toEqual([
      { category: 'weapons', reasons: [expect.objectContaining({ code: 'R-DEFAULT-DENY' })] },
    ]);
    expect(nothingHeld.body.outcome).toBe(res.body.outcome);
  });

  it('4. with her consent: permitted, only the location, with a receipt that verifies', async () => {
    const consent = await app.request<{ id: string }>('POST', `/v1/cases/${caseId}/consents`, {
      token: await shelter.token(['agency_user']),
      body: {
        personId: victimId,
        recipientAgencyIds: [police.id],
        categories: ['location'],
        purposes: ['safety_planning'],
        howObtained: 'in_person',
        capacityNote: 'capable_presumed',
      },
    });
    expect(consent.status).toBe(201);
    consentId = consent.body.id;

    const res = await request(police, locationOf());
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('permit');
    expect(res.body.released).toEqual([
      expect.objectContaining({
        category: 'location',
        fields: { address: '12 rue des Lilas', municipality: 'Val-Saint-Loup' },
      }),
    ]);
    expect(res.body.duties.registerEntries).toEqual([shelter.id]);
    const keys = await publishedKeys(app, await police.token());
    const receipt = await verifySigned<ReceiptClaims>(res.body.receipt, RECEIPT_TYPE, keys);
    expect(receipt).toBeDefined();
    expect(res.headers.get('filet-audit-receipt')).toContain(res.body.receipt);
    // The shelter's register shows the communication; the record holds no address.
    const register = await app.request<{
      entries: { recipientAgencyId: string; categories: string[]; basis: string }[];
    }>('GET', `/v1/audit/register?holder=${shelter.id}`, {
      token: await shelter.token(['privacy_officer']),
    });
    expect(register.body.entries).toEqual([
      expect.objectContaining({
        recipientAgencyId: police.id,
        categories: ['location'],
        basis: 'consent',
      }),
    ]);
    const leaves: { leaf: string }[] = await app.dataSource.query('SELECT leaf FROM audit_record');
    expect(leaves.map((l) => l.leaf).join('\n')).not.toContain('rue des Lilas');
  });

  it('5. consent withdrawn: the next request is denied', async () => {
    const withdrawn = await app.request('POST', `/v1/consents/${consentId}/withdraw`, {
      token: await shelter.token(['agency_user']),
      body: { reason: 'person_request' },
    });
    expect(withdrawn.status).toBeLessThan(300);
    const res = await request(police, locationOf());
    expect(res.body.outcome).toBe('deny');
  });

  it('6. the life/safety exception: every criterion attested, the needed categories released, a review due', async () => {
    const res = await request(
      police,
      locationOf({
        categories: ['location', 'location.shelter'],
        purpose: 'emergency',
        basis: 'life_safety',
        attestation: { criteria: ATTESTED, attestedAt: new Date().toISOString() },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('permit');
    expect(res.body.released.map((r) => r.category).sort()).toEqual([
      'location',
      'location.shelter',
    ]);
    expect(res.body.duties).toEqual(
      expect.objectContaining({ reviewRequired: true, reviewReasons: ['life_safety_exception'] }),
    );
    expect(res.body.obligations.noRedisclosure).toBe(true);

    // The requester sees its decision; the coordinating privacy officer sees the whole trace.
    const asPolice = await app.request<Record<string, unknown>>(
      'GET',
      `/v1/decisions/${res.body.decisionId}`,
      {
        token: await police.token(),
      },
    );
    expect(asPolice.status).toBe(200);
    expect(asPolice.body.trace).toBeUndefined();
    const asOfficer = await app.request<{ trace: { rule: string; verdict: string }[] }>(
      'GET',
      `/v1/decisions/${res.body.decisionId}`,
      {
        token: await table.token(['privacy_officer']),
      },
    );
    expect(asOfficer.body.trace).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'R-BASIS-LIFE-SAFETY', verdict: 'pass' }),
      ]),
    );
    // The requester's own privacy officer sees the decision, not the trace (it names every item
    // evaluated, other holders' included).
    const asRequesterOfficer = await app.request<Record<string, unknown>>(
      'GET',
      `/v1/decisions/${res.body.decisionId}`,
      {
        token: await police.token(['privacy_officer']),
      },
    );
    expect(asRequesterOfficer.status).toBe(200);
    expect(asRequesterOfficer.body.trace).toBeUndefined();
    expectProblem(
      await app.request('GET', `/v1/decisions/${res.body.decisionId}`, {
        token: await outsider.token(),
      }),
      404,
      'disclosure.decision_not_found',
    );
  });

  it('7. the exception with a criterion missing is refused with 422 naming it', async () => {
    const { urgency: _urgency, ...partial } = ATTESTED;
    const res = await request(
      police,
      locationOf({
        basis: 'life_safety',
        purpose: 'emergency',
        attestation: { criteria: partial, attestedAt: new Date().toISOString() },
      }),
    );
    const problem = expectProblem(res, 422, 'disclosure.attestation_incomplete');
    expect(problem.errors).toEqual([
      { property: 'attestation.criteria.urgency', constraints: ['mustBeAttested'] },
    ]);
  });

  it('8. bad input is a 4xx problem, and a case the agency has no part in answers 404', async () => {
    expectProblem(
      await request(police, locationOf({ categories: ['horoscope'] })),
      400,
      'disclosure.unknown_category',
    );
    expectProblem(
      await request(police, locationOf({ purpose: 'curiosity' })),
      400,
      'request.invalid',
    );
    expectProblem(await request(police, locationOf({ basis: 'hunch' })), 400, 'request.invalid');
    expectProblem(await request(police, locationOf({ extra: 1 })), 400, 'request.invalid');
    expectProblem(await request(outsider, locationOf()), 404, 'disclosure.case_not_found');
    expectProblem(
      await request(police, locationOf({ personId: '00000000-0000-4000-8000-000000000000' })),
      404,
      'disclosure.person_not_found',
    );
  });

  it("9. a health holder's item waits for its approval (pending); once approved, the next request releases it", async () => {
    const health = outsider;
    const admin = (): Promise<string> => table.token(['admin']);
    expect(
      (
        await app.request('PATCH', `/v1/agencies/${health.id}`, {
          token: await admin(),
          body: { privacyRegime: 'QC-R-22.1' },
        })
      ).status,
    ).toBe(200);
    await assign(app, table, caseId, health.id);
    const item = await app.request<{ id: string }>('POST', `/v1/cases/${caseId}/information`, {
      token: await health.token(['agency_user']),
      body: {
        personId: victimId,
        category: 'mental_health',
        fields: { suicide_risk: true },
        retainUntil: daysFromToday(365),
      },
    });
    expect(item.status).toBe(201);
    const created = await app.request<{ id: string }>('POST', '/v1/agreements', {
      token: await table.token(['coordinator']),
      body: agreementBody([health.id, police.id], {
        purposes: ['safety_planning'],
        flows: [{ fromAgencyId: health.id, toAgencyId: police.id, categories: ['mental_health'] }],
      }),
    });
    for (const party of [health, police]) {
      await app.request('POST', `/v1/agreements/${created.body.id}/signatures`, {
        token: await party.token(['legal_reviewer']),
        body: { version: 1 },
      });
    }
    await app.request('POST', `/v1/cases/${caseId}/consents`, {
      token: await health.token(['agency_user']),
      body: {
        personId: victimId,
        recipientAgencyIds: [police.id],
        categories: ['mental_health'],
        purposes: ['safety_planning'],
        howObtained: 'written',
        capacityNote: 'capable_presumed',
      },
    });
    const ask = (): Promise<{ body: Disclosure & { pending: { itemId: string }[] } }> =>
      request(police, locationOf({ categories: ['mental_health'] })) as never;

    const first = await ask();
    expect(first.body.outcome).toBe('pending');
    expect(first.body.released).toEqual([]);
    expect(first.body.pending).toEqual([
      expect.objectContaining({ itemId: item.body.id, holderAgencyId: health.id }),
    ]);
    // Only the holder approves.
    expectProblem(
      await app.request('POST', `/v1/decisions/${first.body.decisionId}/approvals`, {
        token: await police.token(['agency_user']),
        body: { itemId: item.body.id, approve: true },
      }),
      404,
      'disclosure.approval_not_found',
    );
    const approved = await app.request('POST', `/v1/decisions/${first.body.decisionId}/approvals`, {
      token: await health.token(['agency_user']),
      body: { itemId: item.body.id, approve: true },
    });
    expect(approved.status).toBe(200);
    expect(approved.headers.get('filet-audit-receipt')).toEqual(expect.any(String));

    const second = await ask();
    expect(second.body.outcome).toBe('permit');
    // The approval served that release; the next request waits for the holder again.
    const third = await ask();
    expect(third.body.outcome).toBe('pending');
    expect(second.body.released).toEqual([
      expect.objectContaining({ itemId: item.body.id, fields: { suicide_risk: true } }),
    ]);
  });
});
