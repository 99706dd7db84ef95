import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { DecisionEntity } from '../disclosures/decision.entity.js';

export const NOTICE_STATUSES = ['held', 'cleared_to_send', 'withheld_for_safety', 'sent'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/**
 * A notice the holder's regime owes the person concerned (PIPEDA 7(3)(e), Ontario FIPPA/MFIPPA):
 * created `held`, never sent by Filet; a privacy officer clears it or withholds it for safety.
 */
@Entity({ name: 'notice' })
@Unique('notice_one_per_holder', ['decisionId', 'holderAgencyId'])
@Index('notice_holder_status_idx', ['holderAgencyId', 'status'])
@Check(
  'notice_status_check',
  `"status" IN ('held', 'cleared_to_send', 'withheld_for_safety', 'sent')`,
)
export class NoticeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'decision_id', type: 'uuid' })
  decisionId: string;

  @ManyToOne(() => DecisionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'decision_id', foreignKeyConstraintName: 'FK_notice_decision' })
  decision?: DecisionEntity;

  @Column({ name: 'holder_agency_id', type: 'uuid' })
  holderAgencyId: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  /** The holder's regime that imposes the notice. */
  @Column({ type: 'text' })
  regime: string;

  @Column({ type: 'text' })
  status: NoticeStatus;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

/** Each step of a notice, with its reasons and who took it: the notice's history, append-only. */
@Entity({ name: 'notice_event' })
@Index('notice_event_notice_idx', ['noticeId'])
@Check(
  'notice_event_status_check',
  `"status" IN ('held', 'cleared_to_send', 'withheld_for_safety', 'sent')`,
)
export class NoticeEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'notice_id', type: 'uuid' })
  noticeId: string;

  @ManyToOne(() => NoticeEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'notice_id', foreignKeyConstraintName: 'FK_notice_event_notice' })
  notice?: NoticeEntity;

  @Column({ type: 'text' })
  status: NoticeStatus;

  @Column({ type: 'text', nullable: true })
  reasons: string | null;

  /** How the holder sent it (`sent` only). */
  @Column({ type: 'text', nullable: true })
  means: string | null;

  @Column({ name: 'actor_agency_id', type: 'uuid', nullable: true })
  actorAgencyId: string | null;

  @Column({ name: 'actor_subject', type: 'text', nullable: true })
  actorSubject: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;
}
