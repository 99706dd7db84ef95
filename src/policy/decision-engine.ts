import { AbilityBuilder, createMongoAbility, subject, type MongoAbility } from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import type { EngineRule } from './bundle-loader.js';
import type { PolicyBundle } from './bundle.types.js';
import type {
  Decision,
  DecisionFacts,
  DisclosureRequest,
  Outcome,
  PendingItem,
  ReleasedItem,
  TraceEntry,
  Withheld,
} from './decision.types.js';
import type { AgreementFact, CaseStage, ConsentFact, ItemFact } from './facts.js';

const STAGE_ORDER: Record<CaseStage, number> = {
  deidentified: 0,
  high_risk_confirmed: 1,
  active: 2,
  closed: -1,
};
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

type ItemAbility = MongoAbility<['read', 'Item' | { category: string }]>;

/** What the released items relied on; `withoutAgreement`: released items no agreement covered. */
interface Used {
  readonly agreements: AgreementFact[];
  readonly consents: ConsentFact[];
  readonly withoutAgreement: string[];
}

/** What one item's evaluation concluded. */
type ItemVerdict =
  | {
      readonly kind: 'release';
      readonly basis: string;
      readonly agreement?: AgreementFact;
      readonly consent?: ConsentFact;
    }
  | { readonly kind: 'pending'; readonly basis: string }
  | { readonly kind: 'withhold'; readonly rule: EngineRule }
  | { readonly kind: 'silent' };

const within = (now: number, from: string, to: string | null): boolean =>
  Date.parse(from) <= now && (to === null || now < Date.parse(to));

/**
 * The decision (DESIGN §3): a pure function of the request, the facts, the bundle and the clock.
 * Default deny; every rule evaluated goes into the trace with its verdict and the facts it used,
 * because CASL alone cannot explain a refusal. CASL decides the field level (`permittedFieldsOf`),
 * always on subject objects — a string subject would ignore the rules' conditions.
 */
export class DecisionEngine {
  private readonly trace: TraceEntry[] = [];

  private constructor(
    private readonly request: DisclosureRequest,
    private readonly facts: DecisionFacts,
    private readonly bundle: PolicyBundle,
    private readonly now: Date,
  ) {}

  static decide(
    request: DisclosureRequest,
    facts: DecisionFacts,
    bundle: PolicyBundle,
    now: Date,
  ): Decision {
    return new DecisionEngine(request, facts, bundle, now).run();
  }

  private note(
    rule: EngineRule,
    verdict: TraceEntry['verdict'],
    scope: string,
    facts: TraceEntry['facts'] = {},
  ): boolean {
    this.trace.push({ rule, verdict, scope, facts });
    return verdict !== 'fail';
  }

  private run(): Decision {
    const { request, facts } = this;
    const requestAllowed =
      this.note(
        'R-AGENCY-ACTIVE',
        facts.requester.status === 'active' ? 'pass' : 'fail',
        'request',
        {
          requester: facts.requester.id,
          status: facts.requester.status,
        },
      ) &&
      this.note(
        'R-ROLE',
        request.roles.some((r) => this.bundle.requesterRoles.includes(r)) ? 'pass' : 'fail',
        'request',
        {
          roles: [...request.roles],
        },
      ) &&
      this.note(
        'R-PURPOSE-SECTOR',
        this.bundle.sectors[facts.requester.sector]?.purposes.includes(request.purpose)
          ? 'pass'
          : 'fail',
        'request',
        { sector: facts.requester.sector, purpose: request.purpose },
      );
    if (!requestAllowed) {
      const failed = this.trace.filter((t) => t.verdict === 'fail').map((t) => t.rule);
      return this.result(
        [],
        request.categories.map((category) => ({ category, reasons: failed })),
        [],
      );
    }

    const ability = this.fieldAbility();
    const released: ReleasedItem[] = [];
    const pending: PendingItem[] = [];
    const withheld: Withheld[] = [];
    const used: Used = { agreements: [], consents: [], withoutAgreement: [] };
    for (const category of request.categories) {
      const categoryRule = this.categoryGate(category);
      // Items the requester holds itself are not a disclosure; they are left out.
      const items = facts.items.filter(
        (i) =>
          i.category === category &&
          i.personId === request.personId &&
          i.holderAgencyId !== facts.requester.id,
      );
      if (categoryRule) {
        withheld.push({ category, reasons: [categoryRule] });
        continue;
      }
      const reasons = new Set<EngineRule>();
      for (const item of items) {
        const verdict = this.itemVerdict(item);
        if (verdict.kind === 'withhold') reasons.add(verdict.rule);
        else if (verdict.kind === 'pending')
          pending.push({
            itemId: item.id,
            itemVersion: item.version,
            holderAgencyId: item.holderAgencyId,
            category,
          });
        else if (verdict.kind === 'release') {
          const fieldsOfCategory = Object.keys(this.bundle.taxonomy.categories[category].fields);
          const permitted = permittedFieldsOf(
            ability,
            'read',
            subject('Item', { category }) as never,
            {
              fieldsFrom: (rule) => rule.fields || fieldsOfCategory,
            },
          ).filter((f) => f in item.fields);
          const withheldFields = Object.keys(item.fields).filter((f) => !permitted.includes(f));
          this.note('R-FIELD-RULES', permitted.length > 0 ? 'pass' : 'fail', `item:${item.id}`, {
            permitted,
            withheld: withheldFields,
          });
          if (permitted.length === 0) {
            reasons.add('R-FIELD-RULES');
            continue;
          }
          released.push({
            itemId: item.id,
            itemVersion: item.version,
            holderAgencyId: item.holderAgencyId,
            category,
            fields: Object.fromEntries(permitted.map((f) => [f, item.fields[f]])),
            withheldFields,
            basis: verdict.basis,
          });
          if (verdict.agreement) used.agreements.push(verdict.agreement);
          else used.withoutAgreement.push(item.id);
          if (verdict.consent) used.consents.push(verdict.consent);
        }
      }
      if (reasons.size > 0) withheld.push({ category, reasons: [...reasons] });
    }
    return this.result(released, withheld, pending, used);
  }

  /** DESIGN §3.2.2: the case stage gates the category; planning data only to assigned agencies. */
  private categoryGate(category: string): EngineRule | undefined {
    const def = this.bundle.taxonomy.categories[category];
    const stage = this.facts.case.stage;
    const scope = `category:${category}`;
    const stageOk =
      def !== undefined && stage !== 'closed' && STAGE_ORDER[stage] >= STAGE_ORDER[def.stage];
    if (
      !this.note('R-STAGE', stageOk ? 'pass' : 'fail', scope, {
        stage,
        required: def?.stage ?? null,
      })
    )
      return 'R-STAGE';
    if (!def.planning) return undefined;
    const assigned = this.facts.case.assignedAgencyIds.includes(this.facts.requester.id);
    const ok = stage === 'active' && assigned;
    return this.note('R-PLANNING-ASSIGNED', ok ? 'pass' : 'fail', scope, { stage, assigned })
      ? undefined
      : 'R-PLANNING-ASSIGNED';
  }

  private itemVerdict(item: ItemFact): ItemVerdict {
    const scope = `item:${item.id}`;
    // DESIGN §3.2.5: an excluded item is never disclosed, and the requester is not told it exists —
    // so it is checked first: no later refusal may name it.
    if (!this.note('R-EXCLUDED-ITEM', item.excluded ? 'fail' : 'pass', scope, {}))
      return { kind: 'silent' };
    const holder = this.facts.holders[item.holderAgencyId];
    if (
      !this.note('R-AGENCY-ACTIVE', holder?.status === 'active' ? 'pass' : 'fail', scope, {
        holder: item.holderAgencyId,
      })
    ) {
      return { kind: 'withhold', rule: 'R-AGENCY-ACTIVE' };
    }
    const side = this.facts.user.side;
    const separated =
      side !== null &&
      this.bundle.separationOfDuties[side].deniedHolderSectors.includes(holder.sector);
    if (
      !this.note(
        'R-SEPARATION-OF-DUTIES',
        separated ? 'fail' : side ? 'pass' : 'not_applicable',
        scope,
        { side, holderSector: holder.sector },
      )
    ) {
      return { kind: 'withhold', rule: 'R-SEPARATION-OF-DUTIES' };
    }

    const basis = this.basis(item, holder.privacyRegime);
    if (basis.kind !== 'ok') return { kind: 'withhold', rule: basis.rule };

    let agreement: AgreementFact | undefined;
    if (this.request.basis === 'life_safety') {
      // DESIGN §3.3: under the exception the law is the authority; the absence of an agreement is recorded.
      agreement = this.agreementFor(item);
      this.note('R-AGREEMENT', 'not_applicable', scope, {
        agreement: agreement ? `${agreement.id}@${agreement.version}` : null,
      });
    } else {
      agreement = this.agreementFor(item);
      const ok = agreement !== undefined;
      if (
        !this.note('R-AGREEMENT', ok ? 'pass' : 'fail', scope, {
          agreement: agreement ? `${agreement.id}@${agreement.version}` : null,
        })
      ) {
        return { kind: 'withhold', rule: 'R-AGREEMENT' };
      }
    }

    const regime = this.bundle.regimes[holder.privacyRegime];
    const approvalNeeded =
      regime.approval.required && !regime.approval.waivedFor.includes(this.request.basis);
    const approved = (this.facts.approvedItemIds ?? []).includes(item.id);
    this.note(
      'R-HOLDER-APPROVAL',
      !approvalNeeded ? 'not_applicable' : approved ? 'pass' : 'fail',
      scope,
      {
        regime: holder.privacyRegime,
        approved,
      },
    );
    if (approvalNeeded && !approved) return { kind: 'pending', basis: basis.basis };
    return { kind: 'release', basis: basis.basis, agreement, consent: basis.consent };
  }

  private basis(
    item: ItemFact,
    regimeId: keyof PolicyBundle['regimes'],
  ): { kind: 'ok'; basis: string; consent?: ConsentFact } | { kind: 'fail'; rule: EngineRule } {
    const scope = `item:${item.id}`;
    const { request, facts, bundle } = this;
    const person = facts.person;
    if (request.basis === 'life_safety') return this.lifeSafety(item, regimeId);
    if (request.basis === 'legal_obligation') {
      const duty = request.obligationId ? bundle.obligations[request.obligationId] : undefined;
      const ok =
        duty !== undefined &&
        duty.recipientSectors.includes(facts.requester.sector) &&
        duty.personRoles.includes(person.role) &&
        duty.categories.includes(item.category);
      return this.note('R-BASIS-LEGAL-OBLIGATION', ok ? 'pass' : 'fail', scope, {
        obligation: request.obligationId ?? null,
      })
        ? { kind: 'ok', basis: `legal_obligation:${request.obligationId}` }
        : { kind: 'fail', rule: 'R-BASIS-LEGAL-OBLIGATION' };
    }
    const consent = this.consentFor(item);
    this.note('R-BASIS-CONSENT', consent ? 'pass' : 'fail', scope, {
      consent: consent ? `${consent.id}@${consent.version}` : null,
    });
    if (consent) return { kind: 'ok', basis: 'consent', consent };
    // Without the person's consent: only the protection rules the regime and policy allow.
    if (person.role === 'perpetrator') {
      const pp = bundle.perpetratorProtection;
      const ok =
        bundle.regimes[regimeId].perpetratorProtection &&
        pp.purposes.includes(request.purpose) &&
        pp.categories.includes(item.category);
      return this.note('R-PERPETRATOR-PROTECTION', ok ? 'pass' : 'fail', scope, {
        regime: regimeId,
      })
        ? { kind: 'ok', basis: 'perpetrator_protection' }
        : { kind: 'fail', rule: 'R-PERPETRATOR-PROTECTION' };
    }
    if (person.role === 'child') {
      const cp = bundle.childProtection;
      const ok =
        cp.recipientSectors.includes(facts.requester.sector) &&
        cp.categories.includes(item.category);
      return this.note('R-CHILD-PROTECTION', ok ? 'pass' : 'fail', scope, {
        recipientSector: facts.requester.sector,
      })
        ? { kind: 'ok', basis: 'child_protection' }
        : { kind: 'fail', rule: 'R-CHILD-PROTECTION' };
    }
    if (person.role === 'victim') {
      this.note('R-VICTIM-CONSENT', 'fail', scope, { role: person.role });
      return { kind: 'fail', rule: 'R-VICTIM-CONSENT' };
    }
    return { kind: 'fail', rule: 'R-BASIS-CONSENT' };
  }

  /** DESIGN §3.3: the holder regime's test, every criterion attested, recipient and category allowed, in time. */
  private lifeSafety(
    item: ItemFact,
    regimeId: keyof PolicyBundle['regimes'],
  ): { kind: 'ok'; basis: string } | { kind: 'fail'; rule: EngineRule } {
    const { request, facts, bundle } = this;
    const testId = bundle.regimes[regimeId].exception;
    const test = bundle.exceptions.tests[testId];
    const attestation = request.attestation;
    const missing = test.criteria.filter((c) => attestation?.criteria[c] !== true);
    const attestedAt = attestation ? Date.parse(attestation.attestedAt) : Number.NaN;
    const inTime =
      Number.isFinite(attestedAt) &&
      attestedAt <= this.now.getTime() + 60_000 &&
      this.now.getTime() - attestedAt <= test.durationHours * HOUR_MS;
    const recipientOk = test.recipientSectors.includes(facts.requester.sector);
    const categoryOk = test.categories.includes(item.category);
    const ok = missing.length === 0 && inTime && recipientOk && categoryOk;
    this.note('R-BASIS-LIFE-SAFETY', ok ? 'pass' : 'fail', `item:${item.id}`, {
      test: testId,
      missingCriteria: missing,
      inTime,
      recipientAllowed: recipientOk,
      categoryNeeded: categoryOk,
    });
    if (!ok) return { kind: 'fail', rule: 'R-BASIS-LIFE-SAFETY' };
    const special =
      bundle.taxonomy.categories[item.category].sensitivity.includes('special_category');
    if (test.specialCategoryRequiresIncapacity && special) {
      // Capacity is presumed (Mental Capacity Act 2005): only a recorded lack of capacity lets
      // vital interests reach special-category data; `unknown` counts as able to consent.
      const capable = facts.person.capacity !== 'lacks_capacity';
      if (
        !this.note('R-SPECIAL-CATEGORY', capable ? 'fail' : 'pass', `item:${item.id}`, {
          capacity: facts.person.capacity,
        })
      ) {
        return { kind: 'fail', rule: 'R-SPECIAL-CATEGORY' };
      }
    }
    return { kind: 'ok', basis: `life_safety:${testId}` };
  }

  /** An active consent of the person covering this recipient, category and purpose, now. */
  private consentFor(item: ItemFact): ConsentFact | undefined {
    const now = this.now.getTime();
    const { requester } = this.facts;
    return this.facts.consents.find(
      (c) =>
        c.personId === this.request.personId &&
        c.status === 'active' &&
        (c.withdrawnAt === null || now < Date.parse(c.withdrawnAt)) &&
        within(now, c.validFrom, c.validUntil) &&
        (c.recipientAgencyIds.includes(requester.id) ||
          c.recipientSectors.includes(requester.sector)) &&
        c.categories.includes(item.category) &&
        c.purposes.includes(this.request.purpose),
    );
  }

  /** An agreement in force now between holder and requester, for this purpose, with a flow of this category. */
  private agreementFor(item: ItemFact): AgreementFact | undefined {
    const now = this.now.getTime();
    const requester = this.facts.requester.id;
    return this.facts.agreements.find(
      (a) =>
        a.status === 'active' &&
        within(now, a.effectiveFrom, a.effectiveTo) &&
        a.partyAgencyIds.includes(item.holderAgencyId) &&
        a.partyAgencyIds.includes(requester) &&
        a.purposes.includes(this.request.purpose) &&
        a.flows.some(
          (f) =>
            f.fromAgencyId === item.holderAgencyId &&
            f.toAgencyId === requester &&
            f.categories.includes(item.category),
        ),
    );
  }

  /** Field rules for this recipient as CASL rules: inverted rules per category, with or without fields. */
  private fieldAbility(): ItemAbility {
    const { can, cannot, build } = new AbilityBuilder<ItemAbility>(createMongoAbility);
    can('read', 'Item');
    const sector = this.facts.requester.sector;
    const side = this.facts.user.side;
    for (const rule of this.bundle.fieldRules) {
      const applies =
        rule.recipientSectors.includes(sector) ||
        (side !== null && rule.recipientSides.includes(side));
      if (!applies) continue;
      if (rule.fields === '*') cannot('read', 'Item', { category: rule.category } as never);
      else cannot('read', 'Item', [...rule.fields], { category: rule.category } as never);
    }
    return build();
  }

  private result(
    released: ReleasedItem[],
    withheld: Withheld[],
    pending: PendingItem[],
    used: Used = { agreements: [], consents: [], withoutAgreement: [] },
  ): Decision {
    const { request, facts, bundle } = this;
    const outcome: Outcome =
      released.length > 0
        ? withheld.length > 0 || pending.length > 0
          ? 'partial'
          : 'permit'
        : pending.length > 0
          ? 'pending'
          : 'deny';
    if (outcome === 'deny' && withheld.length === 0)
      this.note('R-DEFAULT-DENY', 'fail', 'request', {});
    const lifeSafety = request.basis === 'life_safety';
    const releasedHolders = [...new Set(released.map((r) => r.holderAgencyId))].sort();
    const retention = lifeSafety
      ? bundle.obligationsOnRelease.lifeSafetyRetentionDays
      : Math.min(
          bundle.obligationsOnRelease.defaultRetentionDays,
          ...used.agreements.map((a) => a.retentionDays),
        );
    const itemLimits = facts.items
      .filter((i) => released.some((r) => r.itemId === i.id) && i.retainUntil)
      .map((i) => Date.parse(i.retainUntil as string));
    const retainUntil =
      released.length > 0
        ? new Date(Math.min(this.now.getTime() + retention * DAY_MS, ...itemLimits)).toISOString()
        : null;
    // Per item (DESIGN §3.3): a multi-party agreement that covers one holder's flow to the
    // requester says nothing of another party's flow.
    const noAgreement = lifeSafety && used.withoutAgreement.length > 0;
    const reviewReasons = [
      ...(lifeSafety && released.length > 0 ? ['life_safety_exception'] : []),
      ...(request.basis === 'legal_obligation' && released.length > 0 ? ['legal_obligation'] : []),
      ...(noAgreement ? ['no_agreement'] : []),
    ];
    return {
      outcome,
      released,
      withheld,
      pending,
      obligations: {
        // Onward disclosure is barred under the exception, by the agreements used, and whenever a
        // basis other than consent let the information out.
        noRedisclosure:
          released.length > 0 &&
          (lifeSafety ||
            used.agreements.some((a) => a.onwardDisclosureProhibited) ||
            released.some((r) => r.basis !== 'consent')),
        retainUntil,
        notifyOnChange: released.length > 0,
      },
      duties: {
        registerEntries: releasedHolders.filter(
          (h) => bundle.regimes[facts.holders[h].privacyRegime].duties.register,
        ),
        noticeDue: lifeSafety
          ? releasedHolders.filter(
              (h) => bundle.regimes[facts.holders[h].privacyRegime].duties.notice,
            )
          : [],
        reviewRequired: reviewReasons.length > 0,
        reviewReasons,
      },
      agreementVersions: [...new Set(used.agreements.map((a) => `${a.id}@${a.version}`))].sort(),
      consentVersions: [...new Set(used.consents.map((c) => `${c.id}@${c.version}`))].sort(),
      trace: this.trace,
      policyBundleHash: bundle.hash,
      decidedAt: this.now.toISOString(),
    };
  }
}
