import { Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.js';
import type { AuditContext } from '../audit/audit.types.js';
import type { PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { caseParties, seesAllCases } from './case-access.js';
import { CaseRepository } from './case.repository.js';
import { MAX_PERSONS_PER_CASE } from './case.types.js';
import { CaseProblems } from './cases.problems.js';
import { assertOpen, CasesService } from './cases.service.js';
import type { AddPersonDto, AssignUserDto } from './dto/case-input.dto.js';
import { CaseDto, PersonDto, UserAssignmentDto } from './dto/case-view.dto.js';

/** Who is in a case: the persons concerned, the assigned agencies, and each user's side. */
@Injectable()
export class CasePartiesService {
  constructor(
    private readonly audit: AuditLog,
    private readonly cases: CaseRepository,
    private readonly casesService: CasesService,
  ) {}

  /** A pseudonymous person: a uuid and a role, never a name (identity is an information item). */
  addPerson(
    ctx: AuditContext,
    caller: PrincipalContext,
    caseId: string,
    input: AddPersonDto,
  ): Promise<PersonDto> {
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const kase = await this.casesService.lockForChange(caller, caseId, manager);
      assertOpen(kase);
      if ((await this.cases.countPersons(kase.id, manager)) >= MAX_PERSONS_PER_CASE) {
        throw new DomainError(CaseProblems.tooManyPersons);
      }
      const person = await this.cases.insertPerson(
        {
          caseId: kase.id,
          role: input.role,
          capacity: input.capacity,
          minor: input.minor,
          addedByAgencyId: caller.agencyId,
        },
        manager,
      );
      await record({
        action: 'case.person.add',
        outcome: 'success',
        parties: caseParties(kase, kase.assignedAgencyIds),
        targets: { caseId: kase.id, personIds: [person.id], role: person.role },
      });
      return PersonDto.from(person);
    });
  }

  async listPersons(caller: PrincipalContext, caseId: string): Promise<PersonDto[]> {
    const kase = await this.casesService.requireVisible(caller, caseId);
    return (await this.cases.findPersons(kase.id)).map(PersonDto.from);
  }

  assign(ctx: AuditContext, caseId: string, agencyId: string): Promise<CaseDto> {
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const kase = await this.cases.findByIdForUpdate(caseId, manager);
      if (!kase) throw new DomainError(CaseProblems.notFound);
      if (kase.stage === 'closed') throw new DomainError(CaseProblems.closed);
      const outcome = await this.cases.insertAssignment(kase.id, agencyId, manager);
      if (outcome === 'unknown_agency') throw new DomainError(CaseProblems.agencyNotFound);
      if (outcome === 'duplicate') throw new DomainError(CaseProblems.alreadyAssigned);
      const assigned = await this.cases.findAssignedAgencyIds(kase.id, manager);
      await record({
        action: 'case.assign',
        outcome: 'success',
        parties: caseParties(kase, assigned),
        targets: { caseId: kase.id, agencyId },
      });
      return CaseDto.from(kase, assigned);
    });
  }

  unassign(ctx: AuditContext, caseId: string, agencyId: string): Promise<CaseDto> {
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const kase = await this.cases.findByIdForUpdate(caseId, manager);
      if (!kase) throw new DomainError(CaseProblems.notFound);
      if (kase.stage === 'closed') throw new DomainError(CaseProblems.closed);
      const before = await this.cases.findAssignedAgencyIds(kase.id, manager);
      if (!before.includes(agencyId)) throw new DomainError(CaseProblems.notAssigned);
      // Filter 4 plans among the assigned agencies: an active case never has none.
      if (kase.stage === 'active' && before.length === 1) {
        throw new DomainError(CaseProblems.lastAssignment);
      }
      await this.cases.deleteAssignment(kase.id, agencyId, manager);
      const assigned = before.filter((id) => id !== agencyId);
      await record({
        action: 'case.unassign',
        outcome: 'success',
        parties: caseParties(kase, before),
        targets: { caseId: kase.id, agencyId },
      });
      return CaseDto.from(kase, assigned);
    });
  }

  /**
   * Puts a user on one side of a case, for separation of duties (DESIGN §3.2.6). A user is on one
   * side only: a second side is refused, never a silent switch.
   */
  assignUser(
    ctx: AuditContext,
    caller: PrincipalContext,
    caseId: string,
    input: AssignUserDto,
  ): Promise<UserAssignmentDto> {
    if (input.agencyId !== caller.agencyId && !seesAllCases(caller)) {
      throw new DomainError(CaseProblems.otherAgencyUser);
    }
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const kase = await this.casesService.lockForChange(caller, caseId, manager);
      assertOpen(kase);
      const party =
        kase.referringAgencyId === input.agencyId ||
        kase.assignedAgencyIds.includes(input.agencyId);
      if (!party) throw new DomainError(CaseProblems.agencyNotParty);
      const result = await this.cases.insertUserAssignment(
        { caseId: kase.id, agencyId: input.agencyId, subject: input.subject, side: input.side },
        manager,
      );
      if ('existing' in result) {
        throw new DomainError(
          result.existing.side === input.side
            ? CaseProblems.userAlreadyAssigned
            : CaseProblems.userSideConflict,
        );
      }
      await record({
        action: 'case.user_assign',
        outcome: 'success',
        parties: caseParties(kase, kase.assignedAgencyIds),
        targets: {
          caseId: kase.id,
          agencyId: input.agencyId,
          subject: input.subject,
          side: input.side,
        },
      });
      return UserAssignmentDto.from(result.inserted);
    });
  }
}
