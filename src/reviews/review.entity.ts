import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { DecisionEntity } from '../disclosures/decision.entity.js';

export const REVIEW_OUTCOMES = ['upheld', 'not_justified', 'remediation_required'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/**
 * A legal review of one decision (DESIGN §2 Review): opened by the broker for every exception use,
 * `legal_obligation` disclosure and exception without agreement, or by a privacy officer's flag.
 * Once decided it is final (a trigger refuses any change); a later look is a new review that follows it.
 */
@Entity({ name: 'review' })
@Index('review_one_open', ['decisionId'], { unique: true, where: `"status" = 'open'` })
@Index('review_status_due_idx', ['status', 'dueAt'])
@Check('review_status_check', `"status" IN ('open', 'decided')`)
@Check(
  'review_outcome_check',
  `"outcome" IS NULL OR "outcome" IN ('upheld', 'not_justified', 'remediation_required')`,
)
@Check(
  'review_decided_check',
  `("status" = 'decided') = ("outcome" IS NOT NULL AND "outcome_reasons" IS NOT NULL AND "decided_at" IS NOT NULL AND "decided_by_subject" IS NOT NULL)`,
)
export class ReviewEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'decision_id', type: 'uuid' })
  decisionId: string;

  @ManyToOne(() => DecisionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'decision_id', foreignKeyConstraintName: 'FK_review_decision' })
  decision?: DecisionEntity;

  /** Why it opened: `life_safety_exception`, `legal_obligation`, `no_agreement`, `flagged`. */
  @Column({ type: 'text', array: true })
  reasons: string[];

  @Column({ type: 'text' })
  status: 'open' | 'decided';

  @Column({ name: 'opened_at', type: 'timestamptz', default: () => 'now()' })
  openedAt: Date;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  /** Who flagged it; null when the broker opened it from the decision's duties. */
  @Column({ name: 'opened_by_agency_id', type: 'uuid', nullable: true })
  openedByAgencyId: string | null;

  @Column({ name: 'opened_by_subject', type: 'text', nullable: true })
  openedBySubject: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'follows_review_id', type: 'uuid', nullable: true })
  followsReviewId: string | null;

  @ManyToOne(() => ReviewEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'follows_review_id', foreignKeyConstraintName: 'FK_review_follows' })
  follows?: ReviewEntity;

  @Column({ type: 'text', nullable: true })
  outcome: ReviewOutcome | null;

  @Column({ name: 'outcome_reasons', type: 'text', nullable: true })
  outcomeReasons: string | null;

  @Column({ type: 'text', nullable: true })
  remediation: string | null;

  @Column({ name: 'decided_by_agency_id', type: 'uuid', nullable: true })
  decidedByAgencyId: string | null;

  @Column({ name: 'decided_by_subject', type: 'text', nullable: true })
  decidedBySubject: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;
}

/** A reviewer's or privacy officer's comment on a review; comments are never edited. */
@Entity({ name: 'review_comment' })
@Index('review_comment_review_idx', ['reviewId'])
export class ReviewCommentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'review_id', type: 'uuid' })
  reviewId: string;

  @ManyToOne(() => ReviewEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'review_id', foreignKeyConstraintName: 'FK_review_comment_review' })
  review?: ReviewEntity;

  @Column({ name: 'author_agency_id', type: 'uuid' })
  authorAgencyId: string;

  @Column({ name: 'author_subject', type: 'text' })
  authorSubject: string;

  @Column({ type: 'text' })
  text: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
