import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { Capacity, PersonRole } from '../policy/facts.js';
import { CaseEntity } from './case.entity.js';

/**
 * A person concerned by a case, known only by a pseudonymous uuid and a role (DESIGN §2 Person).
 * No name, no birth date: identity is an information item, released only through disclosures.
 */
@Entity({ name: 'case_person' })
@Index('case_person_case_idx', ['caseId'])
@Check('case_person_role_check', `"role" IN ('victim', 'child', 'perpetrator', 'other_at_risk')`)
@Check('case_person_capacity_check', `"capacity" IN ('capable', 'lacks_capacity', 'unknown')`)
export class CasePersonEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_case_person_case' })
  case?: CaseEntity;

  @Column({ type: 'text' })
  role: PersonRole;

  @Column({ type: 'text' })
  capacity: Capacity;

  @Column({ type: 'boolean' })
  minor: boolean;

  @Column({ name: 'added_by_agency_id', type: 'uuid' })
  addedByAgencyId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
