import fc from 'fast-check';
import { BASES, PURPOSES } from '../../src/policy/facts.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { addPerson, assess, assign, moveTo, referCase } from '../factories/case.factory.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Property-based: whatever a client sends to the disclosure endpoints, the answer is a decision or a
 * 4xx problem with a code — never a 5xx — and a refused request leaves no decision behind.
 */
describe('disclosure endpoints under arbitrary input', () => {
  let app: TestApp;
  let police: TestAgency;
  let caseId: string;
  let victimId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const table = await createAgency(app.dataSource, { sector: 'coordination' });
    police = await createAgency(app.dataSource, { sector: 'police' });
    caseId = await referCase(app, police);
    victimId = await addPerson(app, police, caseId);
    await assess(app, police, caseId, { tool: 'odara', score: 9 });
    await moveTo(app, table, caseId, 'high_risk_confirmed');
    await assign(app, table, caseId, police.id);
  });
  afterAll(async () => {
    await app.close();
  });

  const field = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<T | Json> =>
    fc.oneof(
      { weight: 3, arbitrary: valid },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
    );

  const body = fc.record(
    {
      caseId: field(fc.constantFrom(() => caseId).map((f) => f())),
      personId: field(fc.oneof(fc.constant('victim'), fc.uuid())),
      categories: field(
        fc.array(fc.constantFrom('location', 'identity', 'health', 'location.shelter', 'x', ''), {
          maxLength: 4,
        }),
      ),
      purpose: field(fc.constantFrom(...PURPOSES, 'curiosity')),
      basis: field(fc.constantFrom(...BASES, 'hunch')),
      obligationId: field(fc.constantFrom('qc-youth-protection-report', 'nope')),
      attestation: field(
        fc.record({
          criteria: fc.dictionary(
            fc.constantFrom(
              'reasonable_cause',
              'serious_risk',
              'identified_person',
              'urgency',
              'other',
            ),
            fc.boolean(),
          ),
          attestedAt: fc.oneof(fc.constant(new Date().toISOString()), fc.string({ maxLength: 30 })),
        }),
      ),
      extra: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  );

  it('answers every body with a decision or a 4xx problem, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom('/v1/disclosures', '/v1/disclosures/dry-run'),
        async (raw, path) => {
          const sent = { ...raw, ...(raw.personId === 'victim' ? { personId: victimId } : {}) };
          const [{ before }] = await app.dataSource.query(
            'SELECT count(*)::int AS before FROM decision',
          );
          const res = await app.request('POST', path, {
            token: await police.token(['agency_user']),
            body: sent,
          });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            expect(res.body).toEqual(
              expect.objectContaining({ code: expect.any(String), status: res.status }),
            );
            const [{ after }] = await app.dataSource.query(
              'SELECT count(*)::int AS after FROM decision',
            );
            expect(after).toBe(before);
          } else {
            expect(['permit', 'partial', 'deny', 'pending']).toContain(
              (res.body as { outcome: string }).outcome,
            );
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});
