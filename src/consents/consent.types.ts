/** How the consent was given (legal-rules.md §2: a clear oral or written statement). */
export const HOW_OBTAINED = ['written', 'verbal', 'in_person'] as const;
export type HowObtained = (typeof HOW_OBTAINED)[number];

/**
 * Capacity to consent when it was given (legal-rules.md §2, MCA 2005 test: presumed, decision- and
 * time-specific). A person lacking capacity consents through a representative; a minor on their own
 * or through a parent or guardian.
 */
export const CAPACITY_NOTES = [
  'capable_presumed',
  'capable_assessed',
  'representative_lacks_capacity',
  'minor_own_consent',
  'minor_guardian_consent',
] as const;
export type CapacityNote = (typeof CAPACITY_NOTES)[number];

/** Stored statuses; `expired` is derived from `validUntil` and the clock, never stored. */
export const STORED_STATUSES = ['active', 'withdrawn'] as const;
export type StoredStatus = (typeof STORED_STATUSES)[number];

export const WITHDRAWAL_REASONS = [
  'person_request',
  'representative_request',
  'capacity_change',
] as const;
export type WithdrawalReason = (typeof WITHDRAWAL_REASONS)[number];

export const MAX_RECIPIENT_AGENCIES = 30;
export const MAX_CATEGORIES = 30;
