import type { Sector } from '../../src/agencies/agency.types.js';
import type { Role } from '../../src/common/auth/roles.js';
import {
  createAgency,
  generateTestKey,
  registrationBody,
  type TestAgency,
  type TestKey,
} from '../factories/agency.factory.js';
import { agreementBody } from '../factories/agreement.factory.js';
import { addPerson, daysFromToday, highRiskCase } from '../factories/case.factory.js';
import { exceptionRequest } from '../factories/disclosure.factory.js';
import { ok, type TestApp } from './test-app.js';

/**
 * One table's world built through the API (issue: security suite), for the suites that try every
 * route: police (`agency A`) refers a case that the coordinating agency confirms and assigns to the
 * police, a shelter and an Ontario holder; the holders contribute the victim's address; the police
 * record a consent, contribute an item, draft an agreement with the table, and obtain the address
 * under the life/safety exception (which opens a review and holds the Ontario holder's notice); the
 * shelter reports a risk change that reaches the police's inbox; the police register a webhook; the
 * shelter holds its release to the police back from subject access reports. `outsider` (`agency B`, health) has no part in any of it.
 */
export interface World {
  readonly table: TestAgency;
  readonly police: TestAgency;
  readonly shelter: TestAgency;
  readonly ontario: TestAgency;
  readonly outsider: TestAgency;
  /** A throwaway agency the administration routes act on (suspended, re-keyed…). */
  readonly target: TestAgency;
  readonly spareKey: TestKey;
  readonly ids: WorldIds;
}

export interface WorldIds {
  readonly agency: string;
  readonly key: string;
  readonly agreement: string;
  readonly case: string;
  readonly person: string;
  readonly consent: string;
  readonly item: string;
  readonly shelterItem: string;
  readonly decision: string;
  readonly review: string;
  readonly notice: string;
  readonly message: string;
  readonly webhook: string;
  readonly hold: string;
  readonly record: string;
  /** An agency assigned to the case (the shelter), for the unassignment route. */
  readonly assignedAgency: string;
}

export type ResourceKind = keyof WorldIds;

/** Which resource a path parameter names: the collection segment just before it. */
export const RESOURCE_OF_SEGMENT: Readonly<Record<string, ResourceKind>> = {
  agencies: 'agency',
  keys: 'key',
  agreements: 'agreement',
  cases: 'case',
  persons: 'person',
  consents: 'consent',
  information: 'item',
  decisions: 'decision',
  reviews: 'review',
  notices: 'notice',
  inbox: 'message',
  webhooks: 'webhook',
  holds: 'hold',
  records: 'record',
  assignments: 'assignedAgency',
};

/** The resources a route pattern's parameters name, in order; undefined for an unknown segment. */
export function resourcesOf(pattern: string): (ResourceKind | undefined)[] {
  const segments = pattern.split('/');
  return segments.flatMap((segment, i) =>
    segment.startsWith(':') ? [RESOURCE_OF_SEGMENT[segments[i - 1]]] : [],
  );
}

/** The route pattern with each parameter replaced by the id the world holds for it. */
export function pathIn(pattern: string, ids: WorldIds): string {
  const segments = pattern.split('/');
  return segments
    .map((segment, i) => {
      if (!segment.startsWith(':')) return segment;
      const kind = RESOURCE_OF_SEGMENT[segments[i - 1]];
      if (!kind) throw new Error(`no resource for the parameter ${segment} of ${pattern}`);
      return ids[kind];
    })
    .join('/');
}

export const VICTIM_ADDRESS = '12 rue des Lilas';

/**
 * The roles a table grants its member agencies (as the demo network does); the network roles —
 * `coordinator` and `admin`, which see and administer every case and agency — are the
 * coordinating agency's alone.
 */
export const STAFF: Role[] = ['agency_user', 'privacy_officer', 'legal_reviewer'];

export async function buildWorld(app: TestApp): Promise<World> {
  const member = (sector: Sector) => createAgency(app.dataSource, { sector, allowedRoles: STAFF });
  const table = await createAgency(app.dataSource, { sector: 'coordination' });
  const police = await member('police');
  const shelter = await member('shelter');
  const ontario = await member('community');
  const outsider = await member('health');
  const target = await member('community');
  // A holder under Ontario's MFIPPA: a disclosure in compelling circumstances owes notice.
  await app.dataSource.query(`UPDATE agency SET privacy_regime = 'ON-MFIPPA' WHERE id = $1`, [
    ontario.id,
  ]);
  const post = async (agency: TestAgency, roles: Role[], path: string, body?: unknown) =>
    ok(app.request('POST', path, { token: await agency.token(roles), body }), `POST ${path}`);
  const get = async <T>(agency: TestAgency, roles: Role[], path: string) =>
    ok<T>(app.request<T>('GET', path, { token: await agency.token(roles) }), `GET ${path}`);

  const { caseId, victimId } = await highRiskCase(app, {
    referrer: police,
    coordinator: table,
    assigned: [police, shelter, ontario],
  });
  await addPerson(app, police, caseId, { role: 'perpetrator' });
  const items: Record<string, string> = {};
  for (const holder of [shelter, ontario]) {
    const item = await post(holder, ['agency_user'], `/v1/cases/${caseId}/information`, {
      personId: victimId,
      category: 'location',
      fields: { address: VICTIM_ADDRESS, municipality: 'Val-Saint-Loup' },
      retainUntil: daysFromToday(365),
    });
    items[holder.id] = String(item.id);
  }
  const policeItem = await post(police, ['agency_user'], `/v1/cases/${caseId}/information`, {
    personId: victimId,
    category: 'weapons',
    fields: { licence_holder: false },
    retainUntil: daysFromToday(365),
  });
  const consent = await post(police, ['agency_user'], `/v1/cases/${caseId}/consents`, {
    personId: victimId,
    recipientSectors: ['shelter'],
    categories: ['risk_assessment'],
    purposes: ['safety_planning'],
    howObtained: 'verbal',
    capacityNote: 'capable_presumed',
  });
  const agreement = await post(
    police,
    ['legal_reviewer'],
    '/v1/agreements',
    agreementBody([police.id, table.id]),
  );
  const decision = await post(
    police,
    ['agency_user'],
    '/v1/disclosures',
    exceptionRequest(caseId, victimId),
  );
  const decisionId = String(decision.decisionId);
  const reviews = await get<{ id: string; decisionId: string }[]>(
    table,
    ['legal_reviewer'],
    `/v1/reviews?decisionId=${decisionId}`,
  );
  const notices = await get<{ id: string }[] | { items: { id: string }[] }>(
    ontario,
    ['privacy_officer'],
    '/v1/notices',
  );
  const noticeList = Array.isArray(notices) ? notices : notices.items;
  // The shelter reports a change: the police, assigned, get an alert in their inbox.
  await post(shelter, ['agency_user'], `/v1/cases/${caseId}/risk-changes`, {
    kind: 'program_dropout',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    personIds: [victimId],
  });
  const inbox = await get<{ items: { id: string }[] }>(police, ['agency_user'], '/v1/inbox');
  // Registered after every message: no delivery is pending for it.
  const webhook = await post(police, ['agency_user'], '/v1/webhooks', {
    url: 'https://hooks.example.org/filet',
  });
  // The shelter holds back, from subject access reports, its release to the police.
  const records = await get<{ items: { seq: number }[] }>(
    shelter,
    ['privacy_officer'],
    `/v1/audit/records?action=disclosure.release&agencyId=${police.id}&limit=1`,
  );
  const record = records.items[0].seq;
  const hold = await post(shelter, ['privacy_officer'], '/v1/audit/holds', {
    seq: record,
    reason: 'investigation',
  });
  const ids: WorldIds = {
    agency: police.id,
    key: police.key.kid,
    agreement: String(agreement.id),
    case: caseId,
    person: victimId,
    consent: String(consent.id),
    item: String(policeItem.id),
    shelterItem: items[shelter.id],
    decision: decisionId,
    review: reviews[0].id,
    notice: noticeList[0].id,
    message: inbox.items[0].id,
    webhook: String(webhook.id),
    hold: String(hold.id),
    record: String(record),
    assignedAgency: shelter.id,
  };
  for (const [kind, id] of Object.entries(ids))
    if (!id || id === 'undefined') throw new Error(`world: no ${kind}`);
  return {
    table,
    police,
    shelter,
    ontario,
    outsider,
    target,
    spareKey: await generateTestKey('EdDSA'),
    ids,
  };
}

/** A call the route accepts as to form (valid body, entitled caller), on the world's resources. */
export interface ValidCall {
  readonly path: string;
  readonly body?: unknown;
  readonly agency: TestAgency;
  readonly roles: Role[];
}

/**
 * One call per state-changing route, keyed `METHOD /pattern` as the route table names it. The
 * bodies are valid as to form; whether the action then succeeds depends on the world's state.
 */
export function validCalls(world: World): Record<string, () => ValidCall> {
  const { table, police, shelter, ontario, target, spareKey, ids } = world;
  const at = (pattern: string): string => pathIn(pattern, ids);
  const onTarget = (suffix: string): string => `/v1/agencies/${target.id}${suffix}`;
  const disclosure = () => ({
    caseId: ids.case,
    personId: ids.person,
    categories: ['risk_assessment'],
    purpose: 'risk_assessment',
    basis: 'consent',
  });
  return {
    'POST /v1/agencies': () => ({
      path: '/v1/agencies',
      body: registrationBody(),
      agency: table,
      roles: ['admin'],
    }),
    'PATCH /v1/agencies/:id': () => ({
      path: onTarget(''),
      body: { jurisdiction: 'CA-ON' },
      agency: table,
      roles: ['admin'],
    }),
    'POST /v1/agencies/:id/suspend': () => ({
      path: onTarget('/suspend'),
      body: { reason: 'administrative' },
      agency: table,
      roles: ['admin'],
    }),
    'POST /v1/agencies/:id/reactivate': () => ({
      path: onTarget('/reactivate'),
      body: { reason: 'administrative' },
      agency: table,
      roles: ['admin'],
    }),
    'POST /v1/agencies/:id/keys': () => ({
      path: onTarget('/keys'),
      body: { keys: [{ kid: spareKey.kid, jwk: spareKey.publicJwk }] },
      agency: table,
      roles: ['admin'],
    }),
    'POST /v1/agencies/:id/keys/:kid/revoke': () => ({
      path: onTarget(`/keys/${target.key.kid}/revoke`),
      body: { reason: 'superseded' },
      agency: table,
      roles: ['admin'],
    }),
    'POST /v1/agreements': () => ({
      path: '/v1/agreements',
      body: agreementBody([police.id, table.id]),
      agency: police,
      roles: ['legal_reviewer'],
    }),
    'POST /v1/agreements/:id/signatures': () => ({
      path: at('/v1/agreements/:id/signatures'),
      body: { version: 1 },
      agency: police,
      roles: ['legal_reviewer'],
    }),
    'POST /v1/agreements/:id/versions': () => ({
      path: at('/v1/agreements/:id/versions'),
      body: agreementBody([police.id, table.id]),
      agency: police,
      roles: ['legal_reviewer'],
    }),
    'POST /v1/agreements/:id/suspend': () => ({
      path: at('/v1/agreements/:id/suspend'),
      body: { reason: 'under_review' },
      agency: police,
      roles: ['legal_reviewer'],
    }),
    'POST /v1/agreements/:id/terminate': () => ({
      path: at('/v1/agreements/:id/terminate'),
      body: { reason: 'mutual_agreement' },
      agency: police,
      roles: ['legal_reviewer'],
    }),
    'POST /v1/audit/checkpoints': () => ({
      path: '/v1/audit/checkpoints',
      agency: table,
      roles: ['privacy_officer'],
    }),
    'POST /v1/audit/holds': () => ({
      path: '/v1/audit/holds',
      body: { seq: Number(ids.record), reason: 'investigation' },
      agency: shelter,
      roles: ['privacy_officer'],
    }),
    'POST /v1/audit/holds/:id/release': () => ({
      path: at('/v1/audit/holds/:id/release'),
      agency: shelter,
      roles: ['privacy_officer'],
    }),
    'POST /v1/cases': () => ({
      path: '/v1/cases',
      body: { reason: 'strangulation', incidentDate: daysFromToday(-1) },
      agency: police,
      roles: ['agency_user'],
    }),
    'POST /v1/cases/:id/persons': () => ({
      path: at('/v1/cases/:id/persons'),
      body: { role: 'child', capacity: 'unknown', minor: true },
      agency: police,
      roles: ['agency_user'],
    }),
    'POST /v1/cases/:id/risk-assessments': () => ({
      path: at('/v1/cases/:id/risk-assessments'),
      body: { tool: 'odara', score: 8 },
      agency: police,
      roles: ['agency_user'],
    }),
    'POST /v1/cases/:id/stage': () => ({
      path: at('/v1/cases/:id/stage'),
      body: { stage: 'active' },
      agency: table,
      roles: ['coordinator'],
    }),
    'POST /v1/cases/:id/assignments': () => ({
      path: at('/v1/cases/:id/assignments'),
      body: { agencyId: target.id },
      agency: table,
      roles: ['coordinator'],
    }),
    'POST /v1/cases/:id/user-assignments': () => ({
      path: at('/v1/cases/:id/user-assignments'),
      body: { agencyId: shelter.id, subject: 'worker-1', side: 'victim' },
      agency: table,
      roles: ['coordinator'],
    }),
    'DELETE /v1/cases/:id/assignments/:agencyId': () => ({
      path: at('/v1/cases/:id/assignments/:agencyId'),
      agency: table,
      roles: ['coordinator'],
    }),
    'POST /v1/cases/:caseId/consents': () => ({
      path: at('/v1/cases/:caseId/consents'),
      body: {
        personId: ids.person,
        recipientSectors: ['shelter'],
        categories: ['risk_assessment'],
        purposes: ['safety_planning'],
        howObtained: 'verbal',
        capacityNote: 'capable_presumed',
      },
      agency: police,
      roles: ['agency_user'],
    }),
    'POST /v1/consents/:id/withdraw': () => ({
      path: at('/v1/consents/:id/withdraw'),
      body: { reason: 'person_request' },
      agency: police,
      roles: ['agency_user'],
    }),
    'POST /v1/cases/:caseId/information': () => ({
      path: at('/v1/cases/:caseId/information'),
      body: {
        personId: ids.person,
        category: 'weapons',
        fields: { licence_holder: false },
        retainUntil: daysFromToday(365),
      },
      agency: police,
      roles: ['agency_user'],
    }),
    'PATCH /v1/information/:id': () => ({
      path: at('/v1/information/:id'),
      body: { reason: 'inaccurate', fields: { access_to_firearms: false } },
      agency: police,
      roles: ['agency_user'],
    }),
    'POST /v1/disclosures': () => ({
      path: '/v1/disclosures',
      body: disclosure(),
      agency: police,
      roles: ['agency_user'],
    }),
    'POST /v1/disclosures/dry-run': () => ({
      path: '/v1/disclosures/dry-run',
      body: disclosure(),
      agency: police,
      roles: ['agency_user'],
    }),
    'POST /v1/decisions/:id/replay': () => ({
      path: at('/v1/decisions/:id/replay'),
      body: {},
      agency: table,
      roles: ['privacy_officer'],
    }),
    'POST /v1/decisions/:id/approvals': () => ({
      path: at('/v1/decisions/:id/approvals'),
      body: { itemId: ids.shelterItem, approve: false, reason: 'not_necessary' },
      agency: shelter,
      roles: ['agency_user'],
    }),
    'POST /v1/reviews': () => ({
      path: '/v1/reviews',
      body: { decisionId: ids.decision, reason: 'other' },
      agency: table,
      roles: ['privacy_officer'],
    }),
    'POST /v1/reviews/:id/comments': () => ({
      path: at('/v1/reviews/:id/comments'),
      body: { text: 'À vérifier.' },
      agency: table,
      roles: ['legal_reviewer'],
    }),
    'POST /v1/reviews/:id/decision': () => ({
      path: at('/v1/reviews/:id/decision'),
      body: { outcome: 'upheld', reasons: 'Justifié.' },
      agency: table,
      roles: ['legal_reviewer'],
    }),
    'POST /v1/notices/:id/withhold': () => ({
      path: at('/v1/notices/:id/withhold'),
      body: { reasons: 'Danger pour la victime.' },
      agency: ontario,
      roles: ['privacy_officer'],
    }),
    'POST /v1/notices/:id/clear': () => ({
      path: at('/v1/notices/:id/clear'),
      body: { reasons: 'Plus de danger.' },
      agency: ontario,
      roles: ['privacy_officer'],
    }),
    'POST /v1/notices/:id/sent': () => ({
      path: at('/v1/notices/:id/sent'),
      body: { means: 'mail' },
      agency: ontario,
      roles: ['privacy_officer'],
    }),
    'POST /v1/cases/:id/risk-changes': () => ({
      path: at('/v1/cases/:id/risk-changes'),
      body: {
        kind: 'program_dropout',
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        personIds: [ids.person],
      },
      agency: police,
      roles: ['agency_user'],
    }),
    'POST /v1/inbox/:id/ack': () => ({
      path: at('/v1/inbox/:id/ack'),
      agency: police,
      roles: ['agency_user'],
    }),
    'POST /v1/webhooks': () => ({
      path: '/v1/webhooks',
      body: { url: 'https://hooks.example.org/filet' },
      agency: police,
      roles: ['agency_user'],
    }),
    'DELETE /v1/webhooks/:id': () => ({
      path: at('/v1/webhooks/:id'),
      agency: police,
      roles: ['agency_user'],
    }),
    'POST /v1/retention/runs': () => ({
      path: '/v1/retention/runs',
      body: {},
      agency: table,
      roles: ['privacy_officer'],
    }),
  };
}

// The broker's bookkeeping, which every request or a background job changes: spent token ids, the
// audit log (checked on its own), webhook delivery attempts, console sessions (last seen).
const NOT_DOMAIN =
  /^(token_use|audit_(?!hold$).*|webhook_delivery|console_session|console_login|migrations|typeorm_metadata)$/;

const digestQueries = new WeakMap<TestApp, string>();

/**
 * A digest of every row of every domain table, read straight from PostgreSQL: equal digests mean
 * nothing was written. The query is built once per app (from the table list).
 */
export async function domainDigest(app: TestApp): Promise<Record<string, string>> {
  let sql = digestQueries.get(app);
  if (!sql) {
    sql = await digestQuery(app);
    digestQueries.set(app, sql);
  }
  const [row]: Record<string, string>[] = await app.dataSource.query(sql);
  return row;
}

async function digestQuery(app: TestApp): Promise<string> {
  const tables: { table_name: string }[] = await app.dataSource.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const names = tables.map((t) => t.table_name).filter((name) => !NOT_DOMAIN.test(name));
  return `SELECT ${names
    .map(
      (name) =>
        `(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "${name}" t) AS "${name}"`,
    )
    .join(', ')}`;
}
