import { escapeHtml } from '../../src/console/html.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { contributeItem, highRiskCase, VICTIM_LOCATION } from '../factories/case.factory.js';
import {
  consentToShareLocation,
  disclose,
  exceptionRequest,
} from '../factories/disclosure.factory.js';
import { consoleClient, EN } from '../support/console.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';

/** The totals row of a chart's table of figures: series key → number. */
function totals(text: string, chart: 'basis' | 'outcome' | 'exceptions'): Record<string, number> {
  const table = new RegExp(`<table id="chart-${chart}-table">([\\s\\S]*?)</table>`).exec(text);
  if (!table) throw new Error(`no table for ${chart}`);
  const foot = /<tfoot>([\s\S]*?)<\/tfoot>/.exec(table[1])![1];
  return Object.fromEntries(
    [...foot.matchAll(/data-series="(\w+)">\s*([^<]*?)\s*</g)].map((m) => [m[1], Number(m[2])]),
  );
}

/** The number on a summary card. */
function card(text: string, id: 'decisions' | 'exceptions' | 'reviews' | 'alerts'): number {
  const found = new RegExp(`id="card-${id}"[\\s\\S]*?<p class="value">([^<]*)</p>`).exec(text);
  if (!found) throw new Error(`no card ${id}`);
  return Number(found[1].trim());
}

/** Rows of a chart's table (one per day). */
function dayRows(text: string, chart: string): number {
  const table = new RegExp(`<table id="chart-${chart}-table">([\\s\\S]*?)</table>`).exec(text)!;
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table[1])![1];
  return [...body.matchAll(/<tr>/g)].length;
}

/**
 * The dashboard over real HTTP, on disclosures made through the API: a consent-based release, a
 * refusal, a life/safety exception (which opens a review) and a risk change alert.
 */
describe('console: dashboard', () => {
  let app: TestApp;
  let table: TestAgency;
  let police: TestAgency;
  let shelter: TestAgency;
  let outsider: TestAgency;

  /** Risk-change alerts not yet acknowledged in an agency's inbox (GET /v1/inbox). */
  const inboxAlerts = async (agency: TestAgency): Promise<number> => {
    const inbox = await ok(
      app.request<{ items: { kind: string }[] }>('GET', '/v1/inbox?limit=200', {
        token: await agency.token(['agency_user']),
      }),
      'inbox',
    );
    return inbox.items.filter((i) => i.kind === 'risk_change').length;
  };

  beforeAll(async () => {
    app = await startTestApp();
    table = await createAgency(app.dataSource, { sector: 'coordination' });
    police = await createAgency(app.dataSource, { sector: 'police' });
    shelter = await createAgency(app.dataSource, { sector: 'shelter' });
    outsider = await createAgency(app.dataSource, { sector: 'health' });
    const { caseId, victimId } = await highRiskCase(app, {
      referrer: police,
      coordinator: table,
      assigned: [police, shelter],
    });
    await contributeItem(app, shelter, caseId, {
      personId: victimId,
      category: 'location',
      fields: VICTIM_LOCATION,
    });
    await consentToShareLocation(app, {
      coordinator: table,
      holder: shelter,
      recipient: police,
      caseId,
      personId: victimId,
    });
    const decide = (body: Record<string, unknown>, path?: string) =>
      disclose<{ outcome: string }>(
        app,
        police,
        { caseId, personId: victimId, purpose: 'safety_planning', ...body },
        { path },
      );
    expect((await decide({ categories: ['location'], basis: 'consent' })).outcome).toBe('permit');
    // Nothing of this category is held: refused.
    expect((await decide({ categories: ['weapons'], basis: 'consent' })).outcome).toBe('deny');
    const exception = await decide(exceptionRequest(caseId, victimId));
    expect(exception.outcome).toBe('permit');
    // A dry run is not a disclosure: not counted.
    await decide({ categories: ['location'], basis: 'consent' }, '/v1/disclosures/dry-run');
    const change = await ok(
      app.request<{ alerted: number }>('POST', `/v1/cases/${caseId}/risk-changes`, {
        token: await police.token(['agency_user']),
        body: { kind: 'release_from_custody', occurredAt: new Date().toISOString() },
      }),
      'risk change',
    );
    expect(change.alerted).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await app.close();
  });

  it("the table's privacy officer sees every agency's decisions and reviews, and its own agency's alerts", async () => {
    const officer = await consoleClient(app, table.id, ['privacy_officer']);
    const page = await officer.get('/console/dashboard');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Tableau de bord</h1>');
    expect(totals(page.text, 'basis')).toEqual({
      consent: 2,
      life_safety: 1,
      legal_obligation: 0,
      total: 3,
    });
    expect(totals(page.text, 'outcome')).toEqual({
      permit: 2,
      partial: 0,
      deny: 1,
      pending: 0,
      total: 3,
    });
    expect(totals(page.text, 'exceptions')).toEqual({ life_safety: 1, total: 1 });
    expect(card(page.text, 'decisions')).toBe(3);
    expect(card(page.text, 'exceptions')).toBe(1);
    expect(card(page.text, 'reviews')).toBeGreaterThanOrEqual(1);
    // As GET /v1/inbox: its own agency's alerts, not every agency's.
    expect(card(page.text, 'alerts')).toBe(await inboxAlerts(table));
    expect(page.text).toContain('Toute la table');
    // 30 days by default, one row per day in the figures.
    expect(dayRows(page.text, 'basis')).toBe(30);

    // Charts: SVG images with their title and description, a legend, no inline style.
    expect(page.text).toMatch(
      /<svg\s+class="chart"\s+role="img"\s+aria-labelledby="chart-basis-title chart-basis-desc"/,
    );
    expect(page.text).toContain(
      '<title id="chart-basis-title">Décisions par jour, selon la base</title>',
    );
    expect(page.text).toMatch(/<desc id="chart-outcome-desc">[^<]*3 décision\(s\)/);
    expect(page.text).toMatch(/<ul class="legend"[^>]*>\s*<li>\s*<span class="swatch s1 plain"/);
    expect(page.text).not.toMatch(/\sstyle=/);
    expect(page.text).toContain('<summary>Les chiffres (tableau)</summary>');
  });

  it("the coordinating agency's coordinator does not count other agencies' decisions, nor reviews it cannot read", async () => {
    const coordinator = await consoleClient(app, table.id, ['coordinator']);
    const page = await coordinator.get('/console/dashboard');
    expect(page.status).toBe(200);
    expect(card(page.text, 'decisions')).toBe(0);
    expect(card(page.text, 'exceptions')).toBe(0);
    expect(() => card(page.text, 'reviews')).toThrow('no card reviews');
    expect(card(page.text, 'alerts')).toBe(await inboxAlerts(table));
    expect(totals(page.text, 'outcome')).toEqual(expect.objectContaining({ total: 0 }));
  });

  it('a holder sees only its part: the exception use that released its item, reviews of its decisions, its own alerts', async () => {
    const officer = await consoleClient(app, shelter.id, ['privacy_officer']);
    const page = await officer.get('/console/dashboard?days=7', EN);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Dashboard</h1>');
    expect(page.text).toContain(escapeHtml("Your agency's part only"));
    // Another agency's requests are not the shelter's to count (its releases are in its register);
    // the exception use that released its item is.
    expect(totals(page.text, 'basis')).toEqual({
      consent: 0,
      life_safety: 0,
      legal_obligation: 0,
      total: 0,
    });
    expect(card(page.text, 'exceptions')).toBe(1);
    expect(card(page.text, 'reviews')).toBe(1);
    const alerts = await inboxAlerts(shelter);
    expect(alerts).toBe(1);
    expect(card(page.text, 'alerts')).toBe(alerts);
    expect(dayRows(page.text, 'outcome')).toBe(7);
    expect(page.text).toContain(
      '<title id="chart-basis-title">Decisions per day, by basis</title>',
    );
    expect(page.text).toContain('<summary>The figures (table)</summary>');
    // The requester's coordinator: all three of its decisions, none of the alerts (it reported).
    const requester = await consoleClient(app, police.id, ['coordinator']);
    const asPolice = await requester.get('/console/dashboard?days=90');
    expect(totals(asPolice.text, 'outcome')).toEqual(
      expect.objectContaining({ permit: 2, deny: 1, total: 3 }),
    );
    expect(card(asPolice.text, 'alerts')).toBe(await inboxAlerts(police));
    expect(dayRows(asPolice.text, 'basis')).toBe(90);
  });

  it('an agency with no part in anything sees zeros', async () => {
    const coordinator = await consoleClient(app, outsider.id, ['coordinator']);
    const page = await coordinator.get('/console/dashboard');
    expect(page.status).toBe(200);
    for (const id of ['decisions', 'exceptions', 'alerts'] as const) {
      expect(card(page.text, id)).toBe(0);
    }
    const officer = await consoleClient(app, outsider.id, ['privacy_officer']);
    expect(card((await officer.get('/console/dashboard')).text, 'reviews')).toBe(0);
    expect(totals(page.text, 'basis')).toEqual({
      consent: 0,
      life_safety: 0,
      legal_obligation: 0,
      total: 0,
    });
    expect(page.text).toContain('<title id="chart-exceptions-title">');
  });

  it('records each read in the audit log', async () => {
    const before = await ok(
      app.request<{ items: unknown[] }>('GET', '/v1/audit/records?action=dashboard.read', {
        token: await table.token(['privacy_officer']),
      }),
      'records',
    );
    const officer = await consoleClient(app, table.id, ['privacy_officer'], 'officer-table');
    expect((await officer.get('/console/dashboard?days=30')).status).toBe(200);
    const after = await ok(
      app.request<{ items: { record: Record<string, unknown> }[] }>(
        'GET',
        '/v1/audit/records?action=dashboard.read',
        { token: await table.token(['privacy_officer']) },
      ),
      'records',
    );
    expect(after.items).toHaveLength(before.items.length + 1);
    expect(after.items[0].record).toEqual(
      expect.objectContaining({
        action: 'dashboard.read',
        outcome: 'success',
        actor: expect.objectContaining({ agencyId: table.id, subject: 'officer-table' }),
      }),
    );
  });

  it('refuses a bad period and other roles with a page, never a 500', async () => {
    const coordinator = await consoleClient(app, table.id, ['coordinator']);
    for (const bad of ['days=5', 'days=abc', 'days=', 'days=30&days=7', 'other=1']) {
      const res = await coordinator.get(`/console/dashboard?${bad}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.text).toContain('request.invalid');
    }
    const reviewer = await consoleClient(app, table.id, ['legal_reviewer', 'agency_user']);
    expect((await reviewer.get('/console/dashboard')).status).toBe(403);
  });
});
