import type { PublishedKey } from '../../src/audit/broker-keys.js';
import { CasesService } from '../../src/cases/cases.service.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import {
  addPerson,
  assess,
  assign,
  daysFromToday,
  highRiskCase,
  moveTo,
  referCase,
} from '../factories/case.factory.js';
import { publishedKeys, receiptOf } from '../support/audit-helpers.js';
import { expectProblem } from '../support/problem.js';
import { startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const THRESHOLDS = { odara: 7, danger_assessment: 18, dash: 14 };
const NOBODY = '00000000-0000-4000-8000-000000000000';

describe('cases API', () => {
  let t: TestApp;
  let police: TestAgency;
  let shelter: TestAgency;
  let program: TestAgency;
  let outsider: TestAgency;
  let table: TestAgency;
  let keys: PublishedKey[];

  beforeAll(async () => {
    t = await startTestApp();
    police = await createAgency(t.dataSource, { sector: 'police' });
    shelter = await createAgency(t.dataSource, { sector: 'shelter' });
    program = await createAgency(t.dataSource, { sector: 'perpetrator_program' });
    outsider = await createAgency(t.dataSource, { sector: 'community' });
    table = await createAgency(t.dataSource, { sector: 'coordination' });
    keys = await publishedKeys(t, await police.token());
  });
  afterAll(async () => {
    await t.close();
  });

  const as = async (
    agency: TestAgency,
    roles: Parameters<TestAgency['token']>[0] = ['agency_user'],
  ) => ({
    token: await agency.token(roles),
  });
  const coordinator = () => as(table, ['coordinator']);

  /** The audit record behind a response's receipt, as hashed into the log. */
  async function recorded(res: HttpResult<unknown>): Promise<Record<string, unknown>> {
    const { claims } = await receiptOf(res, keys);
    const [row]: { leaf: string }[] = await t.dataSource.query(
      'SELECT leaf FROM audit_record WHERE seq = $1',
      [claims.seq],
    );
    return JSON.parse(row.leaf) as Record<string, unknown>;
  }

  const caseCount = async (): Promise<number> =>
    Number((await t.dataSource.query('SELECT count(*) AS n FROM case_file'))[0].n);

  describe('referral', () => {
    it('opens a de-identified case referred by the caller’s agency, recorded with a receipt', async () => {
      const res = await t.request('POST', '/v1/cases', {
        ...(await as(police)),
        body: { reason: 'strangulation', incidentDate: '2025-11-20' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        stage: 'deidentified',
        reason: 'strangulation',
        incidentDate: '2025-11-20',
        referringAgencyId: police.id,
        assignedAgencyIds: [],
        thresholdDecision: null,
        closedReason: null,
        closedFromStage: null,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
        version: 1,
      });
      const record = await recorded(res);
      expect(record).toMatchObject({
        action: 'case.refer',
        outcome: 'success',
        actor: { agencyId: police.id },
        targets: { caseId: res.body.id, stage: 'deidentified' },
        reasonCodes: ['strangulation'],
      });

      const read = await t.request('GET', `/v1/cases/${res.body.id}`, await as(police));
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ ...res.body, riskAssessments: [], userAssignments: [] });
    });

    it('lists the cases an agency referred or is assigned to; coordinators see every case', async () => {
      const mine = await referCase(t, police);
      const theirs = await referCase(t, outsider);
      await assign(t, table, theirs, shelter.id);
      const ids = async (agency: TestAgency, roles?: Parameters<TestAgency['token']>[0]) => {
        const res = await t.request<{ items: { id: string }[] }>(
          'GET',
          '/v1/cases?limit=500',
          await as(agency, roles),
        );
        expect(res.status).toBe(200);
        return res.body.items.map((c) => c.id);
      };
      expect(await ids(police)).toContain(mine);
      expect(await ids(police)).not.toContain(theirs);
      expect(await ids(shelter)).toContain(theirs);
      expect(await ids(shelter)).not.toContain(mine);
      expect(await ids(table)).toEqual(expect.arrayContaining([mine, theirs]));
      expect(await ids(program, ['coordinator'])).toEqual(expect.arrayContaining([mine, theirs]));

      const closed = await t.request<{ items: unknown[] }>(
        'GET',
        '/v1/cases?stage=closed',
        await as(police),
      );
      expect(closed.body.items).toEqual([]);
      expectProblem(
        await t.request('GET', '/v1/cases?stage=open', await as(police)),
        400,
        'request.invalid',
      );
      expectProblem(
        await t.request('GET', '/v1/cases?limit=0', await as(police)),
        400,
        'request.invalid',
      );
    });

    it('refuses bad input with 400 naming the properties, and writes nothing', async () => {
      const before = await caseCount();
      const bad = await t.request('POST', '/v1/cases', {
        ...(await as(police)),
        body: { reason: 'bad_mood', incidentDate: '2025-02-30', victimName: 'Jeanne' },
      });
      const problem = expectProblem(bad, 400, 'request.invalid');
      expect(problem.errors?.map((e) => e.property).sort()).toEqual([
        'incidentDate',
        'reason',
        'victimName',
      ]);
      expect(bad.text).not.toContain('Jeanne');
      expectProblem(
        await t.request('POST', '/v1/cases', {
          ...(await as(police)),
          body: { reason: 'strangulation', incidentDate: daysFromToday(3) },
        }),
        400,
        'case.incident_date_in_future',
      );
      expectProblem(
        await t.request('POST', '/v1/cases', { ...(await as(police)), body: [] }),
        400,
        'request.invalid',
      );
      expect(await caseCount()).toBe(before);
    });

    it('a privacy officer cannot refer: 403', async () => {
      expectProblem(
        await t.request('POST', '/v1/cases', {
          ...(await as(police, ['privacy_officer'])),
          body: { reason: 'strangulation', incidentDate: '2025-11-20' },
        }),
        403,
        'auth.forbidden',
      );
    });
  });

  describe('isolation (DESIGN §5): an agency with no part in a case gets 404', () => {
    it('for reading it, its persons, and adding to it', async () => {
      const caseId = await referCase(t, police);
      for (const [method, path, body] of [
        ['GET', `/v1/cases/${caseId}`, undefined],
        ['GET', `/v1/cases/${caseId}/persons`, undefined],
        [
          'POST',
          `/v1/cases/${caseId}/persons`,
          { role: 'victim', capacity: 'capable', minor: false },
        ],
        ['POST', `/v1/cases/${caseId}/risk-assessments`, { tool: 'odara', score: 9 }],
        [
          'POST',
          `/v1/cases/${caseId}/user-assignments`,
          { agencyId: outsider.id, subject: 'w1', side: 'victim' },
        ],
      ] as const) {
        const res = await t.request(method, path, { ...(await as(outsider)), body });
        expectProblem(res, 404, 'case.not_found');
      }
      // The same answer as for a case that does not exist.
      expectProblem(
        await t.request('GET', `/v1/cases/${NOBODY}`, await as(police)),
        404,
        'case.not_found',
      );
      expectProblem(
        await t.request('GET', '/v1/cases/not-a-uuid', await as(police)),
        400,
        'request.invalid',
      );
    });
  });

  describe('risk assessments and the high-risk threshold', () => {
    it.each([
      ['odara', 7, 6],
      ['danger_assessment', 18, 17],
      ['dash', 14, 13],
    ])('%s: %i meets the threshold, %i does not', async (tool, at, below) => {
      const low = await referCase(t, police);
      await assess(t, police, low, { tool, score: below });
      expectProblem(
        await t.request('POST', `/v1/cases/${low}/stage`, {
          ...(await coordinator()),
          body: { stage: 'high_risk_confirmed' },
        }),
        409,
        'case.threshold_not_met',
      );
      expect((await t.request('GET', `/v1/cases/${low}`, await as(police))).body.stage).toBe(
        'deidentified',
      );

      const high = await referCase(t, police);
      const assessmentId = await assess(t, police, high, { tool, score: at });
      const res = await t.request('POST', `/v1/cases/${high}/stage`, {
        ...(await coordinator()),
        body: { stage: 'high_risk_confirmed' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        stage: 'high_risk_confirmed',
        thresholdDecision: {
          met: true,
          rule: 'tool_threshold',
          assessmentIds: [assessmentId],
          thresholds: THRESHOLDS,
          decidedAt: expect.stringMatching(ISO),
        },
      });
      expect(await recorded(res)).toMatchObject({
        action: 'case.stage',
        targets: {
          caseId: high,
          from: 'deidentified',
          to: 'high_risk_confirmed',
          assessmentIds: [assessmentId],
        },
        reasonCodes: ['tool_threshold'],
        parties: [police.id],
        policyBundleHash: expect.any(String),
      });
    });

    it('a professional judgement with written reasons raises a case whose tools are below threshold', async () => {
      const caseId = await referCase(t, police);
      await assess(t, police, caseId, { tool: 'odara', score: 3 });
      const judgement = await assess(t, police, caseId, {
        tool: 'professional_judgement',
        requestedLevel: 'high_risk',
        reasons: 'Recent escalation after separation; victim fears for her life.',
      });
      const res = await moveTo(t, table, caseId, 'high_risk_confirmed');
      expect(res.thresholdDecision).toMatchObject({
        met: true,
        rule: 'professional_judgement',
        assessmentIds: [judgement],
      });
      const detail = await t.request<{ riskAssessments: Record<string, unknown>[] }>(
        'GET',
        `/v1/cases/${caseId}`,
        await as(police),
      );
      expect(detail.body.riskAssessments).toEqual([
        expect.objectContaining({ tool: 'odara', score: 3, requestedLevel: null, reasons: null }),
        expect.objectContaining({
          id: judgement,
          tool: 'professional_judgement',
          score: null,
          requestedLevel: 'high_risk',
          assessorAgencyId: police.id,
          assessorSubject: expect.any(String),
        }),
      ]);
    });

    it('a "not high risk" judgement never lowers a tool at its threshold', async () => {
      const caseId = await referCase(t, police);
      const odara = await assess(t, police, caseId, { tool: 'odara', score: 9 });
      await assess(t, police, caseId, {
        tool: 'professional_judgement',
        requestedLevel: 'not_high_risk',
        reasons: 'Perpetrator has moved to another province, in my assessment.',
      });
      // Nor can the case be closed as below threshold.
      expectProblem(
        await t.request('POST', `/v1/cases/${caseId}/stage`, {
          ...(await coordinator()),
          body: { stage: 'closed', closeReason: 'threshold_not_met' },
        }),
        409,
        'case.threshold_met',
      );
      const res = await moveTo(t, table, caseId, 'high_risk_confirmed');
      expect(res.thresholdDecision).toMatchObject({
        met: true,
        rule: 'tool_threshold',
        assessmentIds: [odara],
      });
    });

    it('a "not high risk" judgement alone does not meet the threshold', async () => {
      const caseId = await referCase(t, police);
      await assess(t, police, caseId, {
        tool: 'professional_judgement',
        requestedLevel: 'not_high_risk',
        reasons: 'No risk factor beyond a single verbal dispute.',
      });
      expectProblem(
        await t.request('POST', `/v1/cases/${caseId}/stage`, {
          ...(await coordinator()),
          body: { stage: 'high_risk_confirmed' },
        }),
        409,
        'case.threshold_not_met',
      );
    });

    it('refuses a score outside its tool’s scale, or the wrong shape for the tool', async () => {
      const caseId = await referCase(t, police);
      const post = async (body: unknown) =>
        t.request('POST', `/v1/cases/${caseId}/risk-assessments`, { ...(await as(police)), body });
      expectProblem(await post({ tool: 'odara', score: 14 }), 400, 'case.assessment_shape');
      expectProblem(await post({ tool: 'dash', score: 28 }), 400, 'case.assessment_shape');
      expectProblem(
        await post({ tool: 'odara', score: 8, reasons: 'Because I think so, really.' }),
        400,
        'case.assessment_shape',
      );
      expectProblem(
        await post({
          tool: 'professional_judgement',
          requestedLevel: 'high_risk',
          reasons: 'x'.repeat(30),
          score: 3,
        }),
        400,
        'case.assessment_shape',
      );
      expectProblem(
        await post({ tool: 'professional_judgement', requestedLevel: 'high_risk' }),
        400,
        'request.invalid',
      );
      expectProblem(
        await post({
          tool: 'professional_judgement',
          requestedLevel: 'high_risk',
          reasons: 'short',
        }),
        400,
        'request.invalid',
      );
      expectProblem(await post({ tool: 'odara' }), 400, 'request.invalid');
      expectProblem(await post({ tool: 'odara', score: 7.5 }), 400, 'request.invalid');
      expectProblem(await post({ tool: 'sara', score: 3 }), 400, 'request.invalid');
      // The Danger Assessment's weighted scale runs to 38 (legal-rules.md §4), not 20.
      expect((await post({ tool: 'danger_assessment', score: 38 })).status).toBe(201);
      const count = await t.dataSource.query(
        'SELECT count(*)::int AS n FROM case_risk_assessment WHERE case_id = $1',
        [caseId],
      );
      expect(count[0].n).toBe(1);
    });
  });

  describe('stage transitions', () => {
    it('only a coordinator moves a case', async () => {
      const caseId = await referCase(t, police);
      await assess(t, police, caseId, { tool: 'odara', score: 10 });
      expectProblem(
        await t.request('POST', `/v1/cases/${caseId}/stage`, {
          ...(await as(police)),
          body: { stage: 'high_risk_confirmed' },
        }),
        403,
        'auth.forbidden',
      );
    });

    it('goes forward only: confirmed, active with an assigned agency, closed; then nothing', async () => {
      const caseId = await referCase(t, police);
      await assess(t, police, caseId, { tool: 'dash', score: 16 });
      const stage = async (body: Record<string, unknown>) =>
        t.request('POST', `/v1/cases/${caseId}/stage`, { ...(await coordinator()), body });

      expectProblem(await stage({ stage: 'active' }), 409, 'case.invalid_transition');
      expect((await stage({ stage: 'high_risk_confirmed' })).status).toBe(200);
      expectProblem(await stage({ stage: 'high_risk_confirmed' }), 409, 'case.invalid_transition');
      expectProblem(await stage({ stage: 'active' }), 409, 'case.no_assignment');
      await assign(t, table, caseId, shelter.id);
      const active = await stage({ stage: 'active' });
      expect(active.status).toBe(200);
      expect(active.body).toMatchObject({ stage: 'active', assignedAgencyIds: [shelter.id] });
      expectProblem(await stage({ stage: 'high_risk_confirmed' }), 409, 'case.invalid_transition');
      expectProblem(
        await stage({ stage: 'closed', closeReason: 'threshold_not_met' }),
        409,
        'case.close_reason_stage',
      );

      const closed = await stage({ stage: 'closed', closeReason: 'intervention_complete' });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({
        stage: 'closed',
        closedReason: 'intervention_complete',
        closedFromStage: 'active',
      });
      expect(await recorded(closed)).toMatchObject({
        action: 'case.stage',
        targets: { caseId, from: 'active', to: 'closed' },
        reasonCodes: ['intervention_complete'],
        parties: [police.id, shelter.id].sort(),
      });
      expectProblem(await stage({ stage: 'active' }), 409, 'case.closed');
      // A closed case takes nothing more.
      for (const [path, body] of [
        [`/v1/cases/${caseId}/persons`, { role: 'victim', capacity: 'capable', minor: false }],
        [`/v1/cases/${caseId}/risk-assessments`, { tool: 'odara', score: 9 }],
      ] as const) {
        expectProblem(
          await t.request('POST', path, { ...(await as(police)), body }),
          409,
          'case.closed',
        );
      }
      expectProblem(
        await t.request('POST', `/v1/cases/${caseId}/assignments`, {
          ...(await coordinator()),
          body: { agencyId: program.id },
        }),
        409,
        'case.closed',
      );
    });

    it('a close reason is required to close, and only to close', async () => {
      const caseId = await referCase(t, police);
      const stage = async (body: Record<string, unknown>) =>
        t.request('POST', `/v1/cases/${caseId}/stage`, { ...(await coordinator()), body });
      expectProblem(await stage({ stage: 'closed' }), 400, 'case.close_reason_required');
      expectProblem(
        await stage({ stage: 'high_risk_confirmed', closeReason: 'duplicate' }),
        400,
        'case.close_reason_required',
      );
      expectProblem(await stage({ stage: 'deidentified' }), 400, 'request.invalid');
      expectProblem(await stage({ stage: 'closed', closeReason: 'bored' }), 400, 'request.invalid');
      expectProblem(
        await t.request('POST', `/v1/cases/${NOBODY}/stage`, {
          ...(await coordinator()),
          body: { stage: 'closed', closeReason: 'duplicate' },
        }),
        404,
        'case.not_found',
      );
    });

    it('a case closed below the threshold keeps minimal data: the decision, no information items', async () => {
      const caseId = await referCase(t, police);
      const personId = await addPerson(t, police, caseId);
      const odara = await assess(t, police, caseId, { tool: 'odara', score: 4 });
      const item = await t.request('POST', `/v1/cases/${caseId}/information`, {
        ...(await as(police)),
        body: {
          personId,
          category: 'weapons',
          fields: { access_to_firearms: true },
          retainUntil: daysFromToday(400),
        },
      });
      expect(item.status).toBe(201);

      const res = await t.request('POST', `/v1/cases/${caseId}/stage`, {
        ...(await coordinator()),
        body: { stage: 'closed', closeReason: 'threshold_not_met' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        stage: 'closed',
        closedReason: 'threshold_not_met',
        closedFromStage: 'deidentified',
        thresholdDecision: {
          met: false,
          rule: 'not_met',
          assessmentIds: [odara],
          thresholds: THRESHOLDS,
        },
      });
      expect(await recorded(res)).toMatchObject({
        action: 'case.stage',
        targets: {
          caseId,
          from: 'deidentified',
          to: 'closed',
          assessmentIds: [odara],
          purgedItems: 1,
        },
        reasonCodes: ['threshold_not_met'],
      });
      const [left] = await t.dataSource.query(
        `SELECT (SELECT count(*) FROM information_item WHERE case_id = $1)::int AS items,
                (SELECT count(*) FROM information_item_version WHERE item_id = $2)::int AS versions,
                (SELECT count(*) FROM case_person WHERE case_id = $1)::int AS persons`,
        [caseId, item.body.id],
      );
      expect(left).toEqual({ items: 0, versions: 0, persons: 1 });
      expectProblem(
        await t.request('GET', `/v1/information/${item.body.id}`, await as(police)),
        404,
        'item.not_found',
      );
    });
  });

  describe('persons', () => {
    it('adds pseudonymous persons (no name is accepted) and lists them', async () => {
      const caseId = await referCase(t, police);
      const res = await t.request('POST', `/v1/cases/${caseId}/persons`, {
        ...(await as(police)),
        body: { role: 'child', capacity: 'unknown', minor: true },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        caseId,
        role: 'child',
        capacity: 'unknown',
        minor: true,
        addedByAgencyId: police.id,
        createdAt: expect.stringMatching(ISO),
      });
      expect(await recorded(res)).toMatchObject({
        action: 'case.person.add',
        targets: { caseId, personIds: [res.body.id], role: 'child' },
      });
      const list = await t.request('GET', `/v1/cases/${caseId}/persons`, await as(police));
      expect(list.body).toEqual({ items: [res.body] });

      const named = await t.request('POST', `/v1/cases/${caseId}/persons`, {
        ...(await as(police)),
        body: { role: 'victim', capacity: 'capable', minor: false, name: 'Jeanne Tremblay' },
      });
      expect(expectProblem(named, 400, 'request.invalid').errors).toEqual([
        { property: 'name', constraints: ['whitelistValidation'] },
      ]);
      expect(named.text).not.toContain('Tremblay');
      for (const body of [
        { role: 'neighbour', capacity: 'capable', minor: false },
        { role: 'victim', capacity: 'maybe', minor: false },
        { role: 'victim', capacity: 'capable', minor: 'no' },
        { role: 'victim', capacity: 'capable' },
      ]) {
        expectProblem(
          await t.request('POST', `/v1/cases/${caseId}/persons`, { ...(await as(police)), body }),
          400,
          'request.invalid',
        );
      }
      expect(
        (
          await t.request<{ items: unknown[] }>(
            'GET',
            `/v1/cases/${caseId}/persons`,
            await as(police),
          )
        ).body.items,
      ).toHaveLength(1);
    });
  });

  describe('assignments', () => {
    it('the coordinator assigns and unassigns agencies; an assigned agency then sees the case', async () => {
      const caseId = await referCase(t, police);
      expectProblem(
        await t.request('GET', `/v1/cases/${caseId}`, await as(shelter)),
        404,
        'case.not_found',
      );
      const res = await t.request('POST', `/v1/cases/${caseId}/assignments`, {
        ...(await coordinator()),
        body: { agencyId: shelter.id },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: caseId, assignedAgencyIds: [shelter.id] });
      expect(await recorded(res)).toMatchObject({
        action: 'case.assign',
        targets: { caseId, agencyId: shelter.id },
        parties: [police.id, shelter.id].sort(),
      });
      expect((await t.request('GET', `/v1/cases/${caseId}`, await as(shelter))).status).toBe(200);

      const assignAgain = async (agencyId: string) =>
        t.request('POST', `/v1/cases/${caseId}/assignments`, {
          ...(await coordinator()),
          body: { agencyId },
        });
      expectProblem(await assignAgain(shelter.id), 409, 'case.already_assigned');
      expectProblem(await assignAgain(NOBODY), 404, 'case.agency_not_found');
      expectProblem(await assignAgain('nope'), 400, 'request.invalid');
      expectProblem(
        await t.request('POST', `/v1/cases/${caseId}/assignments`, {
          ...(await as(police)),
          body: { agencyId: program.id },
        }),
        403,
        'auth.forbidden',
      );

      const removed = await t.request(
        'DELETE',
        `/v1/cases/${caseId}/assignments/${shelter.id}`,
        await coordinator(),
      );
      expect(removed.status).toBe(200);
      expect(removed.body).toMatchObject({ assignedAgencyIds: [] });
      expect(await recorded(removed)).toMatchObject({
        action: 'case.unassign',
        targets: { caseId, agencyId: shelter.id },
      });
      expectProblem(
        await t.request('GET', `/v1/cases/${caseId}`, await as(shelter)),
        404,
        'case.not_found',
      );
      expectProblem(
        await t.request(
          'DELETE',
          `/v1/cases/${caseId}/assignments/${shelter.id}`,
          await coordinator(),
        ),
        404,
        'case.not_assigned',
      );
    });

    it('an active case keeps at least one assigned agency', async () => {
      const { caseId } = await highRiskCase(t, {
        referrer: police,
        coordinator: table,
        assigned: [shelter],
      });
      expectProblem(
        await t.request(
          'DELETE',
          `/v1/cases/${caseId}/assignments/${shelter.id}`,
          await coordinator(),
        ),
        409,
        'case.last_assignment',
      );
      await assign(t, table, caseId, program.id);
      expect(
        (
          await t.request(
            'DELETE',
            `/v1/cases/${caseId}/assignments/${shelter.id}`,
            await coordinator(),
          )
        ).status,
      ).toBe(200);
    });
  });

  describe('user sides (separation of duties)', () => {
    it('puts a user on one side of a case only', async () => {
      const { caseId } = await highRiskCase(t, {
        referrer: police,
        coordinator: table,
        assigned: [program],
      });
      const put = async (
        agency: TestAgency,
        body: Record<string, unknown>,
        roles?: Parameters<TestAgency['token']>[0],
      ) =>
        t.request('POST', `/v1/cases/${caseId}/user-assignments`, {
          ...(await as(agency, roles)),
          body,
        });

      const res = await put(police, { agencyId: police.id, subject: 'officer-12', side: 'victim' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        agencyId: police.id,
        subject: 'officer-12',
        side: 'victim',
        assignedAt: expect.stringMatching(ISO),
      });
      expect(await recorded(res)).toMatchObject({
        action: 'case.user_assign',
        targets: { caseId, agencyId: police.id, subject: 'officer-12', side: 'victim' },
      });
      expectProblem(
        await put(police, { agencyId: police.id, subject: 'officer-12', side: 'perpetrator' }),
        409,
        'case.user_side_conflict',
      );
      expectProblem(
        await put(police, { agencyId: police.id, subject: 'officer-12', side: 'victim' }),
        409,
        'case.user_already_assigned',
      );
      expectProblem(
        await put(police, { agencyId: program.id, subject: 'counsellor-3', side: 'perpetrator' }),
        403,
        'case.other_agency_user',
      );
      // A coordinator may place another agency's user, if that agency has a part in the case.
      expect(
        (
          await put(table, { agencyId: program.id, subject: 'counsellor-3', side: 'perpetrator' }, [
            'coordinator',
          ])
        ).status,
      ).toBe(201);
      expectProblem(
        await put(table, { agencyId: shelter.id, subject: 'worker-9', side: 'victim' }, [
          'coordinator',
        ]),
        409,
        'case.agency_not_party',
      );
      expectProblem(
        await put(police, { agencyId: police.id, subject: 'has space', side: 'victim' }),
        400,
        'request.invalid',
      );

      const cases = t.app.get(CasesService);
      expect(await cases.userSide(caseId, police.id, 'officer-12')).toBe('victim');
      expect(await cases.userSide(caseId, program.id, 'counsellor-3')).toBe('perpetrator');
      expect(await cases.userSide(caseId, police.id, 'someone-else')).toBeNull();

      // Each agency sees its own users' sides; the coordinator sees all.
      const sides = async (agency: TestAgency, roles?: Parameters<TestAgency['token']>[0]) =>
        (
          await t.request<{ userAssignments: { subject: string }[] }>(
            'GET',
            `/v1/cases/${caseId}`,
            await as(agency, roles),
          )
        ).body.userAssignments
          .map((u) => u.subject)
          .sort();
      expect(await sides(police)).toEqual(['officer-12']);
      expect(await sides(program)).toEqual(['counsellor-3']);
      expect(await sides(table, ['coordinator'])).toEqual(['counsellor-3', 'officer-12']);
    });
  });

  describe('facts for the disclosure engine', () => {
    it('facts(), visibleTo() and userSide() read what the API wrote', async () => {
      const { caseId, victimId } = await highRiskCase(t, {
        referrer: police,
        coordinator: table,
        assigned: [shelter],
      });
      const perpetratorId = await addPerson(t, police, caseId, {
        role: 'perpetrator',
        capacity: 'capable',
        minor: false,
      });
      const cases = t.app.get(CasesService);
      expect(await cases.facts(caseId)).toEqual({
        case: {
          id: caseId,
          stage: 'active',
          referringAgencyId: police.id,
          assignedAgencyIds: [shelter.id],
        },
        persons: [
          { id: victimId, caseId, role: 'victim', capacity: 'capable', minor: false },
          { id: perpetratorId, caseId, role: 'perpetrator', capacity: 'capable', minor: false },
        ],
      });
      expect(await cases.facts(NOBODY)).toBeUndefined();
      // Who may ask for a disclosure on the case: its referrer, its assigned agencies, the table.
      const ask = async (agency: TestAgency, id: string): Promise<number> =>
        (
          await t.request('POST', '/v1/disclosures/dry-run', {
            token: await agency.token(['agency_user']),
            body: {
              caseId: id,
              personId: victimId,
              categories: ['risk_assessment'],
              purpose: 'risk_assessment',
              basis: 'consent',
            },
          })
        ).status;
      expect(await ask(police, caseId)).toBe(200);
      expect(await ask(shelter, caseId)).toBe(200);
      expect(await ask(table, caseId)).toBe(200);
      expect(await ask(outsider, caseId)).toBe(404);
      expect(await ask(police, NOBODY)).toBe(404);
    });
  });
});
