import type { PrivacyRegime, Sector } from '../agencies/agency.types.js';
import type { Role } from '../common/auth/roles.js';

/**
 * What the decision engine decides on (DESIGN §3.1): plain data, loaded by the features before the
 * pure engine runs. Times are ISO 8601 strings; the engine compares them with its clock.
 */
export const CASE_STAGES = ['deidentified', 'high_risk_confirmed', 'active', 'closed'] as const;
export type CaseStage = (typeof CASE_STAGES)[number];

export const PERSON_ROLES = ['victim', 'child', 'perpetrator', 'other_at_risk'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export const CAPACITIES = ['capable', 'lacks_capacity', 'unknown'] as const;
export type Capacity = (typeof CAPACITIES)[number];

/** The side of a case a user works on; separation of duties keeps the two apart (DESIGN §3.2.6). */
export const SIDES = ['victim', 'perpetrator'] as const;
export type Side = (typeof SIDES)[number];

export const PURPOSES = [
  'risk_assessment',
  'safety_planning',
  'risk_management',
  'emergency',
  'judicial_proceedings',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const BASES = ['consent', 'life_safety', 'legal_obligation'] as const;
export type Basis = (typeof BASES)[number];

export interface AgencyFact {
  readonly id: string;
  readonly sector: Sector;
  readonly status: 'active' | 'suspended';
  readonly privacyRegime: PrivacyRegime;
}

export interface CaseFact {
  readonly id: string;
  readonly stage: CaseStage;
  readonly referringAgencyId: string;
  readonly assignedAgencyIds: readonly string[];
}

export interface PersonFact {
  readonly id: string;
  readonly caseId: string;
  readonly role: PersonRole;
  readonly capacity: Capacity;
  readonly minor: boolean;
}

export interface UserFact {
  readonly subject: string;
  readonly roles: readonly Role[];
  /** The side of this case the user is assigned to, if any. */
  readonly side: Side | null;
}

export interface ItemFact {
  readonly id: string;
  readonly version: number;
  readonly holderAgencyId: string;
  readonly personId: string;
  readonly category: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly sensitivity: readonly string[];
  readonly excluded: boolean;
  readonly retainUntil: string | null;
}

export interface ConsentFact {
  readonly id: string;
  readonly version: number;
  readonly personId: string;
  readonly status: 'active' | 'withdrawn' | 'expired';
  readonly recipientAgencyIds: readonly string[];
  readonly recipientSectors: readonly Sector[];
  readonly categories: readonly string[];
  readonly purposes: readonly Purpose[];
  readonly validFrom: string;
  readonly validUntil: string | null;
  readonly withdrawnAt: string | null;
}

export interface AgreementFlow {
  readonly fromAgencyId: string;
  readonly toAgencyId: string;
  readonly categories: readonly string[];
}

export interface AgreementFact {
  readonly id: string;
  readonly version: number;
  readonly status: 'draft' | 'active' | 'suspended' | 'terminated';
  readonly partyAgencyIds: readonly string[];
  readonly purposes: readonly Purpose[];
  readonly flows: readonly AgreementFlow[];
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly onwardDisclosureProhibited: boolean;
  readonly retentionDays: number;
}
