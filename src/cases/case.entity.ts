import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import type { CaseStage } from '../policy/facts.js';
import type { CloseReason, ReferralReason, RiskThresholds, ThresholdRule } from './case.types.js';

/**
 * A case (dossier). Holds codes, dates and the threshold decision; never a name: identity is an
 * information item, gated like any other (DESIGN §2).
 */
@Entity({ name: 'case_file' })
@Index('case_file_referring_agency_idx', ['referringAgencyId'])
@Check(
  'case_file_stage_check',
  `"stage" IN ('deidentified', 'high_risk_confirmed', 'active', 'closed')`,
)
@Check(
  'case_file_threshold_rule_check',
  `"threshold_rule" IN ('tool_threshold', 'professional_judgement', 'not_met')`,
)
@Check(
  'case_file_closed_check',
  `("stage" = 'closed') = ("closed_reason" IS NOT NULL AND "closed_from_stage" IS NOT NULL)`,
)
export class CaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'referring_agency_id', type: 'uuid' })
  referringAgencyId: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referring_agency_id', foreignKeyConstraintName: 'FK_case_file_agency' })
  referringAgency?: AgencyEntity;

  /** The referring user or system (the token's `sub`): an id, not a name. */
  @Column({ name: 'referred_by', type: 'text' })
  referredBy: string;

  @Column({ type: 'text' })
  reason: ReferralReason;

  @Column({ name: 'incident_date', type: 'date' })
  incidentDate: string;

  @Column({ type: 'text' })
  stage: CaseStage;

  @Column({ name: 'threshold_rule', type: 'text', nullable: true })
  thresholdRule: ThresholdRule | null;

  @Column({ name: 'threshold_assessment_ids', type: 'uuid', array: true, default: () => "'{}'" })
  thresholdAssessmentIds: string[];

  /** The thresholds in force when the decision was made, so it can be read again later. */
  @Column({ name: 'threshold_values', type: 'jsonb', nullable: true })
  thresholdValues: RiskThresholds | null;

  /** The policy bundle the thresholds came from (DESIGN §3.4), to replay the decision. */
  @Column({ name: 'threshold_policy_hash', type: 'text', nullable: true })
  thresholdPolicyHash: string | null;

  @Column({ name: 'threshold_decided_at', type: 'timestamptz', nullable: true })
  thresholdDecidedAt: Date | null;

  @Column({ name: 'closed_reason', type: 'text', nullable: true })
  closedReason: CloseReason | null;

  @Column({ name: 'closed_from_stage', type: 'text', nullable: true })
  closedFromStage: CaseStage | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn({ type: 'integer' })
  version: number;
}
