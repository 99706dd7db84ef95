import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import { AuditSigner } from '../audit/audit-signer.js';
import type { AuditContext } from '../audit/audit.types.js';
import { InjectLogger } from '../common/logging/logger.provider.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.provider.js';
import { NotificationsService } from './notifications.service.js';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import {
  ForbiddenAddressError,
  guardedLookup,
  hostOf,
  isForbiddenAddress,
} from './webhook-address.js';

/** How long a signed message is good for: receivers need not remember its `jti` beyond that. */
const MESSAGE_LIFETIME_SECONDS = 300;

/**
 * POSTs the message and resolves with the status. Redirects are not followed; outside the demo,
 * the name is resolved once, checked and connected to (guardedLookup), and an address is checked
 * here — a literal address is never looked up.
 */
function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  allowPrivate: boolean,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const host = hostOf(target);
    if (!allowPrivate && isIP(host) !== 0 && isForbiddenAddress(host))
      return reject(new ForbiddenAddressError('forbidden address'));
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal,
        ...(allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const BATCH = 20;
const MAX_BACKOFF_MS = 3_600_000;

interface ClaimedDelivery {
  id: string;
  attempts: number;
  url: string;
  webhook_status: string;
  recipient_agency_id: string;
  notification_id: string;
  kind: string;
  case_id: string | null;
  urgent: boolean;
  created_at: Date;
  payload: Record<string, unknown>;
}

/** What the broker itself does, with no caller: recorded under a system subject. */
export function systemContext(subject: string): AuditContext {
  return {
    actor: { agencyId: null, subject, roles: [] },
    requestId: randomUUID(),
    receipts: [],
  };
}

/**
 * Delivers the webhook outbox and escalates ignored urgent alerts. Every broker instance runs one;
 * they share the work through PostgreSQL (`FOR UPDATE SKIP LOCKED` and a lease), so a delivery is
 * attempted by one instance at a time, and one an instance was attempting when it died is taken
 * over once its lease runs out. A delivery is at least once: the JWS carries its id (`jti`) for
 * the receiver to recognise a repeat after a crash between its answer and our commit.
 */
@Injectable()
export class DeliveryWorker implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly inFlight = new AbortController();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly signer: AuditSigner,
    private readonly notifications: NotificationsService,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.notifications.onCommitted(() => this.wake());
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unsubscribe?.();
    this.inFlight.abort();
    await this.running;
  }

  /** Runs a round now (or right after the current one). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.round().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      } else this.schedule();
    });
  }

  /** One pass: due deliveries, then overdue urgent alerts. Never throws. */
  async round(): Promise<void> {
    try {
      let claimed: ClaimedDelivery[];
      do {
        claimed = await this.claim();
        await Promise.all(claimed.map((d) => this.attempt(d).catch((e) => this.failed(d, e))));
      } while (claimed.length === BATCH && !this.stopped);
      while (!this.stopped && (await this.escalate()) === BATCH);
    } catch (error) {
      if (!this.stopped)
        this.logger.warn(
          {
            event: 'delivery.round_failed',
            errorName: error instanceof Error ? error.name : 'unknown',
          },
          'delivery round failed; retried at the next poll',
        );
    }
  }

  /** A delivery whose attempt itself broke (signing, the database): retried, never stuck. */
  private async failed(delivery: ClaimedDelivery, error: unknown): Promise<void> {
    this.logger.warn(
      {
        event: 'delivery.attempt_failed',
        errorName: error instanceof Error ? error.name : 'unknown',
      },
      'delivery attempt failed; retried',
    );
    await this.fail(delivery, null, 'broker_error', false).catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.wake(), this.config.webhookPollMs);
    this.timer.unref();
  }

  private async claim(): Promise<ClaimedDelivery[]> {
    return this.dataSource.query(
      `WITH due AS (
         SELECT id FROM webhook_delivery
          WHERE status = 'pending' AND next_attempt_at <= now()
            AND (lease_until IS NULL OR lease_until < now())
          ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE webhook_delivery d
            SET lease_until = now() + make_interval(secs => $1), attempts = d.attempts + 1
           FROM due WHERE d.id = due.id
         RETURNING d.id, d.attempts, d.webhook_id, d.notification_id)
       SELECT c.id, c.attempts, w.url, w.status AS webhook_status, n.recipient_agency_id,
              n.id AS notification_id, n.kind, n.case_id, n.urgent, n.created_at, n.payload
         FROM claimed c JOIN webhook w ON w.id = c.webhook_id JOIN notification n ON n.id = c.notification_id`,
      [this.config.webhookLeaseSeconds, BATCH],
    );
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    if (delivery.webhook_status !== 'active')
      return this.fail(delivery, null, 'webhook_disabled', true);
    let status: number;
    try {
      const iat = Math.floor(Date.now() / 1000);
      const jws = await this.signer.signNotification({
        iss: this.config.audience,
        aud: delivery.recipient_agency_id,
        jti: delivery.id,
        iat,
        exp: iat + MESSAGE_LIFETIME_SECONDS,
        notificationId: delivery.notification_id,
        kind: delivery.kind,
        caseId: delivery.case_id,
        urgent: delivery.urgent,
        createdAt: delivery.created_at.toISOString(),
        message: delivery.payload,
      });
      status = await post(
        delivery.url,
        jws,
        {
          'content-type': 'application/jose',
          'filet-delivery-id': delivery.id,
          'filet-notification-id': delivery.notification_id,
        },
        AbortSignal.any([this.inFlight.signal, AbortSignal.timeout(this.config.webhookTimeoutMs)]),
        this.config.webhookAllowPrivate,
      );
    } catch (error) {
      if (this.stopped) return; // the lease runs out and another instance (or the next start) retries
      if (error instanceof ForbiddenAddressError)
        return this.fail(delivery, null, 'refused_address', true);
      // One code for refused, reset, unreachable and timed out: which one would let an agency map
      // what answers where.
      return this.fail(delivery, null, 'no_response', false);
    }
    if (status >= 200 && status < 300) {
      await this.dataSource.query(
        `UPDATE webhook_delivery SET status = 'delivered', delivered_at = now(), last_status = $2, lease_until = NULL
          WHERE id = $1 AND status = 'pending' AND attempts = $3`,
        [delivery.id, status, delivery.attempts],
      );
      return;
    }
    return this.fail(delivery, status, `http_${status}`, false);
  }

  private async fail(
    delivery: ClaimedDelivery,
    status: number | null,
    code: string,
    permanent: boolean,
  ): Promise<void> {
    const last = permanent || delivery.attempts >= this.config.webhookMaxAttempts;
    // Exponential backoff with jitter: base, 2×base, 4×base… each between half and the whole.
    const delay = Math.min(
      MAX_BACKOFF_MS,
      this.config.webhookRetryBaseMs * 2 ** (delivery.attempts - 1) * (0.5 + Math.random() / 2),
    );
    await this.dataSource.query(
      `UPDATE webhook_delivery
          SET status = $2, last_status = $3, last_error = $4, lease_until = NULL,
              next_attempt_at = now() + make_interval(secs => $5)
        WHERE id = $1 AND status = 'pending' AND attempts = $6`,
      [delivery.id, last ? 'failed' : 'pending', status, code, delay / 1000, delivery.attempts],
    );
    if (last)
      this.logger.warn(
        { event: 'delivery.given_up', code, count: delivery.attempts },
        'webhook delivery given up; the message stays in the inbox',
      );
  }

  /**
   * Urgent alerts unacknowledged past their delay go to the coordinator (the coordination agencies
   * assigned to the case, else every active coordination agency). Returns how many were escalated.
   */
  private async escalate(): Promise<number> {
    const ctx = systemContext('system:escalation');
    let escalated = 0;
    await this.audit.transaction(ctx, async ({ manager, record }) => {
      const overdue: {
        id: string;
        recipient_agency_id: string;
        case_id: string | null;
        kind: string;
        payload: Record<string, unknown>;
        created_at: Date;
      }[] = await manager.query(
        `SELECT id, recipient_agency_id, case_id, kind, payload, created_at FROM notification
          WHERE acknowledged_at IS NULL AND escalated_at IS NULL AND escalate_at <= now()
          ORDER BY escalate_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [BATCH],
      );
      escalated = overdue.length;
      for (const n of overdue) {
        const coordinators: { id: string }[] = await manager.query(
          `WITH assigned AS (
             SELECT a.id FROM agency a JOIN case_assignment ca ON ca.agency_id = a.id
              WHERE ca.case_id = $1 AND a.sector = 'coordination' AND a.status = 'active')
           SELECT id FROM assigned
           UNION
           SELECT id FROM agency WHERE sector = 'coordination' AND status = 'active'
              AND NOT EXISTS (SELECT 1 FROM assigned)`,
          [n.case_id],
        );
        const to = coordinators.map((c) => c.id).filter((id) => id !== n.recipient_agency_id);
        await manager.query('UPDATE notification SET escalated_at = now() WHERE id = $1', [n.id]);
        const ids = await this.notifications.notify(
          manager,
          to.map((recipientAgencyId) => ({
            recipientAgencyId,
            kind: 'escalation' as const,
            caseId: n.case_id,
            sourceId: n.id,
            urgent: true,
            payload: {
              notificationId: n.id,
              unacknowledgedBy: n.recipient_agency_id,
              since: n.created_at.toISOString(),
              kind: n.kind,
              caseId: n.case_id,
              riskChangeKind: n.payload.kind ?? null,
              label: n.payload.label ?? null,
            },
          })),
        );
        await record({
          action: 'notification.escalate',
          outcome: 'success',
          parties: [n.recipient_agency_id, ...to],
          targets: {
            notificationId: n.id,
            caseId: n.case_id ?? undefined,
            escalationIds: ids.length ? ids : undefined,
          },
          reasonCodes: ['unacknowledged'],
        });
      }
    });
    if (escalated > 0) this.notifications.committed();
    return escalated;
  }
}
