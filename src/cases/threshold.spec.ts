import { decideThreshold, type AssessmentInput } from './threshold.js';

// The values of policies/thresholds.yaml (legal-rules.md §4).
const RISK_THRESHOLDS = { odara: 7, danger_assessment: 18, dash: 14 };

const tool = (id: string, t: AssessmentInput['tool'], score: number): AssessmentInput => ({
  id,
  tool: t,
  score,
  requestedLevel: null,
});
const judgement = (id: string, level: 'high_risk' | 'not_high_risk'): AssessmentInput => ({
  id,
  tool: 'professional_judgement',
  score: null,
  requestedLevel: level,
});

describe('high-risk threshold (Filter 2)', () => {
  it.each([
    ['odara', 7, true],
    ['odara', 6, false],
    ['danger_assessment', 18, true],
    ['danger_assessment', 17, false],
    ['dash', 14, true],
    ['dash', 13, false],
  ] as const)('%s at %i meets the threshold: %s', (name, score, met) => {
    const decision = decideThreshold([tool('a', name, score)], RISK_THRESHOLDS);
    expect(decision).toEqual({
      met,
      rule: met ? 'tool_threshold' : 'not_met',
      assessmentIds: ['a'],
      thresholds: RISK_THRESHOLDS,
    });
  });

  it('any assessment at its threshold suffices, and only those are cited', () => {
    const decision = decideThreshold(
      [tool('a', 'odara', 3), tool('b', 'dash', 15), tool('c', 'danger_assessment', 20)],
      RISK_THRESHOLDS,
    );
    expect(decision).toMatchObject({
      met: true,
      rule: 'tool_threshold',
      assessmentIds: ['b', 'c'],
    });
  });

  it('a professional judgement raises a case whose tools are below threshold', () => {
    const decision = decideThreshold(
      [tool('a', 'odara', 4), judgement('j', 'high_risk')],
      RISK_THRESHOLDS,
    );
    expect(decision).toMatchObject({
      met: true,
      rule: 'professional_judgement',
      assessmentIds: ['j'],
    });
  });

  it('a "not high risk" judgement never lowers a tool at its threshold', () => {
    const decision = decideThreshold(
      [tool('a', 'odara', 9), judgement('j', 'not_high_risk')],
      RISK_THRESHOLDS,
    );
    expect(decision).toMatchObject({ met: true, rule: 'tool_threshold', assessmentIds: ['a'] });
  });

  it('not met with no assessment, or only low tools and "not high risk" judgements', () => {
    expect(decideThreshold([], RISK_THRESHOLDS)).toMatchObject({ met: false, assessmentIds: [] });
    expect(
      decideThreshold([tool('a', 'dash', 2), judgement('j', 'not_high_risk')], RISK_THRESHOLDS),
    ).toMatchObject({ met: false, rule: 'not_met', assessmentIds: ['a', 'j'] });
  });

  it('reads the thresholds it is given (policy), not its own', () => {
    const strict = { odara: 9, danger_assessment: 18, dash: 14 };
    expect(decideThreshold([tool('a', 'odara', 8)], strict).met).toBe(false);
  });
});
