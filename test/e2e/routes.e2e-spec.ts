import { randomUUID } from 'node:crypto';
import {
  createAgency,
  generateTestKey,
  registrationBody,
  type TestAgency,
} from '../factories/agency.factory.js';
import { agreementBody, createAgreement } from '../factories/agreement.factory.js';
import { seedCase } from '../factories/case.factory.js';
import { auditSize } from '../support/audit-helpers.js';
import { apiRouteTable, routeTable } from '../support/route-table.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Who may reach every route. A change here is a change to who can read or write what: it must show
 * in review, so the expected table is written out in full.
 */
describe('route access table', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists every route with its declared access', () => {
    expect(routeTable(app.app).map((r) => `${r.method} ${r.path} -> ${r.access}`)).toEqual([
      'GET /console -> console',
      'GET /console/access -> console:privacy_officer',
      'POST /console/access/holds -> console:privacy_officer',
      'POST /console/access/holds/:id/release -> console:privacy_officer',
      'GET /console/assets/console.css -> public',
      'GET /console/assets/console.js -> public',
      'GET /console/audit -> console:privacy_officer',
      'GET /console/audit/records/:seq -> console:privacy_officer',
      'GET /console/callback -> public',
      'GET /console/dashboard -> console:coordinator|privacy_officer',
      'GET /console/integrity -> console:privacy_officer|legal_reviewer',
      'POST /console/integrity/checkpoints -> console:privacy_officer',
      'GET /console/integrity/export -> console:privacy_officer',
      'GET /console/integrity/keys -> console:privacy_officer|legal_reviewer',
      'POST /console/integrity/verify -> console:privacy_officer',
      'GET /console/language -> public',
      'GET /console/notices -> console:privacy_officer',
      'GET /console/notices/:id -> console:privacy_officer',
      'POST /console/notices/:id/clear -> console:privacy_officer',
      'POST /console/notices/:id/sent -> console:privacy_officer',
      'POST /console/notices/:id/withhold -> console:privacy_officer',
      'GET /console/policies -> console',
      'GET /console/policies/replay -> console:privacy_officer|legal_reviewer',
      'POST /console/policies/replay -> console:privacy_officer|legal_reviewer',
      'GET /console/register -> console:privacy_officer',
      'GET /console/register.csv -> console:privacy_officer',
      'GET /console/reviews -> console:legal_reviewer|privacy_officer',
      'GET /console/reviews/:id -> console:legal_reviewer|privacy_officer',
      'POST /console/reviews/:id/comments -> console:legal_reviewer|privacy_officer',
      'POST /console/reviews/:id/decision -> console:legal_reviewer',
      'GET /console/sign-in -> public',
      'GET /console/sign-in/:agency -> public',
      'GET /console/sign-in/agency -> public',
      'POST /console/sign-out -> console',
      'GET /health -> public',
      'GET /health/ready -> public',
      'GET /v1/agencies -> authenticated',
      'POST /v1/agencies -> roles:admin',
      'GET /v1/agencies/:id -> authenticated',
      'PATCH /v1/agencies/:id -> roles:admin',
      'GET /v1/agencies/:id/keys -> authenticated',
      'POST /v1/agencies/:id/keys -> roles:admin',
      'POST /v1/agencies/:id/keys/:kid/revoke -> roles:admin',
      'POST /v1/agencies/:id/reactivate -> roles:admin',
      'POST /v1/agencies/:id/suspend -> roles:admin',
      'GET /v1/agreements -> authenticated',
      'POST /v1/agreements -> roles:admin|coordinator|legal_reviewer',
      'GET /v1/agreements/:id -> authenticated',
      'POST /v1/agreements/:id/signatures -> roles:admin|legal_reviewer',
      'POST /v1/agreements/:id/suspend -> roles:admin|coordinator|legal_reviewer',
      'POST /v1/agreements/:id/terminate -> roles:admin|coordinator|legal_reviewer',
      'POST /v1/agreements/:id/versions -> roles:admin|coordinator|legal_reviewer',
      'GET /v1/audit/checkpoints -> authenticated',
      'POST /v1/audit/checkpoints -> roles:privacy_officer|admin',
      'GET /v1/audit/checkpoints/latest -> authenticated',
      'GET /v1/audit/consistency -> authenticated',
      'GET /v1/audit/export -> roles:privacy_officer',
      'GET /v1/audit/holds -> roles:privacy_officer',
      'POST /v1/audit/holds -> roles:privacy_officer',
      'POST /v1/audit/holds/:id/release -> roles:privacy_officer',
      'GET /v1/audit/keys -> authenticated',
      'GET /v1/audit/records -> roles:privacy_officer',
      'GET /v1/audit/records/:seq -> roles:privacy_officer',
      'GET /v1/audit/records/:seq/proof -> authenticated',
      'GET /v1/audit/register -> roles:privacy_officer',
      'GET /v1/audit/verify -> roles:privacy_officer',
      'GET /v1/cases -> authenticated',
      'POST /v1/cases -> roles:agency_user|coordinator',
      'GET /v1/cases/:caseId/consents -> authenticated',
      'POST /v1/cases/:caseId/consents -> roles:agency_user|coordinator',
      'GET /v1/cases/:caseId/information -> authenticated',
      'POST /v1/cases/:caseId/information -> roles:agency_user|coordinator',
      'GET /v1/cases/:id -> authenticated',
      'POST /v1/cases/:id/assignments -> roles:coordinator',
      'DELETE /v1/cases/:id/assignments/:agencyId -> roles:coordinator',
      'GET /v1/cases/:id/persons -> authenticated',
      'POST /v1/cases/:id/persons -> roles:agency_user|coordinator',
      'POST /v1/cases/:id/risk-assessments -> roles:agency_user|coordinator',
      'POST /v1/cases/:id/risk-changes -> roles:agency_user|coordinator',
      'POST /v1/cases/:id/stage -> roles:coordinator',
      'POST /v1/cases/:id/user-assignments -> roles:agency_user|coordinator',
      'POST /v1/consents/:id/withdraw -> roles:agency_user|coordinator',
      'GET /v1/decisions/:id -> authenticated',
      'POST /v1/decisions/:id/approvals -> roles:agency_user|privacy_officer',
      'POST /v1/decisions/:id/replay -> roles:privacy_officer|legal_reviewer',
      'POST /v1/disclosures -> roles:agency_user|coordinator',
      'POST /v1/disclosures/dry-run -> roles:agency_user|coordinator',
      'GET /v1/inbox -> authenticated',
      'POST /v1/inbox/:id/ack -> authenticated',
      'GET /v1/information/:id -> authenticated',
      'PATCH /v1/information/:id -> roles:agency_user|coordinator',
      'GET /v1/notices -> roles:privacy_officer',
      'GET /v1/notices/:id -> roles:privacy_officer',
      'POST /v1/notices/:id/clear -> roles:privacy_officer',
      'POST /v1/notices/:id/sent -> roles:privacy_officer',
      'POST /v1/notices/:id/withhold -> roles:privacy_officer',
      'GET /v1/persons/:id/disclosure-report -> roles:privacy_officer',
      'GET /v1/policies -> authenticated',
      'POST /v1/retention/runs -> roles:admin|privacy_officer',
      'GET /v1/reviews -> roles:legal_reviewer|privacy_officer',
      'POST /v1/reviews -> roles:privacy_officer|legal_reviewer',
      'GET /v1/reviews/:id -> roles:legal_reviewer|privacy_officer',
      'POST /v1/reviews/:id/comments -> roles:legal_reviewer|privacy_officer',
      'POST /v1/reviews/:id/decision -> roles:legal_reviewer',
      'GET /v1/webhooks -> roles:agency_user|coordinator|admin',
      'POST /v1/webhooks -> roles:agency_user|coordinator|admin',
      'DELETE /v1/webhooks/:id -> roles:agency_user|coordinator|admin',
    ]);
  });

  it('every route that is not public answers 401 without a token, over real HTTP', async () => {
    const guarded = apiRouteTable(app.app).filter((r) => r.access !== 'public');
    expect(guarded.length).toBeGreaterThan(0);
    for (const route of guarded) {
      const path = route.path
        .replace(':id', '00000000-0000-4000-8000-000000000000')
        .replace(':kid', 'k1');
      const res = await app.request(route.method, path, {
        body: route.method === 'GET' ? undefined : {},
      });
      expect({
        route: `${route.method} ${route.path}`,
        status: res.status,
        code: res.body?.code,
      }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
        code: 'auth.missing_token',
      });
    }
  });

  it('every console page sends a visitor without a session to sign in; every console form is refused', async () => {
    const pages = routeTable(app.app).filter((r) => r.access.startsWith('console'));
    expect(pages.length).toBeGreaterThan(5);
    for (const route of pages) {
      const path = route.path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
      const res = await fetch(`${app.baseUrl}${path}`, {
        method: route.method,
        redirect: 'manual',
        ...(route.method === 'GET'
          ? {}
          : {
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: '_csrf=x',
            }),
      });
      const text = await res.text();
      expect({
        route: `${route.method} ${route.path}`,
        status: res.status,
        location: res.headers.get('location'),
        code: /console\.sign_in_required/.test(text),
      }).toEqual({
        route: `${route.method} ${route.path}`,
        status: route.method === 'GET' ? 303 : 401,
        location:
          route.method === 'GET' ? `/console/sign-in?next=${encodeURIComponent(path)}` : null,
        code: route.method !== 'GET',
      });
    }
  });

  it('the OpenAPI document covers every route, and /docs serves it', async () => {
    const doc = await app.request<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/docs-json',
    );
    expect(doc.status).toBe(200);
    // The console's pages are HTML for people, not part of the API's contract.
    for (const route of apiRouteTable(app.app)) {
      const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
      expect({
        route: openApiPath,
        documented: Boolean(doc.body.paths[openApiPath]?.[route.method.toLowerCase()]),
      }).toEqual({
        route: openApiPath,
        documented: true,
      });
    }
    const ui = await app.request('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toContain('text/html');
  });

  /**
   * DESIGN §4: every change is recorded. Each state-changing route has a valid call here; a new route
   * without one fails this test, and so does one whose call commits without an audit record.
   */
  it('every state-changing route writes an audit record and returns its receipt', async () => {
    const admin: TestAgency = await createAgency(app.dataSource, { sector: 'coordination' });
    const target: TestAgency = await createAgency(app.dataSource, { sector: 'shelter' });
    const extraKey = await generateTestKey('EdDSA');
    // Seeded without audit records, so that seq 0 stays the first change below.
    const drafted = await createAgreement(app.dataSource, [admin.id, target.id]);
    const inForce = await createAgreement(app.dataSource, [admin.id, target.id], { active: true });
    const seeded = await seedCase(app.dataSource, admin.id);
    let lastBody: Record<string, unknown> = {};
    const holdId = (): string => String(lastBody.id);
    type Call = { path: string; body?: unknown; roles: Parameters<TestAgency['token']>[0] };
    const validCalls: Record<string, () => Call> = {
      'POST /v1/agencies': () => ({
        path: '/v1/agencies',
        body: registrationBody(),
        roles: ['admin'],
      }),
      'PATCH /v1/agencies/:id': () => ({
        path: `/v1/agencies/${target.id}`,
        body: { jurisdiction: 'CA-ON' },
        roles: ['admin'],
      }),
      'POST /v1/agencies/:id/suspend': () => ({
        path: `/v1/agencies/${target.id}/suspend`,
        body: { reason: 'administrative' },
        roles: ['admin'],
      }),
      'POST /v1/agencies/:id/reactivate': () => ({
        path: `/v1/agencies/${target.id}/reactivate`,
        body: { reason: 'administrative' },
        roles: ['admin'],
      }),
      'POST /v1/agencies/:id/keys': () => ({
        path: `/v1/agencies/${target.id}/keys`,
        body: { keys: [{ kid: extraKey.kid, jwk: extraKey.publicJwk }] },
        roles: ['admin'],
      }),
      'POST /v1/agencies/:id/keys/:kid/revoke': () => ({
        path: `/v1/agencies/${target.id}/keys/${extraKey.kid}/revoke`,
        body: { reason: 'superseded' },
        roles: ['admin'],
      }),
      'POST /v1/agreements': () => ({
        path: '/v1/agreements',
        body: agreementBody([admin.id, target.id]),
        roles: ['coordinator'],
      }),
      // The first of two signatures: recorded, but does not yet activate (a second record).
      'POST /v1/agreements/:id/signatures': () => ({
        path: `/v1/agreements/${drafted.id}/signatures`,
        body: { version: 1 },
        roles: ['legal_reviewer'],
      }),
      'POST /v1/agreements/:id/versions': () => ({
        path: `/v1/agreements/${inForce.id}/versions`,
        body: agreementBody([admin.id, target.id]),
        roles: ['legal_reviewer'],
      }),
      'POST /v1/agreements/:id/suspend': () => ({
        path: `/v1/agreements/${inForce.id}/suspend`,
        body: { reason: 'under_review' },
        roles: ['legal_reviewer'],
      }),
      'POST /v1/agreements/:id/terminate': () => ({
        path: `/v1/agreements/${inForce.id}/terminate`,
        body: { reason: 'mutual_agreement' },
        roles: ['coordinator'],
      }),
      'POST /v1/audit/checkpoints': () => ({
        path: '/v1/audit/checkpoints',
        roles: ['privacy_officer'],
      }),
      // Holds the record of the first change above (seq 0 of this test's log), then releases it.
      'POST /v1/audit/holds': () => ({
        path: '/v1/audit/holds',
        body: { seq: 0, reason: 'investigation' },
        roles: ['privacy_officer'],
      }),
      'POST /v1/audit/holds/:id/release': () => ({
        path: `/v1/audit/holds/${holdId()}/release`,
        roles: ['privacy_officer'],
      }),
      // On the seeded de-identified case: assess, confirm, then its parties, consent and item.
      'POST /v1/cases': () => ({
        path: '/v1/cases',
        body: { reason: 'strangulation', incidentDate: '2025-11-20' },
        roles: ['agency_user'],
      }),
      'POST /v1/cases/:id/persons': () => ({
        path: `/v1/cases/${seeded.caseId}/persons`,
        body: { role: 'child', capacity: 'unknown', minor: true },
        roles: ['agency_user'],
      }),
      'POST /v1/cases/:id/risk-assessments': () => ({
        path: `/v1/cases/${seeded.caseId}/risk-assessments`,
        body: { tool: 'odara', score: 8 },
        roles: ['agency_user'],
      }),
      'POST /v1/cases/:id/stage': () => ({
        path: `/v1/cases/${seeded.caseId}/stage`,
        body: { stage: 'high_risk_confirmed' },
        roles: ['coordinator'],
      }),
      'POST /v1/cases/:id/assignments': () => ({
        path: `/v1/cases/${seeded.caseId}/assignments`,
        body: { agencyId: target.id },
        roles: ['coordinator'],
      }),
      'POST /v1/cases/:id/user-assignments': () => ({
        path: `/v1/cases/${seeded.caseId}/user-assignments`,
        body: { agencyId: target.id, subject: 'worker-1', side: 'victim' },
        roles: ['coordinator'],
      }),
      'DELETE /v1/cases/:id/assignments/:agencyId': () => ({
        path: `/v1/cases/${seeded.caseId}/assignments/${target.id}`,
        roles: ['coordinator'],
      }),
      'POST /v1/cases/:caseId/consents': () => ({
        path: `/v1/cases/${seeded.caseId}/consents`,
        body: {
          personId: seeded.personId,
          recipientSectors: ['shelter'],
          categories: ['risk_assessment'],
          purposes: ['safety_planning'],
          howObtained: 'verbal',
          capacityNote: 'capable_presumed',
        },
        roles: ['agency_user'],
      }),
      'POST /v1/consents/:id/withdraw': () => ({
        path: `/v1/consents/${seeded.consentId}/withdraw`,
        body: { reason: 'person_request' },
        roles: ['agency_user'],
      }),
      'POST /v1/cases/:caseId/information': () => ({
        path: `/v1/cases/${seeded.caseId}/information`,
        body: {
          personId: seeded.personId,
          category: 'weapons',
          fields: { licence_holder: false },
          retainUntil: '2099-01-01',
        },
        roles: ['agency_user'],
      }),
      'PATCH /v1/information/:id': () => ({
        path: `/v1/information/${seeded.itemId}`,
        body: { reason: 'inaccurate', fields: { access_to_firearms: false } },
        roles: ['agency_user'],
      }),
      // A refused request and a dry run each leave exactly their decision record.
      'POST /v1/disclosures': () => ({
        path: '/v1/disclosures',
        body: disclosureBody(),
        roles: ['agency_user'],
      }),
      'POST /v1/disclosures/dry-run': () => ({
        path: '/v1/disclosures/dry-run',
        body: disclosureBody(),
        roles: ['agency_user'],
      }),
      'POST /v1/decisions/:id/replay': () => ({
        path: `/v1/decisions/${String(lastBody.decisionId)}/replay`,
        body: {},
        roles: ['privacy_officer'],
      }),
      'POST /v1/decisions/:id/approvals': () => ({
        path: `/v1/decisions/${pendingDecision.decisionId}/approvals`,
        body: { itemId: pendingDecision.itemId, approve: false, reason: 'not_necessary' },
        roles: ['agency_user'],
      }),
      'POST /v1/reviews': () => ({
        path: '/v1/reviews',
        body: { decisionId: flaggable.decisionId, reason: 'other' },
        roles: ['privacy_officer'],
      }),
      'POST /v1/reviews/:id/comments': () => ({
        path: `/v1/reviews/${openReview.id}/comments`,
        body: { text: 'À vérifier.' },
        roles: ['legal_reviewer'],
      }),
      'POST /v1/reviews/:id/decision': () => ({
        path: `/v1/reviews/${openReview.id}/decision`,
        body: { outcome: 'upheld', reasons: 'Justifié.' },
        roles: ['legal_reviewer'],
      }),
      'POST /v1/notices/:id/withhold': () => ({
        path: `/v1/notices/${heldNotice.id}/withhold`,
        body: { reasons: 'Danger pour la victime.' },
        roles: ['privacy_officer'],
      }),
      'POST /v1/notices/:id/clear': () => ({
        path: `/v1/notices/${heldNotice.id}/clear`,
        body: { reasons: 'Plus de danger.' },
        roles: ['privacy_officer'],
      }),
      'POST /v1/notices/:id/sent': () => ({
        path: `/v1/notices/${heldNotice.id}/sent`,
        body: { means: 'mail' },
        roles: ['privacy_officer'],
      }),
      'POST /v1/cases/:id/risk-changes': () => ({
        path: `/v1/cases/${seeded.caseId}/risk-changes`,
        body: {
          kind: 'new_threat',
          occurredAt: new Date().toISOString(),
          personIds: [seeded.personId],
        },
        roles: ['agency_user'],
      }),
      'POST /v1/inbox/:id/ack': () => ({
        path: `/v1/inbox/${message.id}/ack`,
        roles: ['agency_user'],
      }),
      'POST /v1/webhooks': () => ({
        path: '/v1/webhooks',
        body: { url: 'https://hooks.example.org/filet' },
        roles: ['agency_user'],
      }),
      'DELETE /v1/webhooks/:id': () => ({
        path: `/v1/webhooks/${holdId()}`,
        roles: ['agency_user'],
      }),
      'POST /v1/retention/runs': () => ({
        path: '/v1/retention/runs',
        body: {},
        roles: ['privacy_officer'],
      }),
    };
    const disclosureBody = (): Record<string, unknown> => ({
      caseId: seeded.caseId,
      personId: seeded.personId,
      categories: ['risk_assessment'],
      purpose: 'risk_assessment',
      basis: 'consent',
    });
    // A pending decision waiting on the calling agency's approval, written as the engine writes one.
    const pendingDecision = { decisionId: randomUUID(), itemId: randomUUID() };
    await app.dataSource.query(
      `INSERT INTO decision (id, requester_agency_id, subject, case_id, person_id, dry_run, outcome, request, facts,
                             decision, policy_bundle_hash, decided_at)
       VALUES ($1, $2, 'worker-2', $3, $4, false, 'pending', '{"purpose":"safety_planning"}', '{}', '{}', 'h', now())`,
      [pendingDecision.decisionId, target.id, seeded.caseId, seeded.personId],
    );
    await app.dataSource.query(
      `INSERT INTO decision_approval (decision_id, item_id, item_version, holder_agency_id, status) VALUES ($1, $2, 1, $3, 'pending')`,
      [pendingDecision.decisionId, pendingDecision.itemId, admin.id],
    );
    // A second recorded decision to flag, an open review, a held notice and a message, written as
    // the broker writes them.
    const flaggable = { decisionId: randomUUID() };
    await app.dataSource.query(
      `INSERT INTO decision (id, requester_agency_id, subject, case_id, person_id, dry_run, outcome, request, facts,
                             decision, policy_bundle_hash, decided_at)
       VALUES ($1, $2, 'worker-2', $3, $4, false, 'deny', '{"purpose":"safety_planning"}', '{}', '{}', 'h', now())`,
      [flaggable.decisionId, target.id, seeded.caseId, seeded.personId],
    );
    const [openReview]: { id: string }[] = await app.dataSource.query(
      `INSERT INTO review (decision_id, reasons, status, due_at) VALUES ($1, '{life_safety_exception}', 'open', now() + interval '5 days') RETURNING id`,
      [pendingDecision.decisionId],
    );
    const [heldNotice]: { id: string }[] = await app.dataSource.query(
      `INSERT INTO notice (decision_id, holder_agency_id, case_id, person_id, regime, status, due_at)
       VALUES ($1, $2, $3, $4, 'CA-PIPEDA', 'held', now() + interval '5 days') RETURNING id`,
      [pendingDecision.decisionId, admin.id, seeded.caseId, seeded.personId],
    );
    const [message]: { id: string }[] = await app.dataSource.query(
      `INSERT INTO notification (recipient_agency_id, kind, case_id, payload, urgent) VALUES ($1, 'risk_change', $2, '{}', false) RETURNING id`,
      [admin.id, seeded.caseId],
    );
    // Suspension must come before reactivation, and a key must exist before it is revoked.
    const order = Object.keys(validCalls);
    const changing = apiRouteTable(app.app)
      .filter((r) => r.method !== 'GET')
      .map((r) => `${r.method} ${r.path}`)
      .sort((a, b) => order.indexOf(a) - order.indexOf(b));
    for (const route of changing) {
      expect({ route, hasValidCall: route in validCalls }).toEqual({ route, hasValidCall: true });
      const call = validCalls[route]();
      const before = await auditSize(app);
      const res = await app.request(route.split(' ')[0], call.path, {
        token: await admin.token(call.roles),
        body: call.body,
      });
      expect({ route, status: res.status }).toEqual({ route, status: expect.any(Number) });
      expect(res.status).toBeLessThan(300);
      lastBody = res.body;
      expect({ route, receipt: typeof res.headers.get('filet-audit-receipt') }).toEqual({
        route,
        receipt: 'string',
      });
      expect({ route, recorded: (await auditSize(app)) - before }).toEqual({ route, recorded: 1 });
    }
  });
});
