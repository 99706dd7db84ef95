import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { consoleClient } from '../support/console.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The console's sessions and forms, over real HTTP (sign-in itself: test/browser). */
describe('console sessions', () => {
  let app: TestApp;
  let table: TestAgency;
  beforeAll(async () => {
    app = await startTestApp();
    table = await createAgency(app.dataSource, { sector: 'coordination' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('sends a visitor without a session to sign in, and back to the page asked for', async () => {
    const res = await fetch(`${app.baseUrl}/console/audit?caseId=x`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(
      `/console/sign-in?next=${encodeURIComponent('/console/audit?caseId=x')}`,
    );
    const signIn = await fetch(`${app.baseUrl}/console/sign-in`, {
      headers: { 'accept-language': 'en-CA,en;q=0.9' },
    });
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('content-security-policy')).toContain("script-src 'self'");
    const text = await signIn.text();
    expect(text).toContain('<html lang="en">');
    expect(text).toContain('No identity provider is configured');
  });

  it('signs out only with the form token, and the session then opens nothing', async () => {
    const client = await consoleClient(app, table.id, ['privacy_officer']);
    expect((await client.get('/console')).status).toBe(303);

    const forged = await client.post('/console/sign-out', {}, { csrf: 'x'.repeat(43) });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('console.csrf');
    const noToken = await client.post('/console/sign-out', {}, { csrf: null });
    expect(noToken.status).toBe(403);
    const otherSite = await client.post(
      '/console/sign-out',
      {},
      { origin: 'https://evil.example' },
    );
    expect(otherSite.status).toBe(403);

    const out = await client.post('/console/sign-out');
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/console/sign-in?signedOut=1');
    const after = await client.get('/console/policies');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/console\/sign-in\?next=/);
  });

  it('refuses a form posted to the API (415) and to the console without a session (401 page)', async () => {
    const api = await fetch(`${app.baseUrl}/v1/agencies`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect(api.status).toBe(415);
    const page = await fetch(`${app.baseUrl}/console/sign-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '_csrf=abc',
      redirect: 'manual',
    });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toContain('text/html');
  });
});
