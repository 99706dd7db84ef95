/** DESIGN §2: the sectors of a coordinated community response. */
export const SECTORS = [
  'police',
  'prosecution',
  'corrections',
  'parole',
  'perpetrator_program',
  'shelter',
  'victim_services',
  'child_protection',
  'health',
  'community',
  'coordination',
] as const;
export type Sector = (typeof SECTORS)[number];

/** DESIGN §2: the privacy regime that governs an agency as a holder of information. */
export const PRIVACY_REGIMES = [
  'QC-A-2.1',
  'QC-P-39.1',
  'QC-P-34.1',
  'QC-R-22.1',
  'ON-FIPPA',
  'ON-MFIPPA',
  'ON-PHIPA',
  'CA-PIPEDA',
  'NB-RTIPPA',
  'NB-PHIPAA',
  'UK-DPA2018',
] as const;
export type PrivacyRegime = (typeof PRIVACY_REGIMES)[number];

export const AGENCY_STATUSES = ['active', 'suspended'] as const;
export type AgencyStatus = (typeof AGENCY_STATUSES)[number];
