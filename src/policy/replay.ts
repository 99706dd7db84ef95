import { canonicalize } from '../audit/core/canonical-json.js';
import type { PolicyBundle } from './bundle.types.js';
import { DecisionEngine } from './decision-engine.js';
import type {
  Decision,
  DecisionFacts,
  DisclosureRequest,
  Outcome,
  PendingItem,
  TraceEntry,
  Verdict,
} from './decision.types.js';

/**
 * Replay (DESIGN §3.1): a past decision decided again from its stored inputs — request, facts
 * (item values dropped: rules read field names only) and its instant — under the bundle in force
 * then, which must reproduce it exactly, or under another bundle, to see what a policy change would
 * have changed. Pure: the caller loads the stored decision and the bundle.
 */

/** A decision as the decision store keeps it: released items carry their field names only. */
export interface StoredDecision {
  readonly id: string;
  readonly request: DisclosureRequest;
  readonly facts: DecisionFacts;
  readonly decision: StoredOutcome;
  readonly policyBundleHash: string;
  readonly decidedAt: Date;
}

export type StoredOutcome = Omit<Decision, 'released'> & {
  readonly released: readonly ReleasedView[];
};

/** A released item as replay shows it: which item, to whom, which fields (names, never values). */
export interface ReleasedView {
  readonly itemId: string;
  readonly itemVersion: number;
  readonly holderAgencyId: string;
  readonly category: string;
  readonly fields: readonly string[];
  readonly withheldFields: readonly string[];
  readonly basis: string;
}

/** One side of a replay: the decision as stored, or as decided again. */
export interface DecisionSide {
  readonly policyBundleHash: string;
  readonly outcome: Outcome;
  readonly released: readonly ReleasedView[];
  readonly withheld: Decision['withheld'];
  readonly pending: readonly PendingItem[];
  readonly obligations: Decision['obligations'];
  readonly duties: Decision['duties'];
  readonly agreementVersions: readonly string[];
  readonly consentVersions: readonly string[];
  readonly trace: readonly TraceEntry[];
}

/** A rule whose verdict on one scope changed; `null`: not evaluated on that side. */
export interface RuleChange {
  readonly rule: string;
  readonly scope: string;
  readonly from: Verdict | null;
  readonly to: Verdict | null;
}

export interface Change<T> {
  readonly from: T;
  readonly to: T;
}

/** What differs between the two sides; `rules` is always there, the rest only when it changed. */
export interface ReplayChanges {
  readonly outcome?: Change<Outcome>;
  readonly rules: readonly RuleChange[];
  /** Rules with the same verdict that read other facts (e.g. another required stage). */
  readonly ruleFacts?: readonly { readonly rule: string; readonly scope: string }[];
  readonly released?: {
    readonly added: readonly ReleasedView[];
    readonly removed: readonly ReleasedView[];
    readonly changed: readonly (Change<ReleasedView> & { readonly itemId: string })[];
  };
  /** Per category: the reasons before and after (`null`: nothing withheld on that side). */
  readonly withheld?: readonly (Change<readonly string[] | null> & { readonly category: string })[];
  readonly pending?: {
    readonly added: readonly PendingItem[];
    readonly removed: readonly PendingItem[];
  };
  readonly obligations?: Change<Decision['obligations']>;
  readonly duties?: Change<Decision['duties']>;
  readonly reliedOn?: Change<{
    readonly agreementVersions: readonly string[];
    readonly consentVersions: readonly string[];
  }>;
}

export interface ReplayResult {
  /** True when the replay answered exactly what was stored, trace included. */
  readonly reproduced: boolean;
  readonly original: DecisionSide;
  readonly replayed: DecisionSide;
  readonly changes: ReplayChanges;
}

export type ReplayFailureReason = 'engine_failed' | 'stored_decision_unreadable';

/** The decision cannot be replayed under this bundle; a refusal to report, never a crash. */
export class ReplayFailure extends Error {
  constructor(
    readonly reason: ReplayFailureReason,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'ReplayFailure';
  }
}

/** What the store kept of a decision, and what the engine answers: one shape, JSON-exact. */
function sideOf(decision: StoredOutcome, policyBundleHash: string): DecisionSide {
  const side: DecisionSide = {
    policyBundleHash,
    outcome: decision.outcome,
    released: decision.released.map((r) => ({
      itemId: r.itemId,
      itemVersion: r.itemVersion,
      holderAgencyId: r.holderAgencyId,
      category: r.category,
      fields: [...r.fields],
      withheldFields: [...r.withheldFields],
      basis: r.basis,
    })),
    withheld: decision.withheld,
    pending: decision.pending,
    obligations: decision.obligations,
    duties: decision.duties,
    agreementVersions: decision.agreementVersions,
    consentVersions: decision.consentVersions,
    trace: decision.trace,
  };
  // The stored side went through jsonb: the replayed side goes through JSON the same way, so
  // `undefined` members and key order never count as a difference.
  return JSON.parse(JSON.stringify(side)) as DecisionSide;
}

const same = (a: unknown, b: unknown): boolean => canonicalize(a) === canonicalize(b);
const sorted = (list: readonly string[]): string[] => [...list].sort();

/** A released item compared as a set of field names: the order of a taxonomy is no change. */
const releasedKey = (r: ReleasedView): unknown => ({
  ...r,
  fields: sorted(r.fields),
  withheldFields: sorted(r.withheldFields),
});

const setLike = (d: Decision['duties']): unknown => ({
  ...d,
  registerEntries: sorted(d.registerEntries),
  noticeDue: sorted(d.noticeDue),
  reviewReasons: sorted(d.reviewReasons),
});

/**
 * Lists whose order says nothing, put in one order. A bundle read back from the database (jsonb
 * orders keys by length) lists a category's fields in another order than its YAML did, and the
 * engine lists permitted fields in the bundle's order: a set of names is compared as a set.
 */
function setsSorted(facts: TraceEntry['facts']): TraceEntry['facts'] {
  return Object.fromEntries(
    Object.entries(facts).map(([k, v]) => [k, Array.isArray(v) ? sorted(v as string[]) : v]),
  );
}

/** A side as compared: every set-like list sorted, the bundle hash left out. */
function comparable(side: DecisionSide): unknown {
  const { policyBundleHash: _hash, ...rest } = side;
  return {
    ...rest,
    released: rest.released.map(releasedKey),
    withheld: rest.withheld.map((w) => ({ ...w, reasons: sorted(w.reasons) })),
    duties: setLike(rest.duties),
    trace: rest.trace.map((t) => ({ ...t, facts: setsSorted(t.facts) })),
  };
}

/** Rule evaluations keyed by rule, scope and occurrence, in the order they were evaluated. */
function verdicts(trace: readonly TraceEntry[]): Map<string, TraceEntry> {
  const seen = new Map<string, number>();
  const byKey = new Map<string, TraceEntry>();
  for (const entry of trace) {
    const base = `${entry.rule}\u0000${entry.scope}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    byKey.set(`${base}\u0000${n}`, entry);
  }
  return byKey;
}

function ruleChanges(
  from: readonly TraceEntry[],
  to: readonly TraceEntry[],
): { rules: RuleChange[]; ruleFacts: { rule: string; scope: string }[] } {
  const before = verdicts(from);
  const after = verdicts(to);
  const rules: RuleChange[] = [];
  const ruleFacts: { rule: string; scope: string }[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(key);
    const b = after.get(key);
    const { rule, scope } = (a ?? b) as TraceEntry;
    if (a?.verdict !== b?.verdict)
      rules.push({ rule, scope, from: a?.verdict ?? null, to: b?.verdict ?? null });
    else if (!same(setsSorted(a!.facts), setsSorted(b!.facts))) ruleFacts.push({ rule, scope });
  }
  return { rules, ruleFacts };
}

function releasedChanges(
  from: readonly ReleasedView[],
  to: readonly ReleasedView[],
): ReplayChanges['released'] {
  const after = new Map(to.map((r) => [r.itemId, r]));
  const before = new Map(from.map((r) => [r.itemId, r]));
  const added = to.filter((r) => !before.has(r.itemId));
  const removed = from.filter((r) => !after.has(r.itemId));
  const changed = from
    .filter((r) => after.has(r.itemId) && !same(releasedKey(r), releasedKey(after.get(r.itemId)!)))
    .map((r) => ({ itemId: r.itemId, from: r, to: after.get(r.itemId)! }));
  return added.length || removed.length || changed.length ? { added, removed, changed } : undefined;
}

function withheldChanges(
  from: Decision['withheld'],
  to: Decision['withheld'],
): ReplayChanges['withheld'] {
  const reasons = (list: Decision['withheld'], category: string): string[] | null => {
    const found = list.find((w) => w.category === category);
    return found ? sorted(found.reasons) : null;
  };
  const categories = [...new Set([...from, ...to].map((w) => w.category))];
  const changes = categories
    .map((category) => ({ category, from: reasons(from, category), to: reasons(to, category) }))
    .filter((c) => !same(c.from, c.to));
  return changes.length > 0 ? changes : undefined;
}

function pendingChanges(
  from: readonly PendingItem[],
  to: readonly PendingItem[],
): ReplayChanges['pending'] {
  const key = (p: PendingItem): string => canonicalize(p);
  const before = new Set(from.map(key));
  const after = new Set(to.map(key));
  const added = to.filter((p) => !before.has(key(p)));
  const removed = from.filter((p) => !after.has(key(p)));
  return added.length || removed.length ? { added, removed } : undefined;
}

/** Both sides compared, field by field and rule by rule. */
export function compareSides(original: DecisionSide, replayed: DecisionSide): ReplayResult {
  const { rules, ruleFacts } = ruleChanges(original.trace, replayed.trace);
  const reliedOn = (s: DecisionSide) => ({
    agreementVersions: s.agreementVersions,
    consentVersions: s.consentVersions,
  });
  const optional: Omit<ReplayChanges, 'rules'> = {
    outcome:
      original.outcome === replayed.outcome
        ? undefined
        : { from: original.outcome, to: replayed.outcome },
    ruleFacts: ruleFacts.length > 0 ? ruleFacts : undefined,
    released: releasedChanges(original.released, replayed.released),
    withheld: withheldChanges(original.withheld, replayed.withheld),
    pending: pendingChanges(original.pending, replayed.pending),
    obligations: same(original.obligations, replayed.obligations)
      ? undefined
      : { from: original.obligations, to: replayed.obligations },
    duties: same(setLike(original.duties), setLike(replayed.duties))
      ? undefined
      : { from: original.duties, to: replayed.duties },
    reliedOn: same(reliedOn(original), reliedOn(replayed))
      ? undefined
      : { from: reliedOn(original), to: reliedOn(replayed) },
  };
  const changes: ReplayChanges = {
    rules,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
  return {
    reproduced:
      rules.length === 0 &&
      Object.keys(changes).length === 1 &&
      same(comparable(original), comparable(replayed)),
    original,
    replayed,
    changes,
  };
}

/**
 * Decides `stored` again under `bundle`, at the instant it was decided, and compares. Throws
 * `ReplayFailure` when the stored decision cannot be read or the engine cannot run on this bundle
 * (a bundle that no longer describes what the request used).
 */
export function replayDecision(stored: StoredDecision, bundle: PolicyBundle): ReplayResult {
  let original: DecisionSide;
  try {
    original = sideOf(stored.decision, stored.policyBundleHash);
  } catch (error) {
    throw new ReplayFailure('stored_decision_unreadable', { cause: error });
  }
  let replayed: DecisionSide;
  try {
    const decision = DecisionEngine.decide(stored.request, stored.facts, bundle, stored.decidedAt);
    replayed = sideOf(
      {
        ...decision,
        released: decision.released.map((r) => ({ ...r, fields: Object.keys(r.fields) })),
      },
      bundle.hash,
    );
  } catch (error) {
    throw new ReplayFailure('engine_failed', { cause: error });
  }
  try {
    return compareSides(original, replayed);
  } catch (error) {
    // Only a stored decision of an unexpected shape gets here (the replayed side is the engine's).
    throw new ReplayFailure('stored_decision_unreadable', { cause: error });
  }
}
