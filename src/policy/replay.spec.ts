import { fromContent, loadPolicyBundle, loadPolicyContent } from './bundle-loader.js';
import type { PolicyBundle } from './bundle.types.js';
import { DecisionEngine } from './decision-engine.js';
import type { DecisionFacts, DisclosureRequest } from './decision.types.js';
import type { AgencyFact, ItemFact } from './facts.js';
import { replayDecision, ReplayFailure, type StoredDecision } from './replay.js';

/**
 * Replay against the repository's own bundle: a decision stored as the decision store keeps it
 * (through JSON, item values dropped, released fields as names) must be reproduced exactly under
 * its bundle, and a changed bundle must name exactly the rules whose verdict changed.
 */
const NOW = new Date('2026-06-01T12:00:00.123Z');

let bundle: PolicyBundle;
beforeAll(async () => {
  bundle = await loadPolicyBundle('policies');
});

const agency = (id: string, sector: AgencyFact['sector'], regime = 'QC-P-39.1'): AgencyFact => ({
  id,
  sector,
  status: 'active',
  privacyRegime: regime as AgencyFact['privacyRegime'],
});

const item = (
  id: string,
  category: string,
  fields: Record<string, unknown>,
  holder = 'shelter',
): ItemFact => ({
  id,
  version: 1,
  holderAgencyId: holder,
  personId: 'victim',
  category,
  fields,
  sensitivity: [],
  excluded: false,
  retainUntil: '2027-01-01',
});

function world(overrides: Partial<DisclosureRequest> = {}): {
  request: DisclosureRequest;
  facts: DecisionFacts;
} {
  const request: DisclosureRequest = {
    requesterAgencyId: 'police',
    subject: 'officer-1',
    roles: ['agency_user'],
    caseId: 'case-1',
    personId: 'victim',
    categories: ['location', 'location.shelter', 'mental_health'],
    purpose: 'safety_planning',
    basis: 'consent',
    ...overrides,
  };
  const categories = ['location', 'location.shelter', 'mental_health'];
  const facts: DecisionFacts = {
    requester: agency('police', 'police', 'QC-A-2.1'),
    user: { subject: 'officer-1', roles: ['agency_user'], side: null },
    case: {
      id: 'case-1',
      stage: 'active',
      referringAgencyId: 'police',
      assignedAgencyIds: ['police', 'shelter'],
    },
    person: { id: 'victim', caseId: 'case-1', role: 'victim', capacity: 'capable', minor: false },
    holders: {
      police: agency('police', 'police', 'QC-A-2.1'),
      shelter: agency('shelter', 'shelter'),
      health: agency('health', 'health', 'QC-R-22.1'),
    },
    items: [
      item('home', 'location', { address: '34 avenue Connue', municipality: 'M' }),
      item('refuge', 'location.shelter', { shelter_name: 'S', address: '12 rue Secrète' }),
      item('mind', 'mental_health', { suicide_risk: true }, 'health'),
    ],
    consents: [
      {
        id: 'consent-1',
        version: 1,
        personId: 'victim',
        status: 'active',
        recipientAgencyIds: ['police'],
        recipientSectors: [],
        categories: ['location', 'mental_health'],
        purposes: ['safety_planning'],
        validFrom: '2026-01-01T00:00:00.000Z',
        validUntil: null,
        withdrawnAt: null,
      },
    ],
    agreements: [
      {
        id: 'agreement-1',
        version: 1,
        status: 'active',
        partyAgencyIds: ['police', 'shelter', 'health'],
        purposes: ['safety_planning', 'emergency'],
        flows: [
          { fromAgencyId: 'shelter', toAgencyId: 'police', categories },
          { fromAgencyId: 'health', toAgencyId: 'police', categories },
        ],
        effectiveFrom: '2026-01-01T00:00:00.000Z',
        effectiveTo: null,
        onwardDisclosureProhibited: true,
        retentionDays: 90,
      },
    ],
  };
  return { request, facts };
}

/** Decides now and stores as the decision store does: JSON, values dropped, field names only. */
function decideAndStore(request: DisclosureRequest, facts: DecisionFacts): StoredDecision {
  const decision = DecisionEngine.decide(request, facts, bundle, NOW);
  const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  return {
    id: 'decision-1',
    request: json(request),
    facts: json({
      ...facts,
      items: facts.items.map((i) => ({
        ...i,
        fields: Object.fromEntries(Object.keys(i.fields).map((f) => [f, null])),
      })),
    }),
    decision: json({
      ...decision,
      released: decision.released.map((r) => ({ ...r, fields: Object.keys(r.fields) })),
    }),
    policyBundleHash: bundle.hash,
    decidedAt: new Date(NOW.getTime()),
  };
}

describe('replay under the bundle in force then', () => {
  it('reproduces a partial decision (released, pending, withheld) exactly', () => {
    const { request, facts } = world();
    const stored = decideAndStore(request, facts);
    expect(stored.decision.outcome).toBe('partial');
    const result = replayDecision(stored, bundle);
    expect(result.reproduced).toBe(true);
    expect(result.changes).toEqual({ rules: [] });
    expect(result.replayed).toEqual(result.original);
    expect(result.replayed.released.map((r) => [r.itemId, r.fields])).toEqual([
      ['home', ['address', 'municipality']],
    ]);
    expect(result.replayed.pending.map((p) => p.itemId)).toEqual(['mind']);
  });

  it('reproduces under the same bundle read back from the database, its keys in another order', async () => {
    // jsonb orders keys by length: a category's fields come back in another order than in YAML.
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    const stored = fromContent(reversed(await loadPolicyContent('policies')) as never);
    expect(stored.hash).toBe(bundle.hash);
    expect(Object.keys(stored.taxonomy.categories['location.shelter'].fields)).not.toEqual(
      Object.keys(bundle.taxonomy.categories['location.shelter'].fields),
    );
    const { request, facts } = world({
      categories: ['location.shelter'],
      purpose: 'emergency',
      basis: 'life_safety',
      attestation: {
        criteria: {
          reasonable_cause: true,
          serious_risk: true,
          identified_person: true,
          urgency: true,
        },
        attestedAt: NOW.toISOString(),
      },
    });
    const decided = decideAndStore(request, facts);
    expect(decided.decision.released[0].fields).toEqual(['shelter_name', 'address']);
    const result = replayDecision(decided, stored);
    expect(result.replayed.released[0].fields).toEqual(['address', 'shelter_name']);
    expect(result.reproduced).toBe(true);
    expect(result.changes).toEqual({ rules: [] });
  });

  it('reproduces the life/safety exception at the instant decided, not now', () => {
    const { request, facts } = world({
      basis: 'life_safety',
      purpose: 'emergency',
      categories: ['location', 'location.shelter'],
      attestation: {
        criteria: {
          reasonable_cause: true,
          serious_risk: true,
          identified_person: true,
          urgency: true,
        },
        // Within the test's 72 hours of the decision, long past them today.
        attestedAt: new Date(NOW.getTime() - 3_600_000).toISOString(),
      },
    });
    const stored = decideAndStore(request, facts);
    expect(stored.decision.outcome).toBe('permit');
    expect(stored.decision.duties.reviewRequired).toBe(true);
    const result = replayDecision(stored, bundle);
    expect(result.reproduced).toBe(true);
    expect(result.changes).toEqual({ rules: [] });
  });

  it('reproduces a request refused before any item is looked at', () => {
    const { request, facts } = world({ purpose: 'judicial_proceedings', roles: ['admin'] });
    const stored = decideAndStore(request, facts);
    expect(stored.decision.outcome).toBe('deny');
    expect(replayDecision(stored, bundle).reproduced).toBe(true);
  });

  it('says so when the stored decision is not what its inputs decide', () => {
    const { request, facts } = world();
    const stored = decideAndStore(request, facts);
    const tampered: StoredDecision = {
      ...stored,
      decision: {
        ...stored.decision,
        outcome: 'permit',
        released: stored.decision.released.map((r) => ({ ...r, fields: ['address'] })),
      },
    };
    const result = replayDecision(tampered, bundle);
    expect(result.reproduced).toBe(false);
    expect(result.changes.outcome).toEqual({ from: 'permit', to: 'partial' });
    expect(
      result.changes.released?.changed.map((c) => [c.itemId, c.from.fields, c.to.fields]),
    ).toEqual([['home', ['address'], ['address', 'municipality']]]);
    expect(result.changes.rules).toEqual([]);
  });
});

describe('replay under another bundle', () => {
  it('names exactly the rule whose verdict a new field rule changes', () => {
    const { request, facts } = world();
    const stored = decideAndStore(request, facts);
    const changed: PolicyBundle = {
      ...bundle,
      hash: 'f'.repeat(64),
      fieldRules: [
        ...bundle.fieldRules,
        {
          id: 'FR-TEST-LOCATION-NOT-TO-POLICE',
          description: { fr: 'Essai', en: 'Test' },
          citation: 'test',
          category: 'location',
          fields: '*',
          recipientSectors: ['police'],
          recipientSides: [],
        },
      ],
    };
    const result = replayDecision(stored, changed);
    expect(result.reproduced).toBe(false);
    expect(result.changes.rules).toEqual([
      { rule: 'R-FIELD-RULES', scope: 'item:home', from: 'pass', to: 'fail' },
    ]);
    expect(result.changes.outcome).toEqual({ from: 'partial', to: 'pending' });
    expect(result.changes.released?.removed.map((r) => r.itemId)).toEqual(['home']);
    expect(result.changes.withheld).toEqual([
      { category: 'location', from: null, to: ['R-FIELD-RULES'] },
    ]);
    expect(result.replayed.policyBundleHash).toBe('f'.repeat(64));
    expect(result.original.policyBundleHash).toBe(bundle.hash);
  });

  it('counts a rule evaluated on one side only as changed', () => {
    const { request, facts } = world();
    const stored = decideAndStore(request, facts);
    const changed: PolicyBundle = {
      ...bundle,
      sectors: { ...bundle.sectors, police: { purposes: ['risk_assessment'] } },
    };
    const result = replayDecision(stored, changed);
    expect(result.changes.outcome).toEqual({ from: 'partial', to: 'deny' });
    expect(result.changes.rules[0]).toEqual({
      rule: 'R-PURPOSE-SECTOR',
      scope: 'request',
      from: 'pass',
      to: 'fail',
    });
    // Everything after the purpose check is no longer evaluated.
    const rest = result.changes.rules.slice(1);
    expect(rest.length).toBeGreaterThan(5);
    expect(rest.every((r) => r.to === null && r.from !== null)).toBe(true);
    expect(rest).toContainEqual({
      rule: 'R-HOLDER-APPROVAL',
      scope: 'item:mind',
      from: 'fail',
      to: null,
    });
  });

  it('a bundle the engine cannot run on is a ReplayFailure, never a crash', () => {
    const { request, facts } = world();
    const stored = decideAndStore(request, facts);
    const { 'QC-R-22.1': _health, ...regimes } = bundle.regimes;
    const broken = { ...bundle, regimes } as unknown as PolicyBundle;
    expect(() => replayDecision(stored, broken)).toThrow(ReplayFailure);
    try {
      replayDecision(stored, broken);
    } catch (error) {
      expect((error as ReplayFailure).reason).toBe('engine_failed');
    }
  });

  it('a stored decision of another shape is a ReplayFailure too', () => {
    const { request, facts } = world();
    const stored = decideAndStore(request, facts);
    const unreadable = { ...stored, decision: {} } as unknown as StoredDecision;
    expect(() => replayDecision(unreadable, bundle)).toThrow(
      expect.objectContaining({ reason: 'stored_decision_unreadable' }),
    );
    const noFacts = { ...stored, facts: {} } as unknown as StoredDecision;
    expect(() => replayDecision(noFacts, bundle)).toThrow(
      expect.objectContaining({ reason: 'engine_failed' }),
    );
  });
});
