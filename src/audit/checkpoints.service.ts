import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { InjectLogger } from '../common/logging/logger.provider.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.provider.js';
import type { AuditLog } from './audit-log.js';
import { AuditSequencer } from './audit-sequencer.js';
import { AuditSigner, type CheckpointClaims } from './audit-signer.js';
import { AuditProblems } from './audit.problems.js';
import type { AuditContext } from './audit.types.js';
import { rootFromFrontier } from './core/merkle.js';

export interface Checkpoint {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly issuedAt: string;
  readonly keyId: string;
  readonly jws: string;
}

interface CheckpointRow {
  tree_size: string;
  root_hash: Buffer;
  issued_at: Date;
  key_id: string;
  jws: string;
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return {
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash.toString('base64'),
    issuedAt: row.issued_at.toISOString(),
    keyId: row.key_id,
    jws: row.jws,
  };
}

/**
 * Signed tree heads. Issued every N records, every T seconds when the log grew, and on demand. Any
 * broker instance may issue one; the tree size is the key, so two instances never disagree.
 */
@Injectable()
export class CheckpointsService implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private lastIssuedSize = 0;
  private issuing: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly signer: AuditSigner,
    private readonly sequencer: AuditSequencer,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.sequencer.onSequenced((treeSize) => {
      if (treeSize - this.lastIssuedSize >= this.config.checkpointEveryRecords)
        this.issueInBackground();
    });
    this.timer = setInterval(
      () => this.issueInBackground(),
      this.config.checkpointEverySeconds * 1000,
    );
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.issuing?.catch(() => undefined);
  }

  /** Signs the current tree head, unless a checkpoint for this size exists already. */
  async issue(manager: EntityManager = this.dataSource.manager): Promise<Checkpoint | undefined> {
    const [head]: { size: string; frontier: Buffer[] }[] = await manager.query(
      'SELECT size, frontier FROM audit_head WHERE id = 1',
    );
    const treeSize = Number(head.size);
    if (treeSize === 0) return undefined;
    const existing = await this.at(treeSize, manager);
    if (existing) return existing;
    const claims: CheckpointClaims = {
      log: this.config.audience,
      treeSize,
      rootHash: rootFromFrontier(head.frontier, treeSize).toString('base64'),
      issuedAt: new Date().toISOString(),
    };
    await manager.query(
      `INSERT INTO audit_checkpoint (tree_size, root_hash, issued_at, key_id, jws)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tree_size) DO NOTHING`,
      [
        treeSize,
        Buffer.from(claims.rootHash, 'base64'),
        claims.issuedAt,
        this.signer.keyId,
        await this.signer.signCheckpoint(claims),
      ],
    );
    this.lastIssuedSize = Math.max(this.lastIssuedSize, treeSize);
    return this.at(treeSize, manager);
  }

  async at(
    treeSize: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Checkpoint | undefined> {
    const rows: CheckpointRow[] = await manager.query(
      'SELECT * FROM audit_checkpoint WHERE tree_size = $1',
      [treeSize],
    );
    return rows[0] ? toCheckpoint(rows[0]) : undefined;
  }

  async latest(): Promise<Checkpoint | undefined> {
    const rows: CheckpointRow[] = await this.dataSource.query(
      'SELECT * FROM audit_checkpoint ORDER BY tree_size DESC LIMIT 1',
    );
    return rows[0] ? toCheckpoint(rows[0]) : undefined;
  }

  /** Newest first, `before` a tree size (cursor), at most `limit`. */
  async list(limit: number, before?: number): Promise<Checkpoint[]> {
    const rows: CheckpointRow[] = await this.dataSource.query(
      `SELECT * FROM audit_checkpoint WHERE ($1::bigint IS NULL OR tree_size < $1)
       ORDER BY tree_size DESC LIMIT $2`,
      [before ?? null, limit],
    );
    return rows.map(toCheckpoint);
  }

  private issueInBackground(): void {
    if (this.issuing) return;
    this.issuing = this.issue()
      .catch((error: unknown) => {
        this.logger.warn(
          {
            event: 'checkpoint.failed',
            errorName: error instanceof Error ? error.name : 'unknown',
          },
          'checkpoint failed',
        );
      })
      .finally(() => {
        this.issuing = undefined;
      });
  }
}

/**
 * A checkpoint issued on demand (`POST /v1/audit/checkpoints`, the console's integrity page): the
 * checkpoint and the record of its issue commit together; none to issue is a problem.
 */
export function issueRecordedCheckpoint(
  log: AuditLog,
  checkpoints: CheckpointsService,
  ctx: AuditContext,
): Promise<Checkpoint> {
  return log.transaction(ctx, async ({ manager, record }) => {
    const checkpoint = await checkpoints.issue(manager);
    if (!checkpoint) throw new DomainError(AuditProblems.noCheckpoint);
    await record({
      action: 'audit.checkpoint.issue',
      outcome: 'success',
      targets: { treeSize: checkpoint.treeSize },
    });
    return checkpoint;
  });
}
