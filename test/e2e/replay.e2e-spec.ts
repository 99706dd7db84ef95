import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { POLICY_FILES } from '../../src/policy/bundle.types.js';
import { ReplayRepository } from '../../src/replay/replay.repository.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { agreementBody } from '../factories/agreement.factory.js';
import { addPerson, daysFromToday, highRiskCase } from '../factories/case.factory.js';
import { auditSize, publishedKeys, receiptOf } from '../support/audit-helpers.js';
import { expectProblem } from '../support/problem.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface RuleChange {
  rule: string;
  scope: string;
  from: string | null;
  to: string | null;
}

interface Side {
  policyBundleHash: string;
  outcome: string;
  released: { itemId: string; category: string; fields: string[] }[];
  withheld: { category: string; reasons: string[] }[];
  pending: { itemId: string }[];
  trace: { rule: string; scope: string; verdict: string }[];
}

interface Replay {
  decisionId: string;
  bundle: { hash: string; source: string };
  proposalHash?: string;
  reproduced: boolean;
  original: Side;
  replayed: Side;
  changes: {
    rules: RuleChange[];
    outcome?: { from: string; to: string };
    released?: { added: unknown[]; removed: { itemId: string }[]; changed: unknown[] };
    withheld?: { category: string; from: string[] | null; to: string[] | null }[];
  };
}

interface BundleProblemJson {
  file: string;
  line: number;
  path: string;
  message: string;
}

const ATTESTED = {
  reasonable_cause: true,
  serious_risk: true,
  identified_person: true,
  urgency: true,
};

const run = promisify(execFile);

/** The built CLI (`npm run policy:replay`), as `npm test` builds it, on the test database. */
async function policyReplay(
  app: TestApp,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['dist/src/cli/policy-replay.js', ...args],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          NODE_ENV: 'test',
          DATABASE_URL: app.database.url,
        },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

async function policyTexts(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    POLICY_FILES.map(async (name) => [name, await readFile(join('policies', name), 'utf8')]),
  );
  return Object.fromEntries(entries) as Record<string, string>;
}

function lineOf(text: string, line: string): number {
  const index = text.split('\n').indexOf(line);
  expect(index).toBeGreaterThanOrEqual(0);
  return index + 1;
}

/** A field rule the candidate bundle adds: no shelter location to the police, whatever the basis. */
const SHELTER_NOT_TO_POLICE = `  - id: FR-TEST-SHELTER-NOT-TO-POLICE
    description:
      fr: 'Essai : jamais la maison d’hébergement à la police.'
      en: 'Test: never the shelter to the police.'
    citation: 'test'
    category: location.shelter
    fields: '*'
    recipientSectors:
      - police
    recipientSides:
      []
`;

/**
 * Replay (DESIGN §3.1) over real HTTP and real PostgreSQL: fifty decisions of every kind recorded
 * through the API, each reproduced under its own bundle; a proposed bundle names exactly the rules
 * it changes; bad input is a clear problem; `npm run policy:replay` tells legal staff the same.
 */
describe('decision replay', () => {
  let app: TestApp;
  let table: TestAgency;
  let police: TestAgency;
  let shelter: TestAgency;
  let health: TestAgency;
  let youth: TestAgency;
  let caseId: string;
  let victimId: string;
  let childId: string;
  let perpId: string;
  let refugeItemId: string;
  let startedAt: Date;
  let proposalHash: string;
  const decisions: { id: string; kind: string; dryRun: boolean }[] = [];

  const asOfficer = (): Promise<string> => table.token(['privacy_officer']);
  const asLegal = (): Promise<string> => table.token(['legal_reviewer']);
  const replay = async (id: string, body: unknown = {}, token?: string) =>
    app.request<Replay>('POST', `/v1/decisions/${id}/replay`, {
      token: token ?? (await asOfficer()),
      body,
    });
  const ok = (res: { status: number; text: string }, status = 200): void => {
    if (res.status !== status) throw new Error(`${res.status} ${res.text}`);
  };

  async function agreement(
    from: TestAgency,
    to: TestAgency,
    purposes: string[],
    categories: string[],
  ): Promise<void> {
    const created = await app.request<{ id: string }>('POST', '/v1/agreements', {
      token: await table.token(['coordinator']),
      body: agreementBody([from.id, to.id], {
        purposes,
        flows: [{ fromAgencyId: from.id, toAgencyId: to.id, categories }],
      }),
    });
    ok(created, 201);
    for (const party of [from, to]) {
      ok(
        await app.request('POST', `/v1/agreements/${created.body.id}/signatures`, {
          token: await party.token(['legal_reviewer']),
          body: { version: 1 },
        }),
        201,
      );
    }
  }

  async function item(
    holder: TestAgency,
    personId: string,
    category: string,
    fields: Record<string, unknown>,
  ): Promise<string> {
    const res = await app.request<{ id: string }>('POST', `/v1/cases/${caseId}/information`, {
      token: await holder.token(['agency_user']),
      body: { personId, category, fields, retainUntil: daysFromToday(365) },
    });
    ok(res, 201);
    return res.body.id;
  }

  /** The kinds of request the fifty decisions cycle through, by whom, and what they ask. */
  const kinds = (): Record<string, { by: TestAgency; body: Record<string, unknown> }> => {
    const victim = { caseId, personId: victimId, purpose: 'safety_planning', basis: 'consent' };
    return {
      consent_permit: { by: police, body: { ...victim, categories: ['location'] } },
      consent_partial: {
        by: police,
        body: { ...victim, categories: ['location', 'location.shelter'] },
      },
      holder_approval: { by: police, body: { ...victim, categories: ['mental_health'] } },
      released_and_pending: {
        by: police,
        body: { ...victim, categories: ['location', 'mental_health', 'risk_assessment'] },
      },
      life_safety: {
        by: police,
        body: {
          ...victim,
          categories: ['location.shelter'],
          purpose: 'emergency',
          basis: 'life_safety',
          attestation: { criteria: ATTESTED, attestedAt: new Date().toISOString() },
        },
      },
      nothing_held: { by: police, body: { ...victim, categories: ['identity'] } },
      purpose_not_consented: {
        by: police,
        body: { ...victim, categories: ['location'], purpose: 'judicial_proceedings' },
      },
      legal_obligation: {
        by: youth,
        body: {
          caseId,
          personId: childId,
          categories: ['incidents'],
          purpose: 'risk_assessment',
          basis: 'legal_obligation',
          obligationId: 'qc-youth-protection-report',
        },
      },
      perpetrator_protection: {
        by: shelter,
        body: {
          caseId,
          personId: perpId,
          categories: ['criminal_history', 'weapons'],
          purpose: 'safety_planning',
          basis: 'consent',
        },
      },
      victim_without_consent: { by: police, body: { ...victim, categories: ['risk_assessment'] } },
    };
  };

  beforeAll(async () => {
    app = await startTestApp();
    startedAt = new Date(Date.now() - 60_000);
    table = await createAgency(app.dataSource, { sector: 'coordination' });
    police = await createAgency(app.dataSource, { sector: 'police' });
    shelter = await createAgency(app.dataSource, { sector: 'shelter' });
    health = await createAgency(app.dataSource, { sector: 'health' });
    youth = await createAgency(app.dataSource, { sector: 'child_protection' });
    // Health information: its holder approves each release (R-HOLDER-APPROVAL).
    ok(
      await app.request('PATCH', `/v1/agencies/${health.id}`, {
        token: await table.token(['admin']),
        body: { privacyRegime: 'QC-R-22.1' },
      }),
    );
    ({ caseId, victimId } = await highRiskCase(app, {
      referrer: police,
      coordinator: table,
      assigned: [police, shelter, health, youth],
    }));
    childId = await addPerson(app, police, caseId, {
      role: 'child',
      capacity: 'lacks_capacity',
      minor: true,
    });
    perpId = await addPerson(app, police, caseId, { role: 'perpetrator' });
    await agreement(
      shelter,
      police,
      ['safety_planning', 'emergency'],
      ['location', 'location.shelter', 'risk_assessment'],
    );
    await agreement(health, police, ['safety_planning'], ['mental_health']);
    await agreement(police, youth, ['risk_assessment'], ['incidents']);
    await agreement(police, shelter, ['safety_planning'], ['criminal_history', 'weapons']);
    await item(shelter, victimId, 'location', {
      address: '12 rue des Lilas',
      municipality: 'Val-Saint-Loup',
    });
    refugeItemId = await item(shelter, victimId, 'location.shelter', {
      shelter_name: "Maison L'Aube",
      address: '1 chemin du Refuge',
    });
    await item(shelter, victimId, 'risk_assessment', { tool: 'odara', score: 9, level: 'high' });
    await item(health, victimId, 'mental_health', { suicide_risk: true });
    await item(police, childId, 'incidents', { occurred_on: daysFromToday(-3), nature: 'threats' });
    await item(police, perpId, 'criminal_history', { convictions: ['assault'] });
    await item(police, perpId, 'weapons', { access_to_firearms: true });
    ok(
      await app.request('POST', `/v1/cases/${caseId}/consents`, {
        token: await shelter.token(['agency_user']),
        body: {
          personId: victimId,
          recipientAgencyIds: [police.id],
          categories: ['location', 'mental_health'],
          purposes: ['safety_planning'],
          howObtained: 'in_person',
          capacityNote: 'capable_presumed',
        },
      }),
      201,
    );

    // Fifty decisions: five rounds of the ten kinds, real and dry runs alternating by round. The
    // first real pending item is approved by its holder, so a later release relies on an approval.
    const all = kinds();
    let approved = false;
    for (let i = 0; i < 50; i++) {
      const kind = Object.keys(all)[i % 10];
      const dryRun = Math.floor(i / 10) % 2 === 1;
      const { by, body } = all[kind];
      const res = await app.request<{ decisionId: string; pending: { itemId: string }[] }>(
        'POST',
        dryRun ? '/v1/disclosures/dry-run' : '/v1/disclosures',
        { token: await by.token(['agency_user']), body },
      );
      ok(res);
      decisions.push({ id: res.body.decisionId, kind, dryRun });
      if (!dryRun && !approved && res.body.pending.length > 0) {
        ok(
          await app.request('POST', `/v1/decisions/${res.body.decisionId}/approvals`, {
            token: await health.token(['agency_user']),
            body: { itemId: res.body.pending[0].itemId, approve: true },
          }),
        );
        approved = true;
      }
    }
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it('records fifty decisions of every kind and outcome', async () => {
    expect(decisions).toHaveLength(50);
    const rows: { outcome: string; basis: string; approved: boolean }[] =
      await app.dataSource.query(
        `SELECT outcome, request ->> 'basis' AS basis,
                jsonb_array_length(facts -> 'approvedItemIds') > 0 AS approved
           FROM decision WHERE id = ANY($1::uuid[])`,
        [decisions.map((d) => d.id)],
      );
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((r) => r.outcome))).toEqual(
      new Set(['permit', 'partial', 'deny', 'pending']),
    );
    expect(new Set(rows.map((r) => r.basis))).toEqual(
      new Set(['consent', 'life_safety', 'legal_obligation']),
    );
    expect(rows.some((r) => r.approved)).toBe(true);
    // What the CLI reads, page by page: every decision of the period, once.
    const read: string[] = [];
    for await (const d of new ReplayRepository(app.dataSource).decidedBetween(
      startedAt,
      undefined,
      7,
    ))
      read.push(d.id);
    expect(read).toHaveLength(50);
    expect([...read].sort()).toEqual(decisions.map((d) => d.id).sort());
  });

  it('every legal-obligation and exception release opened its legal review; nothing else did', async () => {
    const rows: { id: string; basis: string; released: number; reasons: string[] | null }[] =
      await app.dataSource.query(
        `SELECT d.id, d.request ->> 'basis' AS basis,
                jsonb_array_length(d.decision -> 'released')::int AS released, r.reasons
           FROM decision d LEFT JOIN review r ON r.decision_id = d.id
          WHERE d.id = ANY($1::uuid[])`,
        [decisions.map((d) => d.id)],
      );
    const dryRuns = new Set(decisions.filter((d) => d.dryRun).map((d) => d.id));
    for (const row of rows) {
      const due = !dryRuns.has(row.id) && row.released > 0 && row.basis !== 'consent';
      expect({ basis: row.basis, reasons: row.reasons?.[0] ?? null }).toEqual({
        basis: row.basis,
        reasons: due
          ? row.basis === 'legal_obligation'
            ? 'legal_obligation'
            : 'life_safety_exception'
          : null,
      });
    }
    expect(rows.filter((r) => r.reasons?.includes('legal_obligation')).length).toBeGreaterThan(0);
  });

  it('replays all fifty under their own bundle: every one reproduced, one audit record each', async () => {
    const keys = await publishedKeys(app, await police.token());
    const stored: { id: string; outcome: string; policy_bundle_hash: string }[] =
      await app.dataSource.query('SELECT id, outcome, policy_bundle_hash FROM decision');
    const byId = new Map(stored.map((s) => [s.id, s]));
    for (const decision of decisions) {
      const before = await auditSize(app);
      const res = await replay(decision.id);
      expect({ id: decision.id, status: res.status }).toEqual({ id: decision.id, status: 200 });
      const expected = byId.get(decision.id)!;
      expect({
        id: decision.id,
        reproduced: res.body.reproduced,
        changes: res.body.changes,
      }).toEqual({ id: decision.id, reproduced: true, changes: { rules: [] } });
      expect(res.body.replayed.outcome).toBe(expected.outcome);
      expect(res.body.original.outcome).toBe(expected.outcome);
      expect(res.body.bundle).toEqual({ hash: expected.policy_bundle_hash, source: 'decision' });
      expect(res.body.replayed.policyBundleHash).toBe(expected.policy_bundle_hash);
      expect(res.body.replayed.trace).toEqual(res.body.original.trace);
      expect((await auditSize(app)) - before).toBe(1);
      await receiptOf(res, keys);
    }
    // Released items show their field names, never their values.
    const permit = decisions.find((d) => d.kind === 'consent_permit')!;
    const res = await replay(permit.id);
    expect(res.body.replayed.released).toEqual([
      expect.objectContaining({ category: 'location', fields: ['address', 'municipality'] }),
    ]);
    expect(res.text).not.toContain('rue des Lilas');
    // The record: ids, codes and the hash of the bundle replayed under.
    const [leaf]: { leaf: string }[] = await app.dataSource.query(
      `SELECT leaf FROM audit_record WHERE action = 'decision.replay' ORDER BY seq DESC LIMIT 1`,
    );
    expect(JSON.parse(leaf.leaf)).toEqual(
      expect.objectContaining({
        action: 'decision.replay',
        outcome: 'success',
        targets: { decisionId: permit.id, caseId, personIds: [victimId] },
        reasonCodes: ['reproduced', 'bundle_decision'],
        policyBundleHash: res.body.bundle.hash,
        parties: [police.id, shelter.id].sort(),
      }),
    );
  }, 120_000);

  it('a legal reviewer uploads a changed bundle: exactly the changed rule, stored, then named by hash', async () => {
    const files = await policyTexts();
    files['rules.yaml'] = files['rules.yaml'].replace(
      '\n# Separation of duties',
      `${SHELTER_NOT_TO_POLICE}\n# Separation of duties`,
    );
    expect(files['rules.yaml']).toContain('FR-TEST-SHELTER-NOT-TO-POLICE');
    const lifeSafety = decisions.find((d) => d.kind === 'life_safety' && !d.dryRun)!;
    const before = await auditSize(app);
    const uploaded = await replay(lifeSafety.id, { bundle: { files } }, await asLegal());
    ok(uploaded);
    expect((await auditSize(app)) - before).toBe(1);
    proposalHash = uploaded.body.proposalHash!;
    expect(proposalHash).toMatch(/^[0-9a-f]{64}$/);
    expect(uploaded.body.bundle).toEqual({ hash: proposalHash, source: 'proposal' });
    expect(uploaded.body.reproduced).toBe(false);
    expect(uploaded.body.changes.rules).toEqual([
      { rule: 'R-FIELD-RULES', scope: `item:${refugeItemId}`, from: 'pass', to: 'fail' },
    ]);
    expect(uploaded.body.changes.outcome).toEqual({ from: 'permit', to: 'deny' });
    expect(uploaded.body.changes.released?.removed.map((r) => r.itemId)).toEqual([refugeItemId]);
    expect(uploaded.body.changes.withheld).toEqual([
      { category: 'location.shelter', from: null, to: ['R-FIELD-RULES'] },
    ]);
    expect(uploaded.body.original.policyBundleHash).not.toBe(proposalHash);
    expect(uploaded.body.replayed.policyBundleHash).toBe(proposalHash);
    const [proposal]: { n: number; by: string }[] = await app.dataSource.query(
      'SELECT count(*)::int AS n, max(uploaded_by_agency_id::text) AS by FROM policy_proposal WHERE hash = $1',
      [proposalHash],
    );
    expect(proposal).toEqual({ n: 1, by: table.id });
    const [leaf]: { leaf: string }[] = await app.dataSource.query(
      `SELECT leaf FROM audit_record WHERE action = 'decision.replay' ORDER BY seq DESC LIMIT 1`,
    );
    expect(JSON.parse(leaf.leaf)).toEqual(
      expect.objectContaining({
        reasonCodes: ['changed', 'bundle_proposal', 'proposal_uploaded'],
        policyBundleHash: proposalHash,
      }),
    );

    // Uploading it again stores nothing new; naming it by hash answers the same.
    const again = await replay(lifeSafety.id, { bundle: { files } }, await asLegal());
    expect(again.body.proposalHash).toBe(proposalHash);
    const byHash = await replay(lifeSafety.id, { bundleHash: proposalHash.toUpperCase() });
    ok(byHash);
    expect(byHash.body.bundle).toEqual({ hash: proposalHash, source: 'proposal' });
    expect(byHash.body.changes).toEqual(uploaded.body.changes);
    expect(byHash.body.replayed).toEqual(uploaded.body.replayed);
    const [count]: { n: number }[] = await app.dataSource.query(
      'SELECT count(*)::int AS n FROM policy_proposal',
    );
    expect(count.n).toBe(1);
  });

  it('under the proposal, only the decisions that released the shelter to the police change', async () => {
    const changed: string[] = [];
    for (const decision of decisions) {
      const res = await replay(decision.id, { bundleHash: proposalHash });
      ok(res);
      if (res.body.reproduced) expect(res.body.changes).toEqual({ rules: [] });
      else {
        changed.push(decision.id);
        expect(res.body.changes.rules).toEqual([
          { rule: 'R-FIELD-RULES', scope: `item:${refugeItemId}`, from: 'pass', to: 'fail' },
        ]);
      }
    }
    expect(changed.sort()).toEqual(
      decisions
        .filter((d) => d.kind === 'life_safety')
        .map((d) => d.id)
        .sort(),
    );
  }, 120_000);

  it('replays under a bundle once in force, named by its hash', async () => {
    const policies = await app.request<{ hash: string }>('GET', '/v1/policies', {
      token: await police.token(),
    });
    const res = await replay(decisions[0].id, { bundleHash: policies.body.hash });
    ok(res);
    expect(res.body.bundle).toEqual({ hash: policies.body.hash, source: 'policy_bundle' });
    expect(res.body.reproduced).toBe(true);
    // No body at all is the empty body: the decision's own bundle.
    const bare = await app.request<Replay>('POST', `/v1/decisions/${decisions[0].id}/replay`, {
      token: await asOfficer(),
    });
    ok(bare);
    expect(bare.body.bundle.source).toBe('decision');
  });

  it('bad input is a clear 4xx problem, never a 500', async () => {
    const id = decisions[0].id;
    const before = await auditSize(app);
    const invalid = expectProblem(await replay(id, { bundleHash: 'xyz' }), 400, 'request.invalid');
    expect(invalid.errors).toEqual([{ property: 'bundleHash', constraints: ['matches'] }]);
    expectProblem(await replay(id, { bundleHash: 'a'.repeat(64) }), 404, 'replay.bundle_not_found');
    expectProblem(await replay(id, { everything: true }), 400, 'request.invalid');
    expectProblem(
      await replay(id, { bundle: { files: { 'rules.yaml': 'x' }, extra: 1 } }, await asLegal()),
      400,
      'request.invalid',
    );
    expectProblem(
      await replay(id, { bundle: { files: [] } }, await asLegal()),
      400,
      'request.invalid',
    );
    expectProblem(
      await replay(
        id,
        { bundleHash: 'a'.repeat(64), bundle: { files: { 'rules.yaml': 'x' } } },
        await asLegal(),
      ),
      400,
      'replay.one_bundle',
    );
    expectProblem(await replay(randomUUID()), 404, 'replay.decision_not_found');
    expectProblem(
      await app.request('POST', '/v1/decisions/not-a-uuid/replay', {
        token: await asOfficer(),
        body: {},
      }),
      400,
      'request.invalid',
    );
    // None of these read a decision: none is recorded.
    expect(await auditSize(app)).toBe(before);
  });

  it('an invalid uploaded bundle is a 422 naming every problem with its file and line', async () => {
    const files = await policyTexts();
    const stageLine = lineOf(files['taxonomy.yaml'], '    stage: high_risk_confirmed');
    const purposeLine = lineOf(files['sectors.yaml'], '      - emergency');
    files['taxonomy.yaml'] = files['taxonomy.yaml'].replace(
      '    stage: high_risk_confirmed',
      '    stage: someday',
    );
    files['sectors.yaml'] = files['sectors.yaml'].replace('      - emergency', '      - curiosity');
    const res = await replay(decisions[0].id, { bundle: { files } }, await asLegal());
    const problem = expectProblem(res, 422, 'replay.invalid_bundle');
    expect((problem as unknown as { bundleProblems: BundleProblemJson[] }).bundleProblems).toEqual([
      {
        file: 'taxonomy.yaml',
        line: stageLine,
        path: 'categories.identity.stage',
        message: 'unknown stage "someday"',
      },
      {
        file: 'sectors.yaml',
        line: purposeLine,
        path: 'sectors.police.purposes.3',
        message: 'unknown purpose "curiosity"',
      },
    ]);
    expect(problem.detail).toContain(`taxonomy.yaml:${stageLine}`);

    const broken = await policyTexts();
    const syntaxLine = lineOf(broken['regimes.yaml'], '  QC-A-2.1:');
    broken['regimes.yaml'] = broken['regimes.yaml'].replace('  QC-A-2.1:', '  QC-A-2.1: [');
    const { 'thresholds.yaml': _missing, ...withoutThresholds } = broken;
    const syntax = expectProblem(
      await replay(decisions[0].id, { bundle: { files: withoutThresholds } }, await asLegal()),
      422,
      'replay.invalid_bundle',
    ) as unknown as { bundleProblems: BundleProblemJson[] };
    expect(syntax.bundleProblems).toEqual([
      { file: 'thresholds.yaml', line: 1, path: '(file)', message: 'file missing' },
      expect.objectContaining({ file: 'regimes.yaml', path: '(syntax)' }),
    ]);
    expect(syntax.bundleProblems[1].line).toBeGreaterThanOrEqual(syntaxLine);
    // Nothing stored.
    const [count]: { n: number }[] = await app.dataSource.query(
      'SELECT count(*)::int AS n FROM policy_proposal',
    );
    expect(count.n).toBe(1);
  });

  it("only the table's oversight replays; only its legal reviewers upload", async () => {
    const id = decisions[0].id;
    // The requester's own privacy officer and legal reviewer: the same 404 as an unknown decision.
    for (const roles of [['privacy_officer'], ['legal_reviewer']] as const) {
      expectProblem(
        await replay(id, {}, await police.token([...roles])),
        404,
        'replay.decision_not_found',
      );
    }
    // A role that never replays is refused by the route itself, and recorded.
    expectProblem(await replay(id, {}, await table.token(['coordinator'])), 403, 'auth.forbidden');
    const before = await auditSize(app);
    const refused = await replay(id, { bundle: { files: await policyTexts() } }, await asOfficer());
    expectProblem(refused, 403, 'replay.upload_forbidden');
    expect((await auditSize(app)) - before).toBe(1);
    const [leaf]: { leaf: string }[] = await app.dataSource.query(
      'SELECT leaf FROM audit_record ORDER BY seq DESC LIMIT 1',
    );
    expect(JSON.parse(leaf.leaf)).toEqual(
      expect.objectContaining({
        action: 'auth.forbidden',
        outcome: 'failure',
        reasonCodes: ['replay.upload_forbidden'],
      }),
    );
  });

  it('a stored decision the engine cannot run on is a 422, recorded, never a 500', async () => {
    // Copies of a real decision, dated 2001 (outside the period the CLI tests below replay): one
    // whose facts lost the requester, one whose bundle was never stored.
    const copy = async (facts: string, hash: string): Promise<string> => {
      const id = randomUUID();
      await app.dataSource.query(
        `INSERT INTO decision (id, requester_agency_id, subject, case_id, person_id, dry_run, outcome, request,
                               facts, decision, policy_bundle_hash, decided_at)
         SELECT $2, requester_agency_id, subject, case_id, person_id, dry_run, outcome, request, ${facts},
                decision, ${hash}, '2001-01-01T00:00:00Z'
           FROM decision WHERE id = $1`,
        [decisions[0].id, id],
      );
      return id;
    };
    const broken = await copy(`facts - 'requester'`, 'policy_bundle_hash');
    const before = await auditSize(app);
    const res = expectProblem(await replay(broken), 422, 'replay.not_replayable');
    expect(res.detail).toEqual(expect.any(String));
    expect((await auditSize(app)) - before).toBe(1);
    const [leaf]: { leaf: string }[] = await app.dataSource.query(
      'SELECT leaf FROM audit_record ORDER BY seq DESC LIMIT 1',
    );
    expect(JSON.parse(leaf.leaf)).toEqual(
      expect.objectContaining({
        action: 'decision.replay',
        outcome: 'failure',
        reasonCodes: ['replay.not_replayable', 'engine_failed'],
      }),
    );
    // Under a stored proposal it fails the same way.
    expectProblem(await replay(broken, { bundleHash: proposalHash }), 422, 'replay.not_replayable');
    const orphan = await copy('facts', `'${'0'.repeat(64)}'`);
    expectProblem(await replay(orphan), 422, 'replay.not_replayable');
  });

  describe('npm run policy:replay', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'filet-candidate-'));
      await cp('policies', dir, { recursive: true });
      // The candidate: the police may no longer invoke an emergency.
      const sectors = await readFile(join(dir, 'sectors.yaml'), 'utf8');
      const police = sectors.indexOf('  police:');
      const emergency = sectors.indexOf('      - emergency\n', police);
      await writeFile(
        join(dir, 'sectors.yaml'),
        sectors.slice(0, emergency) + sectors.slice(emergency + '      - emergency\n'.length),
      );
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const period = (): string[] => ['--since', startedAt.toISOString()];
    const lifeSafetyIds = (): string[] =>
      decisions
        .filter((d) => d.kind === 'life_safety')
        .map((d) => d.id)
        .sort();

    it('prints the decisions whose result would change, and a summary, in English', async () => {
      const res = await policyReplay(app, ['--bundle', dir, ...period(), '--lang', 'en']);
      expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
      const rows = res.stdout.split('\n').filter((l) => /^ {2}[0-9a-f-]{36} /.test(l));
      expect(rows.map((l) => l.trim().slice(0, 36)).sort()).toEqual(lifeSafetyIds());
      for (const row of rows) {
        expect(row).toContain('permit → deny');
        expect(row).toMatch(/ R-PURPOSE-SECTOR, /);
      }
      expect(res.stdout).toContain('Decisions whose result would change');
      expect(res.stdout).toContain(
        'Summary: 50 replayed, 45 unchanged, 5 changed, 0 integrity problems',
      );
      expect(res.stdout).toMatch(/permit → deny: 5\n/);
      // Ids and codes only: no item content, no subject.
      expect(res.stdout).not.toMatch(/rue des Lilas|Maison L'Aube|suicide/);
    });

    it('speaks French, and gives every detail as JSON', async () => {
      const fr = await policyReplay(app, ['--bundle', dir, ...period(), '--lang', 'fr']);
      expect(fr.code).toBe(0);
      expect(fr.stdout).toContain('Résumé :');
      expect(fr.stdout).toContain('50 rejouées, 45 inchangées, 5 changées');
      const json = await policyReplay(app, ['--bundle', dir, ...period(), '--json']);
      expect(json.code).toBe(0);
      const report = JSON.parse(json.stdout) as {
        summary: Record<string, unknown>;
        changed: { decisionId: string; rules: string[]; outcome: unknown }[];
      };
      expect(report.summary).toEqual(
        expect.objectContaining({ replayed: 50, unchanged: 45, changed: 5, integrityProblems: 0 }),
      );
      expect(report.changed.map((c) => c.decisionId).sort()).toEqual(lifeSafetyIds());
      expect(report.changed[0].rules[0]).toBe('R-PURPOSE-SECTOR');
      expect(report.changed[0].outcome).toEqual({ from: 'permit', to: 'deny' });
      // The candidate unchanged from the bundle in force changes nothing.
      const same = await policyReplay(app, ['--bundle', 'policies', ...period(), '--json']);
      expect(JSON.parse(same.stdout).summary).toEqual(
        expect.objectContaining({ replayed: 50, unchanged: 50, changed: 0 }),
      );
    });

    it('refuses an invalid candidate (file:line, exit 2) and bad usage (exit 2)', async () => {
      const bad = await mkdtemp(join(tmpdir(), 'filet-candidate-bad-'));
      try {
        await cp('policies', bad, { recursive: true });
        const text = await readFile(join(bad, 'taxonomy.yaml'), 'utf8');
        const line = lineOf(text, '    stage: high_risk_confirmed');
        await writeFile(
          join(bad, 'taxonomy.yaml'),
          text.replace('    stage: high_risk_confirmed', '    stage: someday'),
        );
        const res = await policyReplay(app, ['--bundle', bad, ...period()]);
        expect(res.code).toBe(2);
        expect(res.stderr).toContain(
          `taxonomy.yaml:${line} categories.identity.stage: unknown stage "someday"`,
        );
      } finally {
        await rm(bad, { recursive: true, force: true });
      }
      expect((await policyReplay(app, ['--bundle', dir])).code).toBe(2);
      expect((await policyReplay(app, ['--bundle', dir, '--since', 'yesterday'])).code).toBe(2);
      expect((await policyReplay(app, ['--bundle', dir, ...period(), '--lang', 'de'])).code).toBe(
        2,
      );
    });

    it('reports a decision its own bundle does not reproduce as an integrity problem (exit 1)', async () => {
      // A stored decision altered after the fact: its inputs no longer decide what it says.
      const original = decisions.find((d) => d.kind === 'nothing_held')!;
      const tampered = randomUUID();
      await app.dataSource.query(
        `INSERT INTO decision (id, requester_agency_id, subject, case_id, person_id, dry_run, outcome, request,
                               facts, decision, policy_bundle_hash, decided_at)
         SELECT $2, requester_agency_id, subject, case_id, person_id, dry_run, 'permit', request, facts,
                jsonb_set(decision, '{outcome}', '"permit"'), policy_bundle_hash, '2002-01-01T00:00:00Z'
           FROM decision WHERE id = $1`,
        [original.id, tampered],
      );
      const res = await policyReplay(app, [
        '--bundle',
        dir,
        '--since',
        '2001-01-01',
        '--until',
        '2002-01-02',
        '--lang',
        'en',
      ]);
      expect(res.code).toBe(1);
      expect(res.stdout).toContain('Integrity problems');
      expect(res.stdout).toMatch(new RegExp(`${tampered} +not reproduced`));
      // The two copies of the test above (2001), found as well.
      expect(res.stdout).toMatch(/3 replayed, .*3 integrity problems/);
    });
  });
});
