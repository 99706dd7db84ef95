import { randomUUID } from 'node:crypto';
import { AuditLog } from '../../src/audit/audit-log.js';
import type { AuditContext, AuditEntry } from '../../src/audit/audit.types.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { auditSize } from '../support/audit-helpers.js';
import { expectProblem } from '../support/problem.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Report {
  personId: string;
  entries: {
    seq: number;
    holderAgencyId: string;
    recipientAgencyId: string;
    categories: string[];
    basis: string;
  }[];
  heldEntries: number;
}

/**
 * The privacy officers' views. Disclosures are recorded here through the audit writer itself, as the
 * decision engine records them: one `disclosure.release` record per holder and recipient.
 */
describe('privacy officer views of the audit log', () => {
  let app: TestApp;
  let coordination: TestAgency;
  let shelter: TestAgency;
  let police: TestAgency;
  let program: TestAgency;
  const victim = randomUUID();
  const caseId = randomUUID();
  const seqs: number[] = [];

  async function release(
    holder: TestAgency,
    recipient: TestAgency,
    entry: Partial<AuditEntry> = {},
  ): Promise<number> {
    const ctx: AuditContext = {
      actor: { agencyId: recipient.id, subject: 'worker-1', roles: ['agency_user' as const] },
      requestId: randomUUID(),
      receipts: [],
    };
    await app.app.get(AuditLog).record(ctx, {
      action: 'disclosure.release',
      outcome: 'permit',
      parties: [holder.id, recipient.id],
      targets: {
        holderAgencyId: holder.id,
        recipientAgencyId: recipient.id,
        caseId,
        personIds: [victim],
        decisionId: randomUUID(),
      },
      categories: ['risk_assessment'],
      purpose: 'safety_planning',
      basis: 'consent',
      reasonCodes: ['consent.active'],
      ...entry,
    });
    return ctx.receipts[0].seq;
  }

  beforeAll(async () => {
    app = await startTestApp();
    coordination = await createAgency(app.dataSource, { sector: 'coordination' });
    shelter = await createAgency(app.dataSource, { sector: 'shelter' });
    police = await createAgency(app.dataSource, { sector: 'police' });
    program = await createAgency(app.dataSource, { sector: 'perpetrator_program' });
    seqs.push(
      await release(shelter, police, {
        categories: ['location.shelter'],
        basis: 'life_safety',
        reasonCodes: ['life_safety.s59_1'],
      }),
    );
    seqs.push(await release(police, shelter, { categories: ['criminal_history', 'court_orders'] }));
    seqs.push(await release(police, program, { outcome: 'deny' }));
    seqs.push(await release(shelter, police));
  });
  afterAll(async () => {
    await app.close();
  });

  it("an agency's privacy officer searches only the records its agency is party to; the coordinator's sees all", async () => {
    const asProgram = await app.request<{ items: { seq: number }[] }>(
      'GET',
      `/v1/audit/records?personId=${victim}`,
      {
        token: await program.token(['privacy_officer']),
      },
    );
    expect(asProgram.body.items.map((i) => i.seq)).toEqual([seqs[2]]);
    const asCoordination = await app.request<{ items: { seq: number }[] }>(
      'GET',
      `/v1/audit/records?personId=${victim}`,
      {
        token: await coordination.token(['privacy_officer']),
      },
    );
    expect(asCoordination.body.items.map((i) => i.seq).filter((s) => seqs.includes(s))).toEqual(
      [...seqs].reverse(),
    );
  });

  it('filters by basis, outcome and agency, and pages with a cursor', async () => {
    const token = (): Promise<string> => coordination.token(['privacy_officer']);
    const lifeSafety = await app.request<{ items: { seq: number }[] }>(
      'GET',
      '/v1/audit/records?basis=life_safety',
      { token: await token() },
    );
    expect(lifeSafety.body.items.map((i) => i.seq)).toEqual([seqs[0]]);
    const denied = await app.request<{ items: { seq: number }[] }>(
      'GET',
      `/v1/audit/records?outcome=deny&agencyId=${program.id}`,
      { token: await token() },
    );
    expect(denied.body.items.map((i) => i.seq)).toEqual([seqs[2]]);
    const page1 = await app.request<{ items: { seq: number }[]; next: number }>(
      'GET',
      `/v1/audit/records?caseId=${caseId}&limit=3`,
      { token: await token() },
    );
    expect(page1.body.items.map((i) => i.seq)).toEqual([seqs[3], seqs[2], seqs[1]]);
    const page2 = await app.request<{ items: { seq: number }[]; next: number | null }>(
      'GET',
      `/v1/audit/records?caseId=${caseId}&limit=3&before=${page1.body.next}`,
      { token: await token() },
    );
    expect(page2.body).toEqual({ items: [expect.objectContaining({ seq: seqs[0] })], next: null });
    for (const bad of [
      'outcome=maybe',
      'from=2024-W01',
      'from=2024',
      'from=2024-02-31',
      'to=2024-01-01T10:00:00,5Z',
    ]) {
      expectProblem(
        await app.request('GET', `/v1/audit/records?${bad}`, { token: await token() }),
        400,
        'request.invalid',
      );
    }
    expectProblem(
      await app.request('GET', '/v1/audit/records?outcome=maybe', { token: await token() }),
      400,
      'request.invalid',
    );
    expectProblem(
      await app.request('GET', '/v1/audit/records', { token: await police.token(['agency_user']) }),
      403,
      'auth.forbidden',
    );
  });

  it("the holder's register lists what it released, to whom, why and on which basis, as JSON and CSV", async () => {
    const json = await app.request<{
      entries: {
        seq: number;
        recipientAgencyId: string;
        categories: string[];
        purpose: string;
        basis: string;
      }[];
    }>('GET', `/v1/audit/register?holder=${shelter.id}`, {
      token: await shelter.token(['privacy_officer']),
    });
    expect(json.status).toBe(200);
    expect(json.body.entries).toEqual([
      expect.objectContaining({
        seq: seqs[0],
        recipientAgencyId: police.id,
        categories: ['location.shelter'],
        purpose: 'safety_planning',
        basis: 'life_safety',
      }),
      expect.objectContaining({ seq: seqs[3], recipientAgencyId: police.id, basis: 'consent' }),
    ]);
    const csv = await app.request('GET', `/v1/audit/register?holder=${police.id}&format=csv`, {
      token: await coordination.token(['privacy_officer']),
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'seq,date,holderAgencyId,recipientAgencyId,categories,purpose,basis,reasonCodes,caseId,decisionId',
    );
    const upper = await app.request<{ entries: unknown[] }>(
      'GET',
      `/v1/audit/register?holder=${police.id.toUpperCase()}`,
      {
        token: await coordination.token(['privacy_officer']),
      },
    );
    expect(upper.body.entries).toHaveLength(1);
    // The denied request released nothing: it is not in the register.
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([seqs[1]]);
    expect(lines[1]).toContain('criminal_history court_orders');
    // Another agency's register is not the shelter officer's to read.
    expectProblem(
      await app.request('GET', `/v1/audit/register?holder=${police.id}`, {
        token: await shelter.token(['privacy_officer']),
      }),
      404,
      'audit.record_not_found',
    );
  });

  it('the subject access report leaves out held entries until released; hold and release are recorded', async () => {
    const officer = (): Promise<string> => coordination.token(['privacy_officer']);
    const report = async (): Promise<Report> =>
      (
        await app.request<Report>('GET', `/v1/persons/${victim}/disclosure-report`, {
          token: await officer(),
        })
      ).body;
    expect((await report()).entries.map((e) => e.seq)).toEqual([seqs[0], seqs[1], seqs[3]]);

    // The shelter's location went to the police under the exception: hold it out of the report.
    const before = await auditSize(app);
    const hold = await app.request<{ id: string }>('POST', '/v1/audit/holds', {
      token: await shelter.token(['privacy_officer']),
      body: { seq: seqs[0], reason: 'shelter_location' },
    });
    expect({ status: hold.status, body: hold.body }).toEqual({
      status: 201,
      body: expect.objectContaining({ seq: seqs[0] }),
    });
    expect(hold.headers.get('filet-audit-receipt')).toEqual(expect.any(String));
    expect(await auditSize(app)).toBe(before + 1);
    expect(await report()).toEqual(
      expect.objectContaining({
        heldEntries: 1,
        entries: [
          expect.objectContaining({ seq: seqs[1] }),
          expect.objectContaining({ seq: seqs[3] }),
        ],
      }),
    );
    expectProblem(
      await app.request('POST', '/v1/audit/holds', {
        token: await officer(),
        body: { seq: seqs[0], reason: 'investigation' },
      }),
      409,
      'audit.already_held',
    );

    const released = await app.request<{ releasedAt: string }>(
      'POST',
      `/v1/audit/holds/${hold.body.id}/release`,
      { token: await officer() },
    );
    expect(released.status).toBe(201);
    expect(released.body.releasedAt).toEqual(expect.any(String));
    expect((await report()).entries.map((e) => e.seq)).toEqual([seqs[0], seqs[1], seqs[3]]);
    const [holdRecord, releaseRecord] = await app.dataSource.query(
      `SELECT action, leaf FROM audit_record WHERE action IN ('audit.hold', 'audit.hold.release') ORDER BY seq`,
    );
    expect(JSON.parse(holdRecord.leaf)).toEqual(
      expect.objectContaining({
        action: 'audit.hold',
        reasonCodes: ['shelter_location'],
        targets: expect.objectContaining({ recordSeq: seqs[0] }),
      }),
    );
    expect(releaseRecord.action).toBe('audit.hold.release');
    expectProblem(
      await app.request('POST', `/v1/audit/holds/${hold.body.id}/release`, {
        token: await officer(),
      }),
      404,
      'audit.hold_not_found',
    );
  });

  it('only the holder (or the coordinating agency) holds an entry, and only who held it (or coordination) releases it', async () => {
    // seqs[0]: the shelter released its location to the police. The police, though a party, may
    // neither hold nor release it: the shelter decides what protects its residents.
    expectProblem(
      await app.request('POST', '/v1/audit/holds', {
        token: await police.token(['privacy_officer']),
        body: { seq: seqs[0], reason: 'investigation' },
      }),
      404,
      'audit.record_not_found',
    );
    const hold = await app.request<{ id: string }>('POST', '/v1/audit/holds', {
      token: await shelter.token(['privacy_officer']),
      body: { seq: seqs[0], reason: 'shelter_location' },
    });
    expect(hold.status).toBe(201);
    expectProblem(
      await app.request('POST', `/v1/audit/holds/${hold.body.id}/release`, {
        token: await police.token(['privacy_officer']),
      }),
      404,
      'audit.hold_not_found',
    );
    const policeHolds = await app.request<{ items: unknown[] }>('GET', '/v1/audit/holds', {
      token: await police.token(['privacy_officer']),
    });
    expect(policeHolds.body.items).toEqual([]);
    const released = await app.request('POST', `/v1/audit/holds/${hold.body.id}/release`, {
      token: await shelter.token(['privacy_officer']),
    });
    expect(released.status).toBe(201);
  });

  it("an officer cannot hold a record its agency is not party to, nor read another person's report entries of other agencies", async () => {
    expectProblem(
      await app.request('POST', '/v1/audit/holds', {
        token: await program.token(['privacy_officer']),
        body: { seq: seqs[0], reason: 'investigation' },
      }),
      404,
      'audit.record_not_found',
    );
    const programReport = await app.request<Report>(
      'GET',
      `/v1/persons/${victim}/disclosure-report`,
      { token: await program.token(['privacy_officer']) },
    );
    expect(programReport.body.entries).toEqual([]);
    expectProblem(
      await app.request('GET', '/v1/persons/not-a-uuid/disclosure-report', {
        token: await program.token(['privacy_officer']),
      }),
      400,
      'request.invalid',
    );
  });

  it('reading one record is recorded and scoped', async () => {
    const res = await app.request<{ record: { action: string } }>(
      'GET',
      `/v1/audit/records/${seqs[1]}`,
      { token: await shelter.token(['privacy_officer']) },
    );
    expect(res.body.record.action).toBe('disclosure.release');
    expect(res.headers.get('filet-audit-receipt')).toEqual(expect.any(String));
    expectProblem(
      await app.request('GET', `/v1/audit/records/${seqs[1]}`, {
        token: await program.token(['privacy_officer']),
      }),
      404,
      'audit.record_not_found',
    );
  });
});
