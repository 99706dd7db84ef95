import type { PolicyBundle } from '../policy/bundle.types.js';
import {
  SCORED_TOOLS,
  type JudgementLevel,
  type RiskThresholds,
  type RiskTool,
  type ThresholdRule,
} from './case.types.js';

/** The eligibility thresholds of a policy bundle (policies/thresholds.yaml: each tool's `min`). */
export function thresholdsOf(bundle: PolicyBundle): RiskThresholds {
  return Object.fromEntries(
    SCORED_TOOLS.map((tool) => [tool, bundle.thresholds[tool].min]),
  ) as Record<(typeof SCORED_TOOLS)[number], number>;
}

export interface AssessmentInput {
  readonly id: string;
  readonly tool: RiskTool;
  readonly score: number | null;
  readonly requestedLevel: JudgementLevel | null;
}

export interface ThresholdDecision {
  readonly met: boolean;
  readonly rule: ThresholdRule;
  /** The assessments the rule rests on: those that met it, or every one weighed when none did. */
  readonly assessmentIds: readonly string[];
  readonly thresholds: RiskThresholds;
}

/**
 * Filter 2 of the Four Filter approach (DESIGN §2; legal-rules.md §2, §4): the case is high risk
 * when any tool reaches its threshold, or when a professional judgement with written reasons asks
 * for it. A judgement never lowers a tool's result (SafeLives: "must not be used to downgrade"), so
 * tools are weighed first and a "not high risk" judgement cannot undo them.
 */
export function decideThreshold(
  assessments: readonly AssessmentInput[],
  thresholds: RiskThresholds,
): ThresholdDecision {
  const toolHits = assessments.filter(
    (a) => a.tool !== 'professional_judgement' && a.score !== null && a.score >= thresholds[a.tool],
  );
  if (toolHits.length > 0) {
    return {
      met: true,
      rule: 'tool_threshold',
      assessmentIds: toolHits.map((a) => a.id),
      thresholds,
    };
  }
  const raised = assessments.filter(
    (a) => a.tool === 'professional_judgement' && a.requestedLevel === 'high_risk',
  );
  if (raised.length > 0) {
    return {
      met: true,
      rule: 'professional_judgement',
      assessmentIds: raised.map((a) => a.id),
      thresholds,
    };
  }
  return { met: false, rule: 'not_met', assessmentIds: assessments.map((a) => a.id), thresholds };
}
