import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import type { AuditContext } from '../audit/audit.types.js';
import type { PrincipalContext } from '../common/auth/principal.js';
import type { PolicyBundle } from '../policy/bundle.types.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { CaseFact, PersonFact, Side } from '../policy/facts.js';
import { PolicyService } from '../policy/policy.service.js';
import { caseParties, hasPartIn, seesAllCases } from './case-access.js';
import type { CasePersonEntity } from './case-person.entity.js';
import type { CaseEntity } from './case.entity.js';
import { CaseRepository } from './case.repository.js';
import type { ScoredTool } from './case.types.js';
import { CaseProblems } from './cases.problems.js';
import type {
  CaseListQueryDto,
  ReferCaseDto,
  RiskAssessmentInputDto,
} from './dto/case-input.dto.js';
import {
  CaseDetailDto,
  CaseDto,
  RiskAssessmentDto,
  UserAssignmentDto,
} from './dto/case-view.dto.js';

const DAY_MS = 86_400_000;

function toCaseFact(kase: CaseEntity, assignedAgencyIds: readonly string[]): CaseFact {
  return {
    id: kase.id,
    stage: kase.stage,
    referringAgencyId: kase.referringAgencyId,
    assignedAgencyIds: [...assignedAgencyIds],
  };
}

function toPersonFact(person: CasePersonEntity): PersonFact {
  return {
    id: person.id,
    caseId: person.caseId,
    role: person.role,
    capacity: person.capacity,
    minor: person.minor,
  };
}

/** A closed case no longer changes (a withdrawal of consent excepted, which its feature allows). */
export function assertOpen(kase: CaseFact): void {
  if (kase.stage === 'closed') throw new DomainError(CaseProblems.closed);
}

/** Tomorrow in UTC: the latest date that is "today" somewhere, so no time zone is refused. */
function latestToday(now: Date): string {
  return new Date(now.getTime() + DAY_MS).toISOString().slice(0, 10);
}

/** A tool takes a score within its scale (the policy's `max`); a judgement takes reasons and a level. */
function checkAssessmentShape(input: RiskAssessmentInputDto, policy: PolicyBundle): void {
  const ok =
    input.tool === 'professional_judgement'
      ? input.score === undefined &&
        input.reasons !== undefined &&
        input.requestedLevel !== undefined
      : input.score !== undefined &&
        input.reasons === undefined &&
        input.requestedLevel === undefined &&
        input.score <= policy.thresholds[input.tool as ScoredTool].max;
  if (!ok) throw new DomainError(CaseProblems.assessmentShape);
}

/**
 * Cases (dossiers): referral, reading, risk assessments, and the facts the disclosure engine and
 * the other features (consents, information items) read. Stages and parties have their own services.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly audit: AuditLog,
    private readonly cases: CaseRepository,
    private readonly policy: PolicyService,
  ) {}

  /** Filter 1 passed at the referring agency: the case opens de-identified, risk factors only. */
  refer(ctx: AuditContext, caller: PrincipalContext, input: ReferCaseDto): Promise<CaseDto> {
    if (input.incidentDate > latestToday(new Date())) {
      throw new DomainError(CaseProblems.incidentInFuture);
    }
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const kase = await this.cases.insertCase(
        {
          referringAgencyId: caller.agencyId,
          referredBy: caller.subject,
          reason: input.reason,
          incidentDate: input.incidentDate,
          stage: 'deidentified',
          thresholdAssessmentIds: [],
        },
        manager,
      );
      await record({
        action: 'case.refer',
        outcome: 'success',
        targets: { caseId: kase.id, stage: kase.stage },
        reasonCodes: [input.reason],
      });
      return CaseDto.from(kase, []);
    });
  }

  async list(caller: PrincipalContext, query: CaseListQueryDto): Promise<CaseDto[]> {
    const cases = await this.cases.listCases({
      agencyId: seesAllCases(caller) ? undefined : caller.agencyId,
      stage: query.stage,
      limit: query.limit ?? 100,
    });
    const assigned = await this.cases.findAssignedAgencyIdsOf(cases.map((c) => c.id));
    return cases.map((c) => CaseDto.from(c, assigned.get(c.id) ?? []));
  }

  async get(caller: PrincipalContext, id: string): Promise<CaseDetailDto> {
    const { kase, assigned } = await this.findVisible(caller, id);
    const [assessments, userAssignments] = await Promise.all([
      this.cases.findAssessments(kase.id),
      this.cases.findUserAssignments(kase.id, seesAllCases(caller) ? undefined : caller.agencyId),
    ]);
    return Object.assign(new CaseDetailDto(), CaseDto.from(kase, assigned), {
      riskAssessments: assessments.map(RiskAssessmentDto.from),
      userAssignments: userAssignments.map(UserAssignmentDto.from),
    });
  }

  /** The assessor is the caller: its agency and its user or system id. */
  async assess(
    ctx: AuditContext,
    caller: PrincipalContext,
    caseId: string,
    input: RiskAssessmentInputDto,
  ): Promise<RiskAssessmentDto> {
    checkAssessmentShape(input, this.policy.current());
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const kase = await this.lockForChange(caller, caseId, manager);
      assertOpen(kase);
      const assessment = await this.cases.insertAssessment(
        {
          caseId: kase.id,
          tool: input.tool,
          score: input.score ?? null,
          requestedLevel: input.requestedLevel ?? null,
          reasons: input.reasons ?? null,
          assessorAgencyId: caller.agencyId,
          assessorSubject: caller.subject,
        },
        manager,
      );
      await record({
        action: 'case.risk_assessment',
        outcome: 'success',
        parties: caseParties(kase, kase.assignedAgencyIds),
        targets: { caseId: kase.id, assessmentId: assessment.id, tool: assessment.tool },
      });
      return RiskAssessmentDto.from(assessment);
    });
  }

  // --- For the disclosure engine and the features that add to a case ---------------------------

  /**
   * The case and its persons as the engine reads them.
   * The disclosure path reads the same in one statement (disclosures/disclosure-facts.repository.ts);
   * test/e2e/disclosure-facts.e2e-spec.ts holds the two equal: change one, change the other.
   */
  async facts(caseId: string): Promise<{ case: CaseFact; persons: PersonFact[] } | undefined> {
    const kase = await this.cases.findById(caseId);
    if (!kase) return undefined;
    const [assigned, persons] = await Promise.all([
      this.cases.findAssignedAgencyIds(kase.id),
      this.cases.findPersons(kase.id),
    ]);
    return { case: toCaseFact(kase, assigned), persons: persons.map(toPersonFact) };
  }

  /** The side of the case a user works on (the fact loader reads the same; see `facts`). */
  async userSide(caseId: string, agencyId: string, subject: string): Promise<Side | null> {
    return (await this.cases.findUserAssignment(caseId, agencyId, subject))?.side ?? null;
  }

  /** The case as the caller sees it now, for a read; 404 when it has no part in it. */
  async requireVisible(caller: PrincipalContext, caseId: string): Promise<CaseFact> {
    const { kase, assigned } = await this.findVisible(caller, caseId);
    return toCaseFact(kase, assigned);
  }

  /**
   * For a change that adds to a case (an assessment, a consent, an item): the case as the caller may
   * see it, its stage held steady (FOR SHARE) until the caller's transaction ends, so a concurrent
   * stage change waits for the addition or the addition sees the new stage. 404 without a part in it.
   */
  async lockForChange(
    caller: PrincipalContext,
    caseId: string,
    manager: EntityManager,
  ): Promise<CaseFact> {
    const kase = await this.lockIfVisible(caller, caseId, manager);
    if (!kase) throw new DomainError(CaseProblems.notFound);
    return kase;
  }

  /** `lockForChange` for a record reached by its own id: its feature answers its own 404. */
  async lockIfVisible(
    caller: PrincipalContext,
    caseId: string,
    manager: EntityManager,
  ): Promise<CaseFact | undefined> {
    const kase = await this.cases.findByIdForShare(caseId, manager);
    if (!kase) return undefined;
    const assigned = await this.cases.findAssignedAgencyIds(kase.id, manager);
    return hasPartIn(caller, kase, assigned) ? toCaseFact(kase, assigned) : undefined;
  }

  /** A person of this case; 404 for a person of another case or none. */
  async requirePerson(
    caseId: string,
    personId: string,
    manager?: EntityManager,
  ): Promise<PersonFact> {
    const person = await this.cases.findPerson(caseId, personId, manager);
    if (!person) throw new DomainError(CaseProblems.personNotFound);
    return toPersonFact(person);
  }

  private async findVisible(
    caller: PrincipalContext,
    caseId: string,
  ): Promise<{ kase: CaseEntity; assigned: string[] }> {
    const kase = await this.cases.findById(caseId);
    if (!kase) throw new DomainError(CaseProblems.notFound);
    const assigned = await this.cases.findAssignedAgencyIds(kase.id);
    if (!hasPartIn(caller, kase, assigned)) throw new DomainError(CaseProblems.notFound);
    return { kase, assigned };
  }
}
