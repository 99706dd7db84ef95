import {
  createAgency,
  generateTestKey,
  registrationBody,
  type TestAgency,
} from '../factories/agency.factory.js';
import { auditSize } from '../support/audit-helpers.js';
import { routeTable } from '../support/route-table.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Who may reach every route. A change here is a change to who can read or write what: it must show
 * in review, so the expected table is written out in full.
 */
describe('route access table', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists every route with its declared access', () => {
    expect(routeTable(app.app).map((r) => `${r.method} ${r.path} -> ${r.access}`)).toEqual([
      'GET /health -> public',
      'GET /health/ready -> public',
      'GET /v1/agencies -> authenticated',
      'POST /v1/agencies -> roles:admin',
      'GET /v1/agencies/:id -> authenticated',
      'PATCH /v1/agencies/:id -> roles:admin',
      'GET /v1/agencies/:id/keys -> authenticated',
      'POST /v1/agencies/:id/keys -> roles:admin',
      'POST /v1/agencies/:id/keys/:kid/revoke -> roles:admin',
      'POST /v1/agencies/:id/reactivate -> roles:admin',
      'POST /v1/agencies/:id/suspend -> roles:admin',
      'GET /v1/audit/checkpoints -> authenticated',
      'POST /v1/audit/checkpoints -> roles:privacy_officer|admin',
      'GET /v1/audit/checkpoints/latest -> authenticated',
      'GET /v1/audit/consistency -> authenticated',
      'GET /v1/audit/export -> roles:privacy_officer',
      'GET /v1/audit/holds -> roles:privacy_officer',
      'POST /v1/audit/holds -> roles:privacy_officer',
      'POST /v1/audit/holds/:id/release -> roles:privacy_officer',
      'GET /v1/audit/keys -> authenticated',
      'GET /v1/audit/records -> roles:privacy_officer',
      'GET /v1/audit/records/:seq -> roles:privacy_officer',
      'GET /v1/audit/records/:seq/proof -> authenticated',
      'GET /v1/audit/register -> roles:privacy_officer',
      'GET /v1/audit/verify -> roles:privacy_officer',
      'GET /v1/persons/:id/disclosure-report -> roles:privacy_officer',
    ]);
  });

  it('every route that is not public answers 401 without a token, over real HTTP', async () => {
    const guarded = routeTable(app.app).filter((r) => r.access !== 'public');
    expect(guarded.length).toBeGreaterThan(0);
    for (const route of guarded) {
      const path = route.path
        .replace(':id', '00000000-0000-4000-8000-000000000000')
        .replace(':kid', 'k1');
      const res = await app.request(route.method, path, {
        body: route.method === 'GET' ? undefined : {},
      });
      expect({
        route: `${route.method} ${route.path}`,
        status: res.status,
        code: res.body?.code,
      }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
        code: 'auth.missing_token',
      });
    }
  });

  it('the OpenAPI document covers every route, and /docs serves it', async () => {
    const doc = await app.request<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/docs-json',
    );
    expect(doc.status).toBe(200);
    for (const route of routeTable(app.app)) {
      const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
      expect({
        route: openApiPath,
        documented: Boolean(doc.body.paths[openApiPath]?.[route.method.toLowerCase()]),
      }).toEqual({
        route: openApiPath,
        documented: true,
      });
    }
    const ui = await app.request('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toContain('text/html');
  });

  /**
   * DESIGN §4: every change is recorded. Each state-changing route has a valid call here; a new route
   * without one fails this test, and so does one whose call commits without an audit record.
   */
  it('every state-changing route writes an audit record and returns its receipt', async () => {
    const admin: TestAgency = await createAgency(app.dataSource, { sector: 'coordination' });
    const target: TestAgency = await createAgency(app.dataSource, { sector: 'shelter' });
    const extraKey = await generateTestKey('EdDSA');
    let lastBody: Record<string, unknown> = {};
    const holdId = (): string => String(lastBody.id);
    type Call = { path: string; body?: unknown; roles: Parameters<TestAgency['token']>[0] };
    const validCalls: Record<string, () => Call> = {
      'POST /v1/agencies': () => ({
        path: '/v1/agencies',
        body: registrationBody(),
        roles: ['admin'],
      }),
      'PATCH /v1/agencies/:id': () => ({
        path: `/v1/agencies/${target.id}`,
        body: { jurisdiction: 'CA-ON' },
        roles: ['admin'],
      }),
      'POST /v1/agencies/:id/suspend': () => ({
        path: `/v1/agencies/${target.id}/suspend`,
        body: { reason: 'administrative' },
        roles: ['admin'],
      }),
      'POST /v1/agencies/:id/reactivate': () => ({
        path: `/v1/agencies/${target.id}/reactivate`,
        body: { reason: 'administrative' },
        roles: ['admin'],
      }),
      'POST /v1/agencies/:id/keys': () => ({
        path: `/v1/agencies/${target.id}/keys`,
        body: { keys: [{ kid: extraKey.kid, jwk: extraKey.publicJwk }] },
        roles: ['admin'],
      }),
      'POST /v1/agencies/:id/keys/:kid/revoke': () => ({
        path: `/v1/agencies/${target.id}/keys/${extraKey.kid}/revoke`,
        body: { reason: 'superseded' },
        roles: ['admin'],
      }),
      'POST /v1/audit/checkpoints': () => ({
        path: '/v1/audit/checkpoints',
        roles: ['privacy_officer'],
      }),
      // Holds the record of the first change above (seq 0 of this test's log), then releases it.
      'POST /v1/audit/holds': () => ({
        path: '/v1/audit/holds',
        body: { seq: 0, reason: 'investigation' },
        roles: ['privacy_officer'],
      }),
      'POST /v1/audit/holds/:id/release': () => ({
        path: `/v1/audit/holds/${holdId()}/release`,
        roles: ['privacy_officer'],
      }),
    };
    // Suspension must come before reactivation, and a key must exist before it is revoked.
    const order = Object.keys(validCalls);
    const changing = routeTable(app.app)
      .filter((r) => r.method !== 'GET')
      .map((r) => `${r.method} ${r.path}`)
      .sort((a, b) => order.indexOf(a) - order.indexOf(b));
    for (const route of changing) {
      expect({ route, hasValidCall: route in validCalls }).toEqual({ route, hasValidCall: true });
      const call = validCalls[route]();
      const before = await auditSize(app);
      const res = await app.request(route.split(' ')[0], call.path, {
        token: await admin.token(call.roles),
        body: call.body,
      });
      expect({ route, status: res.status }).toEqual({ route, status: expect.any(Number) });
      expect(res.status).toBeLessThan(300);
      lastBody = res.body;
      expect({ route, receipt: typeof res.headers.get('filet-audit-receipt') }).toEqual({
        route,
        receipt: 'string',
      });
      expect({ route, recorded: (await auditSize(app)) - before }).toEqual({ route, recorded: 1 });
    }
  });
});
