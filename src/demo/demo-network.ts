import type { Role } from '../common/auth/roles.js';
import type { KeyAlgorithm } from '../common/auth/key-algorithms.js';
import type { PrivacyRegime, Sector } from '../agencies/agency.types.js';

export interface DemoAgency {
  readonly code: string;
  readonly names: { readonly fr: string; readonly en: string };
  readonly sector: Sector;
  readonly privacyRegime: PrivacyRegime;
  readonly allowedRoles: readonly Role[];
  readonly alg: KeyAlgorithm;
}

const STAFF: readonly Role[] = ['agency_user', 'privacy_officer', 'legal_reviewer'];

/**
 * A fictional coordinated response in the fictional town of Val-Saint-Loup, Quebec: one agency per
 * sector of DESIGN §2. Any resemblance to a real organisation is accidental.
 */
export const DEMO_NETWORK: readonly DemoAgency[] = [
  {
    code: 'cir-vsl',
    names: {
      fr: "Cellule d'intervention rapide de Val-Saint-Loup",
      en: 'Val-Saint-Loup Rapid Intervention Unit',
    },
    sector: 'coordination',
    privacyRegime: 'QC-A-2.1',
    allowedRoles: ['agency_user', 'coordinator', 'privacy_officer', 'legal_reviewer', 'admin'],
    alg: 'EdDSA',
  },
  {
    code: 'police-vsl',
    names: { fr: 'Service de police de Val-Saint-Loup', en: 'Val-Saint-Loup Police Service' },
    sector: 'police',
    privacyRegime: 'QC-A-2.1',
    allowedRoles: STAFF,
    alg: 'ES256',
  },
  {
    code: 'maison-aube',
    names: { fr: "Maison L'Aube, hébergement pour femmes", en: "L'Aube House, women's shelter" },
    sector: 'shelter',
    privacyRegime: 'QC-P-39.1',
    allowedRoles: STAFF,
    alg: 'ES256',
  },
  {
    code: 'poursuites-vsl',
    names: {
      fr: 'Bureau des poursuites de Val-Saint-Loup',
      en: 'Val-Saint-Loup Prosecution Office',
    },
    sector: 'prosecution',
    privacyRegime: 'QC-A-2.1',
    allowedRoles: STAFF,
    alg: 'ES256',
  },
  {
    code: 'correction-vsl',
    names: {
      fr: 'Services correctionnels de Val-Saint-Loup',
      en: 'Val-Saint-Loup Correctional Services',
    },
    sector: 'corrections',
    privacyRegime: 'QC-A-2.1',
    allowedRoles: STAFF,
    alg: 'ES256',
  },
  {
    code: 'entraide-hommes',
    names: { fr: 'Programme Entraide pour conjoints', en: 'Entraide Partner-Abuse Program' },
    sector: 'perpetrator_program',
    privacyRegime: 'QC-P-39.1',
    allowedRoles: STAFF,
    alg: 'EdDSA',
  },
  {
    code: 'jeunesse-vsl',
    names: {
      fr: 'Protection de la jeunesse de Val-Saint-Loup',
      en: 'Val-Saint-Loup Youth Protection',
    },
    sector: 'child_protection',
    privacyRegime: 'QC-P-34.1',
    allowedRoles: STAFF,
    alg: 'ES256',
  },
  {
    code: 'sante-vsl',
    names: { fr: 'Centre de santé de Val-Saint-Loup', en: 'Val-Saint-Loup Health Centre' },
    sector: 'health',
    privacyRegime: 'QC-R-22.1',
    allowedRoles: STAFF,
    alg: 'ES256',
  },
  {
    code: 'aide-victimes-vsl',
    names: {
      fr: "Centre d'aide aux victimes de Val-Saint-Loup",
      en: 'Val-Saint-Loup Victim Assistance Centre',
    },
    sector: 'victim_services',
    privacyRegime: 'QC-P-39.1',
    allowedRoles: STAFF,
    alg: 'EdDSA',
  },
];
