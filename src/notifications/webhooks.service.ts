import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import type { AuditContext } from '../audit/audit.types.js';
import type { PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.provider.js';
import { NotificationProblems } from './notifications.problems.js';
import { webhookUrlProblem } from './webhook-address.js';

export const MAX_ACTIVE_WEBHOOKS = 5;

export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly status: 'active' | 'disabled';
  readonly createdAt: string;
  readonly disabledAt: string | null;
  readonly deliveries: {
    readonly pending: number;
    readonly delivered: number;
    readonly failed: number;
  };
  /** The last failure's code (`http_503`, `timeout`…), never a response body. */
  readonly lastError: string | null;
}

interface WebhookRow {
  id: string;
  url: string;
  status: 'active' | 'disabled';
  created_at: Date;
  disabled_at: Date | null;
  pending: number;
  delivered: number;
  failed: number;
  last_error: string | null;
}

const VIEW_SQL = `
  SELECT w.id, w.url, w.status, w.created_at, w.disabled_at,
         count(d.id) FILTER (WHERE d.status = 'pending')::int AS pending,
         count(d.id) FILTER (WHERE d.status = 'delivered')::int AS delivered,
         count(d.id) FILTER (WHERE d.status = 'failed')::int AS failed,
         (SELECT d2.last_error FROM webhook_delivery d2
           WHERE d2.webhook_id = w.id AND d2.last_error IS NOT NULL
           ORDER BY d2.next_attempt_at DESC LIMIT 1) AS last_error
    FROM webhook w LEFT JOIN webhook_delivery d ON d.webhook_id = w.id`;

function toView(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    disabledAt: row.disabled_at?.toISOString() ?? null,
    deliveries: { pending: row.pending, delivered: row.delivered, failed: row.failed },
    lastError: row.last_error,
  };
}

/** An agency's push endpoints: registered, listed and disabled by that agency alone. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  register(caller: PrincipalContext, ctx: AuditContext, url: string): Promise<WebhookView> {
    const problem = webhookUrlProblem(url, this.config.webhookAllowPrivate);
    if (problem)
      throw new DomainError(NotificationProblems.webhookInsecure, {
        errors: [{ property: 'url', constraints: [problem] }],
      });
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      // One registration at a time per agency, so the limit holds under concurrent calls.
      await manager.query('SELECT id FROM agency WHERE id = $1 FOR NO KEY UPDATE', [
        caller.agencyId,
      ]);
      const [{ active }]: { active: number }[] = await manager.query(
        `SELECT count(*)::int AS active FROM webhook WHERE agency_id = $1 AND status = 'active'`,
        [caller.agencyId],
      );
      if (active >= MAX_ACTIVE_WEBHOOKS) throw new DomainError(NotificationProblems.webhookLimit);
      const [row]: { id: string }[] = await manager.query(
        `INSERT INTO webhook (agency_id, url, status, created_by) VALUES ($1, $2, 'active', $3) RETURNING id`,
        [caller.agencyId, url, caller.subject],
      );
      await record({
        action: 'webhook.register',
        outcome: 'success',
        targets: { agencyId: caller.agencyId, webhookId: row.id },
      });
      return this.view(row.id, manager);
    });
  }

  async list(caller: PrincipalContext): Promise<WebhookView[]> {
    const rows: WebhookRow[] = await this.dataSource.query(
      `${VIEW_SQL} WHERE w.agency_id = $1 GROUP BY w.id ORDER BY w.created_at, w.id`,
      [caller.agencyId],
    );
    return rows.map(toView);
  }

  /** Stops deliveries to it; those still pending are given up (the inbox keeps every message). */
  disable(caller: PrincipalContext, ctx: AuditContext, id: string): Promise<WebhookView> {
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const [found]: { status: string }[] = await manager.query(
        'SELECT status FROM webhook WHERE id = $1 AND agency_id = $2 FOR UPDATE',
        [id, caller.agencyId],
      );
      if (!found) throw new DomainError(NotificationProblems.webhookNotFound);
      if (found.status === 'disabled') throw new DomainError(NotificationProblems.webhookDisabled);
      await manager.query(
        `UPDATE webhook SET status = 'disabled', disabled_at = now() WHERE id = $1`,
        [id],
      );
      await manager.query(
        `UPDATE webhook_delivery SET status = 'failed', last_error = 'webhook_disabled', lease_until = NULL
          WHERE webhook_id = $1 AND status = 'pending'`,
        [id],
      );
      await record({
        action: 'webhook.disable',
        outcome: 'success',
        targets: { agencyId: caller.agencyId, webhookId: id },
      });
      return this.view(id, manager);
    });
  }

  private async view(id: string, manager = this.dataSource.manager): Promise<WebhookView> {
    const [row]: WebhookRow[] = await manager.query(`${VIEW_SQL} WHERE w.id = $1 GROUP BY w.id`, [
      id,
    ]);
    return toView(row);
  }
}
