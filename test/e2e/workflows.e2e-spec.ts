import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NOTIFICATION_TYPE, verifySigned } from '../../src/audit/audit-signer.js';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { agreementBody } from '../factories/agreement.factory.js';
import {
  addPerson,
  daysFromToday,
  highRiskCase,
  moveTo,
  referCase,
} from '../factories/case.factory.js';
import { auditSize, publishedKeys, superuser } from '../support/audit-helpers.js';
import { expectProblem } from '../support/problem.js';
import { startSecondInstance, startTestApp, type TestApp } from '../support/test-app.js';

const ATTESTED = {
  reasonable_cause: true,
  serious_risk: true,
  identified_person: true,
  urgency: true,
};

interface Review {
  id: string;
  decisionId: string;
  status: string;
  reasons: string[];
  overdue: boolean;
  dueAt: string;
  openedAt: string;
  followsReviewId: string | null;
  outcome: string | null;
  decision?: { trace: { rule: string }[]; attestation: unknown };
  comments?: { text: string }[];
  history?: { id: string }[];
}

interface Notice {
  id: string;
  status: string;
  holderAgencyId: string;
  recipientAgencyId: string;
  overdue: boolean;
  disclosure: { basis: string; categories: string[] };
  history?: { status: string; reasons: string | null }[];
}

interface InboxEntry {
  id: string;
  kind: string;
  caseId: string;
  urgent: boolean;
  acknowledgedAt: string | null;
  message: Record<string, unknown>;
}

/** Actions recorded in the log since a size, in order. */
async function actionsSince(app: TestApp, size: number): Promise<string[]> {
  const rows: { action: string }[] = await app.dataSource.query(
    'SELECT action FROM audit_record WHERE seq >= $1 ORDER BY seq',
    [size],
  );
  return rows.map((r) => r.action);
}

/** Time passes: a statement run as the database administrator (the broker's role may not). */
async function asAdministrator(app: TestApp, sql: string, params: unknown[] = []): Promise<void> {
  const client = await superuser(app);
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * What follows a decision (issue: workflows), end to end over HTTP on real PostgreSQL: an exception
 * use opens a legal review and holds the notice an Ontario holder owes, a reviewer decides it once,
 * a privacy officer clears or withholds the notice, risk changes reach the entitled agencies in their
 * inboxes and on their webhooks (retried until accepted), urgent ones escalate when ignored, and a
 * withdrawn consent reaches the agencies that received information under it.
 */
describe('workflows after the decision', () => {
  let app: TestApp;
  let table: TestAgency;
  let police: TestAgency;
  let shelter: TestAgency;
  let ontario: TestAgency;
  let victimServices: TestAgency;
  let outsider: TestAgency;
  let program: TestAgency;
  let caseId: string;
  let victimId: string;
  let perpetratorId: string;
  let exceptionDecisionId: string;
  let reviewId: string;

  const as = async (agency: TestAgency, roles: Parameters<TestAgency['token']>[0]) =>
    agency.token(roles);

  beforeAll(async () => {
    app = await startTestApp({
      FILET_WEBHOOK_ALLOW_PRIVATE: 'true',
      FILET_WEBHOOK_POLL_MS: '100',
      FILET_WEBHOOK_RETRY_BASE_MS: '100',
    });
    table = await createAgency(app.dataSource, { sector: 'coordination' });
    police = await createAgency(app.dataSource, { sector: 'police' });
    shelter = await createAgency(app.dataSource, { sector: 'shelter' });
    ontario = await createAgency(app.dataSource, { sector: 'community' });
    victimServices = await createAgency(app.dataSource, { sector: 'victim_services' });
    outsider = await createAgency(app.dataSource, { sector: 'health' });
    program = await createAgency(app.dataSource, { sector: 'perpetrator_program' });
    // A holder under Ontario's MFIPPA: a disclosure in compelling circumstances owes notice.
    await app.dataSource.query(`UPDATE agency SET privacy_regime = 'ON-MFIPPA' WHERE id = $1`, [
      ontario.id,
    ]);
    ({ caseId, victimId } = await highRiskCase(app, {
      referrer: police,
      coordinator: table,
      assigned: [police, shelter, ontario, program],
    }));
    perpetratorId = await addPerson(app, police, caseId, { role: 'perpetrator' });
    for (const holder of [shelter, ontario]) {
      const item = await app.request('POST', `/v1/cases/${caseId}/information`, {
        token: await as(holder, ['agency_user']),
        body: {
          personId: victimId,
          category: 'location',
          fields: { address: '12 rue des Lilas', municipality: 'Val-Saint-Loup' },
          retainUntil: daysFromToday(365),
        },
      });
      expect(item.status).toBe(201);
    }
  });
  afterAll(async () => {
    await app.close();
  });

  describe('legal review', () => {
    it('an exception use without agreement opens a review at once, due as the policy says', async () => {
      const before = await auditSize(app);
      const res = await app.request<{
        decisionId: string;
        outcome: string;
        duties: { reviewReasons: string[]; noticeDue: string[] };
      }>('POST', '/v1/disclosures', {
        token: await as(police, ['agency_user']),
        body: {
          caseId,
          personId: victimId,
          categories: ['location'],
          purpose: 'emergency',
          basis: 'life_safety',
          attestation: { criteria: ATTESTED, attestedAt: new Date().toISOString() },
        },
      });
      expect(res.status).toBe(200);
      expect(res.body.outcome).toBe('permit');
      expect(res.body.duties.reviewReasons).toEqual(['life_safety_exception', 'no_agreement']);
      expect(res.body.duties.noticeDue).toEqual([ontario.id]);
      exceptionDecisionId = res.body.decisionId;
      expect(await actionsSince(app, before)).toEqual([
        'disclosure.decide',
        'disclosure.release',
        'disclosure.release',
        'review.open',
        'notice.hold',
      ]);

      const list = await app.request<Review[]>('GET', '/v1/reviews?status=open', {
        token: await as(table, ['legal_reviewer']),
      });
      expect(list.status).toBe(200);
      expect(list.body).toEqual([
        expect.objectContaining({
          decisionId: exceptionDecisionId,
          status: 'open',
          reasons: ['life_safety_exception', 'no_agreement'],
          overdue: false,
        }),
      ]);
      reviewId = list.body[0].id;
      // Five days (workflows.yaml: the earliest deadline of the reasons).
      expect(Date.parse(list.body[0].dueAt) - Date.parse(list.body[0].openedAt)).toBe(
        5 * 86_400_000,
      );
    });

    it('the privacy officers of the table and of the holders are alerted of the exception use, each holder of its own part', async () => {
      for (const [agency, holders] of [
        [table, [shelter.id, ontario.id].sort()],
        [shelter, [shelter.id]],
        [ontario, [ontario.id]],
      ] as const) {
        const inbox = await app.request<{ items: InboxEntry[] }>('GET', '/v1/inbox', {
          token: await as(agency, ['privacy_officer']),
        });
        expect(inbox.body.items).toEqual([
          expect.objectContaining({
            kind: 'exception_used',
            caseId,
            message: expect.objectContaining({
              decisionId: exceptionDecisionId,
              reviewId,
              basis: 'life_safety',
              categories: ['location'],
              holderAgencyIds: holders,
            }),
          }),
        ]);
        expect(JSON.stringify(inbox.body)).not.toContain('rue des Lilas');
      }
      const requester = await app.request<{ items: InboxEntry[] }>('GET', '/v1/inbox', {
        token: await as(police, ['privacy_officer']),
      });
      expect(requester.body.items).toEqual([]);
    });

    it('the table’s reviewer reads the decision in full; a party sees the review, not the trace; others nothing', async () => {
      const full = await app.request<Review>('GET', `/v1/reviews/${reviewId}`, {
        token: await as(table, ['legal_reviewer']),
      });
      expect(full.status).toBe(200);
      expect(full.body.decision?.attestation).toEqual(
        expect.objectContaining({ criteria: ATTESTED }),
      );
      expect(full.body.decision?.trace).toEqual(
        expect.arrayContaining([expect.objectContaining({ rule: 'R-BASIS-LIFE-SAFETY' })]),
      );
      const party = await app.request<Review>('GET', `/v1/reviews/${reviewId}`, {
        token: await as(police, ['privacy_officer']),
      });
      expect(party.status).toBe(200);
      expect(party.body.decision).toBeUndefined();
      expectProblem(
        await app.request('GET', `/v1/reviews/${reviewId}`, {
          token: await as(outsider, ['privacy_officer']),
        }),
        404,
        'review.not_found',
      );
      const outsiderList = await app.request<Review[]>('GET', '/v1/reviews', {
        token: await as(outsider, ['legal_reviewer']),
      });
      expect(outsiderList.body).toEqual([]);
      expectProblem(
        await app.request('GET', '/v1/reviews', { token: await as(table, ['agency_user']) }),
        403,
        'auth.forbidden',
      );
    });

    it('overdue reviews are listed as such', async () => {
      await asAdministrator(
        app,
        `UPDATE review SET due_at = now() - interval '1 hour' WHERE id = $1`,
        [reviewId],
      );
      const overdue = await app.request<Review[]>('GET', '/v1/reviews?overdue=true', {
        token: await as(table, ['privacy_officer']),
      });
      expect(overdue.body.map((r) => [r.id, r.overdue])).toEqual([[reviewId, true]]);
    });

    it('comments, then one outcome with reasons; bad outcomes and second decisions are refused', async () => {
      const token = () => as(table, ['legal_reviewer']);
      const before = await auditSize(app);
      const comment = await app.request('POST', `/v1/reviews/${reviewId}/comments`, {
        token: await token(),
        body: { text: 'Attestation complète; vérifier la nécessité de l’adresse.' },
      });
      expect(comment.status).toBe(201);
      expectProblem(
        await app.request('POST', `/v1/reviews/${reviewId}/decision`, {
          token: await token(),
          body: { outcome: 'looks_fine', reasons: 'x' },
        }),
        400,
        'request.invalid',
      );
      expectProblem(
        await app.request('POST', `/v1/reviews/${reviewId}/decision`, {
          token: await token(),
          body: { outcome: 'remediation_required', reasons: 'Trop large.' },
        }),
        400,
        'review.remediation_missing',
      );
      // A party's own legal reviewer comments but does not decide the table's review.
      expectProblem(
        await app.request('POST', `/v1/reviews/${reviewId}/decision`, {
          token: await as(police, ['legal_reviewer']),
          body: { outcome: 'upheld', reasons: 'ok' },
        }),
        403,
        'review.not_table_reviewer',
      );
      const decided = await app.request<Review>('POST', `/v1/reviews/${reviewId}/decision`, {
        token: await token(),
        body: { outcome: 'upheld', reasons: 'Les quatre critères de l’art. 59.1 étaient réunis.' },
      });
      expect(decided.status).toBe(200);
      expect(decided.body).toEqual(
        expect.objectContaining({ status: 'decided', outcome: 'upheld', overdue: false }),
      );
      expectProblem(
        await app.request('POST', `/v1/reviews/${reviewId}/decision`, {
          token: await token(),
          body: { outcome: 'not_justified', reasons: 'Changement d’avis.' },
        }),
        409,
        'review.already_decided',
      );
      expect(await actionsSince(app, before)).toEqual(['review.comment', 'review.decide']);
      // A party sees where the review stands and its outcome, not the table's reasons or comments.
      const party = await app.request<Review & { outcomeReasons: string | null }>(
        'GET',
        `/v1/reviews/${reviewId}`,
        { token: await as(police, ['privacy_officer']) },
      );
      expect(party.body).toEqual(
        expect.objectContaining({ status: 'decided', outcome: 'upheld', outcomeReasons: null }),
      );
      expect(party.body.comments).toEqual([]);
      const detail = await app.request<Review>('GET', `/v1/reviews/${reviewId}`, {
        token: await token(),
      });
      expect(detail.body.comments?.map((c) => c.text)).toEqual([
        'Attestation complète; vérifier la nécessité de l’adresse.',
      ]);
    });

    it('the database itself refuses to change a decided review', async () => {
      const client = await superuser(app);
      try {
        await expect(
          client.query(`UPDATE review SET outcome = 'not_justified' WHERE id = $1`, [reviewId]),
        ).rejects.toThrow(/decided review cannot be changed/);
      } finally {
        await client.end();
      }
    });

    it('a privacy officer flags the decision again: a new review follows the decided one', async () => {
      const flagged = await app.request<Review>('POST', '/v1/reviews', {
        token: await as(shelter, ['privacy_officer']),
        body: { decisionId: exceptionDecisionId, reason: 'complaint', note: 'Plainte reçue.' },
      });
      expect(flagged.status).toBe(201);
      expect(flagged.body).toEqual(
        expect.objectContaining({
          status: 'open',
          reasons: ['flagged'],
          followsReviewId: reviewId,
        }),
      );
      expectProblem(
        await app.request('POST', '/v1/reviews', {
          token: await as(table, ['privacy_officer']),
          body: { decisionId: exceptionDecisionId, reason: 'complaint' },
        }),
        409,
        'review.already_open',
      );
      expectProblem(
        await app.request('POST', '/v1/reviews', {
          token: await as(outsider, ['privacy_officer']),
          body: { decisionId: exceptionDecisionId, reason: 'complaint' },
        }),
        404,
        'review.decision_not_found',
      );
      const detail = await app.request<Review>('GET', `/v1/reviews/${flagged.body.id}`, {
        token: await as(table, ['legal_reviewer']),
      });
      expect(detail.body.history?.map((h) => h.id)).toEqual([reviewId, flagged.body.id]);
    });

    it('a dry run discloses nothing and cannot be flagged', async () => {
      const dry = await app.request<{ decisionId: string }>('POST', '/v1/disclosures/dry-run', {
        token: await as(police, ['agency_user']),
        body: {
          caseId,
          personId: victimId,
          categories: ['location'],
          purpose: 'safety_planning',
          basis: 'consent',
        },
      });
      expectProblem(
        await app.request('POST', '/v1/reviews', {
          token: await as(table, ['privacy_officer']),
          body: { decisionId: dry.body.decisionId, reason: 'other' },
        }),
        409,
        'review.dry_run',
      );
    });
  });

  describe('held notices', () => {
    let noticeId: string;

    it('the Ontario holder’s notice is held, never sent; only that holder decides it', async () => {
      const list = await app.request<Notice[]>('GET', '/v1/notices?status=held', {
        token: await as(ontario, ['privacy_officer']),
      });
      expect(list.body).toEqual([
        expect.objectContaining({
          status: 'held',
          holderAgencyId: ontario.id,
          recipientAgencyId: police.id,
          overdue: false,
          disclosure: expect.objectContaining({ basis: 'life_safety', categories: ['location'] }),
        }),
      ]);
      noticeId = list.body[0].id;
      // The Quebec holder owes none; the table's privacy officer oversees, and does not decide.
      const quebec = await app.request<Notice[]>('GET', '/v1/notices', {
        token: await as(shelter, ['privacy_officer']),
      });
      expect(quebec.body).toEqual([]);
      const oversight = await app.request<Notice[]>('GET', '/v1/notices', {
        token: await as(table, ['privacy_officer']),
      });
      expect(oversight.body.map((n) => n.id)).toEqual([noticeId]);
      expectProblem(
        await app.request('POST', `/v1/notices/${noticeId}/clear`, {
          token: await as(table, ['privacy_officer']),
          body: { reasons: 'ok' },
        }),
        403,
        'notice.not_holder',
      );
      expectProblem(
        await app.request('GET', `/v1/notices/${noticeId}`, {
          token: await as(shelter, ['privacy_officer']),
        }),
        404,
        'notice.not_found',
      );
    });

    it('a notice is never sent without clearance', async () => {
      expectProblem(
        await app.request('POST', `/v1/notices/${noticeId}/sent`, {
          token: await as(ontario, ['privacy_officer']),
          body: { means: 'mail' },
        }),
        409,
        'notice.not_cleared',
      );
    });

    it('overdue held notices are listed', async () => {
      await asAdministrator(
        app,
        `UPDATE notice SET due_at = now() - interval '1 day' WHERE id = $1`,
        [noticeId],
      );
      const overdue = await app.request<Notice[]>('GET', '/v1/notices?overdue=true', {
        token: await as(ontario, ['privacy_officer']),
      });
      expect(overdue.body.map((n) => [n.id, n.overdue])).toEqual([[noticeId, true]]);
    });

    it('withheld for safety, later cleared, then recorded as sent: each step with its reasons', async () => {
      const token = () => as(ontario, ['privacy_officer']);
      const before = await auditSize(app);
      const withheld = await app.request<Notice>('POST', `/v1/notices/${noticeId}/withhold`, {
        token: await token(),
        body: { reasons: 'La personne visée par l’avis pose le risque.' },
      });
      expect(withheld.body.status).toBe('withheld_for_safety');
      expectProblem(
        await app.request('POST', `/v1/notices/${noticeId}/withhold`, {
          token: await token(),
          body: { reasons: 'encore' },
        }),
        409,
        'notice.not_held',
      );
      expectProblem(
        await app.request('POST', `/v1/notices/${noticeId}/sent`, {
          token: await token(),
          body: { means: 'mail' },
        }),
        409,
        'notice.not_cleared',
      );
      const cleared = await app.request<Notice>('POST', `/v1/notices/${noticeId}/clear`, {
        token: await token(),
        body: { reasons: 'Ordonnance de non-communication en vigueur; envoi sans danger.' },
      });
      expect(cleared.body.status).toBe('cleared_to_send');
      expectProblem(
        await app.request('POST', `/v1/notices/${noticeId}/sent`, {
          token: await token(),
          body: { means: 'carrier_pigeon' },
        }),
        400,
        'request.invalid',
      );
      const sent = await app.request<Notice>('POST', `/v1/notices/${noticeId}/sent`, {
        token: await token(),
        body: { means: 'mail' },
      });
      expect(sent.body.status).toBe('sent');
      expect(sent.body.history?.map((h) => h.status)).toEqual([
        'held',
        'withheld_for_safety',
        'cleared_to_send',
        'sent',
      ]);
      expect(await actionsSince(app, before)).toEqual([
        'notice.withhold',
        'notice.clear',
        'notice.sent',
      ]);
    });
  });

  describe('risk-change alerts', () => {
    let receiver: Server;
    let received: { deliveryId: string; body: string; answered: number }[];
    let answers: number[];
    let webhookId: string;

    beforeAll(async () => {
      received = [];
      answers = [503, 500];
      receiver = createServer((req: IncomingMessage, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => {
          const status = answers.shift() ?? 204;
          received.push({
            deliveryId: String(req.headers['filet-delivery-id']),
            body,
            answered: status,
          });
          res.writeHead(status).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    });
    afterAll(async () => {
      await new Promise((r) => receiver.close(r));
    });

    it('an agency registers a webhook for itself; bad and private URLs are refused outside the demo', async () => {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/filet`;
      const registered = await app.request<{ id: string; status: string }>('POST', '/v1/webhooks', {
        token: await as(shelter, ['agency_user']),
        body: { url },
      });
      expect(registered.status).toBe(201);
      expect(registered.body.status).toBe('active');
      webhookId = registered.body.id;

      const strict = await startSecondInstance(app, { FILET_WEBHOOK_ALLOW_PRIVATE: 'false' });
      try {
        for (const bad of [
          url,
          'https://127.0.0.1/hook',
          'https://10.1.2.3/hook',
          'https://[::1]/hook',
          'https://localhost/hook',
          'https://user:secret@hooks.example.org/x',
        ]) {
          const res = await strict.request('POST', '/v1/webhooks', {
            token: await as(shelter, ['agency_user']),
            body: { url: bad },
          });
          expectProblem(res, 422, 'webhook.insecure_url');
        }
        expectProblem(
          await strict.request('POST', '/v1/webhooks', {
            token: await as(shelter, ['agency_user']),
            body: { url: 'not a url at all' },
          }),
          422,
          'webhook.insecure_url',
        );
        const ok = await strict.request('POST', '/v1/webhooks', {
          token: await as(outsider, ['agency_user']),
          body: { url: 'https://hooks.example.org/filet' },
        });
        expect(ok.status).toBe(201);
      } finally {
        await strict.close();
      }
    });

    it('a release from custody reaches the entitled agencies, minimised; not the others', async () => {
      const before = await auditSize(app);
      const res = await app.request<{ riskChangeId: string; alerted: number }>(
        'POST',
        `/v1/cases/${caseId}/risk-changes`,
        {
          token: await as(police, ['agency_user']),
          body: {
            kind: 'release_from_custody',
            occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
            personIds: [perpetratorId],
            summary: 'Remis en liberté sous conditions ce matin.',
            contactPoint: 'Poste de garde 24/7 — 418-555-0100',
          },
        },
      );
      expect(res.status).toBe(201);
      // Assigned (shelter, the Ontario holder, the program) and victim services; the reporter and
      // agencies with no part and no entitlement are left out — and the reporter is told how many,
      // not which (that would say who received information).
      expect(res.body.alerted).toBe(4);
      const alerted: { recipient_agency_id: string }[] = await app.dataSource.query(
        'SELECT recipient_agency_id FROM notification WHERE source_id = $1',
        [res.body.riskChangeId],
      );
      expect(alerted.map((a) => a.recipient_agency_id).sort()).toEqual(
        [shelter.id, ontario.id, program.id, victimServices.id].sort(),
      );
      expect(await actionsSince(app, before)).toEqual(['risk_change.report']);
      const inCase = await app.request<{ items: InboxEntry[] }>('GET', '/v1/inbox', {
        token: await as(shelter, ['agency_user']),
      });
      expect(inCase.body.items.filter((i) => i.kind === 'risk_change')).toEqual([
        expect.objectContaining({
          caseId,
          urgent: true,
          acknowledgedAt: null,
          message: expect.objectContaining({
            kind: 'release_from_custody',
            label: { fr: 'Remise en liberté', en: 'Release from custody' },
            personIds: [perpetratorId],
            summary: 'Remis en liberté sous conditions ce matin.',
            contactPoint: 'Poste de garde 24/7 — 418-555-0100',
            reportedBy: expect.objectContaining({ agencyId: police.id }),
          }),
        }),
      ]);
      // Victim services, entitled by sector without a part in the case: what changed and who
      // reported it, not the free text.
      const inbox = await app.request<{ items: InboxEntry[] }>('GET', '/v1/inbox', {
        token: await as(victimServices, ['agency_user']),
      });
      expect(inbox.body.items).toEqual([
        expect.objectContaining({
          kind: 'risk_change',
          message: expect.objectContaining({
            kind: 'release_from_custody',
            reportedBy: expect.objectContaining({ agencyId: police.id }),
          }),
        }),
      ]);
      expect(inbox.body.items[0].message).not.toHaveProperty('summary');
      expect(inbox.body.items[0].message).not.toHaveProperty('contactPoint');
      const none = await app.request<{ items: InboxEntry[] }>('GET', '/v1/inbox', {
        token: await as(outsider, ['agency_user']),
      });
      expect(none.body.items).toEqual([]);
    });

    it('a webhook that fails twice then succeeds gets the alert once, signed by the broker', async () => {
      const accepted = await until(async () => {
        const ok = received.filter((r) => r.answered < 300);
        return ok.length > 0 ? ok : undefined;
      });
      expect(received.map((r) => r.answered)).toEqual([503, 500, 204]);
      expect(accepted).toHaveLength(1);
      expect(new Set(received.map((r) => r.deliveryId)).size).toBe(1);
      const keys = await publishedKeys(app, await as(shelter, ['agency_user']));
      const verified = await verifySigned<{ aud: string; jti: string; message: { kind: string } }>(
        accepted[0].body,
        NOTIFICATION_TYPE,
        keys,
      );
      expect(verified?.claims).toEqual(
        expect.objectContaining({
          aud: shelter.id,
          jti: accepted[0].deliveryId,
          message: expect.objectContaining({ kind: 'release_from_custody' }),
        }),
      );
      // Settled: nothing is left to retry.
      const deliveries: { status: string; attempts: number }[] = await app.dataSource.query(
        'SELECT status, attempts FROM webhook_delivery WHERE webhook_id = $1',
        [webhookId],
      );
      expect(deliveries).toEqual([{ status: 'delivered', attempts: 3 }]);
      expect(received).toHaveLength(3);
      const hooks = await app.request<
        { id: string; deliveries: { delivered: number; pending: number } }[]
      >('GET', '/v1/webhooks', { token: await as(shelter, ['agency_user']) });
      expect(hooks.body).toEqual([
        expect.objectContaining({
          id: webhookId,
          deliveries: expect.objectContaining({ delivered: 1, pending: 0 }),
        }),
      ]);
    });

    it('acknowledged once; an urgent alert left unacknowledged escalates to the coordinator', async () => {
      const shelterInbox = await app.request<{ items: InboxEntry[] }>('GET', '/v1/inbox', {
        token: await as(shelter, ['agency_user']),
      });
      const alert = shelterInbox.body.items.find((i) => i.kind === 'risk_change') as InboxEntry;
      const ack = await app.request<InboxEntry>('POST', `/v1/inbox/${alert.id}/ack`, {
        token: await as(shelter, ['agency_user']),
      });
      expect(ack.status).toBe(200);
      expect(ack.body.acknowledgedAt).toEqual(expect.any(String));
      expectProblem(
        await app.request('POST', `/v1/inbox/${alert.id}/ack`, {
          token: await as(shelter, ['agency_user']),
        }),
        409,
        'inbox.already_acknowledged',
      );
      expectProblem(
        await app.request('POST', `/v1/inbox/${alert.id}/ack`, {
          token: await as(victimServices, ['agency_user']),
        }),
        404,
        'inbox.not_found',
      );
      // Time passes: the escalation delay (60 minutes by policy) runs out for every alert.
      await asAdministrator(
        app,
        `UPDATE notification SET escalate_at = now() - interval '1 minute' WHERE kind = 'risk_change'`,
      );
      const escalations = await until(async () => {
        const inbox = await app.request<{ items: InboxEntry[] }>('GET', '/v1/inbox', {
          token: await as(table, ['coordinator']),
        });
        const found = inbox.body.items.filter((i) => i.kind === 'escalation');
        return found.length >= 3 ? found : undefined;
      });
      // The Ontario holder, the program and victim services did not acknowledge; the shelter did.
      expect(escalations.map((e) => e.message.unacknowledgedBy).sort()).toEqual(
        [ontario.id, program.id, victimServices.id].sort(),
      );
      // Each ignored alert is escalated once, and marked so; the acknowledged one never is.
      const marks: { recipient_agency_id: string; escalated: boolean; escalations: number }[] =
        await app.dataSource.query(
          `SELECT n.recipient_agency_id, n.escalated_at IS NOT NULL AS escalated,
                  (SELECT count(*)::int FROM notification e WHERE e.kind = 'escalation' AND e.source_id = n.id) AS escalations
             FROM notification n WHERE n.kind = 'risk_change'`,
        );
      expect(
        Object.fromEntries(marks.map((m) => [m.recipient_agency_id, [m.escalated, m.escalations]])),
      ).toEqual({
        [shelter.id]: [false, 0],
        [ontario.id]: [true, 1],
        [program.id]: [true, 1],
        [victimServices.id]: [true, 1],
      });
    });

    it('the inbox pages with a cursor and can show acknowledged messages', async () => {
      const token = () => as(shelter, ['agency_user']);
      const all = await app.request<{ items: InboxEntry[]; nextCursor: string | null }>(
        'GET',
        '/v1/inbox?status=all',
        { token: await token() },
      );
      expect(all.body.items.length).toBeGreaterThanOrEqual(2);
      const first = await app.request<{ items: InboxEntry[]; nextCursor: string | null }>(
        'GET',
        '/v1/inbox?status=all&limit=1',
        { token: await token() },
      );
      expect(first.body.items.map((i) => i.id)).toEqual([all.body.items[0].id]);
      const second = await app.request<{ items: InboxEntry[] }>(
        'GET',
        `/v1/inbox?status=all&limit=1&cursor=${first.body.nextCursor}`,
        { token: await token() },
      );
      expect(second.body.items.map((i) => i.id)).toEqual([all.body.items[1].id]);
      expectProblem(
        await app.request('GET', '/v1/inbox?cursor=bm9wZQ', { token: await token() }),
        400,
        'inbox.bad_cursor',
      );
    });

    it('a shelter’s report reaches the perpetrator program without naming the shelter or its text', async () => {
      const res = await app.request<{ riskChangeId: string }>(
        'POST',
        `/v1/cases/${caseId}/risk-changes`,
        {
          token: await as(shelter, ['agency_user']),
          body: {
            kind: 'new_threat',
            occurredAt: new Date().toISOString(),
            personIds: [perpetratorId],
            summary: 'Menaces par texto cette nuit.',
            contactPoint: 'Intervenante de garde, maison d’hébergement',
          },
        },
      );
      expect(res.status).toBe(201);
      const messages: { recipient_agency_id: string; payload: Record<string, unknown> }[] =
        await app.dataSource.query(
          'SELECT recipient_agency_id, payload FROM notification WHERE source_id = $1',
          [res.body.riskChangeId],
        );
      const toProgram = messages.find((m) => m.recipient_agency_id === program.id)?.payload;
      expect(toProgram).toEqual(
        expect.objectContaining({
          kind: 'new_threat',
          caseId,
          reportedBy: null,
          contactNote: expect.objectContaining({ fr: expect.stringMatching(/coordination/) }),
        }),
      );
      expect(JSON.stringify(toProgram)).not.toMatch(/Menaces|hébergement|Organisme|Agency/);
      const toPolice = messages.find((m) => m.recipient_agency_id === police.id)?.payload;
      expect(toPolice).toEqual(
        expect.objectContaining({
          reportedBy: expect.objectContaining({ agencyId: shelter.id }),
          summary: 'Menaces par texto cette nuit.',
        }),
      );
    });

    it('bad reports get clear problems: unknown kind, future, too long, foreign person, closed case, no part', async () => {
      const report = async (agency: TestAgency, path: string, body: Record<string, unknown>) =>
        app.request('POST', path, { token: await as(agency, ['agency_user']), body });
      const valid = {
        kind: 'new_threat',
        occurredAt: new Date().toISOString(),
        personIds: [perpetratorId],
      };
      const path = `/v1/cases/${caseId}/risk-changes`;
      expectProblem(
        await report(police, path, { ...valid, kind: 'bad_weather' }),
        400,
        'risk_change.unknown_kind',
      );
      expectProblem(
        await report(police, path, {
          ...valid,
          occurredAt: new Date(Date.now() + 86_400_000).toISOString(),
        }),
        400,
        'risk_change.occurred_in_future',
      );
      expectProblem(
        await report(police, path, { ...valid, occurredAt: '2026-11-20T10:00:00+20:00' }),
        400,
        'request.invalid',
      );
      expectProblem(
        await report(police, path, { ...valid, summary: 'x'.repeat(281) }),
        400,
        'risk_change.summary_too_long',
      );
      expectProblem(
        await report(police, path, {
          ...valid,
          personIds: ['00000000-0000-4000-8000-000000000000'],
        }),
        400,
        'risk_change.person_not_in_case',
      );
      expectProblem(await report(police, path, { ...valid, extra: true }), 400, 'request.invalid');
      expectProblem(await report(outsider, path, valid), 404, 'risk_change.case_not_found');
      const closed = await referCase(app, police);
      await moveTo(app, table, closed, 'closed', 'threshold_not_met');
      expectProblem(
        await report(police, `/v1/cases/${closed}/risk-changes`, { ...valid, personIds: [] }),
        409,
        'risk_change.case_closed',
      );
    });

    it('a disabled webhook gets nothing more; another agency’s webhook is out of reach', async () => {
      expectProblem(
        await app.request('DELETE', `/v1/webhooks/${webhookId}`, {
          token: await as(police, ['agency_user']),
        }),
        404,
        'webhook.not_found',
      );
      const disabled = await app.request<{ status: string }>(
        'DELETE',
        `/v1/webhooks/${webhookId}`,
        {
          token: await as(shelter, ['agency_user']),
        },
      );
      expect(disabled.body.status).toBe('disabled');
      expectProblem(
        await app.request('DELETE', `/v1/webhooks/${webhookId}`, {
          token: await as(shelter, ['agency_user']),
        }),
        409,
        'webhook.already_disabled',
      );
      const reported = await app.request<{ riskChangeId: string }>(
        'POST',
        `/v1/cases/${caseId}/risk-changes`,
        {
          token: await as(police, ['agency_user']),
          body: { kind: 'program_dropout', occurredAt: new Date().toISOString() },
        },
      );
      // The shelter's inbox has it; no delivery was queued for the disabled webhook.
      const queued: { webhook_id: string }[] = await app.dataSource.query(
        `SELECT d.webhook_id FROM webhook_delivery d JOIN notification n ON n.id = d.notification_id
          WHERE n.source_id = $1`,
        [reported.body.riskChangeId],
      );
      expect(queued).toEqual([]);
      const inbox = await app.request<{ items: InboxEntry[] }>('GET', '/v1/inbox', {
        token: await as(shelter, ['agency_user']),
      });
      expect(inbox.body.items.map((i) => i.message.kind)).toContain('program_dropout');
    });
  });

  describe('consent withdrawal', () => {
    it('reaches the agencies that received information under the consent, naming the disclosures', async () => {
      const consent = await app.request<{ id: string }>('POST', `/v1/cases/${caseId}/consents`, {
        token: await as(shelter, ['agency_user']),
        body: {
          personId: victimId,
          recipientAgencyIds: [police.id],
          categories: ['location'],
          purposes: ['safety_planning'],
          howObtained: 'in_person',
          capacityNote: 'capable_presumed',
        },
      });
      expect(consent.status).toBe(201);
      // An agreement shelter → police for the consent-based flow.
      const agreement = await app.request<{ id: string }>('POST', '/v1/agreements', {
        token: await as(table, ['coordinator']),
        body: agreementBody([shelter.id, police.id], {
          purposes: ['safety_planning'],
          flows: [{ fromAgencyId: shelter.id, toAgencyId: police.id, categories: ['location'] }],
        }),
      });
      for (const party of [shelter, police]) {
        const signed = await app.request('POST', `/v1/agreements/${agreement.body.id}/signatures`, {
          token: await as(party, ['legal_reviewer']),
          body: { version: 1 },
        });
        expect(signed.status).toBe(201);
      }
      const disclosed = await app.request<{
        decisionId: string;
        outcome: string;
        released: { itemId: string }[];
      }>('POST', '/v1/disclosures', {
        token: await as(police, ['agency_user']),
        body: {
          caseId,
          personId: victimId,
          categories: ['location'],
          purpose: 'safety_planning',
          basis: 'consent',
        },
      });
      expect(disclosed.body.released).toHaveLength(1);

      const before = await auditSize(app);
      const withdrawn = await app.request('POST', `/v1/consents/${consent.body.id}/withdraw`, {
        token: await as(shelter, ['agency_user']),
        body: { reason: 'person_request' },
      });
      expect(withdrawn.status).toBe(200);
      expect(await actionsSince(app, before)).toEqual([
        'consent.withdraw',
        'consent.withdrawal_notice',
      ]);
      const inbox = await app.request<{ items: InboxEntry[] }>('GET', '/v1/inbox', {
        token: await as(police, ['agency_user']),
      });
      const notices = inbox.body.items.filter((i) => i.kind === 'consent_withdrawn');
      expect(notices).toEqual([
        expect.objectContaining({
          caseId,
          message: expect.objectContaining({
            consentId: consent.body.id,
            personId: victimId,
            disclosures: [
              expect.objectContaining({
                decisionId: disclosed.body.decisionId,
                categories: ['location'],
              }),
            ],
            obligation: expect.objectContaining({ code: 'O-CONSENT-WITHDRAWN' }),
          }),
        }),
      ]);
      // The exception-based disclosure of the same location is not covered: another basis.
      expect(JSON.stringify(notices)).not.toContain(exceptionDecisionId);
      for (const agency of [shelter, ontario, victimServices, outsider, program]) {
        const other = await app.request<{ items: InboxEntry[] }>('GET', '/v1/inbox', {
          token: await as(agency, ['agency_user']),
        });
        expect(other.body.items.filter((i) => i.kind === 'consent_withdrawn')).toEqual([]);
      }
    });

    it('a withdrawal that commits while a release is being decided stops the release', async () => {
      const consent = await app.request<{ id: string }>('POST', `/v1/cases/${caseId}/consents`, {
        token: await as(shelter, ['agency_user']),
        body: {
          personId: victimId,
          recipientAgencyIds: [police.id],
          categories: ['location'],
          purposes: ['safety_planning'],
          howObtained: 'written',
          capacityNote: 'capable_presumed',
        },
      });
      expect(consent.status).toBe(201);
      const client = await superuser(app);
      try {
        // The withdrawal holds the consent, as POST /v1/consents/{id}/withdraw does…
        await client.query('BEGIN');
        await client.query('SELECT id FROM consent WHERE id = $1 FOR UPDATE', [consent.body.id]);
        // …while the release is decided on the consent as it was, and waits to commit.
        const pending = app.request<{ code: string }>('POST', '/v1/disclosures', {
          token: await as(police, ['agency_user']),
          body: {
            caseId,
            personId: victimId,
            categories: ['location'],
            purpose: 'safety_planning',
            basis: 'consent',
          },
        });
        await until(async () => {
          const [{ waiting }]: { waiting: number }[] = (
            await client.query(`SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted`)
          ).rows;
          return waiting > 0 ? true : undefined;
        });
        await client.query(
          `INSERT INTO consent_version (consent_id, version, status, recipient_agency_ids, recipient_sectors, categories,
                                        purposes, valid_from, valid_until, how_obtained, capacity_note,
                                        recorded_by_agency_id, recorded_by_subject, withdrawn_at, withdrawal_reason)
           SELECT consent_id, 2, 'withdrawn', recipient_agency_ids, recipient_sectors, categories, purposes, valid_from,
                  valid_until, how_obtained, capacity_note, recorded_by_agency_id, recorded_by_subject, now(), 'person_request'
             FROM consent_version WHERE consent_id = $1 AND version = 1`,
          [consent.body.id],
        );
        await client.query('UPDATE consent SET current_version = 2 WHERE id = $1', [
          consent.body.id,
        ]);
        await client.query('COMMIT');
        expectProblem(await pending, 409, 'disclosure.facts_changed');
      } finally {
        await client.end();
      }
    });
  });

  describe('at the same moment', () => {
    it('six flags, decisions and acknowledgements at once: one succeeds, the others are told why', async () => {
      const denied = await app.request<{ decisionId: string; outcome: string }>(
        'POST',
        '/v1/disclosures',
        {
          token: await as(police, ['agency_user']),
          body: {
            caseId,
            personId: victimId,
            categories: ['weapons'],
            purpose: 'safety_planning',
            basis: 'consent',
          },
        },
      );
      expect(denied.body.outcome).toBe('deny');
      const statuses = (results: { status: number }[]) => results.map((r) => r.status).sort();
      const flags = await Promise.all(
        Array.from({ length: 6 }, async () =>
          app.request<{ id: string }>('POST', '/v1/reviews', {
            token: await as(table, ['privacy_officer']),
            body: { decisionId: denied.body.decisionId, reason: 'other' },
          }),
        ),
      );
      expect(statuses(flags)).toEqual([201, 409, 409, 409, 409, 409]);
      const opened = flags.find((f) => f.status === 201)?.body.id as string;
      const decisions = await Promise.all(
        Array.from({ length: 6 }, async (_, i) =>
          app.request('POST', `/v1/reviews/${opened}/decision`, {
            token: await as(table, ['legal_reviewer']),
            body: { outcome: i % 2 ? 'upheld' : 'not_justified', reasons: `Motif ${i}` },
          }),
        ),
      );
      expect(statuses(decisions)).toEqual([200, 409, 409, 409, 409, 409]);
      const [{ outcomes }]: { outcomes: number }[] = await app.dataSource.query(
        `SELECT count(*)::int AS outcomes FROM audit_record WHERE action = 'review.decide'
            AND strpos(leaf, $1) > 0`,
        [opened],
      );
      expect(outcomes).toBe(1);
      const inbox = await app.request<{ items: InboxEntry[] }>('GET', '/v1/inbox', {
        token: await as(victimServices, ['agency_user']),
      });
      const message = inbox.body.items[0];
      const acks = await Promise.all(
        Array.from({ length: 6 }, async () =>
          app.request('POST', `/v1/inbox/${message.id}/ack`, {
            token: await as(victimServices, ['agency_user']),
          }),
        ),
      );
      expect(statuses(acks)).toEqual([200, 409, 409, 409, 409, 409]);
    });
  });
});
