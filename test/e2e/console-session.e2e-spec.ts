import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { ConsoleSessions, SESSION_COOKIE } from '../../src/console/console-sessions.service.js';
import { IdentityProviders } from '../../src/console/identity-providers.js';
import { auditSize, superuser } from '../support/audit-helpers.js';
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

  it('a link from another site to a console page reads and records nothing until the person follows it', async () => {
    const client = await consoleClient(app, table.id, ['privacy_officer']);
    const before = await auditSize(app);
    const crossed = await client.get('/console/policies', { 'sec-fetch-site': 'cross-site' });
    expect(crossed.status).toBe(403);
    expect(crossed.text).toContain('console.cross_site');
    expect(crossed.text).toContain('href="/console/policies"');
    expect(await auditSize(app)).toBe(before);
    for (const site of ['same-origin', 'none']) {
      expect((await client.get('/console/policies', { 'sec-fetch-site': site })).status).toBe(200);
    }
  });

  it('a session cookie that opens nothing is recorded once, cleared, and limited per address', async () => {
    const before = await auditSize(app);
    const forged = `${SESSION_COOKIE}=${'A'.repeat(43)}`;
    const res = await fetch(`${app.baseUrl}/console/policies`, {
      headers: { cookie: forged },
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toContain(`${SESSION_COOKIE}=; Path=/; Max-Age=0`);
    expect((await auditSize(app)) - before).toBe(1);
    // No cookie at all: sent to sign in, nothing to record.
    await fetch(`${app.baseUrl}/console/policies`, { redirect: 'manual' });
    expect((await auditSize(app)) - before).toBe(1);
  });

  it('a suspended agency’s sessions end at once, and stay ended if it is reactivated', async () => {
    const agency = await createAgency(app.dataSource, { sector: 'police' });
    const client = await consoleClient(app, agency.id, ['privacy_officer']);
    expect((await client.get('/console/policies')).status).toBe(200);
    for (const action of ['suspend', 'reactivate']) {
      const res = await app.request('POST', `/v1/agencies/${agency.id}/${action}`, {
        token: await table.token(['admin']),
        body: { reason: 'administrative' },
      });
      expect(res.status).toBe(200);
    }
    expect((await client.get('/console/policies')).status).toBe(303);
  });

  it('forgets ended and expired sessions a day later', async () => {
    const ended = await consoleClient(app, table.id, ['privacy_officer']);
    const live = await consoleClient(app, table.id, ['privacy_officer']);
    const db = await superuser(app);
    try {
      await db.query(
        `UPDATE console_session SET ended_at = now() - interval '2 days' WHERE id = $1`,
        [ended.sessionId],
      );
      await app.app.get(ConsoleSessions).purge();
      const rows = await db.query<{ id: string }>(
        `SELECT id FROM console_session WHERE id = ANY($1)`,
        [[ended.sessionId, live.sessionId]],
      );
      expect(rows.rows.map((r) => r.id)).toEqual([live.sessionId]);
    } finally {
      await db.end();
    }
  });

  it('asks for the agency’s code rather than listing the table’s agencies, and goes on to its provider', async () => {
    const providers = app.app.get(IdentityProviders);
    providers.use([
      {
        agency: table.code,
        issuer: 'https://login.invalid',
        clientId: 'filet',
        scope: 'openid',
        rolesClaim: 'groups',
        roles: { officers: 'privacy_officer' },
      },
    ]);
    const page = await fetch(`${app.baseUrl}/console/sign-in?next=/console/audit`, {
      headers: { 'accept-language': 'en' },
    });
    const text = await page.text();
    expect(text).toContain('<label for="agency-code">Your agency&#39;s code</label>');
    expect(text).not.toContain(`/console/sign-in/${table.code}`);
    const res = await fetch(
      `${app.baseUrl}/console/sign-in/agency?agency=${table.code}&next=${encodeURIComponent('/console/audit')}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(
      `/console/sign-in/${table.code}?next=${encodeURIComponent('/console/audit')}`,
    );
    // Its provider cannot be reached: a clear 503 page, nothing half-done.
    const start = await fetch(`${app.baseUrl}${res.headers.get('location')}`, {
      redirect: 'manual',
    });
    expect(start.status).toBe(503);
    expect(await start.text()).toContain('console.identity_provider_unavailable');
    // An agency without a provider: 404.
    const other = await fetch(`${app.baseUrl}/console/sign-in/no-such-agency`, {
      redirect: 'manual',
    });
    expect(other.status).toBe(404);
    expect(await other.text()).toContain('console.unknown_identity_provider');
    providers.use([]);
    for (const bad of ['Police VSL', '', '../x']) {
      const refused = await fetch(
        `${app.baseUrl}/console/sign-in/agency?agency=${encodeURIComponent(bad)}`,
        { redirect: 'manual' },
      );
      expect({ bad, status: refused.status }).toEqual({ bad, status: 400 });
    }
  });
});
