import { escapeHtml } from '../../src/console/html.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { contributeItem, highRiskCase, VICTIM_LOCATION } from '../factories/case.factory.js';
import {
  consentToShareLocation,
  disclose,
  exceptionRequest,
} from '../factories/disclosure.factory.js';
import { consoleClient, EN, type ConsoleClient } from '../support/console.js';
import { ok, startTestApp, type TestApp } from '../support/test-app.js';

interface Entry {
  seq: number;
  holderAgencyId: string;
  recipientAgencyId: string;
  basis: string;
}

interface Report {
  entries: Entry[];
  heldEntries: number;
}

interface Hold {
  id: string;
  seq: number;
  reason: string;
  releasedAt: string | null;
}

/** The report's lines on the page (`<li id="line-<seq>">`), in order. */
function lines(text: string): number[] {
  return [...text.matchAll(/<li id="line-(\d+)">/g)].map((m) => Number(m[1]));
}

/** The register's record links, in order. */
function registerSeqs(text: string): number[] {
  return [...text.matchAll(/href="\/console\/audit\/records\/(\d+)"/g)].map((m) => Number(m[1]));
}

/**
 * The register of communications and the subject access report in the console, over real HTTP, on
 * a case built through the API: a life/safety exception released by two holders (a shelter and a
 * community agency) to the police, and a consent-based release by the shelter.
 */
describe('console: register and subject access', () => {
  let app: TestApp;
  let table: TestAgency;
  let police: TestAgency;
  let shelter: TestAgency;
  let community: TestAgency;
  let victimId: string;
  let shelterOfficer: ConsoleClient;
  let tableOfficer: ConsoleClient;
  const names = (agency: TestAgency, lang: 'fr' | 'en' = 'fr'): string =>
    lang === 'fr' ? `Organisme ${agency.code}` : `Agency ${agency.code}`;

  const apiRegister = async (holder: TestAgency): Promise<Entry[]> =>
    (
      await ok(
        app.request<{ entries: Entry[] }>('GET', `/v1/audit/register?holder=${holder.id}`, {
          token: await table.token(['privacy_officer']),
        }),
        'register',
      )
    ).entries;
  const apiReport = async (): Promise<Report> =>
    ok(
      app.request<Report>('GET', `/v1/persons/${victimId}/disclosure-report`, {
        token: await table.token(['privacy_officer']),
      }),
      'report',
    );
  const apiHolds = async (): Promise<Hold[]> =>
    (
      await ok(
        app.request<{ items: Hold[] }>('GET', '/v1/audit/holds?active=false', {
          token: await table.token(['privacy_officer']),
        }),
        'holds',
      )
    ).items;
  const records = async (action: string): Promise<{ record: Record<string, unknown> }[]> =>
    (
      await ok(
        app.request<{ items: { record: Record<string, unknown> }[] }>(
          'GET',
          `/v1/audit/records?action=${action}`,
          { token: await table.token(['privacy_officer']) },
        ),
        'records',
      )
    ).items;

  beforeAll(async () => {
    app = await startTestApp();
    table = await createAgency(app.dataSource, { sector: 'coordination' });
    police = await createAgency(app.dataSource, { sector: 'police' });
    shelter = await createAgency(app.dataSource, { sector: 'shelter' });
    community = await createAgency(app.dataSource, { sector: 'community' });
    const built = await highRiskCase(app, {
      referrer: police,
      coordinator: table,
      assigned: [police, shelter, community],
    });
    const caseId = built.caseId;
    victimId = built.victimId;
    for (const holder of [shelter, community]) {
      await contributeItem(app, holder, caseId, {
        personId: victimId,
        category: 'location',
        fields: VICTIM_LOCATION,
      });
    }
    // The exception: both holders release the location to the police.
    const exception = await disclose<{ outcome: string }>(
      app,
      police,
      exceptionRequest(caseId, victimId),
    );
    expect(exception.outcome).toBe('permit');
    // With her consent and an agreement shelter → police, the shelter releases it again.
    await consentToShareLocation(app, {
      coordinator: table,
      holder: shelter,
      recipient: police,
      caseId,
      personId: victimId,
    });
    const consented = await disclose<{ released: unknown[] }>(app, police, {
      caseId,
      personId: victimId,
      categories: ['location'],
      purpose: 'safety_planning',
      basis: 'consent',
    });
    expect(consented.released).toHaveLength(1);
    shelterOfficer = await consoleClient(app, shelter.id, ['privacy_officer'], 'officer-shelter');
    tableOfficer = await consoleClient(app, table.id, ['privacy_officer'], 'officer-table');
  });
  afterAll(async () => {
    await app.close();
  });

  describe('register of communications', () => {
    it("a holder's privacy officer sees its own register, not another holder's", async () => {
      const own = await apiRegister(shelter);
      const other = await apiRegister(community);
      expect(own.map((e) => e.basis)).toEqual(['life_safety', 'consent']);
      expect(other).toHaveLength(1);

      const page = await shelterOfficer.get('/console/register');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain('<h1>Registre des communications</h1>');
      expect(registerSeqs(page.text)).toEqual(own.map((e) => e.seq));
      expect(registerSeqs(page.text)).not.toContain(other[0].seq);
      // Its own agency is chosen; the recipient by name; categories, purpose and basis in words.
      expect(page.text).toMatch(
        new RegExp(`<option value="${shelter.id}"\\s+selected\\s*>\\s*${names(shelter)}`),
      );
      expect(page.text).toContain(names(police));
      expect(page.text).toContain('Lieu de résidence');
      expect(page.text).toContain('exception pour protéger la vie ou la sécurité');
      expect(page.text).toContain('consentement de la personne');
      expect(page.text).toContain('<code>consent</code>');
      expect(page.text).toContain(`href="/console/register.csv?holder=${shelter.id}"`);
      expect(page.text).toContain('2 communication(s)');

      // Another holder's register is not the shelter officer's: the service's 404, as a page.
      const foreign = await shelterOfficer.get(`/console/register?holder=${community.id}`);
      expect(foreign.status).toBe(404);
      expect(foreign.headers.get('content-type')).toContain('text/html');
      expect(foreign.text).toContain('audit.record_not_found');
      expect(foreign.text).not.toContain(`/console/audit/records/${other[0].seq}"`);
      // The coordinating agency's officer reads any holder's register.
      const asTable = await tableOfficer.get(`/console/register?holder=${community.id}`, EN);
      expect(asTable.status).toBe(200);
      expect(registerSeqs(asTable.text)).toEqual([other[0].seq]);
      expect(asTable.text).toContain('<h1>Register of communications</h1>');
      expect(asTable.text).toContain('Residence');
      expect(asTable.text).toContain('exception to protect life or safety');
      expect(asTable.text).toContain(names(police, 'en'));
    });

    it('filters by period: a day is taken whole in the table’s time zone', async () => {
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: app.config.timeZone }).format(
        new Date(),
      );
      const inPeriod = await shelterOfficer.get(`/console/register?from=${today}&to=${today}`);
      expect(registerSeqs(inPeriod.text)).toHaveLength(2);
      expect(inPeriod.text).toContain(`value="${today}"`);
      const before = await shelterOfficer.get('/console/register?from=2020-01-01&to=2020-12-31');
      expect(before.status).toBe(200);
      expect(registerSeqs(before.text)).toEqual([]);
      expect(before.text).toContain('Aucune communication inscrite');
      // The last day of the calendar is taken whole too.
      const last = await shelterOfficer.get('/console/register?from=9999-12-01&to=9999-12-31');
      expect(last.status).toBe(200);
      expect(registerSeqs(last.text)).toEqual([]);
      const all = await shelterOfficer.get('/console/register?from=1000-01-01&to=9999-12-31');
      expect(registerSeqs(all.text)).toHaveLength(2);
      // An empty field (as a form sends it) is no filter.
      const blank = await shelterOfficer.get(`/console/register?holder=${shelter.id}&from=&to=`);
      expect(registerSeqs(blank.text)).toHaveLength(2);
    });

    it('the CSV export is byte for byte the API’s', async () => {
      const token = async (): Promise<string> => shelter.token(['privacy_officer']);
      const cases = [
        { console: '', api: `holder=${shelter.id}` },
        { console: `?holder=${shelter.id}`, api: `holder=${shelter.id}` },
        {
          console: `?holder=${shelter.id}&from=2020-01-01T00:00:00Z&to=2999-01-01T00:00:00Z`,
          api: `holder=${shelter.id}&from=2020-01-01T00:00:00Z&to=2999-01-01T00:00:00Z`,
        },
        {
          console: `?holder=${shelter.id}&to=2020-01-01T00:00:00Z`,
          api: `holder=${shelter.id}&to=2020-01-01T00:00:00Z`,
        },
      ];
      for (const c of cases) {
        const fromConsole = await shelterOfficer.get(`/console/register.csv${c.console}`);
        const fromApi = await app.request('GET', `/v1/audit/register?${c.api}&format=csv`, {
          token: await token(),
        });
        expect(fromConsole.status).toBe(200);
        expect(fromApi.status).toBe(200);
        expect(fromConsole.headers.get('content-type')).toBe(fromApi.headers.get('content-type'));
        expect(fromConsole.headers.get('content-disposition')).toBe(
          fromApi.headers.get('content-disposition'),
        );
        expect(Buffer.from(fromConsole.text)).toEqual(Buffer.from(fromApi.text));
      }
      const full = await shelterOfficer.get('/console/register.csv');
      expect(full.text.split('\r\n').filter(Boolean)).toHaveLength(3);
      expect(
        (await shelterOfficer.get(`/console/register.csv?holder=${community.id}`)).status,
      ).toBe(404);
    });

    it('refuses other roles and bad input with a page, never a 500', async () => {
      const worker = await consoleClient(app, shelter.id, ['agency_user', 'coordinator']);
      expect((await worker.get('/console/register')).status).toBe(403);
      expect((await worker.get('/console/register.csv')).status).toBe(403);
      for (const bad of ['holder=nope', 'from=2024-02-31', 'to=yesterday', 'extra=1']) {
        const res = await shelterOfficer.get(`/console/register?${bad}`);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('text/html');
        expect(res.text).toContain('request.invalid');
      }
    });
  });

  describe('subject access report and safety holds', () => {
    it('lists who received what about the person, as the API reports it', async () => {
      const report = await apiReport();
      expect(report.entries).toHaveLength(3);
      const page = await tableOfficer.get(`/console/access?personId=${victimId}`);
      expect(page.status).toBe(200);
      expect(lines(page.text)).toEqual(report.entries.map((e) => e.seq));
      expect(page.text).toContain(names(police));
      expect(page.text).toContain(names(shelter));
      expect(page.text).toContain(names(community));
      expect(page.text).toContain('a communiqué à');
      expect(page.text).toContain('Lieu de résidence');
      expect(page.text).toContain('0 entrée(s) sur cette personne sont retenues');
      // A holder's officer sees the lines its agency is party to.
      const asShelter = await shelterOfficer.get(`/console/access?personId=${victimId}`, EN);
      expect(lines(asShelter.text)).toEqual(
        report.entries.filter((e) => e.holderAgencyId === shelter.id).map((e) => e.seq),
      );
      expect(asShelter.text).toContain('communicated to');
      expect(asShelter.text).toContain('would reveal where the person is sheltering');
      // The recipient's officer sees what it received, and may hold none of it (not its release).
      const policeOfficer = await consoleClient(app, police.id, ['privacy_officer']);
      const asPolice = await policeOfficer.get(`/console/access?personId=${victimId}`);
      expect(lines(asPolice.text)).toEqual(report.entries.map((e) => e.seq));
      expect(asPolice.text).not.toContain('action="/console/access/holds"');
      expect(asShelter.text).toContain('action="/console/access/holds"');
      // The form alone, before a person is chosen.
      const empty = await tableOfficer.get('/console/access');
      expect(empty.status).toBe(200);
      expect(empty.text).toContain('<label for="access-person">');
      expect(lines(empty.text)).toEqual([]);
    });

    it('a form without its token holds nothing', async () => {
      const [first] = (await apiReport()).entries;
      const fields = { seq: String(first.seq), reason: 'shelter_location', personId: victimId };
      const noToken = await shelterOfficer.post('/console/access/holds', fields, { csrf: null });
      expect(noToken.status).toBe(403);
      expect(noToken.text).toContain('console.csrf');
      const otherSite = await shelterOfficer.post('/console/access/holds', fields, {
        origin: 'https://evil.example',
      });
      expect(otherSite.status).toBe(403);
      expect(await apiHolds()).toEqual([]);
      expect((await apiReport()).heldEntries).toBe(0);
    });

    it('holding a line takes it out of the report and the API’s; releasing it brings it back; both recorded', async () => {
      const report = await apiReport();
      const line = report.entries.find((e) => e.holderAgencyId === shelter.id)!;

      const held = await shelterOfficer.post('/console/access/holds', {
        seq: String(line.seq),
        reason: 'shelter_location',
        personId: victimId,
      });
      expect(held.status).toBe(303);
      expect(held.headers.get('location')).toBe(`/console/access?personId=${victimId}&done=held`);

      const after = await shelterOfficer.get(held.headers.get('location')!);
      expect(after.status).toBe(200);
      expect(after.text).toContain('role="status"');
      expect(after.text).toContain('La ligne est retenue');
      expect(lines(after.text)).not.toContain(line.seq);
      expect(after.text).toContain('1 entrée(s) sur cette personne sont retenues');
      expect(after.text).toContain(escapeHtml("révélerait l'endroit où la personne est hébergée"));
      const api = await apiReport();
      expect(api.heldEntries).toBe(1);
      expect(api.entries.map((e) => e.seq)).not.toContain(line.seq);
      const [hold] = (await apiHolds()).filter((h) => h.releasedAt === null);
      expect(hold).toEqual(expect.objectContaining({ seq: line.seq, reason: 'shelter_location' }));
      expect(after.text).toContain(`action="/console/access/holds/${hold.id}/release"`);
      expect(after.text).toContain('data-confirm="');
      expect(await records('audit.hold')).toEqual([
        expect.objectContaining({
          record: expect.objectContaining({
            outcome: 'success',
            reasonCodes: ['shelter_location'],
            targets: expect.objectContaining({ recordSeq: line.seq, holdId: hold.id }),
            actor: expect.objectContaining({ agencyId: shelter.id }),
          }),
        }),
      ]);
      // The same line cannot be held twice (the service's 409, as a page).
      const again = await shelterOfficer.post('/console/access/holds', {
        seq: String(line.seq),
        reason: 'investigation',
        personId: victimId,
      });
      expect(again.status).toBe(409);

      // A release without its token releases nothing.
      const forged = await shelterOfficer.post(
        `/console/access/holds/${hold.id}/release`,
        { personId: victimId },
        { csrf: null },
      );
      expect(forged.status).toBe(403);
      expect((await apiReport()).heldEntries).toBe(1);

      const released = await shelterOfficer.post(`/console/access/holds/${hold.id}/release`, {
        personId: victimId,
      });
      expect(released.status).toBe(303);
      expect(released.headers.get('location')).toBe(
        `/console/access?personId=${victimId}&done=released`,
      );
      const back = await shelterOfficer.get(released.headers.get('location')!, EN);
      expect(back.text).toContain('The hold is released');
      expect(lines(back.text)).toContain(line.seq);
      expect(back.text).toContain('No active hold.');
      expect((await apiReport()).entries.map((e) => e.seq)).toEqual(
        report.entries.map((e) => e.seq),
      );
      expect(await records('audit.hold.release')).toEqual([
        expect.objectContaining({
          record: expect.objectContaining({
            targets: expect.objectContaining({ recordSeq: line.seq, holdId: hold.id }),
          }),
        }),
      ]);
      // Released already: the service's 404.
      expect(
        (
          await shelterOfficer.post(`/console/access/holds/${hold.id}/release`, {
            personId: victimId,
          })
        ).status,
      ).toBe(404);
    });

    it('refuses a bad person id, a bad hold and other roles with a page', async () => {
      for (const path of [
        '/console/access?personId=nope',
        `/console/access?personId=${victimId}&done=maybe`,
      ]) {
        const res = await tableOfficer.get(path);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('text/html');
        expect(res.text).toContain('request.invalid');
      }
      const [first] = (await apiReport()).entries;
      const bad: Record<string, string>[] = [
        { seq: String(first.seq), reason: 'because' },
        { seq: 'abc', reason: 'investigation' },
        { seq: String(first.seq), reason: 'investigation', personId: 'nope' },
      ];
      for (const fields of bad) {
        expect((await tableOfficer.post('/console/access/holds', fields)).status).toBe(400);
      }
      expect((await tableOfficer.post('/console/access/holds/not-a-uuid/release', {})).status).toBe(
        400,
      );
      expect(await apiHolds()).toHaveLength(1);
      const worker = await consoleClient(app, table.id, ['coordinator', 'legal_reviewer']);
      expect((await worker.get(`/console/access?personId=${victimId}`)).status).toBe(403);
      expect(
        (
          await worker.post('/console/access/holds', {
            seq: String(first.seq),
            reason: 'investigation',
          })
        ).status,
      ).toBe(403);
      expect(await apiHolds()).toHaveLength(1);
    });
  });
});
