import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import type { AuditContext } from '../audit/audit.types.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { CaseStage } from '../policy/facts.js';
import { PolicyService } from '../policy/policy.service.js';
import { caseParties } from './case-access.js';
import type { CaseEntity } from './case.entity.js';
import { CaseRepository } from './case.repository.js';
import type { CloseReason, TargetStage } from './case.types.js';
import { CaseProblems } from './cases.problems.js';
import type { StageChangeDto } from './dto/case-input.dto.js';
import { CaseDto } from './dto/case-view.dto.js';
import { decideThreshold, thresholdsOf, type ThresholdDecision } from './threshold.js';

/** The Four Filter path (DESIGN §2): forward only; a case may close from any open stage. */
const NEXT: Readonly<Record<CaseStage, readonly TargetStage[]>> = {
  deidentified: ['high_risk_confirmed', 'closed'],
  high_risk_confirmed: ['active', 'closed'],
  active: ['closed'],
  closed: [],
};

/**
 * Reduces a case that never passed the threshold to its minimal data (Ontario Four Filter: only
 * limited data is kept for a rejected case). Registered by the features that hold case data, run in
 * the closing transaction; returns counts for the audit record (e.g. `{ purgedItems: 2 }`).
 */
export type MinimiseStep = (
  manager: EntityManager,
  caseId: string,
) => Promise<Record<string, number>>;

interface StageOutcome {
  readonly reasonCodes?: readonly string[];
  readonly targets: Record<string, number | readonly string[]>;
  policyHash?: string;
}

/** Stage changes of a case, decided by the table's coordinator. */
@Injectable()
export class CaseStageService {
  private readonly minimiseSteps: MinimiseStep[] = [];

  constructor(
    private readonly audit: AuditLog,
    private readonly cases: CaseRepository,
    private readonly policy: PolicyService,
  ) {}

  onMinimise(step: MinimiseStep): void {
    this.minimiseSteps.push(step);
  }

  change(ctx: AuditContext, caseId: string, input: StageChangeDto): Promise<CaseDto> {
    if ((input.stage === 'closed') !== (input.closeReason !== undefined)) {
      throw new DomainError(CaseProblems.closeReasonRequired);
    }
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const kase = await this.cases.findByIdForUpdate(caseId, manager);
      if (!kase) throw new DomainError(CaseProblems.notFound);
      if (kase.stage === 'closed') throw new DomainError(CaseProblems.closed);
      if (!NEXT[kase.stage].includes(input.stage)) {
        throw new DomainError(CaseProblems.invalidTransition);
      }
      const from = kase.stage;
      const assigned = await this.cases.findAssignedAgencyIds(kase.id, manager);
      const outcome = await this.enter(kase, input, assigned, manager);
      kase.stage = input.stage;
      const saved = await this.cases.saveCase(kase, manager);
      await record({
        action: 'case.stage',
        outcome: 'success',
        parties: caseParties(saved, assigned),
        targets: { caseId: saved.id, from, to: saved.stage, ...outcome.targets },
        reasonCodes: outcome.reasonCodes,
        policyBundleHash: outcome.policyHash,
      });
      return CaseDto.from(saved, assigned);
    });
  }

  /** Checks and prepares the move to the target stage; what it did goes into the audit record. */
  private async enter(
    kase: CaseEntity,
    input: StageChangeDto,
    assigned: readonly string[],
    manager: EntityManager,
  ): Promise<StageOutcome> {
    switch (input.stage) {
      case 'high_risk_confirmed':
        return this.confirm(kase, manager);
      case 'active':
        // Filter 4: intervention planning among the assigned agencies, so there must be one.
        if (assigned.length === 0) throw new DomainError(CaseProblems.noAssignment);
        return { targets: {} };
      case 'closed':
        return this.close(kase, input.closeReason as CloseReason, manager);
    }
  }

  /** Filter 2 passed: the decision (rule, assessments, thresholds, bundle) is kept on the case. */
  private async confirm(kase: CaseEntity, manager: EntityManager): Promise<StageOutcome> {
    const decision = await this.decide(kase, manager);
    if (!decision.met) throw new DomainError(CaseProblems.thresholdNotMet);
    this.keepDecision(kase, decision);
    return {
      reasonCodes: [decision.rule],
      targets: { assessmentIds: decision.assessmentIds },
      policyHash: decision.policyHash,
    };
  }

  /**
   * A case closed before high risk was confirmed keeps minimal data (the minimise steps run). Closing
   * it as "threshold not met" records the decision, and is refused when the threshold is in fact met.
   */
  private async close(
    kase: CaseEntity,
    reason: CloseReason,
    manager: EntityManager,
  ): Promise<StageOutcome> {
    const outcome: StageOutcome = { reasonCodes: [reason], targets: {} };
    if (reason === 'threshold_not_met') {
      if (kase.stage !== 'deidentified') throw new DomainError(CaseProblems.closeReasonStage);
      const decision = await this.decide(kase, manager);
      if (decision.met) throw new DomainError(CaseProblems.thresholdMet);
      this.keepDecision(kase, decision);
      outcome.targets.assessmentIds = decision.assessmentIds;
      outcome.policyHash = decision.policyHash;
    }
    if (kase.stage === 'deidentified') {
      for (const step of this.minimiseSteps) {
        Object.assign(outcome.targets, await step(manager, kase.id));
      }
    }
    kase.closedReason = reason;
    kase.closedFromStage = kase.stage;
    return outcome;
  }

  /** Under the thresholds of the policy bundle in force, whose hash is kept with the decision. */
  private async decide(
    kase: CaseEntity,
    manager: EntityManager,
  ): Promise<ThresholdDecision & { policyHash: string }> {
    const bundle = this.policy.current();
    const assessments = await this.cases.findAssessments(kase.id, manager);
    return { ...decideThreshold(assessments, thresholdsOf(bundle)), policyHash: bundle.hash };
  }

  private keepDecision(
    kase: CaseEntity,
    decision: ThresholdDecision & { policyHash: string },
  ): void {
    kase.thresholdPolicyHash = decision.policyHash;
    kase.thresholdRule = decision.rule;
    kase.thresholdAssessmentIds = [...decision.assessmentIds];
    kase.thresholdValues = { ...decision.thresholds };
    kase.thresholdDecidedAt = new Date();
  }
}
