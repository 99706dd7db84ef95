import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isCoordinationPrivacyOfficer, type PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { AuditProblems } from './audit.problems.js';
import { treeReader } from './audit-tree.js';
import { CheckpointsService, type Checkpoint } from './checkpoints.service.js';
import { consistencyProof, inclusionProof, subtreeHash } from './core/merkle.js';

export interface InclusionProofView {
  readonly seq: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly rootHash: string;
  readonly proof: string[];
  /** The signed checkpoint at `treeSize`, when there is one. */
  readonly checkpoint: Checkpoint | null;
}

export interface ConsistencyProofView {
  readonly from: number;
  readonly to: number;
  readonly fromRoot: string;
  readonly toRoot: string;
  readonly proof: string[];
}

const b64 = (hash: Buffer): string => hash.toString('base64');

/** RFC 6962 proofs served from the stored tree, O(log n) node reads each. */
@Injectable()
export class AuditProofsService {
  private readonly reader;

  constructor(
    private readonly dataSource: DataSource,
    private readonly checkpoints: CheckpointsService,
  ) {
    this.reader = treeReader(dataSource);
  }

  async size(): Promise<number> {
    const [head]: { size: string }[] = await this.dataSource.query(
      'SELECT size FROM audit_head WHERE id = 1',
    );
    return Number(head.size);
  }

  /**
   * Inclusion of record `seq` in the tree of `treeSize` (default: the latest checkpoint covering it,
   * else the current size). The coordinating agency's privacy officers may prove any record; an agency only those it is party
   * to — others answer 404, as if they did not exist.
   */
  async inclusion(
    caller: PrincipalContext,
    seq: number,
    treeSize?: number,
  ): Promise<InclusionProofView> {
    const rows: { leaf_hash: Buffer; parties: string[] }[] = await this.dataSource.query(
      'SELECT leaf_hash, parties FROM audit_record WHERE seq = $1',
      [seq],
    );
    const record = rows[0];
    if (
      !record ||
      !(isCoordinationPrivacyOfficer(caller) || record.parties.includes(caller.agencyId))
    ) {
      throw new DomainError(AuditProblems.recordNotFound);
    }
    const size = await this.size();
    const latest = await this.checkpoints.latest();
    const target = treeSize ?? (latest && latest.treeSize > seq ? latest.treeSize : size);
    if (target <= seq || target > size) throw new DomainError(AuditProblems.badTreeSize);
    const [proof, root] = await Promise.all([
      inclusionProof(this.reader, seq, target),
      subtreeHash(this.reader, 0, target),
    ]);
    return {
      seq,
      treeSize: target,
      leafHash: b64(record.leaf_hash),
      rootHash: b64(root),
      proof: proof.map(b64),
      checkpoint: (await this.checkpoints.at(target)) ?? null,
    };
  }

  async consistency(from: number, to: number): Promise<ConsistencyProofView> {
    const size = await this.size();
    if (from < 1 || from > to || to > size) throw new DomainError(AuditProblems.badTreeSize);
    const [proof, fromRoot, toRoot] = await Promise.all([
      consistencyProof(this.reader, from, to),
      subtreeHash(this.reader, 0, from),
      subtreeHash(this.reader, 0, to),
    ]);
    return { from, to, fromRoot: b64(fromRoot), toRoot: b64(toRoot), proof: proof.map(b64) };
  }
}
