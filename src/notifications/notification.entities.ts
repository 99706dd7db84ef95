import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { CaseEntity } from '../cases/case.entity.js';

/** A change in risk reported by a partner (DESIGN §2 Notification): what, when, whom to call. */
@Entity({ name: 'risk_change' })
@Index('risk_change_case_idx', ['caseId'])
export class RiskChangeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_risk_change_case' })
  case?: CaseEntity;

  @Column({ name: 'reported_by_agency_id', type: 'uuid' })
  reportedByAgencyId: string;

  @Column({ name: 'reported_by_subject', type: 'text' })
  reportedBySubject: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'boolean' })
  urgent: boolean;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  /** Minimal free text; purged with the alert's content at the end of retention. */
  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @Column({ name: 'contact_point', type: 'text', nullable: true })
  contactPoint: string | null;

  @Column({ name: 'person_ids', type: 'uuid', array: true })
  personIds: string[];

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true })
  purgedAt: Date | null;
}

export const NOTIFICATION_KINDS = [
  'risk_change',
  'consent_withdrawn',
  'escalation',
  'exception_used',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One message to one agency: its inbox entry, acknowledged once, escalated if urgent and ignored. */
@Entity({ name: 'notification' })
@Index('notification_inbox_idx', ['recipientAgencyId', 'createdAt', 'id'])
@Index('notification_escalation_idx', ['escalateAt'], {
  where: `"acknowledged_at" IS NULL AND "escalated_at" IS NULL`,
})
@Check(
  'notification_kind_check',
  `"kind" IN ('risk_change', 'consent_withdrawn', 'escalation', 'exception_used')`,
)
@Check('notification_ack_check', `("acknowledged_at" IS NULL) = ("acknowledged_by" IS NULL)`)
export class NotificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'recipient_agency_id', type: 'uuid' })
  recipientAgencyId: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'recipient_agency_id',
    foreignKeyConstraintName: 'FK_notification_recipient',
  })
  recipient?: AgencyEntity;

  @Column({ type: 'text' })
  kind: NotificationKind;

  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId: string | null;

  /** The risk change, consent, decision or notification this one is about. */
  @Column({ name: 'source_id', type: 'uuid', nullable: true })
  sourceId: string | null;

  /** The minimised message, as delivered. */
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'boolean' })
  urgent: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'escalate_at', type: 'timestamptz', nullable: true })
  escalateAt: Date | null;

  @Column({ name: 'escalated_at', type: 'timestamptz', nullable: true })
  escalatedAt: Date | null;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Column({ name: 'acknowledged_by', type: 'text', nullable: true })
  acknowledgedBy: string | null;

  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true })
  purgedAt: Date | null;
}

/** An agency's endpoint for signed push deliveries. */
@Entity({ name: 'webhook' })
@Index('webhook_agency_idx', ['agencyId'])
@Check('webhook_status_check', `"status" IN ('active', 'disabled')`)
@Check('webhook_disabled_check', `("status" = 'disabled') = ("disabled_at" IS NOT NULL)`)
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_webhook_agency' })
  agency?: AgencyEntity;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'text' })
  status: 'active' | 'disabled';

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;
}

/** The outbox: one delivery of one notification to one webhook, retried until it succeeds. */
@Entity({ name: 'webhook_delivery' })
@Index('webhook_delivery_due_idx', ['nextAttemptAt'], { where: `"status" = 'pending'` })
@Check('webhook_delivery_status_check', `"status" IN ('pending', 'delivered', 'failed')`)
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'notification_id', type: 'uuid' })
  notificationId: string;

  @ManyToOne(() => NotificationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'notification_id',
    foreignKeyConstraintName: 'FK_webhook_delivery_notification',
  })
  notification?: NotificationEntity;

  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId: string;

  @ManyToOne(() => WebhookEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'webhook_id', foreignKeyConstraintName: 'FK_webhook_delivery_webhook' })
  webhook?: WebhookEntity;

  @Column({ type: 'text' })
  status: 'pending' | 'delivered' | 'failed';

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  /** While set and in the future, one broker instance is attempting this delivery. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  @Column({ name: 'last_status', type: 'integer', nullable: true })
  lastStatus: number | null;

  /** A code (`timeout`, `http_503`, `refused_address`…), never a response body. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
