import { randomUUID } from 'node:crypto';
import { createAgency, type TestAgency } from '../factories/agency.factory.js';
import { contributeItem, highRiskCase, VICTIM_LOCATION } from '../factories/case.factory.js';
import { disclose, exceptionRequest } from '../factories/disclosure.factory.js';
import { auditSize, superuser } from '../support/audit-helpers.js';
import { consoleClient, EN, type ConsoleClient } from '../support/console.js';
import { startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

interface Review {
  id: string;
  status: string;
  outcome: string | null;
  outcomeReasons: string | null;
  comments: { text: string }[];
}

interface Notice {
  id: string;
  status: string;
  history: { status: string; reasons: string | null; means: string | null; at: string }[];
}

/** Actions recorded in the log since a size, in order. */
async function actionsSince(app: TestApp, size: number): Promise<string[]> {
  const rows: { action: string }[] = await app.dataSource.query(
    'SELECT action FROM audit_record WHERE seq >= $1 ORDER BY seq',
    [size],
  );
  return rows.map((r) => r.action);
}

/** A console error page: the status, HTML, and the problem's code on it. */
function expectErrorPage(res: HttpResult<undefined>, status: number, code: string): void {
  expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({
    status,
    type: expect.stringContaining('text/html') as string,
  });
  expect(res.text).toContain(`<code>${code}</code>`);
}

/** Post/redirect/get: a 303 back to the page, saying what was done. */
function expectSeeOther(res: HttpResult<undefined>, location: string): void {
  expect({ status: res.status, location: res.headers.get('location') }).toEqual({
    status: 303,
    location,
  });
}

/**
 * Legal reviews and held notices in the console, over real HTTP on real PostgreSQL: an exception
 * use (life/safety, no agreement) from an Ontario holder opens a review and holds a notice; the
 * table's legal reviewer reads, comments and decides it; a party sees only where it stands; the
 * holder's privacy officer withholds, clears and records the notice as sent, the table watches.
 */
describe('console: reviews and held notices', () => {
  let app: TestApp;
  let table: TestAgency;
  let police: TestAgency;
  let ontario: TestAgency;
  let outsider: TestAgency;
  let decisionId: string;
  let reviewId: string;
  let noticeId: string;
  let tableReviewer: ConsoleClient;
  let tableOfficer: ConsoleClient;

  beforeAll(async () => {
    app = await startTestApp();
    table = await createAgency(app.dataSource, { sector: 'coordination' });
    police = await createAgency(app.dataSource, { sector: 'police' });
    ontario = await createAgency(app.dataSource, { sector: 'community' });
    outsider = await createAgency(app.dataSource, { sector: 'health' });
    // A holder under Ontario's MFIPPA: a disclosure in compelling circumstances owes notice.
    await app.dataSource.query(`UPDATE agency SET privacy_regime = 'ON-MFIPPA' WHERE id = $1`, [
      ontario.id,
    ]);
    const { caseId, victimId } = await highRiskCase(app, {
      referrer: police,
      coordinator: table,
      assigned: [police, ontario],
    });
    await contributeItem(app, ontario, caseId, {
      personId: victimId,
      category: 'location',
      fields: VICTIM_LOCATION,
    });
    const disclosure = await disclose<{
      decisionId: string;
      duties: { reviewReasons: string[]; noticeDue: string[] };
    }>(app, police, exceptionRequest(caseId, victimId));
    expect(disclosure.duties.reviewReasons).toEqual(['life_safety_exception', 'no_agreement']);
    expect(disclosure.duties.noticeDue).toEqual([ontario.id]);
    decisionId = disclosure.decisionId;
    tableReviewer = await consoleClient(app, table.id, ['legal_reviewer'], 'juriste-table');
    tableOfficer = await consoleClient(app, table.id, ['privacy_officer'], 'rp-table');
  });
  afterAll(async () => {
    await app.close();
  });

  describe('legal reviews', () => {
    it('the table’s legal reviewer finds the review in the queue, with its reasons in words and the counts', async () => {
      const queue = await tableReviewer.get('/console/reviews');
      expect(queue.status).toBe(200);
      expect(queue.text).toContain('<html lang="fr">');
      expect(queue.text).toContain(decisionId);
      expect(queue.text).toContain('Exception de protection (vie ou sécurité)');
      expect(queue.text).toContain('Sans entente de partage');
      const link = new RegExp(`href="/console/reviews/([0-9a-f-]{36})"`).exec(queue.text);
      expect(link).not.toBeNull();
      reviewId = link![1];
      expect(queue.text).toMatch(/<div class="value">1<\/div>\s*<div>Révisions ouvertes<\/div>/);

      const english = await tableReviewer.get('/console/reviews?status=open', EN);
      expect(english.text).toContain('<html lang="en">');
      expect(english.text).toContain('Legal reviews');
      expect(english.text).toContain('Life or safety exception');
      expect(english.text).toContain('No sharing agreement');

      const decided = await tableReviewer.get('/console/reviews?status=decided&overdue=');
      expect(decided.status).toBe(200);
      expect(decided.text).not.toContain(decisionId);
      // A filter for one decision (the notice page links to it).
      const ofDecision = await tableReviewer.get(`/console/reviews?decisionId=${decisionId}`);
      expect(ofDecision.text).toContain(`/console/reviews/${reviewId}`);
    });

    it('an overdue review says so in words', async () => {
      // Time passes: as the database administrator (the broker's role may not change a deadline).
      const admin = await superuser(app);
      await admin.query(`UPDATE review SET due_at = now() - interval '1 hour' WHERE id = $1`, [
        reviewId,
      ]);
      try {
        const overdue = await tableReviewer.get('/console/reviews?overdue=true', EN);
        expect(overdue.text).toContain(decisionId);
        expect(overdue.text).toContain('<span class="badge bad">Overdue</span>');
        expect(overdue.text).toMatch(/<div class="value">1<\/div>\s*<div>Overdue<\/div>/);
      } finally {
        await admin.query(
          `UPDATE review SET due_at = opened_at + interval '5 days' WHERE id = $1`,
          [reviewId],
        );
        await admin.end();
      }
    });

    it('a foreign agency sees nothing, an agency user is refused, bad filters are a 400 page', async () => {
      const foreign = await consoleClient(app, outsider.id, ['legal_reviewer']);
      const list = await foreign.get('/console/reviews');
      expect(list.status).toBe(200);
      expect(list.text).not.toContain(decisionId);
      expectErrorPage(await foreign.get(`/console/reviews/${reviewId}`), 404, 'review.not_found');
      const user = await consoleClient(app, table.id, ['agency_user']);
      expectErrorPage(await user.get('/console/reviews'), 403, 'auth.forbidden');
      for (const bad of [
        'status=closed',
        'overdue=maybe',
        'offset=-1',
        'offset=abc',
        'decisionId=x',
      ]) {
        expectErrorPage(await tableReviewer.get(`/console/reviews?${bad}`), 400, 'request.invalid');
      }
      expectErrorPage(
        await tableReviewer.get('/console/reviews/not-a-uuid'),
        400,
        'request.invalid',
      );
      expectErrorPage(
        await tableReviewer.get(`/console/reviews/${randomUUID()}`),
        404,
        'review.not_found',
      );
      expectErrorPage(
        await tableReviewer.get(`/console/reviews/${reviewId}?done=everything`),
        400,
        'request.invalid',
      );
    });

    it('the review shows the decision, its trace with the rules in words, the attestation and the outcome form', async () => {
      const page = await tableReviewer.get(`/console/reviews/${reviewId}`, EN);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h1>Review of a decision</h1>');
      // The trace: rule ids, their plain description and source from the bundle then in force.
      expect(page.text).toContain('<code>R-BASIS-LIFE-SAFETY</code>');
      expect(page.text).toContain(
        'The protection exception: every criterion of the holder regime&#39;s test is attested',
      );
      expect(page.text).toContain('A-2.1 art. 59.1');
      // The attestation, criterion by criterion.
      expect(page.text).toContain('Attestation of the exception');
      expect(page.text).toContain('Reasonable cause to believe (<code>reasonable_cause</code>)');
      // What was disclosed: field names, never their values.
      expect(page.text).toContain('<code>address</code>');
      expect(page.text).not.toContain('rue des Lilas');
      // The outcome form, with its radios in a fieldset and a confirmation question.
      expect(page.text).toContain(`action="/console/reviews/${reviewId}/decision"`);
      expect(page.text).toContain('<legend>Outcome of the review</legend>');
      expect(page.text).toMatch(/data-confirm="Record this outcome\? It will be final\./);
      expect(page.text).toContain(`href="/console/policies/replay?decisionId=${decisionId}"`);
      // The audit record link is for those who can open it (the table's privacy officers).
      expect(page.text).not.toContain('/console/audit/records/');
      const officer = await tableOfficer.get(`/console/reviews/${reviewId}`);
      expect(officer.text).toMatch(/href="\/console\/audit\/records\/\d+"/);
      expect(officer.text).toContain('R-BASIS-LIFE-SAFETY');
      // A privacy officer reads and comments, but decides nothing.
      expect(officer.text).not.toContain(`action="/console/reviews/${reviewId}/decision"`);
      expect(officer.text).toContain(`action="/console/reviews/${reviewId}/comments"`);

      const french = await tableReviewer.get(`/console/reviews/${reviewId}`);
      expect(french.text).toContain('<h1>Révision d’une décision</h1>');
      expect(french.text).toContain('Motif raisonnable de croire');
    });

    it('a party agency’s legal reviewer sees where the review stands, not the trace or attestation, and cannot decide', async () => {
      const party = await consoleClient(app, police.id, ['legal_reviewer'], 'juriste-police');
      const page = await party.get(`/console/reviews/${reviewId}`, EN);
      expect(page.status).toBe(200);
      expect(page.text).toContain(decisionId);
      expect(page.text).not.toContain('R-BASIS-LIFE-SAFETY');
      expect(page.text).not.toContain('Attestation of the exception');
      expect(page.text).not.toContain('reasonable_cause');
      expect(page.text).not.toContain(`action="/console/reviews/${reviewId}/decision"`);
      expect(page.text).not.toContain('/console/policies/replay');
      const before = await auditSize(app);
      expectErrorPage(
        await party.post(`/console/reviews/${reviewId}/decision`, {
          outcome: 'upheld',
          reasons: 'Correct.',
          remediation: '',
        }),
        403,
        'review.not_table_reviewer',
      );
      expectErrorPage(
        await tableOfficer.post(`/console/reviews/${reviewId}/decision`, {
          outcome: 'upheld',
          reasons: 'Correct.',
          remediation: '',
        }),
        403,
        'auth.forbidden',
      );
      expect(await actionsSince(app, before)).not.toContain('review.decide');
      const api = await app.request<Review>('GET', `/v1/reviews/${reviewId}`, {
        token: await table.token(['legal_reviewer']),
      });
      expect(api.body.status).toBe('open');
    });

    it('a form without the CSRF token is refused and changes nothing', async () => {
      const before = await auditSize(app);
      const comment = await tableReviewer.post(
        `/console/reviews/${reviewId}/comments`,
        { text: 'Sans jeton.' },
        { csrf: null },
      );
      expectErrorPage(comment, 403, 'console.csrf');
      const decision = await tableReviewer.post(
        `/console/reviews/${reviewId}/decision`,
        { outcome: 'upheld', reasons: 'Sans jeton.', remediation: '' },
        { csrf: null },
      );
      expectErrorPage(decision, 403, 'console.csrf');
      expect(await actionsSince(app, before)).toEqual(['auth.forbidden', 'auth.forbidden']);
      const api = await app.request<Review>('GET', `/v1/reviews/${reviewId}`, {
        token: await table.token(['legal_reviewer']),
      });
      expect(api.body).toEqual(expect.objectContaining({ status: 'open', comments: [] }));
    });

    it('the reviewer comments, then decides with reasons: the page shows the outcome and its history, the API agrees', async () => {
      const before = await auditSize(app);
      const comment = await tableReviewer.post(`/console/reviews/${reviewId}/comments`, {
        text: 'Attestation complète; vérifier la nécessité de l’adresse.',
      });
      expectSeeOther(comment, `/console/reviews/${reviewId}?done=comment`);
      const commented = await tableReviewer.get(`/console/reviews/${reviewId}?done=comment`);
      expect(commented.text).toContain('Votre commentaire est publié.');
      expect(commented.text).toContain('Attestation complète; vérifier la nécessité de l’adresse.');

      // The service requires the remediation with remediation_required: a 400 page, nothing decided.
      expectErrorPage(
        await tableReviewer.post(`/console/reviews/${reviewId}/decision`, {
          outcome: 'remediation_required',
          reasons: 'Trop large.',
          remediation: '',
        }),
        400,
        'review.remediation_missing',
      );
      expectErrorPage(
        await tableReviewer.post(`/console/reviews/${reviewId}/decision`, {
          outcome: 'looks_fine',
          reasons: 'x',
          remediation: '',
        }),
        400,
        'request.invalid',
      );
      expectErrorPage(
        await tableReviewer.post(`/console/reviews/${reviewId}/decision`, {
          outcome: 'upheld',
          reasons: '',
          remediation: '',
        }),
        400,
        'request.invalid',
      );

      const decided = await tableReviewer.post(`/console/reviews/${reviewId}/decision`, {
        outcome: 'upheld',
        reasons: 'Les quatre critères de l’art. 59.1 étaient réunis.',
        remediation: '',
      });
      expectSeeOther(decided, `/console/reviews/${reviewId}?done=decision`);
      expect(await actionsSince(app, before)).toEqual(['review.comment', 'review.decide']);

      const page = await tableReviewer.get(`/console/reviews/${reviewId}?done=decision`, EN);
      expect(page.text).toContain('The outcome is recorded, and entered in the audit log.');
      expect(page.text).toContain('This review is decided: Upheld (justified).');
      expect(page.text).toContain('Les quatre critères de l’art. 59.1 étaient réunis.');
      expect(page.text).not.toContain(`action="/console/reviews/${reviewId}/decision"`);
      // History: opened by Filet, the comment, the outcome — each with who and when.
      const history = page.text.slice(page.text.indexOf('<h2>History</h2>'));
      const opened = history.indexOf('Review opened');
      const commentedAt = history.indexOf('Attestation complète');
      const outcome = history.indexOf('Outcome recorded');
      expect(opened).toBeGreaterThan(0);
      expect(commentedAt).toBeGreaterThan(opened);
      expect(outcome).toBeGreaterThan(commentedAt);
      expect(history).toContain('<code>juriste-table</code>');
      expect(history).toContain('Filet, from the decision’s duties');

      const api = await app.request<Review>('GET', `/v1/reviews/${reviewId}`, {
        token: await table.token(['legal_reviewer']),
      });
      expect(api.body).toEqual(
        expect.objectContaining({
          status: 'decided',
          outcome: 'upheld',
          outcomeReasons: 'Les quatre critères de l’art. 59.1 étaient réunis.',
        }),
      );
      expect(api.body.comments.map((c) => c.text)).toEqual([
        'Attestation complète; vérifier la nécessité de l’adresse.',
      ]);
    });

    it('deciding again is a 409 page; a party sees the outcome without the reasons', async () => {
      expectErrorPage(
        await tableReviewer.post(`/console/reviews/${reviewId}/decision`, {
          outcome: 'not_justified',
          reasons: 'Changement d’avis.',
          remediation: '',
        }),
        409,
        'review.already_decided',
      );
      const party = await consoleClient(app, police.id, ['privacy_officer']);
      const page = await party.get(`/console/reviews/${reviewId}`, EN);
      expect(page.text).toContain('Upheld (justified)');
      expect(page.text).not.toContain('Les quatre critères');
      expect(page.text).not.toContain('Attestation complète');
      expectErrorPage(
        await tableReviewer.post(`/console/reviews/${randomUUID()}/decision`, {
          outcome: 'upheld',
          reasons: 'x',
          remediation: '',
        }),
        404,
        'review.not_found',
      );
    });
  });

  describe('held notices', () => {
    let holderOfficer: ConsoleClient;

    beforeAll(async () => {
      holderOfficer = await consoleClient(app, ontario.id, ['privacy_officer'], 'rp-ontario');
    });

    it('the holder’s privacy officer sees the held notice, with the holder’s name and the person’s id', async () => {
      const list = await holderOfficer.get('/console/notices');
      expect(list.status).toBe(200);
      expect(list.text).toContain(decisionId);
      expect(list.text).toContain(`Organisme ${ontario.code}`);
      expect(list.text).toContain('Retenu, en attente de décision');
      const link = /href="\/console\/notices\/([0-9a-f-]{36})"/.exec(list.text);
      expect(link).not.toBeNull();
      noticeId = link![1];

      const english = await holderOfficer.get('/console/notices?status=held', EN);
      expect(english.text).toContain('<html lang="en">');
      expect(english.text).toContain(`Agency ${ontario.code}`);
      expect(english.text).toContain('Held, awaiting a decision');
      const sent = await holderOfficer.get('/console/notices?status=sent&overdue=');
      expect(sent.text).not.toContain(decisionId);

      const page = await holderOfficer.get(`/console/notices/${noticeId}`, EN);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h1>Notice to the person concerned</h1>');
      expect(page.text).toContain('<code>ON-MFIPPA</code>');
      expect(page.text).toContain(`action="/console/notices/${noticeId}/withhold"`);
      expect(page.text).toContain(`action="/console/notices/${noticeId}/clear"`);
      expect(page.text).not.toContain(`action="/console/notices/${noticeId}/sent"`);
    });

    it('the table’s privacy officer oversees the notice but decides nothing; others see nothing', async () => {
      const list = await tableOfficer.get('/console/notices');
      expect(list.text).toContain(decisionId);
      const page = await tableOfficer.get(`/console/notices/${noticeId}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain(`action="/console/notices/${noticeId}/`);
      expect(page.text).toContain('seul le responsable de l’organisme détenteur en décide');
      const before = await auditSize(app);
      expectErrorPage(
        await tableOfficer.post(`/console/notices/${noticeId}/clear`, { reasons: 'ok' }),
        403,
        'notice.not_holder',
      );
      expect(await actionsSince(app, before)).not.toContain('notice.clear');

      const requester = await consoleClient(app, police.id, ['privacy_officer']);
      expect((await requester.get('/console/notices')).text).not.toContain(decisionId);
      expectErrorPage(await requester.get(`/console/notices/${noticeId}`), 404, 'notice.not_found');
      expectErrorPage(await tableReviewer.get('/console/notices'), 403, 'auth.forbidden');
    });

    it('a notice is never recorded as sent while held; bad input is a 400 page', async () => {
      expectErrorPage(
        await holderOfficer.post(`/console/notices/${noticeId}/sent`, {
          means: 'mail',
          sentAt: '',
        }),
        409,
        'notice.not_cleared',
      );
      for (const bad of ['status=lost', 'overdue=yes', 'offset=x']) {
        expectErrorPage(await holderOfficer.get(`/console/notices?${bad}`), 400, 'request.invalid');
      }
      expectErrorPage(await holderOfficer.get('/console/notices/123'), 400, 'request.invalid');
      expectErrorPage(
        await holderOfficer.get(`/console/notices/${randomUUID()}`),
        404,
        'notice.not_found',
      );
      expectErrorPage(
        await holderOfficer.post(`/console/notices/${noticeId}/withhold`, { reasons: '' }),
        400,
        'request.invalid',
      );
      expectErrorPage(
        await holderOfficer.post(
          `/console/notices/${noticeId}/withhold`,
          { reasons: 'x' },
          { csrf: null },
        ),
        403,
        'console.csrf',
      );
      const api = await app.request<Notice>('GET', `/v1/notices/${noticeId}`, {
        token: await ontario.token(['privacy_officer']),
      });
      expect(api.body.status).toBe('held');
    });

    it('withheld for safety, then cleared, then recorded as sent: the history shows each step, the API agrees', async () => {
      const before = await auditSize(app);
      expectSeeOther(
        await holderOfficer.post(`/console/notices/${noticeId}/withhold`, {
          reasons: 'La personne visée par l’avis pose le risque.',
        }),
        `/console/notices/${noticeId}?done=withhold`,
      );
      const withheld = await holderOfficer.get(`/console/notices/${noticeId}?done=withhold`);
      expect(withheld.text).toContain('L’avis est retenu pour la sécurité.');
      expect(withheld.text).not.toContain(`action="/console/notices/${noticeId}/withhold"`);
      expect(withheld.text).toContain(`action="/console/notices/${noticeId}/clear"`);

      expectSeeOther(
        await holderOfficer.post(`/console/notices/${noticeId}/clear`, {
          reasons: 'Ordonnance de non-communication en vigueur; envoi sans danger.',
        }),
        `/console/notices/${noticeId}?done=clear`,
      );
      const cleared = await holderOfficer.get(`/console/notices/${noticeId}`, EN);
      expect(cleared.text).toContain(`action="/console/notices/${noticeId}/sent"`);
      expect(cleared.text).toContain('<option value="secure_message">Secure message</option>');

      expectErrorPage(
        await holderOfficer.post(`/console/notices/${noticeId}/sent`, {
          means: 'carrier_pigeon',
          sentAt: '',
        }),
        400,
        'request.invalid',
      );
      for (const sentAt of [
        '2026-02-30T10:00',
        '0000-01-01T10:00',
        '2025-11-21T24:00',
        '2025-11-21',
      ]) {
        expectErrorPage(
          await holderOfficer.post(`/console/notices/${noticeId}/sent`, { means: 'mail', sentAt }),
          400,
          'request.invalid',
        );
      }
      expectSeeOther(
        await holderOfficer.post(`/console/notices/${noticeId}/sent`, {
          means: 'mail',
          sentAt: '2025-11-21T10:30',
        }),
        `/console/notices/${noticeId}?done=sent`,
      );
      expect(await actionsSince(app, before)).toEqual([
        'notice.withhold',
        'notice.clear',
        'notice.sent',
      ]);

      const page = await holderOfficer.get(`/console/notices/${noticeId}?done=sent`, EN);
      expect(page.text).toContain('The notice is recorded as sent.');
      expect(page.text).not.toContain(`action="/console/notices/${noticeId}/`);
      const history = page.text.slice(page.text.indexOf('<h2>History</h2>'));
      const steps = ['Withheld for safety', 'Cleared to send', '>Sent<'].map((s) =>
        history.indexOf(s),
      );
      expect(steps.every((i) => i > 0)).toBe(true);
      expect([...steps].sort((a, b) => a - b)).toEqual(steps);
      expect(history).toContain('La personne visée par l’avis pose le risque.');
      expect(history).toContain('Mail (<code>mail</code>)');
      expect(history).toContain('<code>rp-ontario</code>');

      const api = await app.request<Notice>('GET', `/v1/notices/${noticeId}`, {
        token: await ontario.token(['privacy_officer']),
      });
      expect(api.body.status).toBe('sent');
      expect(api.body.history.map((h) => [h.status, h.reasons, h.means])).toEqual([
        ['held', null, null],
        ['withheld_for_safety', 'La personne visée par l’avis pose le risque.', null],
        ['cleared_to_send', 'Ordonnance de non-communication en vigueur; envoi sans danger.', null],
        ['sent', null, 'mail'],
      ]);
      // The date typed is the table's wall-clock time (FILET_TIME_ZONE).
      const sentAt = api.body.history[3].at;
      expect(
        new Intl.DateTimeFormat('sv-SE', {
          timeZone: app.config.timeZone,
          dateStyle: 'short',
          timeStyle: 'short',
        }).format(new Date(sentAt)),
      ).toBe('2025-11-21 10:30');
    });
  });
});
