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

/** A fictional member of a demo agency's staff, as the demo's OpenID provider knows them. */
export interface DemoStaff {
  /** The provider's subject identifier (opaque, as real providers' are). */
  readonly sub: string;
  readonly agency: string;
  readonly name: string;
  /** The provider's groups; each agency's mapping turns them into Filet roles. */
  readonly groups: readonly string[];
  readonly title: { readonly fr: string; readonly en: string };
}

/** The groups the demo agencies' providers use, and the Filet role each grants. */
export const DEMO_GROUP_ROLES = {
  'filet-privacy': 'privacy_officer',
  'filet-legal': 'legal_reviewer',
  'filet-coordination': 'coordinator',
  'filet-staff': 'agency_user',
} as const satisfies Record<string, Role>;

/** Fictional people; any resemblance is accidental. */
export const DEMO_STAFF: readonly DemoStaff[] = [
  {
    sub: 'cir-vsl-0001',
    agency: 'cir-vsl',
    name: 'Nadia Ouellet',
    groups: ['filet-privacy'],
    title: { fr: 'Responsable de la protection des renseignements', en: 'Privacy officer' },
  },
  {
    sub: 'cir-vsl-0002',
    agency: 'cir-vsl',
    name: 'Julien Paradis',
    groups: ['filet-legal'],
    title: { fr: 'Conseiller juridique', en: 'Legal reviewer' },
  },
  {
    sub: 'cir-vsl-0003',
    agency: 'cir-vsl',
    name: 'Chantal Fortin',
    groups: ['filet-coordination'],
    title: { fr: 'Coordonnatrice de la cellule', en: 'Table coordinator' },
  },
  {
    sub: 'police-vsl-0001',
    agency: 'police-vsl',
    name: 'Marc-André Gagnon',
    groups: ['filet-privacy'],
    title: { fr: 'Responsable de la protection des renseignements', en: 'Privacy officer' },
  },
  {
    sub: 'maison-aube-0001',
    agency: 'maison-aube',
    name: 'Isabelle Roy',
    groups: ['filet-privacy', 'filet-staff'],
    title: {
      fr: 'Directrice et responsable de la protection des renseignements',
      en: 'Director and privacy officer',
    },
  },
];
