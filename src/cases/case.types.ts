/**
 * Why a partner refers a case after an incident (DESIGN §2 Case). Codes only: the referral carries
 * no narrative, so nothing identifying enters the case at the de-identified stage.
 */
export const REFERRAL_REASONS = [
  'physical_assault',
  'strangulation',
  'threat_to_kill',
  'weapon_involved',
  'sexual_violence',
  'stalking_harassment',
  'separation_escalation',
  'breach_of_conditions',
  'release_from_custody',
  'repeat_incident',
  'other_ipv_incident',
] as const;
export type ReferralReason = (typeof REFERRAL_REASONS)[number];

/** Risk tools with a numeric eligibility threshold (legal-rules.md §4). */
export const SCORED_TOOLS = ['odara', 'danger_assessment', 'dash'] as const;
export type ScoredTool = (typeof SCORED_TOOLS)[number];

export const RISK_TOOLS = [...SCORED_TOOLS, 'professional_judgement'] as const;
export type RiskTool = (typeof RISK_TOOLS)[number];

/** What a professional judgement asks for: it may raise a case to high risk, never lower a tool. */
export const JUDGEMENT_LEVELS = ['high_risk', 'not_high_risk'] as const;
export type JudgementLevel = (typeof JUDGEMENT_LEVELS)[number];

/** The score at which each tool meets the high-risk threshold (policies/thresholds.yaml). */
export type RiskThresholds = Readonly<Record<ScoredTool, number>>;

/** Which rule met (or did not meet) the high-risk threshold. */
export const THRESHOLD_RULES = ['tool_threshold', 'professional_judgement', 'not_met'] as const;
export type ThresholdRule = (typeof THRESHOLD_RULES)[number];

/** Why a case is closed. `threshold_not_met` closes a case that never passed Filter 2. */
export const CLOSE_REASONS = [
  'threshold_not_met',
  'risk_reduced',
  'intervention_complete',
  'moved_out_of_area',
  'referral_withdrawn',
  'duplicate',
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** Stages a coordinator may move a case to; a case is born `deidentified`. */
export const TARGET_STAGES = ['high_risk_confirmed', 'active', 'closed'] as const;
export type TargetStage = (typeof TARGET_STAGES)[number];

/** Persons per case: a victim, children, the person posing the risk, others at risk. */
export const MAX_PERSONS_PER_CASE = 30;
