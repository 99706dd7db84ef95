import { verifySigned, RECEIPT_TYPE } from '../../src/audit/audit-signer.js';
import type { ReceiptClaims } from '../../src/audit/audit.types.js';
import { escapeHtml } from '../../src/console/html.js';
import { PolicyService } from '../../src/policy/policy.service.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { signedAgreement } from '../factories/agreement.factory.js';
import {
  contributeItem,
  daysFromToday,
  highRiskCase,
  recordConsent,
  VICTIM_LOCATION,
} from '../factories/case.factory.js';
import { ATTESTED, disclose, exceptionRequest } from '../factories/disclosure.factory.js';
import { auditSize, publishedKeys } from '../support/audit-helpers.js';
import { consoleClient, EN, type ConsoleClient } from '../support/console.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Release {
  seq: number;
  leafHash: string;
  record: { targets: { decisionId: string; holderAgencyId: string } };
}

/**
 * The audit log and its integrity in the console, over real HTTP, on a case built through the API:
 * a partial consent-based disclosure, one with a field held back, and a life/safety exception.
 */
describe('console: audit log and log integrity', () => {
  let app: TestApp;
  let table: TestAgency;
  let police: TestAgency;
  let shelter: TestAgency;
  let victimServices: TestAgency;
  let outsider: TestAgency;
  let officer: ConsoleClient;
  let caseId: string;
  /** decision id → its release record. */
  const releases = new Map<string, Release>();
  const decisions = { partial: '', codeWord: '', exception: '' };

  const bundle = () => app.app.get(PolicyService).current();
  const releaseOf = (decisionId: string): Release => releases.get(decisionId)!;

  beforeAll(async () => {
    // No checkpoint but those the test issues: "not yet covered" is then certain.
    app = await startTestApp({
      FILET_CHECKPOINT_EVERY_RECORDS: '10000000',
      FILET_CHECKPOINT_EVERY_SECONDS: '86400',
    });
    table = await createAgency(app.dataSource, { sector: 'coordination' });
    police = await createAgency(app.dataSource, { sector: 'police' });
    shelter = await createAgency(app.dataSource, { sector: 'shelter' });
    victimServices = await createAgency(app.dataSource, { sector: 'victim_services' });
    outsider = await createAgency(app.dataSource, { sector: 'health' });
    officer = await consoleClient(app, table.id, ['privacy_officer'], 'officer-table-1');

    const built = await highRiskCase(app, {
      referrer: police,
      coordinator: table,
      assigned: [police, shelter, victimServices],
    });
    caseId = built.caseId;
    const victimId = built.victimId;

    await signedAgreement(app, table, [shelter, police, victimServices], {
      purposes: ['safety_planning', 'emergency'],
      flows: [
        {
          fromAgencyId: shelter.id,
          toAgencyId: police.id,
          categories: ['location', 'location.shelter'],
        },
        { fromAgencyId: shelter.id, toAgencyId: victimServices.id, categories: ['safety_plan'] },
      ],
    });
    for (const [category, fields] of [
      ['location', VICTIM_LOCATION],
      ['location.shelter', { shelter_name: "Maison L'Aube", address: '1 chemin du Refuge' }],
      ['safety_plan', { measures: ['Bouton panique'], code_word: 'tournesol' }],
    ] as const) {
      await contributeItem(app, shelter, caseId, { personId: victimId, category, fields });
    }
    await recordConsent(app, shelter, caseId, {
      personId: victimId,
      recipientAgencyIds: [police.id, victimServices.id],
      categories: ['location', 'safety_plan'],
      purposes: ['safety_planning'],
    });
    const decide = async (
      agency: TestAgency,
      body: Record<string, unknown>,
      outcome: string,
    ): Promise<string> => {
      const decision = await disclose<{ decisionId: string; outcome: string }>(
        app,
        agency,
        { caseId, personId: victimId, purpose: 'safety_planning', basis: 'consent', ...body },
        { sub: 'requester-77' },
      );
      expect(decision.outcome).toBe(outcome);
      return decision.decisionId;
    };
    // Consent covers the residence, not the shelter: part released, part withheld.
    decisions.partial = await decide(
      police,
      { categories: ['location', 'location.shelter'] },
      'partial',
    );
    // The safety plan goes to victim services, its code word stays with the shelter.
    decisions.codeWord = await decide(victimServices, { categories: ['safety_plan'] }, 'permit');
    // The life/safety exception: the shelter's location to the police, every criterion attested.
    decisions.exception = await decide(
      police,
      exceptionRequest(caseId, victimId, ['location.shelter']),
      'permit',
    );
    const found = await app.request<{ items: Release[] }>(
      'GET',
      `/v1/audit/records?caseId=${caseId}&action=disclosure.release`,
      { token: await table.token(['privacy_officer']) },
    );
    for (const item of found.body.items) releases.set(item.record.targets.decisionId, item);
    expect(releases.size).toBe(3);
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  it("finds a case's disclosures by case, by basis and by period, pages with the cursor, names agencies", async () => {
    const byCase = await officer.get(`/console/audit?caseId=${caseId}`, EN);
    expect(byCase.status).toBe(200);
    expect(byCase.text).toContain('<html lang="en">');
    for (const release of releases.values())
      expect(byCase.text).toContain(`href="/console/audit/records/${release.seq}"`);
    // Holder → recipient by name, in the page's language.
    expect(byCase.text).toContain(`Agency ${shelter.code}`);
    expect(byCase.text).toContain(`Agency ${police.code}`);

    const exception = releaseOf(decisions.exception);
    const byBasis = await officer.get(
      `/console/audit?basis=life_safety&action=disclosure.release&agencyId=${shelter.id}`,
      EN,
    );
    expect(byBasis.text).toContain(`href="/console/audit/records/${exception.seq}"`);
    expect(byBasis.text).not.toContain(
      `href="/console/audit/records/${releaseOf(decisions.partial).seq}"`,
    );
    // The filters are kept in the form: the agency is selected by name.
    expect(byBasis.text).toMatch(new RegExp(`value="${shelter.id}"\\s+selected`));

    // A date is the whole day in the table's time zone; empty fields are no filter.
    const since = await officer.get(
      `/console/audit?caseId=${caseId}&action=disclosure.release&from=${daysFromToday(-2)}&to=&agencyId=`,
    );
    expect(since.status).toBe(200);
    expect(since.text).toContain(`href="/console/audit/records/${exception.seq}"`);
    const before = await officer.get(`/console/audit?caseId=${caseId}&to=${daysFromToday(-2)}`, EN);
    expect(before.text).toContain('No record matches these criteria.');
    const localTime = await officer.get(
      `/console/audit?caseId=${caseId}&from=${daysFromToday(-2)}T08:30`,
    );
    expect(localTime.status).toBe(200);

    // Two per page: the older ones follow the cursor, filters kept; "Newest" goes back.
    const page1 = await officer.get(
      `/console/audit?caseId=${caseId}&action=disclosure.release&limit=2`,
      EN,
    );
    const older = /href="(\/console\/audit\?[^"]*before=\d+[^"]*)"/.exec(page1.text)?.[1];
    expect(older).toBeDefined();
    const olderPath = older!.replace(/&amp;/g, '&');
    expect(olderPath).toContain(`caseId=${caseId}`);
    expect(olderPath).toContain('action=disclosure.release');
    const page2 = await officer.get(olderPath, EN);
    const seqs = [...releases.values()].map((r) => r.seq).sort((a, b) => b - a);
    expect(page2.text).toContain(`href="/console/audit/records/${seqs[2]}"`);
    expect(page2.text).not.toContain(`href="/console/audit/records/${seqs[0]}"`);
    expect(page2.text).toContain('Newest');
  });

  it('explains a partial decision: outcome, purpose, agencies, rules with their words, what was withheld and why', async () => {
    const release = releaseOf(decisions.partial);
    const page = await officer.get(`/console/audit/records/${release.seq}`, EN);
    expect(page.status).toBe(200);
    const text = page.text;
    expect(text).toContain('The decision explained');
    expect(text).toContain('Partial disclosure');
    expect(text).toContain('Basis claimed: consent.');
    expect(text).toContain('Purpose: safety planning.');
    expect(text).toContain(`Agency ${police.code}`);
    // The reasons the shelter location was withheld, in the words of the bundle in force then.
    const decision = await app.request<{ withheld: { category: string; reasons: string[] }[] }>(
      'GET',
      `/v1/decisions/${decisions.partial}`,
      { token: await table.token(['privacy_officer']) },
    );
    const withheld = decision.body.withheld.find((w) => w.category === 'location.shelter');
    expect(withheld?.reasons.length).toBeGreaterThan(0);
    for (const code of withheld!.reasons) {
      expect(text).toContain(`<code>${code}</code>`);
      expect(text).toContain(escapeHtml(bundle().rules[code].description.en));
    }
    // The trace: rules applied with their plain description and citation.
    const consentRule = bundle().rules['R-BASIS-CONSENT'];
    expect(text).toContain(escapeHtml(consentRule.description.en));
    expect(text).toContain(escapeHtml(consentRule.citation));
    // What it relied on: the consent version.
    expect(text).toMatch(/<code>[0-9a-f-]{36}@1<\/code>/);
    // No item content is shown: the decision keeps field names only.
    expect(text).not.toContain('rue des Lilas');

    // In French by default.
    const fr = await officer.get(`/console/audit/records/${release.seq}`);
    expect(fr.text).toContain('<html lang="fr">');
    expect(fr.text).toContain('La décision expliquée');
    expect(fr.text).toContain(escapeHtml(bundle().rules['R-BASIS-CONSENT'].description.fr));
  });

  it('names a withheld field and the field rule that held it', async () => {
    const page = await officer.get(
      `/console/audit/records/${releaseOf(decisions.codeWord).seq}`,
      EN,
    );
    expect(page.status).toBe(200);
    const rule = bundle().fieldRules.find((r) => r.id === 'FR-CODE-WORD-HOLDER-ONLY')!;
    expect(page.text).toContain('Code word');
    expect(page.text).toContain(escapeHtml(rule.description.en));
    expect(page.text).not.toContain('tournesol');
  });

  it('shows an exception release with its attestation, and the signed receipt', async () => {
    const release = releaseOf(decisions.exception);
    const page = await officer.get(`/console/audit/records/${release.seq}`, EN);
    expect(page.status).toBe(200);
    const text = page.text;
    expect(text).toContain('Basis claimed: life or safety exception.');
    expect(text).toContain('The exception attestation');
    for (const criterion of Object.keys(ATTESTED))
      expect(text).toContain(escapeHtml(bundle().exceptions.criteria[criterion].en));
    expect(text).toContain('<code>requester-77</code>');
    expect(text).toContain(escapeHtml(bundle().exceptions.tests['qc-public-59.1'].description.en));
    expect(text).toContain(escapeHtml(bundle().rules['R-BASIS-LIFE-SAFETY'].description.en));

    // The receipt: the record's place and leaf hash, signed by the broker, with a copy button.
    expect(text).toContain(release.leafHash);
    expect(text).toContain('data-copy="receipt-jws"');
    const jws = /<code id="receipt-jws" class="receipt">([^<]+)<\/code>/.exec(text)?.[1];
    expect(jws).toBeDefined();
    const keys = await publishedKeys(app, await police.token());
    const verified = await verifySigned<ReceiptClaims>(jws!, RECEIPT_TYPE, keys);
    expect(verified?.claims).toEqual(
      expect.objectContaining({ seq: release.seq, leafHash: release.leafHash }),
    );

    // In French.
    const fr = await officer.get(`/console/audit/records/${release.seq}`);
    expect(fr.text).toContain('L’attestation de l’exception');
    expect(fr.text).toContain(escapeHtml(bundle().exceptions.criteria.reasonable_cause.fr));
  });

  it('checks the inclusion proof: not yet covered, then a checkpoint is issued (CSRF-checked, recorded), then verified', async () => {
    const seq = releaseOf(decisions.exception).seq;
    const uncovered = await officer.get(`/console/audit/records/${seq}?check=proof`, EN);
    expect(uncovered.status).toBe(200);
    expect(uncovered.text).toContain('Not yet covered');
    expect(uncovered.text).toContain('href="/console/integrity"');

    const checkpoints = async (): Promise<number> =>
      Number(
        (
          (await app.dataSource.query('SELECT count(*)::int AS n FROM audit_checkpoint')) as {
            n: number;
          }[]
        )[0].n,
      );
    const forged = await officer.post('/console/integrity/checkpoints', {}, { csrf: null });
    expect(forged.status).toBe(403);
    expect(await checkpoints()).toBe(0);
    // A legal reviewer sees the page, but does not issue.
    const reviewer = await consoleClient(app, table.id, ['legal_reviewer']);
    expect((await reviewer.post('/console/integrity/checkpoints')).status).toBe(403);
    expect(await checkpoints()).toBe(0);

    const issued = await officer.post('/console/integrity/checkpoints');
    expect(issued.status).toBe(303);
    expect(issued.headers.get('location')).toBe('/console/integrity?done=checkpoint');
    expect(await checkpoints()).toBe(1);
    const recorded: { n: number }[] = await app.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_record WHERE action = 'audit.checkpoint.issue'`,
    );
    expect(recorded[0].n).toBe(1);
    const after = await officer.get('/console/integrity?done=checkpoint', EN);
    expect(after.text).toContain('Checkpoint issued.');
    expect(after.text).toContain('valid (checked just now');

    const proofs = async (): Promise<number> =>
      (
        (await app.dataSource.query(
          `SELECT count(*)::int AS n FROM audit_record WHERE action = 'audit.proof'`,
        )) as { n: number }[]
      )[0].n;
    const proofsBefore = await proofs();
    const verified = await officer.get(`/console/audit/records/${seq}?check=proof`, EN);
    expect(verified.status).toBe(200);
    expect(verified.text).toContain('Verified: the record is included in the signed log.');
    const latest = await app.request<{ treeSize: number; rootHash: string }>(
      'GET',
      '/v1/audit/checkpoints/latest',
      { token: await police.token() },
    );
    expect(verified.text).toContain(latest.body.rootHash);
    // The proof was served as the API serves it: recorded.
    expect(await proofs()).toBe(proofsBefore + 1);
    const fr = await officer.get(`/console/audit/records/${seq}?check=proof`);
    expect(fr.text).toContain('Vérifié : l’enregistrement est inclus dans le journal signé.');
  });

  it("an agency's privacy officer sees only the records it is party to: none of a case it has no part in", async () => {
    const outside = await consoleClient(app, outsider.id, ['privacy_officer']);
    const list = await outside.get(`/console/audit?caseId=${caseId}`, EN);
    expect(list.status).toBe(200);
    expect(list.text).toContain('No record matches these criteria.');
    for (const release of releases.values()) {
      const detail = await outside.get(`/console/audit/records/${release.seq}`, EN);
      expect(detail.status).toBe(404);
      expect(detail.headers.get('content-type')).toContain('text/html');
      expect(detail.text).toContain('audit.record_not_found');
      const proof = await outside.get(`/console/audit/records/${release.seq}?check=proof`);
      expect(proof.status).toBe(404);
    }
    // The requesting agency's officer sees the decision, not the full trace.
    const requester = await consoleClient(app, police.id, ['privacy_officer']);
    const own = await requester.get(
      `/console/audit/records/${releaseOf(decisions.partial).seq}`,
      EN,
    );
    expect(own.status).toBe(200);
    expect(own.text).toContain('Partial disclosure');
    expect(own.text).toContain(
      escapeHtml("The full trace is for the coordinating agency's privacy officers"),
    );
  });

  it('refuses a coordinator (403) and bad query values (400 page, never 500)', async () => {
    const coordinator = await consoleClient(app, table.id, ['coordinator']);
    const seq = releaseOf(decisions.partial).seq;
    for (const path of ['/console/audit', `/console/audit/records/${seq}`, '/console/integrity']) {
      const res = await coordinator.get(path);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('text/html');
    }
    expect((await coordinator.post('/console/integrity/verify')).status).toBe(403);
    for (const path of [
      '/console/audit?basis=xyz',
      '/console/audit?outcome=maybe',
      '/console/audit?caseId=not-a-uuid',
      '/console/audit?from=2024-02-31',
      '/console/audit?to=2024-W01',
      '/console/audit?before=abc',
      '/console/audit?limit=0',
      '/console/audit?surprise=1',
      '/console/audit?basis=consent&basis=life_safety',
      '/console/audit/records/abc',
      '/console/audit/records/-1',
      `/console/audit/records/${seq}?check=maybe`,
    ]) {
      const res = await officer.get(path, EN);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.text).toContain('request.invalid');
    }
    expect((await officer.get('/console/audit/records/99999999', EN)).status).toBe(404);
    // The ends of the calendar, in the table's time zone, are no bound at all (never a 500).
    for (const path of ['/console/audit?to=9999-12-31', '/console/audit?from=9999-12-31T23:59']) {
      expect({ path, status: (await officer.get(path, EN)).status }).toEqual({ path, status: 200 });
    }
  });

  it('verifies the whole log now, shows the latest checkpoint, and exports the log with the keys for the offline verifier', async () => {
    const page = await officer.get('/console/integrity', EN);
    expect(page.status).toBe(200);
    // A browser posts a console form with its Origin (under no-referrer it would send `null`).
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.text).toContain('Latest checkpoint');
    expect(page.text).toContain('Records not yet covered');
    expect(page.text).toContain('Recent checkpoints');
    expect(page.text).toContain(
      'npm run audit:verify -- filet-audit-export.ndjson --trust filet-audit-keys.json',
    );
    const fr = await officer.get('/console/integrity');
    expect(fr.text).toContain('Dernier point de contrôle');
    expect(fr.text).toContain('Commande à lancer');

    const verified = await officer.post('/console/integrity/verify', {}, { headers: EN });
    expect(verified.status).toBe(200);
    expect(verified.text).toContain('Log intact: everything verifies.');
    expect(verified.text).toContain('Records checked');
    expect((await officer.post('/console/integrity/verify', {}, { csrf: null })).status).toBe(403);
    const verifiedFr = await officer.post('/console/integrity/verify');
    expect(verifiedFr.text).toContain('Journal intègre : tout se vérifie.');

    const exported = await officer.get('/console/integrity/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toContain('application/x-ndjson');
    expect(exported.headers.get('content-disposition')).toBe(
      'attachment; filename="filet-audit-export.ndjson"',
    );
    const lines = exported.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; treeSize?: number; seq?: number });
    const header = lines[0];
    const records = lines.filter((l) => l.type === 'record');
    expect(header.type).toBe('filet-audit-export');
    expect(records).toHaveLength(header.treeSize!);
    expect(records.map((r) => r.seq)).toEqual(records.map((_r, i) => i));
    // The export is recorded before it is read: the log it holds is the whole log.
    expect(records).toHaveLength(await auditSize(app));
    expect(lines.filter((l) => l.type === 'checkpoint').length).toBeGreaterThan(0);

    const keys = await officer.get('/console/integrity/keys');
    expect(keys.status).toBe(200);
    expect(keys.headers.get('content-disposition')).toBe(
      'attachment; filename="filet-audit-keys.json"',
    );
    expect((JSON.parse(keys.text) as { keys: unknown[] }).keys).toEqual(
      await publishedKeys(app, await police.token()),
    );

    // A legal reviewer reads the page and the keys; the export is the coordinating officers' alone.
    const reviewer = await consoleClient(app, table.id, ['legal_reviewer']);
    const asReviewer = await reviewer.get('/console/integrity', EN);
    expect(asReviewer.status).toBe(200);
    expect(asReviewer.text).not.toContain('action="/console/integrity/verify"');
    expect((await reviewer.get('/console/integrity/export')).status).toBe(403);
    const agencyOfficer = await consoleClient(app, police.id, ['privacy_officer']);
    expect((await agencyOfficer.get('/console/integrity/export')).status).toBe(403);
    expect((await agencyOfficer.get('/console/integrity', EN)).text).toContain(
      escapeHtml("Exporting the whole log is for the coordinating agency's privacy officers only."),
    );
  });
});
