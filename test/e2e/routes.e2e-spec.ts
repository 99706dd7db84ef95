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
});
