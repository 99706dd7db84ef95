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
import { AgencyEntity } from '../agencies/agency.entity.js';
import { CasePersonEntity } from '../cases/case-person.entity.js';
import { CaseEntity } from '../cases/case.entity.js';
import type { CorrectionReason, ExclusionReason } from './item.types.js';

/**
 * An information item (renseignement): held by one agency about one person of a case, in one
 * category; which of its versions is current. Its content lives in its versions (DESIGN §2).
 */
@Entity({ name: 'information_item' })
@Index('information_item_case_holder_idx', ['caseId', 'holderAgencyId'])
@Index('information_item_person_category_idx', ['personId', 'category'])
export class InformationItemEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_information_item_case' })
  case?: CaseEntity;

  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  @ManyToOne(() => CasePersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'FK_information_item_person' })
  person?: CasePersonEntity;

  @Column({ name: 'holder_agency_id', type: 'uuid' })
  holderAgencyId: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'holder_agency_id', foreignKeyConstraintName: 'FK_information_item_holder' })
  holder?: AgencyEntity;

  @Column({ type: 'text' })
  category: string;

  @Column({ name: 'current_version', type: 'integer' })
  currentVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Set when retention purged the item's content (its versions): it existed, it is gone. */
  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true })
  purgedAt: Date | null;
}

/** One version of an item. A correction is a new version; the old one is kept, never edited. */
@Entity({ name: 'information_item_version' })
@Check(
  'information_item_version_excluded_check',
  `("excluded" AND "excluded_reason" IN ('endangers_life', 'prejudices_investigation', 'court_order', 'legal_privilege'))
   OR (NOT "excluded" AND "excluded_reason" IS NULL)`,
)
@Check(
  'information_item_version_correction_check',
  `("version" = 1) = ("correction_reason" IS NULL)`,
)
export class InformationItemVersionEntity {
  @PrimaryColumn({ name: 'item_id', type: 'uuid' })
  itemId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @ManyToOne(() => InformationItemEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'item_id', foreignKeyConstraintName: 'FK_information_item_version_item' })
  item?: InformationItemEntity;

  /** Structured fields, as the category's definitions in the policy taxonomy allow. */
  @Column({ type: 'jsonb' })
  fields: Record<string, unknown>;

  @Column({ type: 'text', array: true })
  sensitivity: string[];

  @Column({ name: 'retain_until', type: 'date' })
  retainUntil: string;

  @Column({ type: 'boolean' })
  excluded: boolean;

  @Column({ name: 'excluded_reason', type: 'text', nullable: true })
  excludedReason: ExclusionReason | null;

  @Column({ name: 'correction_reason', type: 'text', nullable: true })
  correctionReason: CorrectionReason | null;

  /** The holder's user or system who wrote this version (the token's `sub`). */
  @Column({ name: 'recorded_by_subject', type: 'text' })
  recordedBySubject: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
