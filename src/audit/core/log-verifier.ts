import {
  verifySigned,
  CHECKPOINT_TYPE,
  RECEIPT_TYPE,
  type CheckpointClaims,
} from '../audit-signer.js';
import type { PublishedKey } from '../broker-keys.js';
import type { ReceiptClaims } from '../audit.types.js';
import { canonicalize } from './canonical-json.js';
import { appendLeaf, leafHash, rootFromFrontier } from './merkle.js';

/** The first thing that does not verify, named precisely enough to find it in the database. */
export interface VerifyProblem {
  readonly code:
    | 'record.missing'
    | 'record.out_of_order'
    | 'record.unreadable'
    | 'record.seq_mismatch'
    | 'record.hash_mismatch'
    | 'checkpoint.bad_signature'
    | 'checkpoint.wrong_log'
    | 'checkpoint.root_mismatch'
    | 'checkpoint.equivocation'
    | 'checkpoint.beyond_log'
    | 'receipt.bad_signature'
    | 'receipt.not_in_log'
    | 'log.size_mismatch';
  readonly seq?: number;
  readonly treeSize?: number;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly treeSize: number;
  readonly recordsChecked: number;
  readonly checkpointsChecked: number;
  readonly receiptsChecked: number;
  /** The largest checkpoint verified: records beyond it are not yet protected by a signature. */
  readonly lastCheckpointSize: number;
  readonly unanchoredRecords: number;
  readonly firstProblem?: VerifyProblem;
}

/**
 * Verifies a log end to end from its records, in order: gapless sequence numbers, each leaf's hash,
 * and at every checkpoint's size the recomputed root against the signed one. Roots recomputed from
 * one sequence of leaves are consistent with each other by construction, so consecutive checkpoints
 * that both match are consistent. Signatures are checked only against the keys it is told to trust.
 * Pure: no database, no network; the broker's `/v1/audit/verify` and the offline CLI both use it.
 */
export class LogVerifier {
  private frontier: Buffer[] = [];
  private size = 0;
  private problem: VerifyProblem | undefined;
  private checkpointsChecked = 0;
  private receiptsChecked = 0;
  private readonly checkpointRoots = new Map<number, string>();
  private readonly receipts = new Map<number, ReceiptClaims>();

  /**
   * @param checkpoints compact JWS checkpoints, any order
   * @param receipts compact JWS receipts to check against the records
   * @param log the log's name as checkpoints state it (the broker's audience); unchecked if omitted
   */
  static async create(options: {
    trusted: readonly PublishedKey[];
    checkpoints: readonly string[];
    receipts?: readonly string[];
    log?: string;
  }): Promise<LogVerifier> {
    const verifier = new LogVerifier();
    for (const jws of options.checkpoints) {
      const signed = await verifySigned<CheckpointClaims>(jws, CHECKPOINT_TYPE, options.trusted);
      if (!signed) return verifier.withProblem({ code: 'checkpoint.bad_signature' });
      const { treeSize, rootHash, log } = signed.claims;
      if (options.log !== undefined && log !== options.log) {
        return verifier.withProblem({ code: 'checkpoint.wrong_log', treeSize });
      }
      // Two signed heads of one size with different roots: the log was forked.
      const seen = verifier.checkpointRoots.get(treeSize);
      if (seen !== undefined && seen !== rootHash) {
        return verifier.withProblem({ code: 'checkpoint.equivocation', treeSize });
      }
      verifier.checkpointRoots.set(treeSize, rootHash);
    }
    for (const jws of options.receipts ?? []) {
      const signed = await verifySigned<ReceiptClaims>(jws, RECEIPT_TYPE, options.trusted);
      if (!signed) return verifier.withProblem({ code: 'receipt.bad_signature' });
      verifier.receipts.set(signed.claims.seq, signed.claims);
    }
    return verifier;
  }

  get failed(): boolean {
    return this.problem !== undefined;
  }

  /** Feeds the next record; `storedHash` (base64) is the hash the source claims for it. */
  addRecord(seq: number, leaf: string, storedHash?: string): boolean {
    if (this.problem) return false;
    if (seq !== this.size) {
      return this.fail({
        code: seq > this.size ? 'record.missing' : 'record.out_of_order',
        seq: this.size,
      });
    }
    let parsed: { seq?: unknown };
    try {
      parsed = JSON.parse(leaf) as { seq?: unknown };
      if (canonicalize(parsed) !== leaf) throw new Error('not canonical');
    } catch {
      return this.fail({ code: 'record.unreadable', seq });
    }
    if (parsed.seq !== seq) return this.fail({ code: 'record.seq_mismatch', seq });
    const hash = leafHash(Buffer.from(leaf, 'utf8'));
    const hashB64 = hash.toString('base64');
    if (storedHash !== undefined && storedHash !== hashB64)
      return this.fail({ code: 'record.hash_mismatch', seq });
    const receipt = this.receipts.get(seq);
    if (receipt) {
      if (receipt.leafHash !== hashB64) return this.fail({ code: 'receipt.not_in_log', seq });
      this.receiptsChecked++;
    }
    this.frontier = appendLeaf(this.frontier, this.size, hash).frontier;
    this.size++;
    const signedRoot = this.checkpointRoots.get(this.size);
    if (signedRoot !== undefined) {
      if (rootFromFrontier(this.frontier, this.size).toString('base64') !== signedRoot) {
        return this.fail({ code: 'checkpoint.root_mismatch', treeSize: this.size, seq });
      }
      this.checkpointsChecked++;
    }
    return true;
  }

  /** Ends the run. `expectedSize` is the size the source claims (e.g. the tree head), if any. */
  finish(expectedSize?: number): VerifyReport {
    if (!this.problem) {
      const beyond = [...this.checkpointRoots.keys()]
        .filter((size) => size > this.size)
        .sort((a, b) => a - b)[0];
      const lostReceipt = [...this.receipts.keys()]
        .filter((seq) => seq >= this.size)
        .sort((a, b) => a - b)[0];
      if (beyond !== undefined)
        this.fail({ code: 'checkpoint.beyond_log', treeSize: beyond, seq: this.size });
      else if (lostReceipt !== undefined)
        this.fail({ code: 'receipt.not_in_log', seq: lostReceipt });
      else if (expectedSize !== undefined && expectedSize !== this.size) {
        this.fail({ code: 'log.size_mismatch', treeSize: expectedSize, seq: this.size });
      }
    }
    const lastCheckpointSize = Math.max(
      0,
      ...[...this.checkpointRoots.keys()].filter((size) => size <= this.size),
    );
    return {
      ok: !this.problem,
      treeSize: this.size,
      recordsChecked: this.size,
      checkpointsChecked: this.checkpointsChecked,
      receiptsChecked: this.receiptsChecked,
      lastCheckpointSize,
      unanchoredRecords: this.size - lastCheckpointSize,
      ...(this.problem ? { firstProblem: this.problem } : {}),
    };
  }

  /** Keeps the first problem only; returns false so a check can `return this.fail(…)`. */
  private fail(problem: VerifyProblem): false {
    this.problem ??= problem;
    return false;
  }

  private withProblem(problem: VerifyProblem): this {
    this.fail(problem);
    return this;
  }
}
