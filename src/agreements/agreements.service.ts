import { Injectable } from '@nestjs/common';
import type { AuditContext } from '../audit/audit.types.js';
import type { PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { AgreementFact } from '../policy/facts.js';
import { AgreementRepository, type NewVersion } from './agreement.repository.js';
import {
  actsForNetwork,
  currentOf,
  flowProblems,
  isVisibleTo,
  pendingOf,
  termProblems,
  type VersionRecord,
} from './agreement-state.js';
import { AgreementTransactions, partiesOf, requireProposer } from './agreement-transactions.js';
import { AgreementProblems } from './agreements.problems.js';
import type { AgreementContentDto } from './dto/agreement-input.dto.js';
import { AgreementDto, AgreementSummaryDto } from './dto/agreement-view.dto.js';
import { LOWER_UUID } from '../common/validation/patterns.js';

type Content = Omit<NewVersion, 'agreementId' | 'version' | 'createdByAgencyId'>;

/** The checked content of a version: its term and flows make sense, dates are dates. */
function contentOf(input: AgreementContentDto, now: Date): Content {
  const term = {
    effectiveFrom: new Date(input.effectiveFrom),
    effectiveTo: input.effectiveTo ? new Date(input.effectiveTo) : null,
  };
  const badTerm = termProblems(term, now);
  if (badTerm.length) throw new DomainError(AgreementProblems.invalidTerm, { errors: badTerm });
  const badFlows = flowProblems(input.parties, input.flows);
  if (badFlows.length) throw new DomainError(AgreementProblems.invalidFlow, { errors: badFlows });
  return {
    ...term,
    parties: input.parties,
    purposes: input.purposes,
    flows: input.flows,
    transmissionTerms: input.transmissionTerms,
    securityMeasures: input.securityMeasures,
    frequency: input.frequency,
    onwardDisclosureProhibited: input.onwardDisclosureProhibited ?? true,
    retentionDays: input.retentionDays,
    breachContact: input.breachContact,
  };
}

/** What the disclosure engine needs of a version in force (DESIGN §3.2 item 4). */
function toFact({ row, parties, flows }: VersionRecord): AgreementFact {
  return {
    id: row.agreementId,
    version: row.version,
    // In force at the instant asked about, hence active then, whatever became of it since.
    status: 'active',
    partyAgencyIds: parties.map((p) => p.agencyId),
    purposes: [...row.purposes],
    flows: flows.map((f) => ({
      fromAgencyId: f.fromAgencyId,
      toAgencyId: f.toAgencyId,
      categories: [...f.categories],
    })),
    effectiveFrom: row.effectiveFrom.toISOString(),
    effectiveTo: row.effectiveTo ? row.effectiveTo.toISOString() : null,
    onwardDisclosureProhibited: row.onwardDisclosureProhibited,
    retentionDays: row.retentionDays,
  };
}

/**
 * Inter-agency information-sharing agreements (ententes, DESIGN §2): what is in force, who sees
 * what, drafting and amending. Signing, suspending and terminating are in `AgreementLifecycleService`.
 */
@Injectable()
export class AgreementsService {
  constructor(
    private readonly agreements: AgreementRepository,
    private readonly transactions: AgreementTransactions,
  ) {}

  /**
   * The versions in force at `at` that involve any of these agencies, for the disclosure engine:
   * active at that instant (activated before it, not yet suspended, superseded or terminated) and
   * within their term. Each comes as status `active`, the status it had at `at`.
   * The disclosure path reads the same in one statement (disclosures/disclosure-facts.repository.ts);
   * test/e2e/disclosure-facts.e2e-spec.ts holds the two equal: change one, change the other.
   */
  async inForce(agencyIds: readonly string[], at: Date): Promise<AgreementFact[]> {
    const ids = [...new Set(agencyIds.map((id) => id.toLowerCase()))].filter((id) =>
      LOWER_UUID.test(id),
    );
    if (ids.length === 0 || Number.isNaN(at.getTime())) return [];
    return (await this.agreements.findInForce(ids, at)).map(toFact);
  }

  async list(caller: PrincipalContext): Promise<AgreementSummaryDto[]> {
    const agreements = actsForNetwork(caller.roles)
      ? await this.agreements.findAll()
      : await this.agreements.findForParty(caller.agencyId);
    return agreements.map(AgreementSummaryDto.from);
  }

  /** An agreement the caller's agency was never party to answers 404 (DESIGN §5 isolation). */
  async get(caller: PrincipalContext, id: string): Promise<AgreementDto> {
    const agreement = await this.agreements.findWithVersions(id);
    if (!agreement || !isVisibleTo(agreement, caller))
      throw new DomainError(AgreementProblems.notFound);
    return AgreementDto.from(agreement);
  }

  /** A new agreement: version 1, a draft that binds no one until every party has signed. */
  async create(
    ctx: AuditContext,
    caller: PrincipalContext,
    input: AgreementContentDto,
  ): Promise<AgreementDto> {
    const now = new Date();
    const content = contentOf(input, now);
    requireProposer(caller, content.parties);
    return this.transactions.run(ctx, async ({ manager, record }) => {
      const { id } = await this.agreements.insertAgreement(now, manager);
      await this.agreements.insertVersion(
        { ...content, agreementId: id, version: 1, createdByAgencyId: caller.agencyId },
        manager,
      );
      const view = await this.transactions.view(id, manager);
      await record({
        action: 'agreement.create',
        outcome: 'success',
        parties: content.parties,
        targets: { agreementId: id, version: 1 },
      });
      return view;
    });
  }

  /**
   * A new draft version; the version in force stays in force until every party has signed the
   * draft. One draft at a time: an open draft is withdrawn, and its signatures do not carry over.
   */
  amend(
    ctx: AuditContext,
    caller: PrincipalContext,
    id: string,
    input: AgreementContentDto,
  ): Promise<AgreementDto> {
    const content = contentOf(input, new Date());
    return this.transactions.change(ctx, caller, id, async ({ agreement, tx, now }) => {
      requireProposer(caller, content.parties);
      const pending = pendingOf(agreement);
      if (pending)
        await this.transactions.transition(
          pending,
          { status: 'withdrawn', endedAt: now },
          tx.manager,
        );
      const version = (agreement.versions.at(-1)?.row.version ?? 0) + 1;
      await this.agreements.insertVersion(
        { ...content, agreementId: id, version, createdByAgencyId: caller.agencyId },
        tx.manager,
      );
      const view = await this.transactions.view(id, tx.manager);
      await tx.record({
        action: 'agreement.amend',
        outcome: 'success',
        parties: [...new Set([...content.parties, ...partiesOf(currentOf(agreement), pending)])],
        targets: { agreementId: id, version, withdrawnVersion: pending?.row.version },
      });
      return view;
    });
  }
}
