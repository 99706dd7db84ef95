/**
 * Why an item is excluded: never disclosed, whatever the basis (DESIGN §2 Information item): it
 * could endanger life, prejudice an investigation or proceeding, breach a court order, or is
 * legally privileged.
 */
export const EXCLUSION_REASONS = [
  'endangers_life',
  'prejudices_investigation',
  'court_order',
  'legal_privilege',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** Why a holder corrects its item (legal-rules.md §6: rectification; a correction is a new version). */
export const CORRECTION_REASONS = [
  'inaccurate',
  'incomplete',
  'outdated',
  'exclusion_review',
  'retention_review',
] as const;
export type CorrectionReason = (typeof CORRECTION_REASONS)[number];

/** A sensitivity label: a short code (e.g. `health`, `special_category`). */
export const SENSITIVITY_LABEL = /^[a-z][a-z0-9_]{0,31}$/;
export const MAX_SENSITIVITY_LABELS = 10;

/** The taxonomy's mark of a category that identifies a person: none is held before Filter 2 is passed. */
export const IDENTIFYING = 'identifying';

/**
 * Whether the holder still holds the item's content: `purged` once its retention date passed and
 * retention deleted every version (DESIGN §4). The item itself stays, so it is reported as purged,
 * not as missing.
 */
export const ITEM_STATUSES = ['held', 'purged'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
