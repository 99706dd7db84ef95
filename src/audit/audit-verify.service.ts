import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.provider.js';
import { partiesOf } from './audit-sequencer.js';
import { withLogSnapshot, type LogRow } from './audit-export.js';
import { AuditSigner } from './audit-signer.js';
import { LogVerifier, type VerifyReport } from './core/log-verifier.js';

/** Server-side verification adds the database's own search columns to what the offline verifier checks. */
export interface ServerVerifyReport extends Omit<VerifyReport, 'firstProblem'> {
  readonly firstProblem?: {
    readonly code: string;
    readonly seq?: number;
    readonly treeSize?: number;
  };
  readonly verifiedAt: string;
}

/** The search columns must say what the leaf says: a tampered column would mislead a search. */
function columnsMatchLeaf(row: LogRow): boolean {
  const record = JSON.parse(row.leaf) as {
    time: string;
    action: string;
    outcome: string;
    actor: { agencyId: string | null };
    basis?: string;
    targets?: { caseId?: string; personIds?: string[] };
  };
  const same = (a: readonly string[], b: readonly string[]): boolean =>
    a.length === b.length && a.every((x, i) => x === b[i]);
  return (
    record.time === row.recorded_at.toISOString() &&
    record.action === row.action &&
    record.outcome === row.outcome &&
    record.actor.agencyId === row.actor_agency_id &&
    (record.basis ?? null) === row.basis &&
    (record.targets?.caseId ?? null) === row.case_id &&
    same(record.targets?.personIds ?? [], row.person_ids) &&
    same(partiesOf(record as never), [...row.parties].sort())
  );
}

@Injectable()
export class AuditVerifyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly signer: AuditSigner,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Re-verifies the whole log now, against the broker's own keys (never keys stored in the database). */
  verify(): Promise<ServerVerifyReport> {
    return withLogSnapshot(this.dataSource, async (snapshot) => {
      const verifier = await LogVerifier.create({
        trusted: this.signer.publishedKeys,
        checkpoints: snapshot.checkpoints.map((c) => c.jws),
        log: this.config.audience,
      });
      let columnProblem: { code: string; seq: number } | undefined;
      for await (const row of snapshot.records()) {
        if (!verifier.addRecord(Number(row.seq), row.leaf, row.leaf_hash.toString('base64'))) break;
        if (!columnsMatchLeaf(row)) {
          columnProblem = { code: 'record.columns_mismatch', seq: Number(row.seq) };
          break;
        }
      }
      const report = verifier.finish(columnProblem ? undefined : snapshot.treeSize);
      // Verification stopped at the column problem: what `finish` says of the rest follows from that.
      const firstProblem = columnProblem ?? report.firstProblem;
      return {
        ...report,
        ok: !firstProblem,
        ...(firstProblem ? { firstProblem } : {}),
        verifiedAt: new Date().toISOString(),
      };
    });
  }
}
