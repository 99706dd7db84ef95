import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadPolicyBundle } from '../../src/policy/bundle-loader.js';
import type { PolicyBundle } from '../../src/policy/bundle.types.js';
import { DecisionEngine } from '../../src/policy/decision-engine.js';
import type { DecisionFacts, DisclosureRequest } from '../../src/policy/decision.types.js';
import type {
  AgencyFact,
  AgreementFact,
  ConsentFact,
  ItemFact,
  PersonFact,
} from '../../src/policy/facts.js';

type Json = Record<string, unknown>;

interface Table {
  world: World;
  defaults: Json;
  cases: { name: string; given?: Json; request?: Json; expect: Expectation }[];
}

interface World {
  agencies: Record<
    string,
    {
      sector: AgencyFact['sector'];
      regime: AgencyFact['privacyRegime'];
      status?: 'active' | 'suspended';
    }
  >;
  case: { stage: DecisionFacts['case']['stage']; assigned: string[] };
  /** Items whose holder has approved their release (R-HOLDER-APPROVAL). */
  approved?: string[];
  persons: Record<
    string,
    { role: PersonFact['role']; capacity?: PersonFact['capacity']; minor?: boolean }
  >;
  items: Record<
    string,
    {
      holder: string;
      person: string;
      category: string;
      fields: Json;
      excluded?: boolean;
      retainUntil?: string;
    }
  >;
  consents: Record<
    string,
    Omit<ConsentFact, 'id' | 'version' | 'personId' | 'recipientAgencyIds'> & {
      person: string;
      recipients?: string[];
    }
  >;
  agreements: Record<
    string,
    {
      parties: string[];
      purposes: AgreementFact['purposes'];
      flows: { from: string; to: string; categories: string[] }[];
      from: string;
      to?: string | null;
      status?: AgreementFact['status'];
      prohibitOnward?: boolean;
      retentionDays?: number;
    }
  >;
}

interface Expectation {
  outcome: string;
  released?: Record<string, string[]>;
  withheld?: Record<string, string[]>;
  pending?: string[];
  review?: boolean;
  reviewReasons?: string[];
  notice?: string[];
  basis?: Record<string, string>;
  noRedisclosure?: boolean;
}

/** Maps merge, lists and scalars replace: a case states only what differs from the world. */
function merge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (
    typeof base !== 'object' ||
    base === null ||
    Array.isArray(base) ||
    typeof patch !== 'object' ||
    patch === null ||
    Array.isArray(patch)
  ) {
    return patch as T;
  }
  const out: Json = { ...(base as Json) };
  for (const [key, value] of Object.entries(patch as Json))
    out[key] = value === null ? null : merge(out[key], value);
  return out as T;
}

const CASE_ID = 'case-1';

function build(world: World, request: Json): { request: DisclosureRequest; facts: DecisionFacts } {
  const agency = (name: string): AgencyFact => {
    const a = world.agencies[name];
    if (!a) throw new Error(`unknown agency ${name}`);
    return { id: name, sector: a.sector, privacyRegime: a.regime, status: a.status ?? 'active' };
  };
  const personName = request.person as string;
  const person = world.persons[personName];
  const items: ItemFact[] = Object.entries(world.items ?? {}).map(([id, i]) => ({
    id,
    version: 1,
    holderAgencyId: i.holder,
    personId: i.person,
    category: i.category,
    fields: i.fields,
    sensitivity: [],
    excluded: i.excluded ?? false,
    retainUntil: i.retainUntil ?? null,
  }));
  const consents: ConsentFact[] = Object.entries(world.consents ?? {}).map(([id, c]) => ({
    id,
    version: 1,
    personId: c.person,
    status: c.status ?? 'active',
    recipientAgencyIds: c.recipients ?? [],
    recipientSectors: c.recipientSectors ?? [],
    categories: c.categories,
    purposes: c.purposes,
    validFrom: c.validFrom,
    validUntil: c.validUntil ?? null,
    withdrawnAt: c.withdrawnAt ?? null,
  }));
  const agreements: AgreementFact[] = Object.entries(world.agreements ?? {}).map(([id, a]) => ({
    id,
    version: 1,
    status: a.status ?? 'active',
    partyAgencyIds: a.parties,
    purposes: a.purposes,
    flows: a.flows.map((f) => ({
      fromAgencyId: f.from,
      toAgencyId: f.to,
      categories: f.categories,
    })),
    effectiveFrom: a.from,
    effectiveTo: a.to ?? null,
    onwardDisclosureProhibited: a.prohibitOnward ?? true,
    retentionDays: a.retentionDays ?? 365,
  }));
  const requester = agency(request.requester as string);
  return {
    request: {
      requesterAgencyId: requester.id,
      subject: 'worker-1',
      roles: request.roles as DisclosureRequest['roles'],
      caseId: CASE_ID,
      personId: personName,
      categories: request.categories as string[],
      purpose: request.purpose as DisclosureRequest['purpose'],
      basis: request.basis as DisclosureRequest['basis'],
      obligationId: request.obligation as string | undefined,
      attestation: request.attestation as DisclosureRequest['attestation'],
    },
    facts: {
      requester,
      user: {
        subject: 'worker-1',
        roles: request.roles as DisclosureRequest['roles'],
        side: (request.side as 'victim' | 'perpetrator' | undefined) ?? null,
      },
      case: {
        id: CASE_ID,
        stage: world.case.stage,
        referringAgencyId: 'police',
        assignedAgencyIds: world.case.assigned,
      },
      person: {
        id: personName,
        caseId: CASE_ID,
        role: person.role,
        capacity: person.capacity ?? 'capable',
        minor: person.minor ?? false,
      },
      holders: Object.fromEntries(Object.keys(world.agencies).map((name) => [name, agency(name)])),
      items,
      consents,
      agreements,
      approvedItemIds: world.approved ?? [],
    },
  };
}

const dir = 'policies/tests';
const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
const tables: [string, Table][] = await Promise.all(
  files.map(async (f): Promise<[string, Table]> => [
    f,
    parse(await readFile(join(dir, f), 'utf8')) as Table,
  ]),
);
let bundle: PolicyBundle;

beforeAll(async () => {
  bundle = await loadPolicyBundle('policies');
});

describe.each(tables)('%s', (_file, table) => {
  it.each(table.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const world = merge(table.world, c.given);
    const req = merge(table.defaults, c.request) as Json;
    const { request, facts } = build(world, req);
    const decision = DecisionEngine.decide(request, facts, bundle, new Date(req.now as string));
    const e = c.expect;
    const got: Record<string, unknown> = { outcome: decision.outcome };
    const want: Record<string, unknown> = { outcome: e.outcome };
    // Released items and their exact fields (a field too many is a disclosure too many).
    got.released = Object.fromEntries(
      decision.released.map((r) => [r.itemId, Object.keys(r.fields).sort()]),
    );
    want.released = Object.fromEntries(
      Object.entries(e.released ?? {}).map(([id, f]) => [id, [...f].sort()]),
    );
    if (e.withheld !== undefined) {
      got.withheld = Object.fromEntries(
        decision.withheld.map((w) => [w.category, [...w.reasons].sort()]),
      );
      want.withheld = Object.fromEntries(
        Object.entries(e.withheld).map(([k, v]) => [k, [...v].sort()]),
      );
    }
    if (e.pending !== undefined) {
      got.pending = decision.pending.map((p) => p.itemId).sort();
      want.pending = [...e.pending].sort();
    }
    if (e.review !== undefined) {
      got.review = decision.duties.reviewRequired;
      want.review = e.review;
    }
    if (e.reviewReasons !== undefined) {
      got.reviewReasons = [...decision.duties.reviewReasons].sort();
      want.reviewReasons = [...e.reviewReasons].sort();
    }
    if (e.basis !== undefined) {
      got.basis = Object.fromEntries(decision.released.map((r) => [r.itemId, r.basis]));
      want.basis = e.basis;
    }
    if (e.notice !== undefined) {
      got.notice = decision.duties.noticeDue;
      want.notice = e.notice;
    }
    if (e.noRedisclosure !== undefined) {
      got.noRedisclosure = decision.obligations.noRedisclosure;
      want.noRedisclosure = e.noRedisclosure;
    }
    expect(got).toEqual(want);
    // Every decision explains itself with rules of the bundle, and carries the bundle's hash.
    expect(decision.policyBundleHash).toBe(bundle.hash);
    for (const t of decision.trace) expect(Object.keys(bundle.rules)).toContain(t.rule);
  });
});
