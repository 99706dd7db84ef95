import type { Role } from '../common/auth/roles.js';
import type { EngineRule } from './bundle-loader.js';
import type {
  AgencyFact,
  AgreementFact,
  Basis,
  CaseFact,
  ConsentFact,
  ItemFact,
  PersonFact,
  Purpose,
  UserFact,
} from './facts.js';

/** The requester's structured attestation for the life/safety exception (DESIGN §3.3). */
export interface Attestation {
  /** Criterion id (exceptions.yaml) → attested. Every criterion of the holder's test must be true. */
  readonly criteria: Readonly<Record<string, boolean>>;
  /** When the requester attested; one attestation covers the test's `durationHours`. */
  readonly attestedAt: string;
}

export interface DisclosureRequest {
  readonly requesterAgencyId: string;
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly caseId: string;
  readonly personId: string;
  readonly categories: readonly string[];
  readonly purpose: Purpose;
  readonly basis: Basis;
  /** For `legal_obligation`: which statutory duty (rules.yaml obligations). */
  readonly obligationId?: string;
  readonly attestation?: Attestation;
}

export interface DecisionFacts {
  readonly requester: AgencyFact;
  readonly user: UserFact;
  readonly case: CaseFact;
  readonly person: PersonFact;
  /** The agencies holding the items, by id. */
  readonly holders: Readonly<Record<string, AgencyFact>>;
  /** Current items about the person in the requested categories (any holder). */
  readonly items: readonly ItemFact[];
  readonly consents: readonly ConsentFact[];
  /** Agreements in force that involve the requester. */
  readonly agreements: readonly AgreementFact[];
  /** Items whose holder approved their release to this requester, for this case, person and purpose. */
  readonly approvedItemIds?: readonly string[];
}

export type Verdict = 'pass' | 'fail' | 'not_applicable';

/** One rule evaluated: which, on what, with which verdict, and the facts it used (ids and codes). */
export interface TraceEntry {
  readonly rule: EngineRule;
  readonly verdict: Verdict;
  /** `request`, `category:<name>` or `item:<id>`. */
  readonly scope: string;
  readonly facts: Readonly<Record<string, string | number | boolean | readonly string[] | null>>;
}

export interface ReleasedItem {
  readonly itemId: string;
  readonly itemVersion: number;
  readonly holderAgencyId: string;
  readonly category: string;
  /** Only the permitted fields. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Names of fields held back by field rules (their values never leave). */
  readonly withheldFields: readonly string[];
  /** The basis that actually allowed it (e.g. perpetrator protection under a consent request). */
  readonly basis: string;
}

/** What was not released in a category and why, without revealing what it was. */
export interface Withheld {
  readonly category: string;
  readonly reasons: readonly EngineRule[];
}

export interface PendingItem {
  readonly itemId: string;
  readonly itemVersion: number;
  readonly holderAgencyId: string;
  readonly category: string;
}

export type Outcome = 'permit' | 'partial' | 'deny' | 'pending';

export interface Decision {
  readonly outcome: Outcome;
  readonly released: readonly ReleasedItem[];
  readonly withheld: readonly Withheld[];
  /** Items waiting for their holder's approval (R-HOLDER-APPROVAL). */
  readonly pending: readonly PendingItem[];
  readonly obligations: {
    readonly noRedisclosure: boolean;
    readonly retainUntil: string | null;
    readonly notifyOnChange: boolean;
  };
  readonly duties: {
    /** Holders that must enter the communication in their register. */
    readonly registerEntries: readonly string[];
    /** Holders whose regime requires notice to the person: held for safety review, never sent. */
    readonly noticeDue: readonly string[];
    readonly reviewRequired: boolean;
    readonly reviewReasons: readonly string[];
  };
  readonly agreementVersions: readonly string[];
  readonly consentVersions: readonly string[];
  readonly trace: readonly TraceEntry[];
  readonly policyBundleHash: string;
  readonly decidedAt: string;
}
