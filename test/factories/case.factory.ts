import type { DataSource } from 'typeorm';
import type { TestApp } from '../support/test-app.js';
import type { TestAgency } from './agency.factory.js';

/**
 * Cases built through the real API, as agencies and the coordinator would: each helper asserts its
 * call succeeded, so a broken step fails where it happens.
 */

export function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A POST by `agency` with these roles that must succeed (2xx); returns the response body. */
export async function post(
  t: TestApp,
  agency: TestAgency,
  roles: Parameters<TestAgency['token']>[0],
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const res = await t.request('POST', path, { token: await agency.token(roles), body });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.body;
}

/** A referral by `agency`: a de-identified case; returns its id. */
export async function referCase(t: TestApp, agency: TestAgency): Promise<string> {
  const body = await post(t, agency, ['agency_user'], '/v1/cases', {
    reason: 'threat_to_kill',
    incidentDate: daysFromToday(-2),
  });
  return body.id as string;
}

export async function addPerson(
  t: TestApp,
  agency: TestAgency,
  caseId: string,
  person: Record<string, unknown> = {},
): Promise<string> {
  const body = await post(t, agency, ['agency_user'], `/v1/cases/${caseId}/persons`, {
    role: 'victim',
    capacity: 'capable',
    minor: false,
    ...person,
  });
  return body.id as string;
}

export async function assess(
  t: TestApp,
  agency: TestAgency,
  caseId: string,
  assessment: Record<string, unknown>,
): Promise<string> {
  const body = await post(
    t,
    agency,
    ['agency_user'],
    `/v1/cases/${caseId}/risk-assessments`,
    assessment,
  );
  return body.id as string;
}

export async function assign(
  t: TestApp,
  coordinator: TestAgency,
  caseId: string,
  agencyId: string,
): Promise<void> {
  await post(t, coordinator, ['coordinator'], `/v1/cases/${caseId}/assignments`, { agencyId });
}

export async function moveTo(
  t: TestApp,
  coordinator: TestAgency,
  caseId: string,
  stage: string,
  closeReason?: string,
): Promise<Record<string, unknown>> {
  return post(t, coordinator, ['coordinator'], `/v1/cases/${caseId}/stage`, {
    stage,
    ...(closeReason ? { closeReason } : {}),
  });
}

/** A case past Filter 2 (ODARA 8), with a victim; optionally active with `assigned` assigned. */
export async function highRiskCase(
  t: TestApp,
  options: { referrer: TestAgency; coordinator: TestAgency; assigned?: TestAgency[] },
): Promise<{ caseId: string; victimId: string }> {
  const caseId = await referCase(t, options.referrer);
  const victimId = await addPerson(t, options.referrer, caseId);
  await assess(t, options.referrer, caseId, { tool: 'odara', score: 8 });
  await moveTo(t, options.coordinator, caseId, 'high_risk_confirmed');
  for (const agency of options.assigned ?? []) {
    await assign(t, options.coordinator, caseId, agency.id);
  }
  if (options.assigned?.length) await moveTo(t, options.coordinator, caseId, 'active');
  return { caseId, victimId };
}

export interface SeededCase {
  readonly caseId: string;
  readonly personId: string;
  readonly consentId: string;
  readonly itemId: string;
}

/**
 * A de-identified case referred by `referrer`, with a victim, an active consent and a `weapons` item
 * held by the referrer, inserted straight into PostgreSQL: no audit record, so a test that counts
 * records starts from a known log.
 */
export async function seedCase(dataSource: DataSource, referrerId: string): Promise<SeededCase> {
  const [{ id: caseId }]: { id: string }[] = await dataSource.query(
    `INSERT INTO case_file (referring_agency_id, referred_by, reason, incident_date, stage, version)
     VALUES ($1, 'seed', 'physical_assault', CURRENT_DATE, 'deidentified', 1) RETURNING id`,
    [referrerId],
  );
  const [{ id: personId }]: { id: string }[] = await dataSource.query(
    `INSERT INTO case_person (case_id, role, capacity, minor, added_by_agency_id)
     VALUES ($1, 'victim', 'capable', false, $2) RETURNING id`,
    [caseId, referrerId],
  );
  const [{ id: consentId }]: { id: string }[] = await dataSource.query(
    `INSERT INTO consent (case_id, person_id, current_version) VALUES ($1, $2, 1) RETURNING id`,
    [caseId, personId],
  );
  await dataSource.query(
    `INSERT INTO consent_version (consent_id, version, status, recipient_agency_ids, recipient_sectors,
                                  categories, purposes, valid_from, how_obtained, capacity_note,
                                  recorded_by_agency_id, recorded_by_subject)
     VALUES ($1, 1, 'active', '{}', '{shelter}', '{risk_assessment}', '{safety_planning}', now(),
             'written', 'capable_presumed', $2, 'seed')`,
    [consentId, referrerId],
  );
  const [{ id: itemId }]: { id: string }[] = await dataSource.query(
    `INSERT INTO information_item (case_id, person_id, holder_agency_id, category, current_version)
     VALUES ($1, $2, $3, 'weapons', 1) RETURNING id`,
    [caseId, personId, referrerId],
  );
  await dataSource.query(
    `INSERT INTO information_item_version (item_id, version, fields, sensitivity, retain_until,
                                           excluded, recorded_by_subject)
     VALUES ($1, 1, '{"access_to_firearms": true}', '{justice}', CURRENT_DATE + 365, false, 'seed')`,
    [itemId],
  );
  return { caseId, personId, consentId, itemId };
}

/** The victim's residence, as the holders in these tests record it. */
export const VICTIM_LOCATION = { address: '12 rue des Lilas', municipality: 'Val-Saint-Loup' };

/** An item of information `holder` contributes about a person (kept a year); returns its id. */
export async function contributeItem(
  t: TestApp,
  holder: TestAgency,
  caseId: string,
  item: { personId: string; category: string; fields: Record<string, unknown> },
): Promise<string> {
  const body = await post(t, holder, ['agency_user'], `/v1/cases/${caseId}/information`, {
    ...item,
    retainUntil: daysFromToday(365),
  });
  return body.id as string;
}

/** A consent `agency` records, obtained in person from a person presumed capable; returns its id. */
export async function recordConsent(
  t: TestApp,
  agency: TestAgency,
  caseId: string,
  consent: {
    personId: string;
    recipientAgencyIds: readonly string[];
    categories: readonly string[];
    purposes: readonly string[];
  },
): Promise<string> {
  const body = await post(t, agency, ['agency_user'], `/v1/cases/${caseId}/consents`, {
    ...consent,
    howObtained: 'in_person',
    capacityNote: 'capable_presumed',
  });
  return body.id as string;
}
