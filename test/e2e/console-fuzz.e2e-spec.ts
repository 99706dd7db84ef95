import fc from 'fast-check';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { auditSize } from '../support/audit-helpers.js';
import { domainDigest } from '../support/security-world.js';
import { consoleClient, type ConsoleClient } from '../support/console.js';
import { routeTable, type RouteEntry } from '../support/route-table.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Property-based, over every console page of the route table: whatever a query string, a path
 * parameter or a form holds, the console answers a page, a redirect or a 4xx page — never a 5xx —
 * and a refused form writes nothing. The session has every role of the table's coordinating
 * agency, so inputs that pass validation reach the services.
 */
const encode = (value: string): string => encodeURIComponent(value.replace(/\p{Cs}/gu, '\ufffd'));

const value: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e308',
    'null',
    'true',
    '2025-02-30',
    '9999-12-31T23:59:59Z',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-4fff-bfff-ffffffffffff',
    '\u0000',
    '\u202e',
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    'x'.repeat(5000),
    'life_safety',
    'permit',
    'upheld',
    'fr',
    'en',
  ),
);

const NAMES = [
  'agencyId',
  'caseId',
  'personId',
  'basis',
  'outcome',
  'from',
  'to',
  'before',
  'holder',
  'status',
  'overdue',
  'done',
  'days',
  'seq',
  'reason',
  'reasons',
  'outcome',
  'remediation',
  'note',
  'method',
  'decisionId',
  'mode',
  'bundleHash',
  'file',
  'content',
  'next',
  'to',
  'check',
  'lang',
];
const fields = fc.dictionary(fc.constantFrom(...NAMES), value, { maxKeys: 5 });

describe('console fuzzing', () => {
  let app: TestApp;
  let table: TestAgency;
  let client: ConsoleClient;
  let routes: RouteEntry[];

  beforeAll(async () => {
    app = await startTestApp();
    table = await createAgency(app.dataSource, { sector: 'coordination' });
    client = await consoleClient(app, table.id, [
      'coordinator',
      'privacy_officer',
      'legal_reviewer',
      'admin',
      'agency_user',
    ]);
    routes = routeTable(app.app).filter(
      (r) => r.path === '/console' || r.path.startsWith('/console/'),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  const fill = (path: string, param: string): string =>
    path.replace(/:(\w+)/g, () => encode(param));

  it('no query string or path parameter makes a console page fail (5xx)', async () => {
    const pages = routes.filter((r) => r.method === 'GET');
    expect(pages.length).toBeGreaterThan(5);
    const failures: unknown[] = [];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...pages), value, fields, async (route, param, query) => {
        const search = new URLSearchParams(
          Object.entries(query).map(([k, v]): [string, string] => [
            k,
            v.replace(/\p{Cs}/gu, '\ufffd'),
          ]),
        );
        const res = await client.get(`${fill(route.path, param)}?${search.toString()}`);
        if (res.status >= 500) failures.push({ route: route.path, status: res.status, query });
        return res.status < 500;
      }),
      { numRuns: 150 },
    );
    expect(failures).toEqual([]);
  });

  it('no form makes a console action fail (5xx), and a refused one records nothing but its refusal', async () => {
    const actions = routes.filter((r) => r.method === 'POST' && r.path !== '/console/sign-out');
    expect(actions.length).toBeGreaterThan(3);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...actions), value, fields, async (route, param, form) => {
        const before = await auditSize(app);
        const digest = await domainDigest(app);
        const res = await client.post(
          fill(route.path, param),
          Object.fromEntries(
            Object.entries(form).map(([k, v]) => [k, v.replace(/\p{Cs}/gu, '\ufffd')]),
          ),
        );
        if (res.status >= 500) return false;
        if (res.status < 400) return true;
        // A refusal may be recorded (e.g. a forbidden upload): one record at most, and no change.
        expect(await domainDigest(app)).toEqual(digest);
        return (await auditSize(app)) - before <= 1;
      }),
      { numRuns: 120 },
    );
  });
});
