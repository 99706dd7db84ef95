import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A consent whose period ran out, locked: what its audit record names. */
export interface ExpiredConsent {
  readonly id: string;
  readonly caseId: string;
  readonly personId: string;
  readonly version: number;
  readonly categories: readonly string[];
  /** The case's referring and assigned agencies, then the consent's recipients. */
  readonly parties: readonly string[];
}

/** A version of an agreement that is not over: in force, suspended, or a draft awaiting signatures. */
export interface OpenAgreementVersion {
  readonly agreementId: string;
  readonly version: number;
  readonly status: 'active' | 'suspended' | 'draft';
  readonly effectiveTo: Date | null;
  readonly parties: readonly string[];
}

/** A risk change whose free text is past its retention, locked. */
export interface ExpiredRiskChange {
  readonly id: string;
  readonly caseId: string;
  readonly personIds: readonly string[];
  /** The reporter and the case's referring and assigned agencies. */
  readonly parties: readonly string[];
}

/** A notification whose free text was purged, or is to be. */
export interface PurgedNotification {
  readonly id: string;
  readonly sourceId: string | null;
  readonly caseId: string | null;
  readonly recipientAgencyId: string;
}

/** The free text an alert may carry (DESIGN §2 Notification); the rest of the message stays. */
const ALERT_TEXT_KEYS = ['summary', 'contactPoint'];

/**
 * What retention reads and changes across features, in SQL that says what it does. Every `lock…`
 * takes its rows `FOR UPDATE SKIP LOCKED`, so concurrent runs (several broker instances on one
 * database) share the work instead of waiting for, or repeating, each other; each re-checks its
 * condition on the row it locks (PostgreSQL re-evaluates it on the latest version), so a row a
 * concurrent run finished meanwhile is left out. Changes go only to the columns the broker's role
 * may update (migrations: workflows, agreements).
 */
@Injectable()
export class RetentionRepository {
  /** Consents whose current version is active, with a period ended by `at`, not yet marked ended. */
  async lockExpiredConsents(
    at: Date,
    limit: number,
    manager: EntityManager,
  ): Promise<ExpiredConsent[]> {
    const rows: {
      id: string;
      case_id: string;
      person_id: string;
      version: number;
      categories: string[];
      parties: string[];
    }[] = await manager.query(
      `SELECT c.id, c.case_id, c.person_id, v.version, v.categories,
              ARRAY[f.referring_agency_id]
                || ARRAY(SELECT a.agency_id FROM case_assignment a WHERE a.case_id = c.case_id ORDER BY a.agency_id)
                || v.recipient_agency_ids AS parties
         FROM consent c
         JOIN consent_version v ON v.consent_id = c.id AND v.version = c.current_version
         JOIN case_file f ON f.id = c.case_id
        WHERE c.ended_at IS NULL AND v.status = 'active' AND v.valid_until <= $1
        ORDER BY c.id
        LIMIT $2
          FOR UPDATE OF c SKIP LOCKED`,
      [at, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      personId: r.person_id,
      version: r.version,
      categories: r.categories,
      parties: [...new Set(r.parties)],
    }));
  }

  async markConsentsEnded(ids: readonly string[], at: Date, manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.query('UPDATE consent SET ended_at = $2 WHERE id = ANY($1::uuid[])', [
      [...ids],
      at,
    ]);
  }

  /**
   * Locks (and marks changed, as every change to an agreement does) up to `limit` agreements with
   * a version in force or suspended whose term ended by `at`. The lock is the one every lifecycle
   * change takes first, so a signature, suspension or termination in progress is never raced.
   */
  async lockAgreementsPastTerm(at: Date, limit: number, manager: EntityManager): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await manager.query(
      `WITH due AS (
         SELECT a.id FROM agreement a
          WHERE EXISTS (SELECT 1 FROM agreement_version v
                         WHERE v.agreement_id = a.id AND v.status IN ('active', 'suspended')
                           AND v.effective_to <= $1)
          ORDER BY a.id
          LIMIT $2
            FOR UPDATE SKIP LOCKED)
       UPDATE agreement a SET updated_at = $1 FROM due WHERE a.id = due.id RETURNING a.id`,
      [at, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The versions of these (locked) agreements that are not over, read after the lock: a change
   * committed by another transaction before it is seen here.
   */
  async findOpenVersions(
    agreementIds: readonly string[],
    manager: EntityManager,
  ): Promise<OpenAgreementVersion[]> {
    if (agreementIds.length === 0) return [];
    const rows: {
      agreement_id: string;
      version: number;
      status: OpenAgreementVersion['status'];
      effective_to: Date | null;
      parties: string[];
    }[] = await manager.query(
      `SELECT v.agreement_id, v.version, v.status, v.effective_to,
              ARRAY(SELECT p.agency_id FROM agreement_party p
                     WHERE p.agreement_id = v.agreement_id AND p.version = v.version
                     ORDER BY p.position) AS parties
         FROM agreement_version v
        WHERE v.agreement_id = ANY($1::uuid[]) AND v.status IN ('active', 'suspended', 'draft')
        ORDER BY v.agreement_id, v.version`,
      [[...agreementIds]],
    );
    return rows.map((r) => ({
      agreementId: r.agreement_id,
      version: r.version,
      status: r.status,
      effectiveTo: r.effective_to,
      parties: r.parties,
    }));
  }

  /**
   * Ends a version whose term is over as a termination does (the agreement is over; only a new
   * agreement, signed anew, can follow it), with `expired` as its reason and no agency as its
   * author. A version in force stopped being in force at the end of its term, which becomes its
   * end; a suspended one keeps the time of its suspension.
   */
  async expireVersion(agreementId: string, version: number, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE agreement_version
          SET status = 'terminated', ended_at = COALESCE(ended_at, effective_to),
              end_reason = 'expired', ended_by_agency_id = NULL
        WHERE agreement_id = $1 AND version = $2`,
      [agreementId, version],
    );
  }

  /** A draft cut off with the agreement it would have amended: signatures given do not carry over. */
  async withdrawDraft(
    agreementId: string,
    version: number,
    at: Date,
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `UPDATE agreement_version SET status = 'withdrawn', ended_at = $3
        WHERE agreement_id = $1 AND version = $2`,
      [agreementId, version, at],
    );
  }

  /** Risk changes reported by `cutoff` whose free text has not been purged yet. */
  async lockRiskChangesPastContent(
    cutoff: Date,
    limit: number,
    manager: EntityManager,
  ): Promise<ExpiredRiskChange[]> {
    const rows: { id: string; case_id: string; person_ids: string[]; parties: string[] }[] =
      await manager.query(
        `SELECT r.id, r.case_id, r.person_ids,
                ARRAY[r.reported_by_agency_id, f.referring_agency_id]
                  || ARRAY(SELECT a.agency_id FROM case_assignment a WHERE a.case_id = r.case_id ORDER BY a.agency_id)
                  AS parties
           FROM risk_change r
           JOIN case_file f ON f.id = r.case_id
          WHERE r.purged_at IS NULL AND r.created_at <= $1
          ORDER BY r.id
          LIMIT $2
            FOR UPDATE OF r SKIP LOCKED`,
        [cutoff, limit],
      );
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      personIds: r.person_ids,
      parties: [...new Set(r.parties)],
    }));
  }

  /**
   * Clears the summary and contact point of these (locked) risk changes and of every notification
   * made of them; the rest (kind, persons, dates, who reported) stays. Returns the notifications.
   */
  async purgeRiskChanges(
    ids: readonly string[],
    at: Date,
    manager: EntityManager,
  ): Promise<PurgedNotification[]> {
    if (ids.length === 0) return [];
    await manager.query(
      `UPDATE risk_change SET summary = NULL, contact_point = NULL, purged_at = $2
        WHERE id = ANY($1::uuid[])`,
      [[...ids], at],
    );
    const [rows]: [NotificationRow[], number] = await manager.query(
      `UPDATE notification SET payload = payload - $3::text[], purged_at = $2
        WHERE source_id = ANY($1::uuid[]) AND purged_at IS NULL
        RETURNING id, source_id, case_id, recipient_agency_id`,
      [[...ids], at, ALERT_TEXT_KEYS],
    );
    return rows.map(toNotification);
  }

  /**
   * Notifications created by `cutoff` that still carry free text and that no purged risk change
   * took with it (an escalation of an alert, made later, for one).
   */
  async lockNotificationsPastContent(
    cutoff: Date,
    limit: number,
    manager: EntityManager,
  ): Promise<PurgedNotification[]> {
    const rows: NotificationRow[] = await manager.query(
      `SELECT n.id, n.source_id, n.case_id, n.recipient_agency_id
         FROM notification n
        WHERE n.purged_at IS NULL AND n.created_at <= $1 AND n.payload ?| $3::text[]
        ORDER BY n.id
        LIMIT $2
          FOR UPDATE SKIP LOCKED`,
      [cutoff, limit, ALERT_TEXT_KEYS],
    );
    return rows.map(toNotification);
  }

  async purgeNotifications(
    ids: readonly string[],
    at: Date,
    manager: EntityManager,
  ): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE notification SET payload = payload - $3::text[], purged_at = $2
        WHERE id = ANY($1::uuid[])`,
      [[...ids], at, ALERT_TEXT_KEYS],
    );
  }
}

interface NotificationRow {
  id: string;
  source_id: string | null;
  case_id: string | null;
  recipient_agency_id: string;
}

function toNotification(row: NotificationRow): PurgedNotification {
  return {
    id: row.id,
    sourceId: row.source_id,
    caseId: row.case_id,
    recipientAgencyId: row.recipient_agency_id,
  };
}
