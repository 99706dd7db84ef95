import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { statusAt } from '../consents/dto/consent-view.dto.js';
import { LOWER_UUID } from '../common/validation/patterns.js';
import type {
  AgencyFact,
  AgreementFact,
  CaseFact,
  ConsentFact,
  ItemFact,
  PersonFact,
  Side,
} from '../policy/facts.js';

/** What one request reads: the case, person, user side, items, consents, agreements, approvals, agencies. */
export interface LoadedFacts {
  readonly case: CaseFact;
  readonly person: PersonFact | undefined;
  readonly side: Side | null;
  readonly items: ItemFact[];
  readonly consents: ConsentFact[];
  readonly agreements: AgreementFact[];
  /** Approved, unused approvals for this requester, case, person and purpose (any item version). */
  readonly approvals: { readonly itemId: string; readonly itemVersion: number }[];
  /** The requester and every holder of a loaded item, keyed by id. */
  readonly holders: Record<string, AgencyFact>;
}

export interface FactsQuery {
  readonly caseId: string;
  readonly personId: string;
  readonly categories: readonly string[];
  readonly requesterAgencyId: string;
  readonly subject: string;
  readonly purpose: string;
  readonly at: Date;
}

/**
 * Everything a disclosure decides on, in one statement. Each part reads what the feature's own
 * method reads (named beside it), so the facts are the same as theirs; the tests compare the two.
 * Each part is a JSON value; timestamps come back as ISO strings, read to the millisecond as the
 * driver reads a `timestamptz` (truncated).
 */
const FACTS_SQL = `
WITH item AS (
  -- ItemsService.forDisclosure: the current version of each item of the person in the case, in
  -- these categories, not purged (excluded ones included).
  SELECT i.id, v.version, i.holder_agency_id, i.person_id, i.category, v.fields, v.sensitivity,
         v.excluded, v.retain_until, i.created_at
    FROM information_item i
    JOIN information_item_version v ON v.item_id = i.id AND v.version = i.current_version
   WHERE i.case_id = $1 AND i.person_id = $2 AND i.category = ANY($3::text[]) AND i.purged_at IS NULL
), in_force AS (
  -- AgreementsService.inForce: versions active at $7 and within their term, with a party among $8.
  SELECT v.agreement_id, v.version, v.purposes, v.effective_from, v.effective_to,
         v.onward_disclosure_prohibited, v.retention_days
    FROM agreement_version v
   WHERE v.activated_at <= $7
     AND (v.ended_at IS NULL OR v.ended_at > $7)
     AND v.effective_from <= $7
     AND (v.effective_to IS NULL OR v.effective_to > $7)
     AND EXISTS (SELECT 1 FROM agreement_party p
                  WHERE p.agreement_id = v.agreement_id AND p.version = v.version
                    AND p.agency_id = ANY($8::uuid[]))
)
SELECT
  -- CasesService.facts: the case and its assigned agencies (by id).
  (SELECT json_build_object('id', c.id, 'stage', c.stage, 'referringAgencyId', c.referring_agency_id,
            'assignedAgencyIds', coalesce((SELECT json_agg(a.agency_id ORDER BY a.agency_id)
                                             FROM case_assignment a WHERE a.case_id = c.id), '[]'))
     FROM case_file c WHERE c.id = $1) AS "case",
  -- … and the person, if one of the case.
  (SELECT json_build_object('id', p.id, 'caseId', p.case_id, 'role', p.role, 'capacity', p.capacity,
            'minor', p.minor)
     FROM case_person p WHERE p.id = $2 AND p.case_id = $1) AS person,
  -- CasesService.userSide: the side of the case this user of the requester works on.
  (SELECT u.side FROM case_user_assignment u
    WHERE u.case_id = $1 AND u.agency_id = $4 AND u.subject = $5) AS side,
  (SELECT coalesce(json_agg(json_build_object('id', i.id, 'version', i.version,
            'holderAgencyId', i.holder_agency_id, 'personId', i.person_id, 'category', i.category,
            'fields', i.fields, 'sensitivity', i.sensitivity, 'excluded', i.excluded,
            'retainUntil', i.retain_until) ORDER BY i.created_at, i.id), '[]')
     FROM item i) AS items,
  -- ConsentsService.forPerson: the current version of each consent of the person.
  (SELECT coalesce(json_agg(json_build_object('id', v.consent_id, 'version', v.version,
            'status', v.status, 'recipientAgencyIds', v.recipient_agency_ids,
            'recipientSectors', v.recipient_sectors, 'categories', v.categories,
            'purposes', v.purposes, 'validFrom', floor(extract(epoch FROM v.valid_from) * 1000), 'validUntil', floor(extract(epoch FROM v.valid_until) * 1000),
            'withdrawnAt', floor(extract(epoch FROM v.withdrawn_at) * 1000)) ORDER BY c.created_at, c.id), '[]')
     FROM consent c JOIN consent_version v ON v.consent_id = c.id AND v.version = c.current_version
    WHERE c.person_id = $2) AS consents,
  (SELECT coalesce(json_agg(json_build_object('id', v.agreement_id, 'version', v.version,
            'purposes', v.purposes, 'effectiveFrom', floor(extract(epoch FROM v.effective_from) * 1000), 'effectiveTo', floor(extract(epoch FROM v.effective_to) * 1000),
            'onwardDisclosureProhibited', v.onward_disclosure_prohibited,
            'retentionDays', v.retention_days,
            'partyAgencyIds', coalesce((SELECT json_agg(p.agency_id ORDER BY p.position)
                                          FROM agreement_party p
                                         WHERE p.agreement_id = v.agreement_id AND p.version = v.version), '[]'),
            'flows', coalesce((SELECT json_agg(json_build_object('fromAgencyId', f.from_agency_id,
                                       'toAgencyId', f.to_agency_id, 'categories', f.categories)
                                     ORDER BY f.position)
                                 FROM agreement_flow f
                                WHERE f.agreement_id = v.agreement_id AND f.version = v.version), '[]'))
            ORDER BY v.agreement_id, v.version), '[]')
     FROM in_force v) AS agreements,
  -- The approvals of this requester's requests on the case and person for this purpose, unused.
  (SELECT coalesce(json_agg(json_build_object('itemId', a.item_id, 'itemVersion', a.item_version)), '[]')
     FROM decision_approval a JOIN decision d ON d.id = a.decision_id
    WHERE a.status = 'approved' AND d.requester_agency_id = $4 AND d.case_id = $1 AND d.person_id = $2
      AND d.request ->> 'purpose' = $6) AS approvals,
  -- AgenciesService.facts: the requester and the holders of the items.
  (SELECT coalesce(json_agg(json_build_object('id', a.id, 'sector', a.sector, 'status', a.status,
            'privacyRegime', a.privacy_regime)), '[]')
     FROM agency a WHERE a.id = $4 OR a.id IN (SELECT holder_agency_id FROM item)) AS agencies`;

interface FactsRow {
  case: CaseFact | null;
  person: PersonFact | null;
  side: Side | null;
  items: ItemFact[];
  consents: (Omit<
    ConsentFact,
    'status' | 'personId' | 'validFrom' | 'validUntil' | 'withdrawnAt'
  > & {
    status: 'active' | 'withdrawn';
    validFrom: number;
    validUntil: number | null;
    withdrawnAt: number | null;
  })[];
  agreements: (Omit<AgreementFact, 'status' | 'effectiveFrom' | 'effectiveTo'> & {
    effectiveFrom: number;
    effectiveTo: number | null;
  })[];
  approvals: { itemId: string; itemVersion: number }[];
  agencies: AgencyFact[];
}

/**
 * An ISO timestamp from the epoch milliseconds the query returns (truncated, as the driver reads
 * the column). Numbers, not PostgreSQL's JSON text, which JavaScript cannot parse for every value
 * the column holds (years past 9999; offsets in seconds on a server outside UTC).
 */
function iso(value: number): string {
  return new Date(value).toISOString();
}

function isoOrNull(value: number | null): string | null {
  return value === null ? null : iso(value);
}

/**
 * The facts of a disclosure in one round trip (DESIGN §3.1), instead of a dozen repository reads:
 * most of a disclosure's cost was these statements and their hydration, not the decision.
 */
@Injectable()
export class DisclosureFactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The facts, or undefined when there is no such case. */
  async load(query: FactsQuery): Promise<LoadedFacts | undefined> {
    // As AgreementsService.inForce takes them: lower-cased, uuids only.
    const agreementParties = [query.requesterAgencyId.toLowerCase()].filter((id) =>
      LOWER_UUID.test(id),
    );
    const [row]: FactsRow[] = await this.dataSource.query(FACTS_SQL, [
      query.caseId,
      query.personId,
      [...query.categories],
      query.requesterAgencyId,
      query.subject,
      query.purpose,
      query.at,
      agreementParties,
    ]);
    if (!row?.case) return undefined;
    return {
      case: row.case,
      person: row.person ?? undefined,
      side: row.side,
      items: row.items,
      consents: row.consents.map((c) => {
        const validUntil = isoOrNull(c.validUntil);
        return {
          id: c.id,
          version: c.version,
          personId: query.personId,
          // As at `at`: expired once its period has run out.
          status: statusAt(
            { status: c.status, validUntil: validUntil === null ? null : new Date(validUntil) },
            query.at,
          ),
          recipientAgencyIds: c.recipientAgencyIds,
          recipientSectors: c.recipientSectors,
          categories: c.categories,
          purposes: c.purposes,
          validFrom: iso(c.validFrom),
          validUntil,
          withdrawnAt: isoOrNull(c.withdrawnAt),
        };
      }),
      // In force at the instant asked about, hence active then, whatever became of it since.
      agreements: row.agreements.map((a) => ({
        id: a.id,
        version: a.version,
        status: 'active',
        partyAgencyIds: a.partyAgencyIds,
        purposes: a.purposes,
        flows: a.flows,
        effectiveFrom: iso(a.effectiveFrom),
        effectiveTo: isoOrNull(a.effectiveTo),
        onwardDisclosureProhibited: a.onwardDisclosureProhibited,
        retentionDays: a.retentionDays,
      })),
      approvals: row.approvals,
      holders: Object.fromEntries(row.agencies.map((a) => [a.id, a])),
    };
  }
}
