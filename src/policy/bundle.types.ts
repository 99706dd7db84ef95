import type { PrivacyRegime, Sector } from '../agencies/agency.types.js';
import type { Localized } from '../common/i18n/language.js';
import type { Role } from '../common/auth/roles.js';
import type { Basis, CaseStage, PersonRole, Purpose, Side } from './facts.js';

export const FIELD_TYPES = ['string', 'date', 'boolean', 'integer', 'enum', 'string[]'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldDef {
  readonly type: FieldType;
  readonly label: Localized;
  readonly maxLength?: number;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
}

export interface CategoryDef {
  readonly label: Localized;
  readonly stage: CaseStage;
  readonly planning: boolean;
  readonly sensitivity: readonly string[];
  readonly fields: Readonly<Record<string, FieldDef>>;
}

export interface RegimeDef {
  readonly label: Localized;
  readonly exception: string;
  readonly perpetratorProtection: boolean;
  readonly approval: { readonly required: boolean; readonly waivedFor: readonly Basis[] };
  readonly duties: { readonly register: boolean; readonly notice: boolean };
}

export interface ExceptionTest {
  readonly description: Localized;
  readonly citation: string;
  readonly criteria: readonly string[];
  readonly recipientSectors: readonly Sector[];
  readonly categories: readonly string[];
  readonly durationHours: number;
  readonly specialCategoryRequiresIncapacity?: boolean;
}

export interface RuleDef {
  readonly description: Localized;
  readonly citation: string;
}

export interface ObligationDef extends RuleDef {
  readonly recipientSectors: readonly Sector[];
  readonly personRoles: readonly PersonRole[];
  readonly categories: readonly string[];
}

export interface FieldRule extends RuleDef {
  readonly id: string;
  readonly category: string;
  /** `*` for the whole item. */
  readonly fields: '*' | readonly string[];
  readonly recipientSectors: readonly Sector[];
  readonly recipientSides: readonly Side[];
}

/** The whole rule bundle, validated; `hash` is the sha256 of its canonical content. */
export interface PolicyBundle {
  readonly hash: string;
  readonly taxonomy: { readonly categories: Readonly<Record<string, CategoryDef>> };
  readonly requesterRoles: readonly Role[];
  readonly sectors: Readonly<Record<Sector, { readonly purposes: readonly Purpose[] }>>;
  readonly thresholds: Readonly<
    Record<
      'odara' | 'danger_assessment' | 'dash',
      { readonly min: number; readonly max: number; readonly citation: string }
    >
  >;
  readonly regimes: Readonly<Record<PrivacyRegime, RegimeDef>>;
  readonly exceptions: {
    readonly coreCriteria: readonly string[];
    readonly criteria: Readonly<Record<string, Localized>>;
    readonly tests: Readonly<Record<string, ExceptionTest>>;
  };
  readonly rules: Readonly<Record<string, RuleDef>>;
  readonly obligations: Readonly<Record<string, ObligationDef>>;
  readonly childProtection: {
    readonly recipientSectors: readonly Sector[];
    readonly categories: readonly string[];
  };
  readonly perpetratorProtection: {
    readonly purposes: readonly Purpose[];
    readonly categories: readonly string[];
  };
  readonly fieldRules: readonly FieldRule[];
  readonly separationOfDuties: Readonly<
    Record<Side, { readonly deniedHolderSectors: readonly Sector[] }>
  >;
  readonly obligationsOnRelease: {
    readonly defaultRetentionDays: number;
    readonly lifeSafetyRetentionDays: number;
  };
  /**
   * What follows a decision (workflows.yaml). Absent from bundles loaded before it existed: those
   * are only ever replayed, and replay reads the engine's parts alone.
   */
  readonly workflows: WorkflowsDef;
}

export interface WorkflowsDef {
  readonly reviews: {
    readonly deadlineDays: Readonly<
      Record<'life_safety_exception' | 'no_agreement' | 'legal_obligation' | 'flagged', number>
    >;
    readonly citation: string;
  };
  readonly notices: {
    readonly deadlineDays: number;
    readonly description: Localized;
    readonly citation: string;
  };
  readonly riskChanges: {
    readonly kinds: Readonly<
      Record<string, { readonly urgent: boolean; readonly label: Localized }>
    >;
    readonly recipients: {
      readonly receivedInformation: boolean;
      readonly assignedAgencies: boolean;
      readonly sectors: readonly Sector[];
    };
    readonly reporterWithheld: {
      readonly reporterSectors: readonly Sector[];
      readonly recipientSectors: readonly Sector[];
      readonly contactNote: Localized;
    };
    readonly escalationMinutes: number;
    readonly summaryMaxLength: number;
    readonly description: Localized;
    readonly citation: string;
  };
  readonly consentWithdrawal: {
    readonly obligation: {
      readonly code: string;
      readonly description: Localized;
      readonly citation: string;
    };
  };
  readonly retention: { readonly alertContentDays: number; readonly citation: string };
}

/** The files of a bundle and what each holds. */
export const POLICY_FILES = [
  'taxonomy.yaml',
  'sectors.yaml',
  'thresholds.yaml',
  'regimes.yaml',
  'exceptions.yaml',
  'rules.yaml',
  'workflows.yaml',
] as const;
