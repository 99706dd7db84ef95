import type { TestApp } from '../support/test-app.js';
import type { TestAgency } from './agency.factory.js';
import { signedAgreement } from './agreement.factory.js';
import { recordConsent } from './case.factory.js';

/** Every criterion of the life or safety exception, attested. */
export const ATTESTED = {
  reasonable_cause: true,
  serious_risk: true,
  identified_person: true,
  urgency: true,
};

/** What a life or safety request carries: every criterion attested, now. */
export function attestation(): { criteria: typeof ATTESTED; attestedAt: string } {
  return { criteria: ATTESTED, attestedAt: new Date().toISOString() };
}

/** A request under the life or safety exception, for an emergency, every criterion attested. */
export function exceptionRequest(
  caseId: string,
  personId: string,
  categories: readonly string[] = ['location'],
): Record<string, unknown> {
  return {
    caseId,
    personId,
    categories,
    purpose: 'emergency',
    basis: 'life_safety',
    attestation: attestation(),
  };
}

/**
 * A disclosure request by `requester` (`POST /v1/disclosures`, or `path`), which must be decided
 * (200); returns the decision.
 */
export async function disclose<T = Record<string, unknown>>(
  t: TestApp,
  requester: TestAgency,
  body: Record<string, unknown>,
  options: { sub?: string; path?: string } = {},
): Promise<T> {
  const path = options.path ?? '/v1/disclosures';
  const res = await t.request<T>('POST', path, {
    token: await requester.token(['agency_user'], options.sub ? { sub: options.sub } : {}),
    body,
  });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.body;
}

/**
 * What lets `holder` release a person's location to `recipient` with consent: the person's
 * consent, recorded by the holder, and a sharing agreement between the two for safety planning,
 * signed by both.
 */
export async function consentToShareLocation(
  t: TestApp,
  scenario: {
    coordinator: TestAgency;
    holder: TestAgency;
    recipient: TestAgency;
    caseId: string;
    personId: string;
  },
): Promise<void> {
  const { coordinator, holder, recipient, caseId, personId } = scenario;
  await recordConsent(t, holder, caseId, {
    personId,
    recipientAgencyIds: [recipient.id],
    categories: ['location'],
    purposes: ['safety_planning'],
  });
  await signedAgreement(t, coordinator, [holder, recipient], {
    purposes: ['safety_planning'],
    flows: [{ fromAgencyId: holder.id, toAgencyId: recipient.id, categories: ['location'] }],
  });
}
