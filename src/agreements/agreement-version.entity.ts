import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import type { AgencyEntity } from '../agencies/agency.entity.js';
import type { Purpose } from '../policy/facts.js';
import type { AgreementEntity } from './agreement.entity.js';
import type { Frequency, VersionStatus } from './agreement.types.js';

/**
 * One version of an agreement: the statutory content (A-2.1 s.68, R-22.1 s.84) and its lifecycle.
 * The content is never updated (the broker's role may only insert it); a change is a new version.
 */
@Entity({ name: 'agreement_version' })
@Check(
  'agreement_version_status_check',
  `"status" IN ('draft', 'active', 'suspended', 'terminated', 'superseded', 'withdrawn')`,
)
@Check('agreement_version_frequency_check', `"frequency" IN ('one_off', 'as_needed', 'periodic')`)
@Check(
  'agreement_version_term_check',
  `"effective_to" IS NULL OR "effective_to" > "effective_from"`,
)
@Check('agreement_version_retention_check', `"retention_days" BETWEEN 1 AND 3650`)
@Check('agreement_version_number_check', `"version" >= 1`)
@Index('agreement_version_one_draft', ['agreementId'], {
  unique: true,
  where: `"status" = 'draft'`,
})
@Index('agreement_version_one_current', ['agreementId'], {
  unique: true,
  where: `"status" IN ('active', 'suspended')`,
})
export class AgreementVersionEntity {
  @PrimaryColumn({ name: 'agreement_id', type: 'uuid' })
  agreementId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @ManyToOne('AgreementEntity', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agreement_id', foreignKeyConstraintName: 'FK_agreement_version_agreement' })
  agreement?: AgreementEntity;

  @Column({ type: 'text' })
  status: VersionStatus;

  @Column({ type: 'text', array: true })
  purposes: Purpose[];

  @Column({ name: 'transmission_terms', type: 'text' })
  transmissionTerms: string;

  @Column({ name: 'security_measures', type: 'text' })
  securityMeasures: string;

  @Column({ type: 'text' })
  frequency: Frequency;

  @Column({ name: 'effective_from', type: 'timestamptz' })
  effectiveFrom: Date;

  @Column({ name: 'effective_to', type: 'timestamptz', nullable: true })
  effectiveTo: Date | null;

  @Column({ name: 'onward_disclosure_prohibited', type: 'boolean' })
  onwardDisclosureProhibited: boolean;

  @Column({ name: 'retention_days', type: 'integer' })
  retentionDays: number;

  /** The agency's contact for breach notices (R-22.1 s.84): an address or a number, not a person's data. */
  @Column({ name: 'breach_contact', type: 'text' })
  breachContact: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'created_by_agency_id', type: 'uuid' })
  createdByAgencyId: string;

  @ManyToOne('AgencyEntity', { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'created_by_agency_id',
    foreignKeyConstraintName: 'FK_agreement_version_created_by',
  })
  createdBy?: AgencyEntity;

  /** When the last party signed and the version came into force. */
  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  /**
   * When the version stopped being in force (suspended, superseded, terminated) or, for a draft,
   * stopped being open to signature. A version suspended then terminated keeps its suspension time.
   */
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  /** The suspension or termination reason code; null when superseded or withdrawn. */
  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: string | null;

  @Column({ name: 'ended_by_agency_id', type: 'uuid', nullable: true })
  endedByAgencyId: string | null;

  @ManyToOne('AgencyEntity', { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'ended_by_agency_id',
    foreignKeyConstraintName: 'FK_agreement_version_ended_by',
  })
  endedBy?: AgencyEntity;
}
