import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog, type AuditedTransaction } from '../audit/audit-log.js';
import { AuditSigner } from '../audit/audit-signer.js';
import type { AuditContext, AuditEntry } from '../audit/audit.types.js';
import { canonicalSha256 } from '../audit/core/canonical-json.js';
import { hasPartIn } from '../cases/case-access.js';
import { isTableOversight, type PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Localized } from '../common/i18n/language.js';
import type { PolicyBundle } from '../policy/bundle.types.js';
import { DecisionEngine } from '../policy/decision-engine.js';
import type {
  Decision,
  DecisionFacts,
  DisclosureRequest,
  ReleasedItem,
} from '../policy/decision.types.js';
import { PolicyService } from '../policy/policy.service.js';
import { NoticesService } from '../notices/notices.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { ReviewsService, type ReviewReason } from '../reviews/reviews.service.js';
import { DisclosureFactsRepository } from './disclosure-facts.repository.js';
import { DisclosureProblems } from './disclosures.problems.js';
import type { DisclosureRequestDto } from './dto/disclosure-request.dto.js';

export interface ReasonView {
  readonly code: string;
  readonly description: Localized;
  readonly citation: string;
}

export interface DisclosureResponse {
  readonly decisionId: string;
  readonly dryRun: boolean;
  readonly outcome: Decision['outcome'];
  /** Released items with only their permitted fields; a dry run names the fields without values. */
  readonly released: readonly (Omit<ReleasedItem, 'fields' | 'basis'> & {
    readonly fields?: Readonly<Record<string, unknown>>;
    readonly fieldNames: readonly string[];
  })[];
  readonly withheld: readonly {
    readonly category: string;
    readonly reasons: readonly ReasonView[];
  }[];
  readonly pending: Decision['pending'];
  readonly obligations: Decision['obligations'];
  readonly duties: Decision['duties'];
  readonly policyBundleHash: string;
  readonly decidedAt: string;
  /** The signed audit receipt of this decision (also in the Filet-Audit-Receipt header). */
  readonly receipt: string;
}

// Reasons that depend only on the request, the requester and the case, never on what is held.
const REQUEST_LEVEL: readonly string[] = [
  'R-AGENCY-ACTIVE',
  'R-ROLE',
  'R-PURPOSE-SECTOR',
  'R-STAGE',
  'R-PLANNING-ASSIGNED',
];

/**
 * What the requester is told was withheld. Item-level reasons (no consent, no agreement with that
 * holder, separation of duties…) would tell whether anything is held at all — that a victim is in
 * a shelter, say — so every requested category with nothing released or pending gets the same
 * answer whether or not anything exists: its request-level reasons, else R-DEFAULT-DENY. The
 * decision record and its trace keep the full reasons for those entitled to them.
 */
function requesterView(categories: readonly string[], decision: Decision): Decision['withheld'] {
  const answered = new Set([...decision.released, ...decision.pending].map((r) => r.category));
  return categories
    .filter((category) => !answered.has(category))
    .map((category) => {
      const reasons = decision.withheld.find((w) => w.category === category)?.reasons ?? [];
      const requestLevel = reasons.filter((r) => REQUEST_LEVEL.includes(r));
      return {
        category,
        reasons: requestLevel.length > 0 ? requestLevel : ['R-DEFAULT-DENY' as const],
      };
    });
}

/** Facts as stored for replay: item values dropped (rules read field names, never values). */
function storableFacts(facts: DecisionFacts): Record<string, unknown> {
  return {
    ...facts,
    items: facts.items.map((i) => ({
      ...i,
      fields: Object.fromEntries(Object.keys(i.fields).map((f) => [f, null])),
    })),
  } as unknown as Record<string, unknown>;
}

/** The consent versions a decision relies on (`id@version`). */
function consentsUsed(decision: Decision): { id: string; version: number }[] {
  return decision.consentVersions.map((v) => {
    const [id, version] = v.split('@');
    return { id: id!, version: Number(version) };
  });
}

/**
 * Decides disclosures (DESIGN §3): loads the facts, runs the pure engine, and in one transaction
 * stores the decision and writes its audit records — the decision itself and one release record per
 * holder (for registers and subject access reports) — before anything leaves.
 */
@Injectable()
export class DisclosuresService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly signer: AuditSigner,
    private readonly policy: PolicyService,
    private readonly factsRepository: DisclosureFactsRepository,
    private readonly reviews: ReviewsService,
    private readonly notices: NoticesService,
    private readonly notifications: NotificationsService,
  ) {}

  async decide(
    caller: PrincipalContext,
    ctx: AuditContext,
    input: DisclosureRequestDto,
    dryRun: boolean,
  ): Promise<DisclosureResponse> {
    const bundle = this.policy.current();
    this.validate(input, bundle);
    const request: DisclosureRequest = {
      requesterAgencyId: caller.agencyId,
      subject: caller.subject,
      roles: caller.roles,
      caseId: input.caseId.toLowerCase(),
      personId: input.personId.toLowerCase(),
      categories: input.categories,
      purpose: input.purpose,
      basis: input.basis,
      obligationId: input.obligationId,
      attestation: input.attestation
        ? { criteria: { ...input.attestation.criteria }, attestedAt: input.attestation.attestedAt }
        : undefined,
    };
    const now = new Date();
    const facts = await this.facts(caller, request, now);
    const decision = DecisionEngine.decide(request, facts, bundle, now);
    const payload = dryRun
      ? []
      : decision.released.map(({ itemId, itemVersion, category, fields }) => ({
          itemId,
          itemVersion,
          category,
          fields,
        }));
    const decisionId = randomUUID();
    await this.audit.transaction(ctx, async (tx) => {
      const { manager, record } = tx;
      // The consents a release relies on, held steady until it commits (FOR SHARE): a withdrawal
      // (FOR UPDATE) waits for the release and then notifies its recipient, or commits first and
      // the release, decided on the version read before, is refused (no row stored) — never a
      // release under a consent already withdrawn, never a recipient the withdrawal notice misses.
      const held = dryRun ? [] : consentsUsed(decision);
      const stored: unknown[] = await manager.query(
        `WITH used AS (SELECT * FROM unnest($14::uuid[], $15::int[]) AS u(id, version)),
              held AS (SELECT c.id, c.current_version FROM consent c
                        WHERE c.id IN (SELECT id FROM used) FOR SHARE)
         INSERT INTO decision (id, requester_agency_id, subject, case_id, person_id, dry_run, outcome, request, facts,
                               decision, policy_bundle_hash, payload_sha256, decided_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
          WHERE NOT EXISTS (SELECT 1 FROM used u LEFT JOIN held h ON h.id = u.id
                             WHERE h.current_version IS DISTINCT FROM u.version)
         RETURNING id`,
        [
          decisionId,
          caller.agencyId,
          caller.subject,
          request.caseId,
          request.personId,
          dryRun,
          decision.outcome,
          request,
          storableFacts(facts),
          {
            ...decision,
            released: decision.released.map((r) => ({ ...r, fields: Object.keys(r.fields) })),
          },
          bundle.hash,
          payload.length ? canonicalSha256(payload) : null,
          now.toISOString(),
          held.map((c) => c.id),
          held.map((c) => c.version),
        ],
      );
      if (stored.length === 0) throw new DomainError(DisclosureProblems.factsChanged);
      if (!dryRun && decision.pending.length > 0) {
        await manager.query(
          `INSERT INTO decision_approval (decision_id, item_id, item_version, holder_agency_id, status)
           SELECT $1, item_id, item_version, holder_agency_id, 'pending'
             FROM unnest($2::uuid[], $3::int[], $4::uuid[]) AS p(item_id, item_version, holder_agency_id)`,
          [
            decisionId,
            decision.pending.map((p) => p.itemId),
            decision.pending.map((p) => p.itemVersion),
            decision.pending.map((p) => p.holderAgencyId),
          ],
        );
      }
      // An approval serves once: the release it allowed uses it up.
      const usedApprovals = dryRun
        ? []
        : decision.released
            .filter((r) => facts.approvedItemIds?.includes(r.itemId))
            .map((r) => r.itemId);
      if (usedApprovals.length > 0) {
        await manager.query(
          `UPDATE decision_approval a SET status = 'released'
             FROM decision d
            WHERE d.id = a.decision_id AND a.status = 'approved' AND a.item_id = ANY($1::uuid[])
              AND d.requester_agency_id = $2 AND d.case_id = $3 AND d.person_id = $4`,
          [usedApprovals, caller.agencyId, request.caseId, request.personId],
        );
      }
      await record(this.decideEntry(request, decision, decisionId, dryRun, payload));
      if (!dryRun) {
        for (const entry of this.releaseEntries(request, decision, decisionId)) await record(entry);
        await this.followUp(tx, request, facts, decision, decisionId, now);
      }
    });
    if (!dryRun && decision.duties.reviewRequired) this.notifications.committed();
    const withheld = requesterView(request.categories, decision);
    return {
      decisionId,
      dryRun,
      // As the requester may know it: `partial` only when a whole requested category stayed back.
      // (The record keeps the engine's outcome, which also counts items held back within a category.)
      outcome:
        decision.released.length > 0
          ? withheld.length > 0 || decision.pending.length > 0
            ? 'partial'
            : 'permit'
          : decision.pending.length > 0
            ? 'pending'
            : 'deny',
      released: decision.released.map(({ basis: _basis, fields, ...r }) => ({
        ...r,
        fieldNames: Object.keys(fields),
        ...(dryRun ? {} : { fields }),
      })),
      withheld: withheld.map((w) => ({
        category: w.category,
        reasons: w.reasons.map((code) => this.reason(bundle, code)),
      })),
      pending: decision.pending,
      obligations: decision.obligations,
      duties: decision.duties,
      policyBundleHash: bundle.hash,
      decidedAt: decision.decidedAt,
      receipt: await this.signer.signReceipt(ctx.receipts[0]),
    };
  }

  /**
   * What the decision's duties call for, in its own transaction (DESIGN §3.3): the legal review, a
   * notice to the person held for safety review per holder whose regime owes one, and for an
   * exception use, an alert to the privacy officers of the coordinating agency and of the holders.
   */
  private async followUp(
    tx: AuditedTransaction,
    request: DisclosureRequest,
    facts: DecisionFacts,
    decision: Decision,
    decisionId: string,
    now: Date,
  ): Promise<void> {
    const holders = [
      ...new Set([...decision.released, ...decision.pending].map((r) => r.holderAgencyId)),
    ];
    let reviewId: string | undefined;
    if (decision.duties.reviewRequired) {
      reviewId = await this.reviews.openForDecision(
        tx,
        {
          decisionId,
          reasons: decision.duties.reviewReasons as ReviewReason[],
          caseId: request.caseId,
          personId: request.personId,
          parties: [request.requesterAgencyId, ...holders],
        },
        now,
      );
    }
    for (const holder of decision.duties.noticeDue) {
      await this.notices.holdForDecision(
        tx,
        {
          decisionId,
          holderAgencyId: holder,
          recipientAgencyId: request.requesterAgencyId,
          caseId: request.caseId,
          personId: request.personId,
          regime: facts.holders[holder].privacyRegime,
        },
        now,
      );
    }
    if (request.basis === 'life_safety' && decision.released.length > 0) {
      // The coordinating agency's privacy officers hear of the whole use; each holder of its own
      // part only — as at GET /v1/decisions/{id}, a holder never learns of another's release.
      const coordination: { id: string }[] = await tx.manager.query(
        `SELECT id FROM agency WHERE sector = 'coordination' AND status = 'active'`,
      );
      const categoriesOf = (holder?: string): string[] =>
        [
          ...new Set(
            decision.released
              .filter((r) => holder === undefined || r.holderAgencyId === holder)
              .map((r) => r.category),
          ),
        ].sort();
      const message = (holders: readonly string[], categories: readonly string[]) => ({
        decisionId,
        reviewId: reviewId ?? null,
        caseId: request.caseId,
        personId: request.personId,
        requesterAgencyId: request.requesterAgencyId,
        holderAgencyIds: holders,
        categories,
        purpose: request.purpose,
        basis: request.basis,
        reviewReasons: decision.duties.reviewReasons,
        decidedAt: decision.decidedAt,
      });
      const released = [...new Set(decision.released.map((r) => r.holderAgencyId))].sort();
      const table = coordination.map((a) => a.id).filter((id) => id !== request.requesterAgencyId);
      const drafts = [
        ...table.map((recipientAgencyId) => ({
          recipientAgencyId,
          payload: message(released, categoriesOf()),
        })),
        ...released
          .filter((holder) => !table.includes(holder) && holder !== request.requesterAgencyId)
          .map((holder) => ({
            recipientAgencyId: holder,
            payload: message([holder], categoriesOf(holder)),
          })),
      ];
      await this.notifications.notify(
        tx.manager,
        drafts.map((d) => ({
          ...d,
          kind: 'exception_used' as const,
          caseId: request.caseId,
          sourceId: decisionId,
          urgent: false,
        })),
      );
    }
  }

  /** A decision as its requester sees it, or with its full trace for the officers entitled to it. */
  async get(caller: PrincipalContext, id: string): Promise<Record<string, unknown>> {
    const rows: {
      requester_agency_id: string;
      decision: Decision & { released: { holderAgencyId: string }[] };
      request: unknown;
      dry_run: boolean;
      decided_at: Date;
      outcome: string;
    }[] = await this.dataSource.query('SELECT * FROM decision WHERE id = $1', [id]);
    const row = rows[0];
    if (!row) throw new DomainError(DisclosureProblems.decisionNotFound);
    const holders = new Set([
      ...row.decision.released.map((r) => r.holderAgencyId),
      ...row.decision.pending.map((p) => p.holderAgencyId),
    ]);
    // The trace names every item evaluated, excluded ones included, and other holders' verdicts: it
    // is for the table's privacy officers and legal reviewers, never for a party to the exchange.
    const seesTrace = isTableOversight(caller);
    if (
      !seesTrace &&
      caller.agencyId !== row.requester_agency_id &&
      !holders.has(caller.agencyId)
    ) {
      throw new DomainError(DisclosureProblems.decisionNotFound);
    }
    const { trace, ...summary } = row.decision;
    if (!seesTrace && caller.agencyId !== row.requester_agency_id) {
      // A holder that is nothing else sees its own part only, never other holders'.
      const own = <T extends { holderAgencyId: string }>(list: readonly T[]): T[] =>
        list.filter((r) => r.holderAgencyId === caller.agencyId);
      return {
        decisionId: id,
        requesterAgencyId: row.requester_agency_id,
        outcome: summary.outcome,
        released: own(summary.released as never),
        pending: own(summary.pending),
        decidedAt: summary.decidedAt,
      };
    }
    return {
      decisionId: id,
      requesterAgencyId: row.requester_agency_id,
      dryRun: row.dry_run,
      request: row.request,
      ...summary,
      ...(seesTrace ? { trace } : {}),
    };
  }

  /**
   * The holder approves or refuses one pending item. The requester then asks again: the approved item
   * is released by that new decision, with its own audit records, under the rules in force then.
   */
  async approve(
    caller: PrincipalContext,
    ctx: AuditContext,
    decisionId: string,
    itemId: string,
    approve: boolean,
    reason?: string,
  ): Promise<{ itemId: string; status: string }> {
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const [[row]]: [{ holder_agency_id: string }[], number] = await manager.query(
        `UPDATE decision_approval SET status = $4, decided_by = $5, decided_at = now()
          WHERE decision_id = $1 AND item_id = $2 AND holder_agency_id = $3 AND status = 'pending'
          RETURNING holder_agency_id`,
        [decisionId, itemId, caller.agencyId, approve ? 'approved' : 'refused', caller.subject],
      );
      if (!row) throw new DomainError(DisclosureProblems.approvalNotFound);
      const [decision]: {
        requester_agency_id: string;
        case_id: string;
        person_id: string;
        request: DisclosureRequest;
      }[] = await manager.query(
        'SELECT requester_agency_id, case_id, person_id, request FROM decision WHERE id = $1',
        [decisionId],
      );
      await record({
        action: approve ? 'disclosure.approve' : 'disclosure.refuse',
        outcome: 'success',
        parties: [caller.agencyId, decision.requester_agency_id],
        targets: { decisionId, caseId: decision.case_id, personIds: [decision.person_id], itemId },
        reasonCodes: reason ? [reason] : undefined,
      });
      return { itemId, status: approve ? 'approved' : 'refused' };
    });
  }

  private validate(input: DisclosureRequestDto, bundle: PolicyBundle): void {
    const categories = bundle.taxonomy.categories;
    if (!input.categories.every((c) => Object.hasOwn(categories, c)))
      throw new DomainError(DisclosureProblems.unknownCategory);
    if (
      input.basis === 'legal_obligation' &&
      !(input.obligationId && Object.hasOwn(bundle.obligations, input.obligationId))
    ) {
      throw new DomainError(DisclosureProblems.unknownObligation);
    }
    if (input.basis !== 'life_safety') {
      if (input.attestation) throw new DomainError(DisclosureProblems.attestationNotExpected);
      return;
    }
    // Every criterion common to all the tests must be attested, or the request is not one the
    // exception can even be weighed on (422, naming each missing criterion).
    const missing = bundle.exceptions.coreCriteria.filter(
      (c) => input.attestation?.criteria[c] !== true,
    );
    const unknown = Object.keys(input.attestation?.criteria ?? {}).filter(
      (c) => !Object.hasOwn(bundle.exceptions.criteria, c),
    );
    if (!input.attestation || missing.length > 0 || unknown.length > 0) {
      throw new DomainError(DisclosureProblems.attestationIncomplete, {
        errors: [
          ...missing.map((c) => ({
            property: `attestation.criteria.${c}`,
            constraints: ['mustBeAttested'],
          })),
          ...unknown
            .slice(0, 10)
            .map(() => ({ property: 'attestation.criteria', constraints: ['unknownCriterion'] })),
        ],
        detail: {
          fr: `Critères non attestés : ${missing.join(', ') || '—'}.`,
          en: `Criteria not attested: ${missing.join(', ') || '—'}.`,
        },
      });
    }
  }

  /** Everything the engine decides on. A case or person the requester has no part in answers 404. */
  private async facts(
    caller: PrincipalContext,
    request: DisclosureRequest,
    now: Date,
  ): Promise<DecisionFacts> {
    const loaded = await this.factsRepository.load({
      caseId: request.caseId,
      personId: request.personId,
      categories: request.categories,
      requesterAgencyId: caller.agencyId,
      subject: caller.subject,
      purpose: request.purpose,
      at: now,
    });
    // An agency with no part in the case is answered as if it did not exist.
    if (!loaded || !hasPartIn(caller, loaded.case, loaded.case.assignedAgencyIds)) {
      throw new DomainError(DisclosureProblems.caseNotFound);
    }
    if (!loaded.person) throw new DomainError(DisclosureProblems.personNotFound);
    const { items } = loaded;
    return {
      requester: loaded.holders[caller.agencyId],
      user: { subject: caller.subject, roles: caller.roles, side: loaded.side },
      case: loaded.case,
      person: loaded.person,
      holders: loaded.holders,
      items,
      consents: loaded.consents,
      agreements: loaded.agreements,
      // A holder's approval answers one request: same requester, case, person and purpose, the item
      // as it was approved (a correction needs a new approval), not yet used by a release.
      approvedItemIds: loaded.approvals
        .filter((a) => items.some((i) => i.id === a.itemId && i.version === a.itemVersion))
        .map((a) => a.itemId),
    };
  }

  private reason(bundle: PolicyBundle, code: string): ReasonView {
    const rule = bundle.rules[code];
    return { code, description: rule.description, citation: rule.citation };
  }

  private decideEntry(
    request: DisclosureRequest,
    decision: Decision,
    decisionId: string,
    dryRun: boolean,
    payload: unknown[],
  ): AuditEntry {
    const holders = [
      ...new Set([...decision.released, ...decision.pending].map((r) => r.holderAgencyId)),
    ];
    return {
      action: dryRun ? 'disclosure.dry_run' : 'disclosure.decide',
      outcome: dryRun ? 'dry_run' : decision.outcome,
      parties: [request.requesterAgencyId, ...holders],
      targets: { caseId: request.caseId, personIds: [request.personId], decisionId },
      categories: request.categories,
      purpose: request.purpose,
      basis: request.basis,
      reasonCodes: [...new Set(decision.withheld.flatMap((w) => w.reasons))],
      policyBundleHash: decision.policyBundleHash,
      agreementVersion: decision.agreementVersions.join(',') || undefined,
      consentVersions: decision.consentVersions.length ? decision.consentVersions : undefined,
      payloadSha256: payload.length ? canonicalSha256(payload) : undefined,
    };
  }

  /** One record per holder that released something: its register entry and the person's report line. */
  private releaseEntries(
    request: DisclosureRequest,
    decision: Decision,
    decisionId: string,
  ): AuditEntry[] {
    const byHolder = new Map<string, ReleasedItem[]>();
    for (const r of decision.released)
      byHolder.set(r.holderAgencyId, [...(byHolder.get(r.holderAgencyId) ?? []), r]);
    return [...byHolder].map(([holder, released]) => ({
      action: 'disclosure.release',
      outcome: decision.outcome,
      parties: [holder, request.requesterAgencyId],
      targets: {
        holderAgencyId: holder,
        recipientAgencyId: request.requesterAgencyId,
        caseId: request.caseId,
        personIds: [request.personId],
        decisionId,
      },
      categories: [...new Set(released.map((r) => r.category))],
      purpose: request.purpose,
      basis: request.basis,
      reasonCodes: [...new Set(released.map((r) => r.basis))],
      policyBundleHash: decision.policyBundleHash,
      payloadSha256: canonicalSha256(
        released.map(({ itemId, itemVersion, category, fields }) => ({
          itemId,
          itemVersion,
          category,
          fields,
        })),
      ),
    }));
  }
}
