import { performance } from 'node:perf_hooks';
import { AbilityBuilder, createMongoAbility, subject, type MongoAbility } from '@casl/ability';
import { loadPolicyBundle } from '../src/policy/bundle-loader.js';
import type { FieldRule, PolicyBundle } from '../src/policy/bundle.types.js';
import { DecisionEngine } from '../src/policy/decision-engine.js';
import type { DecisionFacts, DisclosureRequest } from '../src/policy/decision.types.js';
import type { AgencyFact, ItemFact } from '../src/policy/facts.js';
import { median, type Benchmark, type BenchRow } from './benchmark.js';

const ITERATIONS = 4000;
const BATCH = 50; // timings per batch: one decision is too short for the clock's resolution
const NOW = new Date('2026-06-01T12:00:00Z');

/**
 * The typical request: 5 persons in the case, 30 items about the person asked for (20
 * fields each), and 40 rules — the engine's 18 plus field rules, padded with rules for other
 * recipients so the engine walks them all.
 */
function typicalCase(bundle: PolicyBundle): {
  request: DisclosureRequest;
  facts: DecisionFacts;
  bundle: PolicyBundle;
} {
  const agency = (id: string, sector: AgencyFact['sector']): AgencyFact => ({
    id,
    sector,
    status: 'active',
    privacyRegime: 'QC-P-39.1',
  });
  const holders = {
    police: agency('police', 'police'),
    shelter: agency('shelter', 'shelter'),
    youth: agency('youth', 'child_protection'),
  };
  const categories = [
    'location',
    'criminal_history',
    'incidents',
    'risk_assessment',
    'weapons',
    'court_orders',
  ];
  const items: ItemFact[] = Array.from({ length: 30 }, (_, i) => ({
    id: `item-${i}`,
    version: 1,
    holderAgencyId: i % 2 ? 'shelter' : 'youth',
    personId: 'person-0',
    category: categories[i % categories.length]!,
    // The category's own fields, padded to 20 with fields the taxonomy does not know (never released).
    fields: Object.fromEntries(
      [
        ...Object.keys(bundle.taxonomy.categories[categories[i % categories.length]!]!.fields),
        ...Array.from({ length: 20 }, (_, f) => `extra_${f}`),
      ]
        .slice(0, 20)
        .map((f) => [f, `value of ${f}`]),
    ),
    sensitivity: [],
    excluded: false,
    retainUntil: null,
  }));
  const padding: FieldRule[] = Array.from(
    { length: 40 - 18 - bundle.fieldRules.length },
    (_, i) => ({
      id: `FR-BENCH-${i}`,
      description: { fr: 'banc', en: 'bench' },
      citation: 'bench',
      category: categories[i % categories.length]!,
      fields: ['address'],
      recipientSectors: ['community'],
      recipientSides: [],
    }),
  );
  return {
    bundle: { ...bundle, fieldRules: [...bundle.fieldRules, ...padding] },
    request: {
      requesterAgencyId: 'police',
      subject: 'worker-1',
      roles: ['agency_user'],
      caseId: 'case-1',
      personId: 'person-0',
      categories,
      purpose: 'safety_planning',
      basis: 'consent',
    },
    facts: {
      requester: holders.police,
      user: { subject: 'worker-1', roles: ['agency_user'], side: null },
      case: {
        id: 'case-1',
        stage: 'active',
        referringAgencyId: 'police',
        assignedAgencyIds: ['police', 'shelter', 'youth'],
      },
      person: {
        id: 'person-0',
        caseId: 'case-1',
        role: 'victim',
        capacity: 'capable',
        minor: false,
      },
      holders,
      items,
      consents: [
        {
          id: 'consent-1',
          version: 1,
          personId: 'person-0',
          status: 'active',
          recipientAgencyIds: ['police'],
          recipientSectors: [],
          categories,
          purposes: ['safety_planning'],
          validFrom: '2026-01-01T00:00:00Z',
          validUntil: null,
          withdrawnAt: null,
        },
      ],
      agreements: [
        {
          id: 'agreement-1',
          version: 1,
          status: 'active',
          partyAgencyIds: ['police', 'shelter', 'youth'],
          purposes: ['safety_planning'],
          flows: ['shelter', 'youth'].map((from) => ({
            fromAgencyId: from,
            toAgencyId: 'police',
            categories,
          })),
          effectiveFrom: '2026-01-01T00:00:00Z',
          effectiveTo: null,
          onwardDisclosureProhibited: true,
          retentionDays: 90,
        },
      ],
    },
  };
}

/** Median microseconds per call of `work`, over batches. */
function microseconds(work: () => void): { p50: number; p99: number; perSec: number } {
  for (let i = 0; i < 500; i++) work(); // warm-up: let the JIT settle
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS / BATCH; i++) {
    const start = performance.now();
    for (let j = 0; j < BATCH; j++) work();
    samples.push(((performance.now() - start) * 1000) / BATCH);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const p50 = median(samples);
  return { p50, p99: sorted[Math.ceil(0.99 * sorted.length) - 1]!, perSec: 1e6 / p50 };
}

export const engineBenchmark: Benchmark = {
  name: 'decision-engine',
  async run(options): Promise<BenchRow[]> {
    options.progress('decision-engine: pure decision vs bare CASL can()');
    const { bundle, request, facts } = typicalCase(await loadPolicyBundle('policies'));
    const decision = DecisionEngine.decide(request, facts, bundle, NOW);
    if (decision.released.length !== 30)
      throw new Error(`bench case should release 30 items, released ${decision.released.length}`);
    const { can, build } = new AbilityBuilder<MongoAbility>(createMongoAbility);
    can('read', 'Item', { category: 'location' });
    const ability = build();
    const item = subject('Item', { category: 'location' });
    const casl = microseconds(() => void ability.can('read', item));
    const engine = microseconds(() => void DecisionEngine.decide(request, facts, bundle, NOW));
    const row = (
      subjectName: string,
      m: typeof casl,
      baseline: typeof casl,
      note: string,
    ): BenchRow => ({
      benchmark: 'decision-engine',
      subject: subjectName,
      reqPerSec: m.perSec,
      p50Ms: m.p50 / 1000,
      p99Ms: m.p99 / 1000,
      ratio: m.perSec / baseline.perSec,
      rounds: [m.perSec],
      note,
    });
    return [
      row('bare CASL can()', casl, casl, `${casl.p50.toFixed(2)} µs median`),
      row(
        'decide (30 items, 40 rules)',
        engine,
        casl,
        `${engine.p50.toFixed(1)} µs median; target < 200 µs`,
      ),
    ];
  },
};
