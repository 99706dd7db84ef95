import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { Sector } from '../agencies/agency.types.js';
import { CasePersonEntity } from '../cases/case-person.entity.js';
import { CaseEntity } from '../cases/case.entity.js';
import type { Purpose } from '../policy/facts.js';
import type { CapacityNote, HowObtained, StoredStatus, WithdrawalReason } from './consent.types.js';

/**
 * A consent of a person of a case, and which of its versions is current. Its content lives in its
 * versions: a change (a withdrawal) is a new version, never an edit (DESIGN §2 Consent).
 */
@Entity({ name: 'consent' })
@Index('consent_person_idx', ['personId'])
@Index('consent_case_idx', ['caseId'])
export class ConsentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_consent_case' })
  case?: CaseEntity;

  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  @ManyToOne(() => CasePersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'FK_consent_person' })
  person?: CasePersonEntity;

  @Column({ name: 'current_version', type: 'integer' })
  currentVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When retention recorded the end of a consent that expired (its period ran out). */
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}

/** One version of a consent: its scope, period, how and by whom recorded, and its status. */
@Entity({ name: 'consent_version' })
@Check('consent_version_status_check', `"status" IN ('active', 'withdrawn')`)
@Check('consent_version_how_obtained_check', `"how_obtained" IN ('written', 'verbal', 'in_person')`)
@Check(
  'consent_version_capacity_note_check',
  `"capacity_note" IN ('capable_presumed', 'capable_assessed', 'representative_lacks_capacity', 'minor_own_consent', 'minor_guardian_consent')`,
)
@Check(
  'consent_version_withdrawn_check',
  `("status" = 'withdrawn') = ("withdrawn_at" IS NOT NULL AND "withdrawal_reason" IS NOT NULL)`,
)
@Check('consent_version_period_check', `"valid_until" IS NULL OR "valid_until" > "valid_from"`)
export class ConsentVersionEntity {
  @PrimaryColumn({ name: 'consent_id', type: 'uuid' })
  consentId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @ManyToOne(() => ConsentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'consent_id', foreignKeyConstraintName: 'FK_consent_version_consent' })
  consent?: ConsentEntity;

  @Column({ type: 'text' })
  status: StoredStatus;

  @Column({ name: 'recipient_agency_ids', type: 'uuid', array: true })
  recipientAgencyIds: string[];

  @Column({ name: 'recipient_sectors', type: 'text', array: true })
  recipientSectors: Sector[];

  @Column({ type: 'text', array: true })
  categories: string[];

  @Column({ type: 'text', array: true })
  purposes: Purpose[];

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom: Date;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil: Date | null;

  @Column({ name: 'how_obtained', type: 'text' })
  howObtained: HowObtained;

  @Column({ name: 'capacity_note', type: 'text' })
  capacityNote: CapacityNote;

  /** Who recorded this version: the agency and its user (the token's `sub`), never a name. */
  @Column({ name: 'recorded_by_agency_id', type: 'uuid' })
  recordedByAgencyId: string;

  @Column({ name: 'recorded_by_subject', type: 'text' })
  recordedBySubject: string;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;

  @Column({ name: 'withdrawal_reason', type: 'text', nullable: true })
  withdrawalReason: WithdrawalReason | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
