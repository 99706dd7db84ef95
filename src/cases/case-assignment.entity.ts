import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import type { Side } from '../policy/facts.js';
import { CaseEntity } from './case.entity.js';

/**
 * An agency assigned to a case by the coordinator (Filter 4: only they plan the intervention). Who
 * assigned, and every unassignment, are in the audit log.
 */
@Entity({ name: 'case_assignment' })
@Index('case_assignment_agency_idx', ['agencyId'])
export class CaseAssignmentEntity {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @PrimaryColumn({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_case_assignment_case' })
  case?: CaseEntity;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_case_assignment_agency' })
  agency?: AgencyEntity;

  @Column({ name: 'assigned_at', type: 'timestamptz', default: () => 'now()' })
  assignedAt: Date;
}

/**
 * The side of a case one user works on. The key makes a user's side unique per case: the same
 * person never works with both the victim and the perpetrator (DESIGN §3.2.6; Home Office
 * perpetrator standards 1.2).
 */
@Entity({ name: 'case_user_assignment' })
@Check('case_user_assignment_side_check', `"side" IN ('victim', 'perpetrator')`)
export class CaseUserAssignmentEntity {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @PrimaryColumn({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @PrimaryColumn({ type: 'text' })
  subject: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_case_user_assignment_case' })
  case?: CaseEntity;

  @Column({ type: 'text' })
  side: Side;

  @Column({ name: 'assigned_at', type: 'timestamptz', default: () => 'now()' })
  assignedAt: Date;
}
