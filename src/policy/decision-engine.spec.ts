import { AbilityBuilder, createMongoAbility, subject, type MongoAbility } from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import type { Sector } from '../agencies/agency.types.js';
import { loadPolicyBundle } from './bundle-loader.js';
import type { FieldRule, PolicyBundle } from './bundle.types.js';
import { DecisionEngine } from './decision-engine.js';
import type { Decision, DecisionFacts, DisclosureRequest } from './decision.types.js';
import type { AgencyFact, ItemFact } from './facts.js';

/**
 * The two CASL traps the engine must not fall into (the decision tables in policies/tests show the
 * rules themselves):
 * 1. a string subject ignores the rules' conditions, so a rule scoped to one category would either
 *    vanish or, checked without its condition, reach every category;
 * 2. field-level rules are not subject-level rules: an inverted rule with fields leaves the item
 *    readable, and a literal `'*'` field list removes nothing.
 */
const NOW = new Date('2026-06-01T12:00:00Z');
const SHELTER_ADDRESS = '12 rue Secrète';
const HOME_ADDRESS = '34 avenue Connue';

type Ability = MongoAbility<['read', 'Item' | { category: string }]>;

let bundle: PolicyBundle;
beforeAll(async () => {
  bundle = await loadPolicyBundle('policies');
});

const agency = (id: string, sector: Sector): AgencyFact => ({
  id,
  sector,
  status: 'active',
  privacyRegime: 'QC-P-39.1',
});

const item = (id: string, category: string, fields: Record<string, unknown>): ItemFact => ({
  id,
  version: 1,
  holderAgencyId: 'shelter',
  personId: 'victim',
  category,
  fields,
  sensitivity: [],
  excluded: false,
  retainUntil: null,
});

const ITEMS = [
  item('home', 'location', {
    address: HOME_ADDRESS,
    municipality: 'M',
    cohabiting_with_perpetrator: false,
  }),
  item('refuge', 'location.shelter', { shelter_name: 'S', address: SHELTER_ADDRESS, phone: 'P' }),
  item('contact', 'contact', { phone: '555', safe_to_call: true }),
];

const fieldRule = (
  category: string,
  fields: FieldRule['fields'],
  recipientSectors: Sector[] = ['police'],
): FieldRule => ({
  id: `T-${category}`,
  description: { fr: 'Règle de test', en: 'Test rule' },
  citation: 'test',
  category,
  fields,
  recipientSectors,
  recipientSides: [],
});

/** Police ask the shelter for the victim's items; consent and agreement cover everything. */
function decide(options: {
  fieldRules: FieldRule[];
  categories: string[];
  consent?: boolean;
}): Decision {
  const categories = ['location', 'location.shelter', 'contact'];
  const request: DisclosureRequest = {
    requesterAgencyId: 'police',
    subject: 'officer-1',
    roles: ['agency_user'],
    caseId: 'case-1',
    personId: 'victim',
    categories: options.categories,
    purpose: 'safety_planning',
    basis: 'consent',
  };
  const facts: DecisionFacts = {
    requester: agency('police', 'police'),
    user: { subject: 'officer-1', roles: ['agency_user'], side: null },
    case: {
      id: 'case-1',
      stage: 'active',
      referringAgencyId: 'police',
      assignedAgencyIds: ['police', 'shelter'],
    },
    person: { id: 'victim', caseId: 'case-1', role: 'victim', capacity: 'capable', minor: false },
    holders: { police: agency('police', 'police'), shelter: agency('shelter', 'shelter') },
    items: ITEMS,
    consents:
      options.consent === false
        ? []
        : [
            {
              id: 'consent-1',
              version: 1,
              personId: 'victim',
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
        partyAgencyIds: ['police', 'shelter'],
        purposes: ['safety_planning'],
        flows: [{ fromAgencyId: 'shelter', toAgencyId: 'police', categories }],
        effectiveFrom: '2026-01-01T00:00:00Z',
        effectiveTo: null,
        onwardDisclosureProhibited: true,
        retentionDays: 90,
      },
    ],
  };
  return DecisionEngine.decide(request, facts, { ...bundle, fieldRules: options.fieldRules }, NOW);
}

const releasedFields = (decision: Decision): Record<string, string[]> =>
  Object.fromEntries(decision.released.map((r) => [r.itemId, Object.keys(r.fields).sort()]));

describe('decision engine — CASL trap 1: a string subject ignores conditions', () => {
  it('(the trap itself) CASL answers a string subject as if a conditional `cannot` did not exist', () => {
    const { can, cannot, build } = new AbilityBuilder<Ability>(createMongoAbility);
    can('read', 'Item');
    cannot('read', 'Item', { category: 'location.shelter' } as never);
    const ability = build();
    expect(ability.can('read', 'Item')).toBe(true);
    expect(ability.can('read', subject('Item', { category: 'location.shelter' }) as never)).toBe(
      false,
    );
  });

  it('a field rule conditioned on one category withholds that category only', () => {
    // `address` exists in both location and location.shelter: the rule names location only.
    const decision = decide({
      fieldRules: [fieldRule('location', ['address'])],
      categories: ['location', 'location.shelter'],
    });
    expect(decision.outcome).toBe('permit');
    expect(releasedFields(decision)).toEqual({
      home: ['cohabiting_with_perpetrator', 'municipality'],
      refuge: ['address', 'phone', 'shelter_name'],
    });
    expect(decision.released.find((r) => r.itemId === 'home')?.withheldFields).toEqual(['address']);
  });

  it('a `cannot` on location.shelter does not block location (nor any other category)', () => {
    const decision = decide({
      fieldRules: [fieldRule('location.shelter', '*')],
      categories: ['location', 'location.shelter', 'contact'],
    });
    expect(releasedFields(decision)).toEqual({
      home: ['address', 'cohabiting_with_perpetrator', 'municipality'],
      contact: ['phone', 'safe_to_call'],
    });
    expect(decision.withheld).toEqual([
      { category: 'location.shelter', reasons: ['R-FIELD-RULES'] },
    ]);
    expect(decision.outcome).toBe('partial');
  });

  it('a `cannot` on location does not block location.shelter', () => {
    const decision = decide({
      fieldRules: [fieldRule('location', '*')],
      categories: ['location', 'location.shelter'],
    });
    expect(releasedFields(decision)).toEqual({ refuge: ['address', 'phone', 'shelter_name'] });
    expect(decision.withheld).toEqual([{ category: 'location', reasons: ['R-FIELD-RULES'] }]);
  });

  it('a field rule for another recipient sector leaves this recipient untouched', () => {
    const decision = decide({
      fieldRules: [fieldRule('location.shelter', '*', ['perpetrator_program'])],
      categories: ['location.shelter'],
    });
    expect(decision.outcome).toBe('permit');
    expect(releasedFields(decision)).toEqual({ refuge: ['address', 'phone', 'shelter_name'] });
  });
});

describe('decision engine — CASL trap 2: field-level rules versus subject-level access', () => {
  it('(the trap itself) a field-level `cannot` leaves the subject readable, a literal "*" field removes nothing', () => {
    const { can, cannot, build } = new AbilityBuilder<Ability>(createMongoAbility);
    can('read', 'Item');
    cannot('read', 'Item', ['address'], { category: 'location' } as never);
    cannot('read', 'Item', ['*'], { category: 'location.shelter' } as never);
    const ability = build();
    const home = subject('Item', { category: 'location' }) as never;
    const refuge = subject('Item', { category: 'location.shelter' }) as never;
    expect(ability.can('read', home)).toBe(true);
    expect(ability.can('read', home, 'address')).toBe(false);
    const all = ['address', 'phone'];
    expect(
      permittedFieldsOf(ability, 'read', refuge, { fieldsFrom: (r) => r.fields || all }),
    ).toEqual(all);
  });

  it('an inverted rule with fields withholds those fields and releases the item with the others', () => {
    const decision = decide({
      fieldRules: [fieldRule('location.shelter', ['address', 'phone'])],
      categories: ['location.shelter'],
    });
    expect(decision.outcome).toBe('permit');
    expect(releasedFields(decision)).toEqual({ refuge: ['shelter_name'] });
    expect(decision.released[0].withheldFields).toEqual(['address', 'phone']);
    expect(decision.withheld).toEqual([]);
  });

  it('a "*" rule withholds the whole item, and its content appears nowhere in the decision', () => {
    const decision = decide({
      fieldRules: [fieldRule('location.shelter', '*')],
      categories: ['location.shelter'],
    });
    expect(decision.outcome).toBe('deny');
    expect(decision.released).toEqual([]);
    expect(decision.withheld).toEqual([
      { category: 'location.shelter', reasons: ['R-FIELD-RULES'] },
    ]);
    expect(JSON.stringify(decision)).not.toContain(SHELTER_ADDRESS);
  });

  it('a rule listing every field of the category withholds the item like "*"', () => {
    const decision = decide({
      fieldRules: [
        fieldRule('location.shelter', ['shelter_name', 'address', 'phone', 'planned_departure']),
      ],
      categories: ['location.shelter'],
    });
    expect(decision.outcome).toBe('deny');
    expect(decision.withheld).toEqual([
      { category: 'location.shelter', reasons: ['R-FIELD-RULES'] },
    ]);
  });

  it('field rules never grant: without a basis the item stays withheld for that reason', () => {
    const decision = decide({
      fieldRules: [fieldRule('location', ['address'])],
      categories: ['location'],
      consent: false,
    });
    expect(decision.outcome).toBe('deny');
    expect(decision.released).toEqual([]);
    expect(decision.withheld).toEqual([{ category: 'location', reasons: ['R-VICTIM-CONSENT'] }]);
    expect(JSON.stringify(decision)).not.toContain(HOME_ADDRESS);
  });

  it("the repository's bundle: a perpetrator program gets the residence without the address, never the shelter", () => {
    const decision = DecisionEngine.decide(
      {
        requesterAgencyId: 'program',
        subject: 'worker-1',
        roles: ['agency_user'],
        caseId: 'case-1',
        personId: 'victim',
        categories: ['location', 'location.shelter'],
        purpose: 'risk_management',
        basis: 'consent',
      },
      {
        requester: agency('program', 'perpetrator_program'),
        user: { subject: 'worker-1', roles: ['agency_user'], side: null },
        case: {
          id: 'case-1',
          stage: 'active',
          referringAgencyId: 'police',
          assignedAgencyIds: ['program'],
        },
        person: {
          id: 'victim',
          caseId: 'case-1',
          role: 'victim',
          capacity: 'capable',
          minor: false,
        },
        holders: { shelter: agency('shelter', 'shelter') },
        items: ITEMS,
        consents: [
          {
            id: 'consent-1',
            version: 1,
            personId: 'victim',
            status: 'active',
            recipientAgencyIds: ['program'],
            recipientSectors: [],
            categories: ['location', 'location.shelter'],
            purposes: ['risk_management'],
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
            partyAgencyIds: ['program', 'shelter'],
            purposes: ['risk_management'],
            flows: [
              {
                fromAgencyId: 'shelter',
                toAgencyId: 'program',
                categories: ['location', 'location.shelter'],
              },
            ],
            effectiveFrom: '2026-01-01T00:00:00Z',
            effectiveTo: null,
            onwardDisclosureProhibited: true,
            retentionDays: 90,
          },
        ],
      },
      bundle,
      NOW,
    );
    expect(releasedFields(decision)).toEqual({
      home: ['cohabiting_with_perpetrator', 'municipality'],
    });
    expect(decision.withheld).toEqual([
      { category: 'location.shelter', reasons: ['R-FIELD-RULES'] },
    ]);
    const serialized = JSON.stringify(decision);
    expect(serialized).not.toContain(HOME_ADDRESS);
    expect(serialized).not.toContain(SHELTER_ADDRESS);
  });
});
