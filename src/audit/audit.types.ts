import type { Role } from '../common/auth/roles.js';

/** Who acted. Unknown parts stay null (e.g. a request whose token failed). Ids only, never names. */
export interface AuditActor {
  readonly agencyId: string | null;
  readonly subject: string | null;
  readonly roles: readonly Role[];
}

export const AUDIT_OUTCOMES = [
  'success',
  'failure',
  'permit',
  'partial',
  'deny',
  'pending',
  'dry_run',
] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * What a caller records. Ids, codes and hashes only: DESIGN §4 forbids names, addresses and item
 * content in the log, so nothing here takes free text.
 */
export interface AuditEntry {
  /** `<feature>.<verb>`, e.g. `agency.register`, `auth.failure`, `disclosure.decide`. */
  readonly action: string;
  readonly outcome: AuditOutcome;
  /** Agencies party to the event besides the actor (holder, recipient, the agency acted upon). */
  readonly parties?: readonly string[];
  readonly targets?: {
    readonly agencyId?: string;
    readonly keyId?: string;
    readonly caseId?: string;
    readonly personIds?: readonly string[];
    readonly decisionId?: string;
    readonly recordSeq?: number;
    readonly [other: string]: string | number | readonly string[] | undefined;
  };
  readonly categories?: readonly string[];
  readonly purpose?: string;
  readonly basis?: string;
  readonly reasonCodes?: readonly string[];
  readonly policyBundleHash?: string;
  readonly agreementVersion?: string;
  readonly consentVersions?: readonly string[];
  /** Hex sha256 of the released payload: proof of what was sent without keeping it. */
  readonly payloadSha256?: string;
}

/** What a receipt states: the record's place in the log and its leaf hash. */
export interface ReceiptClaims {
  readonly seq: number;
  readonly leafHash: string;
  readonly recordedAt: string;
}

/** One request's audit state: who acts, and the receipts of the records it committed. */
export interface AuditContext {
  readonly actor: AuditActor;
  readonly requestId: string;
  readonly receipts: ReceiptClaims[];
}
