import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  AXE_VERSION,
  axeViolations,
  launchChromium,
  newContext,
  type AxeViolation,
} from '../support/browser.js';
import pg from 'pg';
import { freePort, spawnNode, type Spawned } from '../support/processes.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// Compiled entry points, as `npm start` and `npm run demo` run them (`npm test` builds first).
const MAIN = 'dist/src/main.js';
const DEMO = 'dist/src/cli/demo.js';
const TOKEN = 'dist/src/cli/token.js';
/** Screenshots of every page in both languages, kept after the run. */
export const SCREENSHOTS = join('test-results', 'console');

type Lang = 'fr' | 'en';
const LOCALE = { fr: 'fr-CA', en: 'en-CA' } as const;

interface Staff {
  readonly agency: { fr: string; en: string };
  readonly name: string;
}
const TABLE = {
  fr: "Cellule d'intervention rapide de Val-Saint-Loup",
  en: 'Val-Saint-Loup Rapid Intervention Unit',
};
const PRIVACY_OFFICER: Staff = { agency: TABLE, name: 'Nadia Ouellet' };
const LEGAL_REVIEWER: Staff = { agency: TABLE, name: 'Julien Paradis' };
const COORDINATOR: Staff = { agency: TABLE, name: 'Chantal Fortin' };
const POLICE = { fr: 'Service de police de Val-Saint-Loup', en: 'Val-Saint-Loup Police Service' };
const POLICE_PRIVACY_OFFICER: Staff = { agency: POLICE, name: 'Marc-André Gagnon' };

/**
 * The console as a newcomer meets it: the real broker (`npm start`'s entry point) with the demo
 * network and the demo OpenID provider, the demo story played through the API, then Debian's
 * Chromium driven by Playwright — sign-in through the provider, every page, both languages,
 * axe-core on each, screenshots kept in test-results/console.
 */
describe('console in a real browser', () => {
  let database: TestDatabase;
  let varDir: string;
  let broker: Spawned;
  let base: string;
  let browser: Browser;
  let env: Record<string, string>;
  /** The person of the demo story whose information was released the most: Mr B. */
  let personId: string;
  const axeResults: { page: string; lang: Lang; violations: AxeViolation[] }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    varDir = await mkdtemp(join(tmpdir(), 'filet-console-e2e-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      NODE_ENV: 'development',
      FILET_VAR_DIR: varDir,
      PORT: String(port),
      FILET_DEMO_IDP_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    };
    broker = spawnNode(MAIN, [], { ...env, DATABASE_URL: database.url, FILET_DEMO_SEED: 'true' });
    await broker.waitFor(/Filet is ready/);
    const demo = spawnNode(DEMO, ['--lang', 'en'], env);
    expect(await demo.exited()).toBe(0);
    // This run's pictures only.
    await rm(SCREENSHOTS, { recursive: true, force: true });
    await mkdir(SCREENSHOTS, { recursive: true });
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const rows = await db.query<{ person_id: string }>(
        `SELECT person_id FROM decision WHERE outcome IN ('permit', 'partial') AND NOT dry_run
          GROUP BY person_id ORDER BY count(*) DESC LIMIT 1`,
      );
      personId = rows.rows[0].person_id;
    } finally {
      await db.end();
    }
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    broker?.child.kill('SIGKILL');
    await broker?.exited();
    await database?.drop();
    await rm(varDir, { recursive: true, force: true });
  });

  /** Signs in through the demo provider, as a person would: the agency, then the person. */
  async function signIn(
    staff: Staff,
    lang: Lang = 'fr',
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await newContext(browser, LOCALE[lang]);
    const page = await context.newPage();
    await page.goto(`${base}/console`);
    expect(page.url()).toContain('/console/sign-in');
    await page.getByRole('link', { name: staff.agency[lang] }).click();
    await page.getByRole('button', { name: new RegExp(staff.name) }).click();
    await page.waitForURL(
      (url) =>
        url.origin === base &&
        url.pathname.startsWith('/console/') &&
        !url.pathname.startsWith('/console/sign-in') &&
        // The page that moves on by itself once the session is open.
        url.pathname !== '/console/callback',
    );
    return { context, page };
  }

  async function agencyId(code: string): Promise<string> {
    const { agencyId: id } = JSON.parse(
      await readFile(join(varDir, 'keys', `${code}.json`), 'utf8'),
    ) as { agencyId: string };
    return id;
  }

  /** A call to the API with a demo token, as an agency's system makes it. */
  async function api(
    agency: string,
    roles: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const minted = spawnNode(
      TOKEN,
      ['--agency', agency, '--sub', 'system-1', '--roles', roles],
      env,
    );
    expect(await minted.exited()).toBe(0);
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${minted.output().trim()}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function check(page: Page, name: string, lang: Lang): Promise<void> {
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    axeResults.push({ page: name, lang, violations: await axeViolations(page) });
    // JPEG: a whole page of text stays legible at a fraction of a PNG's size.
    await page.screenshot({
      path: join(SCREENSHOTS, `${name}.${lang}.jpg`),
      fullPage: true,
      type: 'jpeg',
      quality: 80,
    });
  }

  it('signs in through the demo OpenID provider as each role, in the browser’s language', async () => {
    for (const [staff, role, landing] of [
      [PRIVACY_OFFICER, 'responsable de la protection des renseignements', '/console/dashboard'],
      [LEGAL_REVIEWER, 'révision juridique', '/console/reviews'],
      [COORDINATOR, 'coordination', '/console/dashboard'],
    ] as const) {
      const { context, page } = await signIn(staff);
      expect(new URL(page.url()).pathname).toBe(landing);
      const header = page.locator('header.top');
      await expect(header.textContent()).resolves.toContain(staff.name);
      await expect(header.textContent()).resolves.toContain(role);
      await context.close();
    }
  });

  it('shows the policies in plain language, in French and in English', async () => {
    for (const lang of ['fr', 'en'] as const) {
      const { context, page } = await signIn(PRIVACY_OFFICER, lang);
      await page.goto(`${base}/console/policies`);
      await expect(page.locator('#rule-R-DEFAULT-DENY').textContent()).resolves.toContain(
        lang === 'fr' ? "Rien n'est communiqué" : 'Nothing is disclosed unless a rule allows it.',
      );
      await check(page, 'policies', lang);
      await context.close();
    }
  });

  it('a privacy officer finds a disclosure, reads its explanation, checks its proof, verifies the log', async () => {
    const { context, page } = await signIn(PRIVACY_OFFICER, 'en');
    // A checkpoint first, from the integrity page, so that every record of the story is covered.
    await page.getByRole('link', { name: 'Log integrity' }).click();
    await page.getByRole('button', { name: 'Issue a checkpoint now' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Checkpoint issued.');
    await page.getByRole('button', { name: 'Verify now' }).click();
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Log intact: everything verifies.',
    );

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Basis').selectOption('life_safety');
    await page.getByLabel('Action (code)').fill('disclosure.decide');
    await page.getByRole('button', { name: 'Search' }).click();
    const records = page.locator('main a[href^="/console/audit/records/"]');
    expect(await records.count()).toBeGreaterThan(0);
    await records.first().click();
    const main = page.locator('main');
    // The exception explained: the rules with their plain text, and what was attested.
    await expect(main.textContent()).resolves.toContain('life or safety exception');
    await expect(main.textContent()).resolves.toContain(
      "The protection exception: every criterion of the holder regime's test is attested",
    );
    await expect(main.textContent()).resolves.toContain('Criteria attested by the requester');
    await expect(main.textContent()).resolves.toContain(
      'Serious risk of death or serious bodily injury',
    );
    await page.getByRole('button', { name: 'Check inclusion' }).click();
    await expect(main.textContent()).resolves.toContain(
      'Verified: the record is included in the signed log.',
    );
    await check(page, 'audit-record', 'en');
    await context.close();
  });

  it('a privacy officer holds a line of a subject access report for safety, then releases it', async () => {
    const { context, page } = await signIn(PRIVACY_OFFICER, 'fr');
    page.on('dialog', (dialog) => void dialog.accept());
    await page.getByRole('link', { name: "Demandes d'accès" }).click();
    await page.getByLabel('Identifiant de la personne (uuid)').fill(personId);
    await page.getByRole('button', { name: 'Produire le rapport' }).click();
    const lines = page.locator('main form[action="/console/access/holds"]');
    const before = await lines.count();
    expect(before).toBeGreaterThan(0);
    await lines.first().getByRole('button', { name: 'Retenir cette ligne' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/retenue/i);
    expect(await lines.count()).toBe(before - 1);
    const release = page.locator('main form[action$="/release"]');
    expect(await release.count()).toBeGreaterThan(0);
    await release.first().getByRole('button').click();
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/levée/i);
    expect(await lines.count()).toBe(before);
    expect(await release.count()).toBe(0);
    await context.close();
  });

  it('a privacy officer exports a register as CSV', async () => {
    const { context, page } = await signIn(PRIVACY_OFFICER, 'en');
    await page.goto(`${base}/console/register`);
    await page.getByLabel('Holder agency').selectOption({ label: POLICE.en });
    await page.getByRole('button', { name: 'Show' }).click();
    const rows = await page.locator('main table tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Download the register as CSV/ }).click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(
      'seq,date,holderAgencyId,recipientAgencyId,categories,purpose,basis,reasonCodes,caseId,decisionId',
    );
    expect(lines).toHaveLength(rows + 1);
    expect(download.suggestedFilename()).toMatch(/^register-.*\.csv$/);
    await context.close();
  });

  it('a legal reviewer decides a review flagged by a privacy officer', async () => {
    const decided = await api('cir-vsl', 'privacy_officer', 'GET', '/v1/reviews?status=decided');
    const decisionId = (decided.body as unknown as { decisionId: string }[])[0].decisionId;
    const flagged = await api('cir-vsl', 'privacy_officer', 'POST', '/v1/reviews', {
      decisionId,
      reason: 'not_necessary',
      note: 'Le lieu d’hébergement était-il nécessaire ?',
    });
    expect(flagged.status).toBe(201);

    const { context, page } = await signIn(LEGAL_REVIEWER, 'fr');
    page.on('dialog', (dialog) => void dialog.accept());
    expect(new URL(page.url()).pathname).toBe('/console/reviews');
    await page
      .locator(`main a[href="/console/reviews/${String(flagged.body.id)}"]`)
      .first()
      .click();
    await check(page, 'review', 'fr');
    await page.getByLabel('Confirmée (justifiée)').check();
    await page
      .getByLabel('Motifs (obligatoires)')
      .fill('Nécessaire à la planification de la sécurité.');
    await page.getByRole('button', { name: 'Enregistrer le résultat' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain(
      'Le résultat est enregistré et inscrit au journal.',
    );
    await expect(page.locator('main').textContent()).resolves.toContain('Confirmée (justifiée)');
    expect(await page.locator(`form[action$="/decision"]`).count()).toBe(0);
    const review = await api(
      'cir-vsl',
      'legal_reviewer',
      'GET',
      `/v1/reviews/${String(flagged.body.id)}`,
    );
    expect(review.body).toMatchObject({ status: 'decided', outcome: 'upheld' });
    await context.close();
  });

  it('a coordinator sees neither the audit pages nor the registers; another agency’s officer sees none of the shelter’s', async () => {
    const { context, page } = await signIn(COORDINATOR, 'en');
    const nav = await page.locator('nav').textContent();
    expect(nav).toContain('Dashboard');
    expect(nav).not.toContain('Audit log');
    expect(nav).not.toContain('Register');
    for (const path of [
      '/console/audit',
      '/console/register',
      `/console/access?personId=${personId}`,
    ]) {
      const res = await page.goto(`${base}${path}`);
      expect({ path, status: res?.status() }).toEqual({ path, status: 403 });
    }
    await context.close();

    const police = await signIn(POLICE_PRIVACY_OFFICER, 'en');
    const shelter = await police.page.goto(`${base}/console/register`);
    expect(shelter?.status()).toBe(200);
    const options = await police.page
      .getByLabel('Holder agency')
      .locator('option')
      .allTextContents();
    const res = await police.page.goto(
      `${base}/console/register?holder=${await agencyId('maison-aube')}`,
    );
    expect({ options: options.length > 0, status: res?.status() }).toEqual({
      options: true,
      status: 404,
    });
    await police.context.close();
  });

  it('refuses a form without the session’s token, and one posted from another site', async () => {
    const { context, page } = await signIn(PRIVACY_OFFICER, 'en');
    const bare = await page.request.post(`${base}/console/integrity/checkpoints`, {
      form: {},
      maxRedirects: 0,
    });
    expect(bare.status()).toBe(403);
    expect(await bare.text()).toContain('console.csrf');

    // A page on another origin that posts a form to the console as soon as it opens.
    const attacker: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<form id="f" method="post" action="${base}/console/sign-out"><input name="_csrf" value="guess"></form><script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${base}/console/sign-out`),
        page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`),
      ]);
      expect(answer.status()).toBe(403);
    } finally {
      attacker.close();
    }
    // Still signed in: the forged sign-out did nothing.
    const still = await page.goto(`${base}/console/policies`);
    expect(still?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/console/policies');
    await context.close();
  });

  it('every page, in French and in English: screenshots and axe-core', async () => {
    const reviews = await api('cir-vsl', 'legal_reviewer', 'GET', '/v1/reviews');
    const reviewId = (reviews.body as unknown as { id: string }[])[0].id;
    const record = await api(
      'cir-vsl',
      'privacy_officer',
      'GET',
      '/v1/audit/records?action=disclosure.decide&basis=life_safety&limit=1',
    );
    const seq = (record.body.items as { seq: number }[])[0].seq;
    const pages: [string, string][] = [
      ['dashboard', '/console/dashboard'],
      ['audit', '/console/audit?basis=life_safety'],
      ['audit-record', `/console/audit/records/${seq}?check=proof`],
      ['integrity', '/console/integrity'],
      ['reviews', '/console/reviews'],
      ['review', `/console/reviews/${reviewId}`],
      ['notices', '/console/notices'],
      ['register', `/console/register?holder=${await agencyId('police-vsl')}`],
      ['access', `/console/access?personId=${personId}`],
      ['policies', '/console/policies'],
      ['replay', '/console/policies/replay'],
    ];
    for (const lang of ['fr', 'en'] as const) {
      // The table's privacy officer and legal reviewer together reach every page.
      const officer = await signIn(PRIVACY_OFFICER, lang);
      for (const [name, path] of pages) {
        const res = await officer.page.goto(`${base}${path}`);
        expect({ name, status: res?.status() }).toEqual({ name, status: 200 });
        await check(officer.page, name, lang);
      }
      await officer.context.close();
    }
  });

  it('signs out: the session opens nothing afterwards', async () => {
    const { context, page } = await signIn(PRIVACY_OFFICER, 'en');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in\?signedOut=1/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('You are signed out.');
    await check(page, 'sign-in', 'en');
    await page.goto(`${base}/console/policies`);
    expect(page.url()).toContain('/console/sign-in?next=');
    // The provider asks again (a shared computer): and only for the agency chosen's own staff.
    await page.getByRole('link', { name: TABLE.en }).click();
    await expect(page.getByRole('button', { name: /Nadia Ouellet/ }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: /Isabelle Roy/ }).count()).resolves.toBe(0);
    expect(new URL(page.url()).origin).not.toBe(base);
    await context.close();
  });

  it('axe-core finds no serious or critical violation on any page, in either language', async () => {
    const serious = axeResults.flatMap((r) =>
      r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${r.page}.${r.lang}: ${v.id} (${v.impact}) ${v.help} ×${v.nodes}`),
    );
    // Kept with the screenshots: every page view checked, and what axe found there (any impact).
    await writeFile(
      join(SCREENSHOTS, 'axe.json'),
      `${JSON.stringify({ axe: AXE_VERSION, pageViews: axeResults.length, results: axeResults }, null, 2)}\n`,
    );
    expect(axeResults.length).toBeGreaterThanOrEqual(20);
    expect(serious).toEqual([]);
  });
});
