import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import type { AuditContext } from '../audit/audit.types.js';
import type { PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { LOWER_UUID } from '../common/validation/patterns.js';
import type { NotificationKind } from './notification.entities.js';
import { NotificationProblems } from './notifications.problems.js';
import type { InboxQueryDto } from './dto/notification-input.dto.js';

/** A message to write: one per recipient agency. */
export interface NotificationDraft {
  readonly recipientAgencyId: string;
  readonly kind: NotificationKind;
  readonly caseId: string | null;
  readonly sourceId: string | null;
  readonly payload: Record<string, unknown>;
  readonly urgent: boolean;
  /** Unacknowledged by then, an urgent message is escalated to the coordinator. */
  readonly escalateAt?: Date;
}

export interface InboxEntry {
  readonly id: string;
  readonly kind: NotificationKind;
  readonly caseId: string | null;
  readonly urgent: boolean;
  readonly createdAt: string;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
  /** Present when retention purged the message's free text. */
  readonly purgedAt?: string;
  readonly message: Record<string, unknown>;
}

interface NotificationRow {
  id: string;
  kind: NotificationKind;
  case_id: string | null;
  urgent: boolean;
  created_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  purged_at: Date | null;
  payload: Record<string, unknown>;
}

function toEntry(row: NotificationRow): InboxEntry {
  return {
    id: row.id,
    kind: row.kind,
    caseId: row.case_id,
    urgent: row.urgent,
    createdAt: row.created_at.toISOString(),
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: row.acknowledged_by,
    ...(row.purged_at ? { purgedAt: row.purged_at.toISOString() } : {}),
    message: row.payload,
  };
}

/** A page ends at a message; the next starts after it (by time, then id, as the list is sorted). */
function encodeCursor(row: NotificationRow): string {
  return Buffer.from(row.id).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!LOWER_UUID.test(id)) throw new DomainError(NotificationProblems.badCursor);
  return id;
}

/**
 * Messages to agencies (DESIGN §2 Notification): written in the transaction of what caused them,
 * each with a delivery per active webhook of its recipient (the outbox), so a commit never loses
 * one and a rollback never sends one. Agencies read them from their inbox and acknowledge them.
 */
@Injectable()
export class NotificationsService {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  /** Writes the messages and their deliveries; returns their ids, in the order given. */
  async notify(manager: EntityManager, drafts: readonly NotificationDraft[]): Promise<string[]> {
    if (drafts.length === 0) return [];
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO notification (recipient_agency_id, kind, case_id, source_id, payload, urgent, escalate_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::jsonb[], $6::boolean[], $7::timestamptz[])
       RETURNING id`,
      [
        drafts.map((d) => d.recipientAgencyId),
        drafts.map((d) => d.kind),
        drafts.map((d) => d.caseId),
        drafts.map((d) => d.sourceId),
        drafts.map((d) => JSON.stringify(d.payload)),
        drafts.map((d) => d.urgent),
        drafts.map((d) => d.escalateAt?.toISOString() ?? null),
      ],
    );
    const ids = rows.map((r) => r.id);
    await manager.query(
      `INSERT INTO webhook_delivery (notification_id, webhook_id, status)
       SELECT n.id, w.id, 'pending'
         FROM unnest($1::uuid[], $2::uuid[]) AS n(id, agency_id)
         JOIN webhook w ON w.agency_id = n.agency_id AND w.status = 'active'`,
      [ids, drafts.map((d) => d.recipientAgencyId)],
    );
    return ids;
  }

  /** Called once the messages committed: wakes the delivery worker instead of waiting for its poll. */
  committed(): void {
    for (const listener of this.listeners) listener();
  }

  onCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The caller's agency's messages, oldest first, by pages. */
  async inbox(
    caller: PrincipalContext,
    query: InboxQueryDto,
  ): Promise<{ items: InboxEntry[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows: NotificationRow[] = await this.dataSource.query(
      `SELECT id, kind, case_id, urgent, created_at, acknowledged_at, acknowledged_by, purged_at, payload
         FROM notification
        WHERE recipient_agency_id = $1
          AND ($2::boolean OR acknowledged_at IS NULL)
          AND ($3::uuid IS NULL
               OR (created_at, id) > (SELECT created_at, id FROM notification WHERE id = $3 AND recipient_agency_id = $1))
        ORDER BY created_at, id
        LIMIT $4`,
      [caller.agencyId, query.status === 'all', after ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map(toEntry),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
    };
  }

  /** The caller's agency takes a message into account; an urgent one then never escalates. */
  acknowledge(caller: PrincipalContext, ctx: AuditContext, id: string): Promise<InboxEntry> {
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const [found]: NotificationRow[] = await manager.query(
        `SELECT id, acknowledged_at FROM notification WHERE id = $1 AND recipient_agency_id = $2 FOR UPDATE`,
        [id, caller.agencyId],
      );
      if (!found) throw new DomainError(NotificationProblems.notificationNotFound);
      if (found.acknowledged_at) throw new DomainError(NotificationProblems.alreadyAcknowledged);
      const [[row]]: [NotificationRow[], number] = await manager.query(
        `UPDATE notification SET acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1
         RETURNING id, kind, case_id, urgent, created_at, acknowledged_at, acknowledged_by, purged_at, payload`,
        [id, caller.subject],
      );
      await record({
        action: 'notification.acknowledge',
        outcome: 'success',
        targets: { notificationId: id, caseId: row.case_id ?? undefined },
        reasonCodes: [row.kind],
      });
      return toEntry(row);
    });
  }
}
