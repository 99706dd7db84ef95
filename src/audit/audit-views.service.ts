import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { isCoordinationPrivacyOfficer, type PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { AuditLog } from './audit-log.js';
import { AuditProblems } from './audit.problems.js';
import type { AuditContext } from './audit.types.js';
import type { HoldReason } from './audit.entities.js';

/** The action under which a holder's release of information to a recipient is recorded. */
export const COMMUNICATION_ACTION = 'disclosure.release';
const RELEASED = ['permit', 'partial'];

export interface RecordView {
  readonly seq: number;
  readonly recordedAt: string;
  readonly leafHash: string;
  /** The record exactly as hashed into the log. */
  readonly record: Record<string, unknown>;
}

export interface RecordSearch {
  readonly agencyId?: string;
  readonly caseId?: string;
  readonly personId?: string;
  readonly basis?: string;
  readonly outcome?: string;
  readonly action?: string;
  readonly from?: string;
  readonly to?: string;
  /** Cursor: only records older than this sequence number. */
  readonly before?: number;
  readonly limit: number;
}

/** One line of the register of communications (Quebec s.67.3; DESIGN §3.3, §4). */
export interface CommunicationEntry {
  readonly seq: number;
  readonly date: string;
  readonly holderAgencyId: string | null;
  readonly recipientAgencyId: string | null;
  readonly categories: readonly string[];
  readonly purpose: string | null;
  readonly basis: string | null;
  readonly reasonCodes: readonly string[];
  readonly caseId: string | null;
  readonly decisionId: string | null;
}

export interface HoldView {
  readonly id: string;
  readonly seq: number;
  readonly reason: HoldReason;
  readonly heldByAgencyId: string;
  readonly heldAt: string;
  readonly releasedAt: string | null;
}

interface RecordRow {
  seq: string;
  recorded_at: Date;
  leaf_hash: Buffer;
  leaf: string;
}

interface Leaf {
  outcome?: string;
  categories?: string[];
  purpose?: string;
  basis?: string;
  reasonCodes?: string[];
  targets?: {
    holderAgencyId?: string;
    recipientAgencyId?: string;
    caseId?: string;
    decisionId?: string;
  };
}

function toView(row: RecordRow): RecordView {
  return {
    seq: Number(row.seq),
    recordedAt: row.recorded_at.toISOString(),
    leafHash: row.leaf_hash.toString('base64'),
    record: JSON.parse(row.leaf) as Record<string, unknown>,
  };
}

function toCommunication(row: RecordRow): CommunicationEntry {
  const leaf = JSON.parse(row.leaf) as Leaf;
  return {
    seq: Number(row.seq),
    date: row.recorded_at.toISOString(),
    holderAgencyId: leaf.targets?.holderAgencyId ?? null,
    recipientAgencyId: leaf.targets?.recipientAgencyId ?? null,
    categories: leaf.categories ?? [],
    purpose: leaf.purpose ?? null,
    basis: leaf.basis ?? null,
    reasonCodes: leaf.reasonCodes ?? [],
    caseId: leaf.targets?.caseId ?? null,
    decisionId: leaf.targets?.decisionId ?? null,
  };
}

/** Builds `WHERE` clauses with numbered parameters; values never enter the SQL text. */
class Where {
  private readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  add(sql: (param: string) => string, value: unknown): this {
    this.params.push(value);
    this.clauses.push(sql(`$${this.params.length}`));
    return this;
  }
  get sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/**
 * What privacy officers read (DESIGN §4): search, the register of communications, the subject access
 * report with its safety holds. The coordinating agency's officers see every record; another
 * agency's officers see the records their agency is party to. Every read is recorded first.
 */
@Injectable()
export class AuditViewsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: AuditLog,
  ) {}

  async search(
    caller: PrincipalContext,
    ctx: AuditContext,
    query: RecordSearch,
  ): Promise<{ items: RecordView[]; next: number | null }> {
    const where = this.scope(caller);
    if (query.agencyId) where.add((p) => `parties @> ARRAY[${p}]::uuid[]`, query.agencyId);
    if (query.caseId) where.add((p) => `case_id = ${p}`, query.caseId);
    if (query.personId) where.add((p) => `person_ids @> ARRAY[${p}]::uuid[]`, query.personId);
    if (query.basis) where.add((p) => `basis = ${p}`, query.basis);
    if (query.outcome) where.add((p) => `outcome = ${p}`, query.outcome);
    if (query.action) where.add((p) => `action = ${p}`, query.action);
    if (query.from) where.add((p) => `recorded_at >= ${p}`, query.from);
    if (query.to) where.add((p) => `recorded_at < ${p}`, query.to);
    if (query.before !== undefined) where.add((p) => `seq < ${p}`, query.before);
    const rows: RecordRow[] = await this.dataSource.query(
      `SELECT seq, recorded_at, leaf_hash, leaf FROM audit_record ${where.sql} ORDER BY seq DESC LIMIT ${query.limit + 1}`,
      where.params,
    );
    const items = rows.slice(0, query.limit).map(toView);
    // Recorded after reading (a search never finds itself) and before answering (fail closed).
    await this.log.record(ctx, {
      action: 'audit.search',
      outcome: 'success',
      targets: {
        agencyId: query.agencyId,
        caseId: query.caseId,
        personIds: query.personId ? [query.personId] : undefined,
      },
    });
    return { items, next: rows.length > query.limit ? items[items.length - 1].seq : null };
  }

  async record(caller: PrincipalContext, ctx: AuditContext, seq: number): Promise<RecordView> {
    const where = this.scope(caller).add((p) => `seq = ${p}`, seq);
    const rows: RecordRow[] = await this.dataSource.query(
      `SELECT seq, recorded_at, leaf_hash, leaf FROM audit_record ${where.sql}`,
      where.params,
    );
    if (!rows[0]) throw new DomainError(AuditProblems.recordNotFound);
    await this.log.record(ctx, {
      action: 'audit.read',
      outcome: 'success',
      targets: { recordSeq: seq },
    });
    return toView(rows[0]);
  }

  /** The holder's register: every release of information it made, to whom, why and on which basis. */
  async register(
    caller: PrincipalContext,
    ctx: AuditContext,
    holder: string,
    from?: string,
    to?: string,
  ): Promise<CommunicationEntry[]> {
    const holderAgencyId = holder.toLowerCase();
    if (!isCoordinationPrivacyOfficer(caller) && caller.agencyId !== holderAgencyId) {
      throw new DomainError(AuditProblems.recordNotFound);
    }
    const where = this.communications().add(
      (p) => `leaf::jsonb #>> '{targets,holderAgencyId}' = ${p}`,
      holderAgencyId,
    );
    if (from) where.add((p) => `recorded_at >= ${p}`, from);
    if (to) where.add((p) => `recorded_at < ${p}`, to);
    const rows: RecordRow[] = await this.dataSource.query(
      `SELECT seq, recorded_at, leaf_hash, leaf FROM audit_record ${where.sql} ORDER BY seq`,
      where.params,
    );
    await this.log.record(ctx, {
      action: 'audit.register',
      outcome: 'success',
      targets: { agencyId: holderAgencyId },
    });
    return rows.map(toCommunication);
  }

  /**
   * Who received what about a person, when and on which basis; entries under a safety hold are left
   * out, and only their number is given, to the privacy officer preparing the answer.
   */
  async subjectReport(
    caller: PrincipalContext,
    ctx: AuditContext,
    personId: string,
  ): Promise<{
    personId: string;
    generatedAt: string;
    entries: CommunicationEntry[];
    heldEntries: number;
  }> {
    const where = this.communications(this.scope(caller)).add(
      (p) => `person_ids @> ARRAY[${p}]::uuid[]`,
      personId,
    );
    const rows: (RecordRow & { held: boolean })[] = await this.dataSource.query(
      `SELECT seq, recorded_at, leaf_hash, leaf,
              EXISTS (SELECT 1 FROM audit_hold h WHERE h.seq = audit_record.seq AND h.released_at IS NULL) AS held
         FROM audit_record ${where.sql} ORDER BY seq`,
      where.params,
    );
    await this.log.record(ctx, {
      action: 'audit.subject_report',
      outcome: 'success',
      targets: { personIds: [personId] },
    });
    return {
      personId,
      generatedAt: new Date().toISOString(),
      entries: rows.filter((r) => !r.held).map(toCommunication),
      heldEntries: rows.filter((r) => r.held).length,
    };
  }

  async hold(
    caller: PrincipalContext,
    ctx: AuditContext,
    seq: number,
    reason: HoldReason,
  ): Promise<HoldView> {
    // Only the holder that released the information, or the coordinating agency, may hold it back.
    const found: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM audit_record
        WHERE seq = $1 AND ($2 OR leaf::jsonb #>> '{targets,holderAgencyId}' = $3::text)`,
      [seq, isCoordinationPrivacyOfficer(caller), caller.agencyId],
    );
    if (found.length === 0) throw new DomainError(AuditProblems.recordNotFound);
    try {
      return await this.log.transaction(ctx, async ({ manager, record }) => {
        const [row]: HoldRow[] = await manager.query(
          `INSERT INTO audit_hold (seq, reason, held_by_agency_id) VALUES ($1, $2, $3) RETURNING *`,
          [seq, reason, caller.agencyId],
        );
        await record({
          action: 'audit.hold',
          outcome: 'success',
          targets: { recordSeq: seq, holdId: row.id },
          reasonCodes: [reason],
        });
        return toHold(row);
      });
    } catch (error) {
      const code =
        error instanceof QueryFailedError
          ? (error.driverError as { code?: string }).code
          : undefined;
      if (code === '23505') throw new DomainError(AuditProblems.alreadyHeld);
      throw error;
    }
  }

  async release(caller: PrincipalContext, ctx: AuditContext, holdId: string): Promise<HoldView> {
    return this.log.transaction(ctx, async ({ manager, record }) => {
      // Only the agency that placed the hold, or the coordinating agency, lifts it.
      // (TypeORM answers an UPDATE … RETURNING with [rows, affected].)
      const [[row]]: [HoldRow[], number] = await manager.query(
        `UPDATE audit_hold SET released_at = now(), released_by_agency_id = $2
          WHERE id = $1 AND released_at IS NULL AND ($3 OR held_by_agency_id = $2)
          RETURNING *`,
        [holdId, caller.agencyId, isCoordinationPrivacyOfficer(caller)],
      );
      if (!row) throw new DomainError(AuditProblems.holdNotFound);
      await record({
        action: 'audit.hold.release',
        outcome: 'success',
        targets: { recordSeq: Number(row.seq), holdId },
      });
      return toHold(row);
    });
  }

  async holds(
    caller: PrincipalContext,
    ctx: AuditContext,
    activeOnly: boolean,
  ): Promise<HoldView[]> {
    const rows: HoldRow[] = await this.dataSource.query(
      `SELECT h.* FROM audit_hold h
        WHERE ($1 OR h.held_by_agency_id = $2) AND (NOT $3 OR h.released_at IS NULL)
        ORDER BY h.held_at DESC LIMIT 500`,
      [isCoordinationPrivacyOfficer(caller), caller.agencyId, activeOnly],
    );
    await this.log.record(ctx, { action: 'audit.holds.list', outcome: 'success' });
    return rows.map(toHold);
  }

  private scope(caller: PrincipalContext): Where {
    const where = new Where();
    if (!isCoordinationPrivacyOfficer(caller))
      where.add((p) => `parties @> ARRAY[${p}]::uuid[]`, caller.agencyId);
    return where;
  }

  private communications(where = new Where()): Where {
    return where
      .add((p) => `action = ${p}`, COMMUNICATION_ACTION)
      .add((p) => `outcome = ANY(${p})`, RELEASED);
  }
}

interface HoldRow {
  id: string;
  seq: string;
  reason: HoldReason;
  held_by_agency_id: string;
  held_at: Date;
  released_at: Date | null;
}

function toHold(row: HoldRow): HoldView {
  return {
    id: row.id,
    seq: Number(row.seq),
    reason: row.reason,
    heldByAgencyId: row.held_by_agency_id,
    heldAt: row.held_at.toISOString(),
    releasedAt: row.released_at ? row.released_at.toISOString() : null,
  };
}
