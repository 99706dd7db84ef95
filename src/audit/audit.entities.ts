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

/** One audit record: an RFC 6962 leaf (`leaf` is its RFC 8785 canonical JSON) plus search columns. */
@Entity({ name: 'audit_record' })
@Index('audit_record_parties_idx', ['parties'])
@Index('audit_record_person_ids_idx', ['personIds'])
@Index('audit_record_case_id_idx', ['caseId'])
@Index('audit_record_recorded_at_idx', ['recordedAt'])
export class AuditRecordEntity {
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ type: 'text' })
  leaf: string;

  @Column({ name: 'leaf_hash', type: 'bytea' })
  leafHash: Buffer;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text' })
  outcome: string;

  @Column({ name: 'actor_agency_id', type: 'uuid', nullable: true })
  actorAgencyId: string | null;

  @Column({ type: 'uuid', array: true })
  parties: string[];

  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId: string | null;

  @Column({ name: 'person_ids', type: 'uuid', array: true })
  personIds: string[];

  @Column({ type: 'text', nullable: true })
  basis: string | null;

  /** The queued entry this record was sequenced from (not part of the leaf). */
  @Index('audit_record_pending_id_unique', { unique: true })
  @Column({ name: 'pending_id', type: 'bigint', nullable: true })
  pendingId: string | null;
}

/** A record written by its action's transaction, waiting for the sequencer to place it in the tree. */
@Entity({ name: 'audit_pending' })
export class AuditPendingEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ type: 'jsonb' })
  entry: Record<string, unknown>;
}

/** A perfect subtree hash (level ≥ 1) covering leaves [idx·2^level, (idx+1)·2^level). */
@Entity({ name: 'audit_node' })
export class AuditNodeEntity {
  @PrimaryColumn({ type: 'smallint' })
  level: number;

  @PrimaryColumn({ type: 'bigint' })
  idx: string;

  @Column({ type: 'bytea' })
  hash: Buffer;
}

/** The single tree head row; its row lock is what serialises appends across broker instances. */
@Entity({ name: 'audit_head' })
@Check('audit_head_single_row', `"id" = 1`)
export class AuditHeadEntity {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ type: 'bigint' })
  size: string;

  @Column({ type: 'bytea', array: true })
  frontier: Buffer[];
}

@Entity({ name: 'audit_checkpoint' })
export class AuditCheckpointEntity {
  @PrimaryColumn({ name: 'tree_size', type: 'bigint' })
  treeSize: string;

  @Column({ name: 'root_hash', type: 'bytea' })
  rootHash: Buffer;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt: Date;

  @Column({ name: 'key_id', type: 'text' })
  keyId: string;

  @Column({ type: 'text' })
  jws: string;
}

export const HOLD_REASONS = [
  'shelter_location',
  'investigation',
  'safety_risk',
  'court_order',
] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** A safety hold: the entry `seq` is left out of subject access reports while `releasedAt` is null. */
@Entity({ name: 'audit_hold' })
@Index('audit_hold_active_unique', ['seq'], { unique: true, where: '"released_at" IS NULL' })
@Check(
  'audit_hold_reason_check',
  `"reason" IN ('shelter_location', 'investigation', 'safety_risk', 'court_order')`,
)
export class AuditHoldEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'bigint' })
  seq: string;

  @ManyToOne(() => AuditRecordEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'seq', foreignKeyConstraintName: 'FK_audit_hold_record' })
  record?: AuditRecordEntity;

  @Column({ type: 'text' })
  reason: HoldReason;

  @Column({ name: 'held_by_agency_id', type: 'uuid' })
  heldByAgencyId: string;

  @Column({ name: 'held_at', type: 'timestamptz', default: () => 'now()' })
  heldAt: Date;

  @Column({ name: 'released_by_agency_id', type: 'uuid', nullable: true })
  releasedByAgencyId: string | null;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt: Date | null;
}
