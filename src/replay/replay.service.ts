import { Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.js';
import type { AuditContext, AuditEntry } from '../audit/audit.types.js';
import { hasRole, isTableOversight, type PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Localized } from '../common/i18n/language.js';
import { LOWER_UUID } from '../common/validation/patterns.js';
import { fromContent, PolicyBundleError, validatePolicyTexts } from '../policy/bundle-loader.js';
import type { PolicyBundle } from '../policy/bundle.types.js';
import { PolicyService } from '../policy/policy.service.js';
import {
  replayDecision,
  ReplayFailure,
  type DecisionSide,
  type ReplayChanges,
} from '../policy/replay.js';
import type { ReplayRequestDto } from './dto/replay-request.dto.js';
import { ReplayProblems } from './replay.problems.js';
import { ReplayRepository, type DecisionRecord } from './replay.repository.js';

/** Where the bundle replayed under came from. */
export type BundleSource = 'decision' | 'policy_bundle' | 'proposal';

export interface ReplayResponse {
  readonly decisionId: string;
  readonly requesterAgencyId: string;
  readonly dryRun: boolean;
  readonly decidedAt: string;
  /** The bundle replayed under: the decision's own, one once in force, or a proposal. */
  readonly bundle: { readonly hash: string; readonly source: BundleSource };
  /** For an upload: the stored proposal's hash, to name it in later replays. */
  readonly proposalHash?: string;
  readonly reproduced: boolean;
  readonly original: DecisionSide;
  readonly replayed: DecisionSide;
  readonly changes: ReplayChanges;
}

/** At most this many bundle problems in a problem document (a broken file can produce hundreds). */
const MAX_BUNDLE_PROBLEMS = 200;

const NOT_REPLAYABLE_DETAIL: Record<'bundle_missing' | ReplayFailure['reason'], Localized> = {
  bundle_missing: {
    fr: 'Le paquet de politiques en vigueur lors de la décision n’est pas conservé.',
    en: 'The policy bundle in force when the decision was made is not stored.',
  },
  engine_failed: {
    fr: 'Le moteur de décision ne peut pas s’appliquer : ce paquet ne décrit plus ce que la demande utilisait.',
    en: 'The decision engine cannot run: this bundle no longer describes what the request used.',
  },
  stored_decision_unreadable: {
    fr: 'La décision conservée n’a pas la forme attendue.',
    en: 'The stored decision does not have the expected shape.',
  },
};

/**
 * Replays a stored decision (DESIGN §3.1) for the table's oversight: under the bundle in force
 * then, which must reproduce it, or under another bundle — one once in force, or a proposal a legal
 * reviewer uploads — to show, side by side, what a policy change would have changed. Every replay
 * is recorded; an uploaded proposal is stored in the same transaction as that record.
 */
@Injectable()
export class ReplayService {
  constructor(
    private readonly audit: AuditLog,
    private readonly policy: PolicyService,
    private readonly decisions: ReplayRepository,
  ) {}

  async replay(
    caller: PrincipalContext,
    ctx: AuditContext,
    decisionId: string,
    input: ReplayRequestDto,
  ): Promise<ReplayResponse> {
    // A trace names every item evaluated and every holder's verdict: the table's oversight only;
    // anyone else is answered as if the decision did not exist.
    if (!isTableOversight(caller)) throw new DomainError(ReplayProblems.decisionNotFound);
    if (input.bundleHash !== undefined && input.bundle !== undefined)
      throw new DomainError(ReplayProblems.oneBundle);
    if (input.bundle !== undefined && !hasRole(caller, 'legal_reviewer')) {
      await this.audit.record(ctx, {
        action: 'auth.forbidden',
        outcome: 'failure',
        reasonCodes: [ReplayProblems.uploadForbidden.code],
        targets: { route: 'POST /v1/decisions/:id/replay', decisionId },
      });
      throw new DomainError(ReplayProblems.uploadForbidden);
    }
    const stored = await this.decisions.findDecision(decisionId);
    if (!stored) throw new DomainError(ReplayProblems.decisionNotFound);

    const upload = input.bundle ? this.proposed(input.bundle.files) : undefined;
    const target = upload
      ? { bundle: upload.bundle, source: 'proposal' as const }
      : await this.bundleFor(stored, input.bundleHash?.toLowerCase());
    if (!target.bundle) {
      await this.audit.record(ctx, this.failureEntry(stored, 'bundle_missing'));
      throw new DomainError(ReplayProblems.notReplayable, {
        detail: NOT_REPLAYABLE_DETAIL.bundle_missing,
      });
    }
    const bundle = target.bundle;

    let result: ReturnType<typeof replayDecision>;
    try {
      result = replayDecision(stored, bundle);
    } catch (error) {
      if (!(error instanceof ReplayFailure)) throw error;
      await this.audit.record(ctx, this.failureEntry(stored, error.reason, bundle.hash));
      throw new DomainError(ReplayProblems.notReplayable, {
        detail: NOT_REPLAYABLE_DETAIL[error.reason],
        cause: error.cause,
      });
    }

    const entry = this.replayEntry(stored, bundle.hash, target.source, result.reproduced, !!upload);
    if (upload) {
      await this.audit.transaction(ctx, async ({ manager, record }) => {
        await this.decisions.saveProposal(manager, {
          hash: bundle.hash,
          content: upload.content,
          agencyId: caller.agencyId,
          subject: caller.subject,
        });
        await record(entry);
      });
    } else {
      await this.audit.record(ctx, entry);
    }
    return {
      decisionId: stored.id,
      requesterAgencyId: stored.requesterAgencyId,
      dryRun: stored.dryRun,
      decidedAt: stored.decidedAt.toISOString(),
      bundle: { hash: bundle.hash, source: target.source },
      ...(upload ? { proposalHash: bundle.hash } : {}),
      reproduced: result.reproduced,
      original: result.original,
      replayed: result.replayed,
      changes: result.changes,
    };
  }

  /** An uploaded bundle, validated exactly as one on disk; 422 with every problem located. */
  private proposed(files: Readonly<Record<string, string>>): {
    bundle: PolicyBundle;
    content: Record<string, unknown>;
  } {
    try {
      const content = validatePolicyTexts(files);
      return { bundle: fromContent(content), content };
    } catch (error) {
      if (!(error instanceof PolicyBundleError)) throw error;
      const problems = error.problems.slice(0, MAX_BUNDLE_PROBLEMS);
      throw new DomainError(ReplayProblems.invalidBundle, {
        detail: {
          fr: `${error.problems.length} problème(s) : ${problems
            .slice(0, 3)
            .map((p) => `${p.file}:${p.line} ${p.path}`)
            .join('; ')}.`,
          en: `${error.problems.length} problem(s): ${problems
            .slice(0, 3)
            .map((p) => `${p.file}:${p.line} ${p.path}`)
            .join('; ')}.`,
        },
        extensions: {
          bundleProblems: problems.map(({ file, line, path, message }) => ({
            file,
            line,
            path,
            message,
          })),
        },
      });
    }
  }

  /** The decision's own bundle, or the one named: once in force, else a stored proposal (404). */
  private async bundleFor(
    stored: DecisionRecord,
    hash: string | undefined,
  ): Promise<{ bundle: PolicyBundle | undefined; source: BundleSource }> {
    if (hash === undefined)
      return { bundle: await this.inForceOnce(stored.policyBundleHash), source: 'decision' };
    const once = await this.inForceOnce(hash);
    if (once) return { bundle: once, source: 'policy_bundle' };
    const proposal = await this.decisions.findProposal(hash);
    if (!proposal) throw new DomainError(ReplayProblems.bundleNotFound);
    // Stored by its hash after validation: the content hashes to it again.
    return { bundle: fromContent(proposal), source: 'proposal' };
  }

  private async inForceOnce(hash: string): Promise<PolicyBundle | undefined> {
    const current = this.policy.current();
    return current.hash === hash ? current : this.policy.byHash(hash);
  }

  private parties(stored: DecisionRecord): string[] {
    const decision = stored.decision as Partial<DecisionRecord['decision']>;
    const holders = [...(decision.released ?? []), ...(decision.pending ?? [])]
      .map((r) => r?.holderAgencyId)
      .filter((id): id is string => typeof id === 'string' && LOWER_UUID.test(id));
    return [stored.requesterAgencyId, ...holders];
  }

  private replayEntry(
    stored: DecisionRecord,
    hash: string,
    source: BundleSource,
    reproduced: boolean,
    uploaded: boolean,
  ): AuditEntry {
    return {
      action: 'decision.replay',
      outcome: 'success',
      parties: this.parties(stored),
      targets: {
        decisionId: stored.id,
        caseId: stored.caseId,
        personIds: [stored.personId],
      },
      reasonCodes: [
        reproduced ? 'reproduced' : 'changed',
        `bundle_${source}`,
        ...(uploaded ? ['proposal_uploaded'] : []),
      ],
      policyBundleHash: hash,
    };
  }

  private failureEntry(
    stored: DecisionRecord,
    reason: keyof typeof NOT_REPLAYABLE_DETAIL,
    hash?: string,
  ): AuditEntry {
    return {
      action: 'decision.replay',
      outcome: 'failure',
      parties: this.parties(stored),
      targets: { decisionId: stored.id, caseId: stored.caseId, personIds: [stored.personId] },
      reasonCodes: [ReplayProblems.notReplayable.code, reason],
      policyBundleHash: hash,
    };
  }
}
