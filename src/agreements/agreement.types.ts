/**
 * The life of one agreement version:
 * - `draft`: awaiting its parties' signatures; the last signature activates it.
 * - `active`: in force (within its term) for the disclosure engine.
 * - `suspended`: taken out of force by a party or the table; only a new version, signed by every
 *   party after the suspension, puts the agreement back in force.
 * - `terminated`: the agreement is over; nothing more happens to it.
 * - `superseded`: was in force (or suspended) until a newer version was activated.
 * - `withdrawn`: a draft that never came into force: replaced by a newer draft, or cut off by a
 *   suspension or a termination (signatures given before either do not carry over).
 */
export const VERSION_STATUSES = [
  'draft',
  'active',
  'suspended',
  'terminated',
  'superseded',
  'withdrawn',
] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/** The status of the agreement as a whole, derived from its versions. */
export const AGREEMENT_STATUSES = ['draft', 'active', 'suspended', 'terminated'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

/** s.68 (6) and s.84: the periodicity of the communications. */
export const FREQUENCIES = ['one_off', 'as_needed', 'periodic'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const SUSPENSION_REASONS = [
  'breach',
  'security_incident',
  'under_review',
  'administrative',
] as const;
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number];

export const TERMINATION_REASONS = [
  'party_withdrawal',
  'mutual_agreement',
  'breach',
  'purpose_fulfilled',
  'administrative',
] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];
