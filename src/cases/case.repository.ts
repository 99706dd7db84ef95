import { Injectable } from '@nestjs/common';
import { DataSource, In, QueryFailedError, type EntityManager } from 'typeorm';
import type { CaseStage, Side } from '../policy/facts.js';
import { CaseAssignmentEntity, CaseUserAssignmentEntity } from './case-assignment.entity.js';
import { CasePersonEntity } from './case-person.entity.js';
import { CaseEntity } from './case.entity.js';
import { RiskAssessmentEntity } from './risk-assessment.entity.js';

export interface CaseListFilter {
  /** Only cases this agency referred or is assigned to; undefined for every case. */
  readonly agencyId?: string;
  readonly stage?: CaseStage;
  readonly limit: number;
}

export type AssignmentInsert = 'inserted' | 'duplicate' | 'unknown_agency';

function isForeignKeyViolation(error: unknown, constraint: string): boolean {
  const driverError =
    error instanceof QueryFailedError
      ? (error.driverError as { code?: string; constraint?: string })
      : undefined;
  return driverError?.code === '23503' && driverError.constraint === constraint;
}

@Injectable()
export class CaseRepository {
  constructor(private readonly dataSource: DataSource) {}

  insertCase(kase: Partial<CaseEntity>, manager: EntityManager): Promise<CaseEntity> {
    const repository = manager.getRepository(CaseEntity);
    return repository.save(repository.create(kase));
  }

  saveCase(kase: CaseEntity, manager: EntityManager): Promise<CaseEntity> {
    return manager.getRepository(CaseEntity).save(kase);
  }

  findById(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CaseEntity | null> {
    return manager.getRepository(CaseEntity).findOne({ where: { id } });
  }

  /** Locks the case for a stage change or a change of its parties: these serialise per case. */
  findByIdForUpdate(id: string, manager: EntityManager): Promise<CaseEntity | null> {
    return manager
      .getRepository(CaseEntity)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Holds the stage steady while something is added to the case: contributions run side by side,
   * a stage change (FOR UPDATE) waits for them and they for it.
   */
  findByIdForShare(id: string, manager: EntityManager): Promise<CaseEntity | null> {
    return manager
      .getRepository(CaseEntity)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  async listCases(filter: CaseListFilter): Promise<CaseEntity[]> {
    const query = this.dataSource
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(filter.limit);
    if (filter.agencyId) {
      query.andWhere(
        `(c.referring_agency_id = :agencyId OR EXISTS (
           SELECT 1 FROM case_assignment a WHERE a.case_id = c.id AND a.agency_id = :agencyId))`,
        { agencyId: filter.agencyId },
      );
    }
    if (filter.stage) query.andWhere('c.stage = :stage', { stage: filter.stage });
    return query.getMany();
  }

  async findAssignedAgencyIds(
    caseId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string[]> {
    const rows = await manager
      .getRepository(CaseAssignmentEntity)
      .find({ where: { caseId }, order: { agencyId: 'ASC' } });
    return rows.map((r) => r.agencyId);
  }

  /** The assigned agencies of several cases at once (for a list), keyed by case id. */
  async findAssignedAgencyIdsOf(caseIds: readonly string[]): Promise<Map<string, string[]>> {
    const byCase = new Map<string, string[]>(caseIds.map((id) => [id, []]));
    if (caseIds.length === 0) return byCase;
    const rows = await this.dataSource
      .getRepository(CaseAssignmentEntity)
      .find({ where: { caseId: In([...caseIds]) } });
    for (const row of rows) byCase.get(row.caseId)?.push(row.agencyId);
    return byCase;
  }

  insertAssessment(
    assessment: Partial<RiskAssessmentEntity>,
    manager: EntityManager,
  ): Promise<RiskAssessmentEntity> {
    const repository = manager.getRepository(RiskAssessmentEntity);
    return repository.save(repository.create(assessment));
  }

  findAssessments(
    caseId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<RiskAssessmentEntity[]> {
    return manager
      .getRepository(RiskAssessmentEntity)
      .find({ where: { caseId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  insertPerson(
    person: Partial<CasePersonEntity>,
    manager: EntityManager,
  ): Promise<CasePersonEntity> {
    const repository = manager.getRepository(CasePersonEntity);
    return repository.save(repository.create(person));
  }

  findPersons(
    caseId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CasePersonEntity[]> {
    return manager
      .getRepository(CasePersonEntity)
      .find({ where: { caseId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findPerson(
    caseId: string,
    personId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CasePersonEntity | null> {
    return manager.getRepository(CasePersonEntity).findOne({ where: { id: personId, caseId } });
  }

  countPersons(caseId: string, manager: EntityManager): Promise<number> {
    return manager.getRepository(CasePersonEntity).count({ where: { caseId } });
  }

  /** Adds an assignment; a repeat is reported, not an error, and an unknown agency is named. */
  async insertAssignment(
    caseId: string,
    agencyId: string,
    manager: EntityManager,
  ): Promise<AssignmentInsert> {
    try {
      const result = await manager
        .createQueryBuilder()
        .insert()
        .into(CaseAssignmentEntity)
        .values({ caseId, agencyId })
        .orIgnore()
        .returning(['agencyId'])
        .execute();
      return result.raw.length > 0 ? 'inserted' : 'duplicate';
    } catch (error) {
      if (isForeignKeyViolation(error, 'FK_case_assignment_agency')) return 'unknown_agency';
      throw error;
    }
  }

  async deleteAssignment(
    caseId: string,
    agencyId: string,
    manager: EntityManager,
  ): Promise<boolean> {
    const result = await manager.getRepository(CaseAssignmentEntity).delete({ caseId, agencyId });
    return (result.affected ?? 0) > 0;
  }

  /** Adds a user's side; returns the side the user already had on this case, if any. */
  async insertUserAssignment(
    assignment: { caseId: string; agencyId: string; subject: string; side: Side },
    manager: EntityManager,
  ): Promise<{ inserted: CaseUserAssignmentEntity } | { existing: CaseUserAssignmentEntity }> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(CaseUserAssignmentEntity)
      .values(assignment)
      .orIgnore()
      .returning(['assignedAt'])
      .execute();
    const row = await this.findUserAssignment(
      assignment.caseId,
      assignment.agencyId,
      assignment.subject,
      manager,
    );
    if (!row) throw new Error('user assignment vanished within its transaction');
    return result.raw.length > 0 ? { inserted: row } : { existing: row };
  }

  findUserAssignment(
    caseId: string,
    agencyId: string,
    subject: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CaseUserAssignmentEntity | null> {
    return manager
      .getRepository(CaseUserAssignmentEntity)
      .findOne({ where: { caseId, agencyId, subject } });
  }

  /** User sides of a case, of one agency or (undefined) of all. */
  findUserAssignments(caseId: string, agencyId?: string): Promise<CaseUserAssignmentEntity[]> {
    return this.dataSource.getRepository(CaseUserAssignmentEntity).find({
      where: agencyId ? { caseId, agencyId } : { caseId },
      order: { assignedAt: 'ASC', subject: 'ASC' },
    });
  }
}
