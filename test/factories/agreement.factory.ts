import type { DataSource } from 'typeorm';
import { AgreementFlowEntity } from '../../src/agreements/agreement-flow.entity.js';
import { AgreementPartyEntity } from '../../src/agreements/agreement-party.entity.js';
import { AgreementVersionEntity } from '../../src/agreements/agreement-version.entity.js';
import { AgreementEntity } from '../../src/agreements/agreement.entity.js';
import type { TestApp } from '../support/test-app.js';
import type { TestAgency } from './agency.factory.js';
import { post } from './case.factory.js';

/** A valid `POST /v1/agreements` body between these agencies (flows between the first two). */
export function agreementBody(
  partyIds: readonly string[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const [a, b] = partyIds;
  return {
    parties: [...partyIds],
    purposes: ['risk_assessment', 'safety_planning'],
    flows: [
      { fromAgencyId: a, toAgencyId: b, categories: ['identity', 'risk_assessment'] },
      { fromAgencyId: b, toAgencyId: a, categories: ['location.shelter'] },
    ],
    transmissionTerms:
      'Par le courtier Filet seulement, chiffré en transit.\nAucun envoi par courriel ni télécopieur.',
    securityMeasures: 'Accès réservé aux intervenants désignés; journal d’audit inviolable.',
    frequency: 'as_needed',
    effectiveFrom: new Date(Date.now() - 3_600_000).toISOString(),
    effectiveTo: null,
    retentionDays: 365,
    breachContact: 'vie-privee@agence.example',
    ...overrides,
  };
}

/**
 * Inserts an agreement (version 1) straight into the database, with no audit record: a draft no
 * one has signed, or, with `active`, one every party has signed and that is in force.
 */
export async function createAgreement(
  dataSource: DataSource,
  partyIds: readonly string[],
  options: { active?: boolean } = {},
): Promise<{ id: string }> {
  const now = new Date();
  const { id } = await dataSource.getRepository(AgreementEntity).save({});
  const ids = { agreementId: id, version: 1 };
  await dataSource.getRepository(AgreementVersionEntity).insert({
    ...ids,
    status: options.active ? 'active' : 'draft',
    purposes: ['risk_assessment'],
    transmissionTerms: 'Par le courtier Filet seulement.',
    securityMeasures: 'Accès réservé aux intervenants désignés.',
    frequency: 'as_needed',
    effectiveFrom: new Date(now.getTime() - 3_600_000),
    effectiveTo: null,
    onwardDisclosureProhibited: true,
    retentionDays: 365,
    breachContact: 'vie-privee@agence.example',
    createdByAgencyId: partyIds[0],
    activatedAt: options.active ? now : null,
  });
  await dataSource.getRepository(AgreementPartyEntity).insert(
    partyIds.map((agencyId, position) => ({
      ...ids,
      agencyId,
      position,
      signedBy: options.active ? 'factory' : null,
      signedAt: options.active ? now : null,
    })),
  );
  await dataSource.getRepository(AgreementFlowEntity).insert({
    ...ids,
    fromAgencyId: partyIds[0],
    toAgencyId: partyIds[1],
    position: 0,
    categories: ['risk_assessment'],
  });
  return { id };
}

/**
 * An agreement between `parties` through the API: proposed by the coordinating agency's
 * coordinator (`agreementBody` with `overrides`), then signed by each party's legal reviewer, so
 * it is in force. Returns its id.
 */
export async function signedAgreement(
  t: TestApp,
  coordinator: TestAgency,
  parties: readonly TestAgency[],
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const agreement = await post(
    t,
    coordinator,
    ['coordinator'],
    '/v1/agreements',
    agreementBody(
      parties.map((p) => p.id),
      overrides,
    ),
  );
  const id = agreement.id as string;
  for (const party of parties) {
    await post(t, party, ['legal_reviewer'], `/v1/agreements/${id}/signatures`, { version: 1 });
  }
  return id;
}
