import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { JudgementLevel, RiskTool } from './case.types.js';
import { CaseEntity } from './case.entity.js';

/**
 * One risk assessment of a case: a tool's score (its scale's maximum is policy, checked by the
 * service), or a professional judgement with its written reasons. Append-only: a new assessment is a new row, and the threshold decision cites rows.
 */
@Entity({ name: 'case_risk_assessment' })
@Index('case_risk_assessment_case_idx', ['caseId'])
@Check(
  'case_risk_assessment_tool_check',
  `"tool" IN ('odara', 'danger_assessment', 'dash', 'professional_judgement')`,
)
@Check(
  'case_risk_assessment_shape_check',
  `("tool" = 'professional_judgement' AND "score" IS NULL AND "reasons" IS NOT NULL AND "requested_level" IN ('high_risk', 'not_high_risk'))
   OR ("tool" <> 'professional_judgement' AND "reasons" IS NULL AND "requested_level" IS NULL AND "score" >= 0)`,
)
export class RiskAssessmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_case_risk_assessment_case' })
  case?: CaseEntity;

  @Column({ type: 'text' })
  tool: RiskTool;

  @Column({ type: 'integer', nullable: true })
  score: number | null;

  @Column({ name: 'requested_level', type: 'text', nullable: true })
  requestedLevel: JudgementLevel | null;

  /** A professional judgement's written reasons (never used to downgrade a tool). */
  @Column({ type: 'text', nullable: true })
  reasons: string | null;

  @Column({ name: 'assessor_agency_id', type: 'uuid' })
  assessorAgencyId: string;

  @Column({ name: 'assessor_subject', type: 'text' })
  assessorSubject: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
