import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';

/** A disclosure decision with everything needed to explain and replay it (never updated). */
@Entity({ name: 'decision' })
@Index('decision_case_id_idx', ['caseId'])
@Check('decision_outcome_check', `"outcome" IN ('permit', 'partial', 'deny', 'pending')`)
export class DecisionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'requester_agency_id', type: 'uuid' })
  requesterAgencyId: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  @Column({ name: 'dry_run', type: 'boolean' })
  dryRun: boolean;

  @Column({ type: 'text' })
  outcome: string;

  @Column({ type: 'jsonb' })
  request: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  facts: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  decision: Record<string, unknown>;

  @Column({ name: 'policy_bundle_hash', type: 'text' })
  policyBundleHash: string;

  @Column({ name: 'payload_sha256', type: 'text', nullable: true })
  payloadSha256: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt: Date;
}

/** A holder's approval of one item of a `pending` decision (R-HOLDER-APPROVAL). */
@Entity({ name: 'decision_approval' })
@Check(
  'decision_approval_status_check',
  `"status" IN ('pending', 'approved', 'refused', 'released')`,
)
export class DecisionApprovalEntity {
  @PrimaryColumn({ name: 'decision_id', type: 'uuid' })
  decisionId: string;

  @PrimaryColumn({ name: 'item_id', type: 'uuid' })
  itemId: string;

  @ManyToOne(() => DecisionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'decision_id', foreignKeyConstraintName: 'FK_decision_approval_decision' })
  decisionRow?: DecisionEntity;

  @Column({ name: 'holder_agency_id', type: 'uuid' })
  holderAgencyId: string;

  /** The version the holder approved: a correction of the item needs a new approval. */
  @Column({ name: 'item_version', type: 'integer' })
  itemVersion: number;

  /** `released` once a later decision released the approved item: an approval serves once. */
  @Column({ type: 'text' })
  status: 'pending' | 'approved' | 'refused' | 'released';

  @Column({ name: 'decided_by', type: 'text', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;
}
