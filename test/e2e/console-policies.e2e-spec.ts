import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { contributeItem, highRiskCase, VICTIM_LOCATION } from '../factories/case.factory.js';
import { disclose, exceptionRequest } from '../factories/disclosure.factory.js';
import { auditSize } from '../support/audit-helpers.js';
import { consoleClient, EN } from '../support/console.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The policies page and decision replay in the console, over real HTTP (same service as the API). */
describe('console: policies and replay', () => {
  let app: TestApp;
  let table: TestAgency;
  let police: TestAgency;
  let decisionId: string;

  beforeAll(async () => {
    app = await startTestApp();
    table = await createAgency(app.dataSource, { sector: 'coordination' });
    police = await createAgency(app.dataSource, { sector: 'police' });
    const shelter = await createAgency(app.dataSource, { sector: 'shelter' });
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
    const decision = await disclose<{ decisionId: string; outcome: string }>(
      app,
      police,
      exceptionRequest(caseId, victimId),
    );
    expect(decision.outcome).toBe('permit');
    decisionId = decision.decisionId;
  });
  afterAll(async () => {
    await app.close();
  });

  it('shows the bundle in force, each rule in plain words with its source, in both languages', async () => {
    const agent = await consoleClient(app, police.id, ['agency_user']);
    const fr = await agent.get('/console/policies');
    expect(fr.status).toBe(200);
    expect(fr.text).toContain('Rien n&#39;est communiqué sans qu&#39;une règle le permette.');
    const en = await agent.get('/console/policies', EN);
    expect(en.text).toContain('Nothing is disclosed unless a rule allows it.');
    const { hash } = (
      await app.request<{ hash: string }>('GET', '/v1/policies', {
        token: await police.token(['agency_user']),
      })
    ).body;
    expect(en.text).toContain(hash);
    // Replay is the table's oversight's: no link for an agency user, and the page is refused.
    expect(en.text).not.toContain('/console/policies/replay');
    expect((await agent.get('/console/policies/replay')).status).toBe(403);
  });

  it('replays a decision under the bundle then in force: reproduced, and recorded once', async () => {
    const reviewer = await consoleClient(app, table.id, ['legal_reviewer']);
    const before = await auditSize(app);
    const res = await reviewer.post(
      '/console/policies/replay',
      { decisionId, mode: 'then' },
      {
        headers: EN,
      },
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('The decision is reproduced exactly.');
    expect(res.text).toContain('No rule changes its verdict.');
    expect((await auditSize(app)) - before).toBe(1);
  });

  it('replays it under a proposal that changes one file, and names the rules whose verdict changes', async () => {
    const reviewer = await consoleClient(app, table.id, ['legal_reviewer']);
    const rules = await readFile(join(app.config.policiesDir, 'rules.yaml'), 'utf8');
    // A field rule that keeps the shelter's address from the police.
    const proposal = rules.replace(
      /^fieldRules:\n/m,
      `fieldRules:
  - id: FR-PROPOSED-NO-ADDRESS
    description:
      fr: "L'adresse d'un refuge ne va pas à la police."
      en: "A shelter's address does not go to the police."
    citation: 'Proposition'
    category: location
    fields: [address]
    recipientSectors: [police]
    recipientSides: []
`,
    );
    expect(proposal).not.toBe(rules);
    const res = await reviewer.post(
      '/console/policies/replay',
      { decisionId, mode: 'proposal', file: 'rules.yaml', content: proposal },
      { headers: EN },
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('The decision would differ under these policies.');
    expect(res.text).toContain('R-FIELD-RULES');
    expect(res.text).toMatch(/Proposal stored under hash [0-9a-f]{64}/);
  });

  it('refuses what the API refuses: an upload by a privacy officer, another agency, bad input, no token', async () => {
    const officer = await consoleClient(app, table.id, ['privacy_officer']);
    const upload = await officer.post('/console/policies/replay', {
      decisionId,
      mode: 'proposal',
      file: 'rules.yaml',
      content: 'rules: {}',
    });
    expect(upload.status).toBe(403);
    const policeOfficer = await consoleClient(app, police.id, ['privacy_officer']);
    expect(
      (await policeOfficer.post('/console/policies/replay', { decisionId, mode: 'then' })).status,
    ).toBe(404);
    const reviewer = await consoleClient(app, table.id, ['legal_reviewer']);
    const bads: Record<string, string>[] = [
      { decisionId: 'nope', mode: 'then' },
      { decisionId, mode: 'sideways' },
      { decisionId, mode: 'hash', bundleHash: 'xyz' },
      { decisionId, mode: 'proposal', file: 'passwd', content: 'x' },
    ];
    for (const bad of bads) {
      const res = await reviewer.post('/console/policies/replay', bad);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
    const invalid = await reviewer.post('/console/policies/replay', {
      decisionId,
      mode: 'proposal',
      file: 'rules.yaml',
      content: 'rules: [',
    });
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain('rules.yaml');
    const before = await auditSize(app);
    const forged = await reviewer.post(
      '/console/policies/replay',
      { decisionId, mode: 'then' },
      { csrf: null },
    );
    expect(forged.status).toBe(403);
    expect((await auditSize(app)) - before).toBe(1);
  });
});
