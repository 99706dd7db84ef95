import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { Role } from '../common/auth/roles.js';
import type { AgencyKeyEntity } from './agency-key.entity.js';
import type { AgencyStatus, PrivacyRegime, Sector } from './agency.types.js';

@Entity({ name: 'agency' })
@Check('agency_status_check', `"status" IN ('active', 'suspended')`)
export class AgencyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Short stable handle (e.g. `police-vsl`) for people; systems use the uuid. */
  @Column({ type: 'text', unique: true })
  code: string;

  @Column({ name: 'name_fr', type: 'text' })
  nameFr: string;

  @Column({ name: 'name_en', type: 'text' })
  nameEn: string;

  @Column({ type: 'text' })
  sector: Sector;

  @Column({ type: 'text' })
  jurisdiction: string;

  @Column({ name: 'privacy_regime', type: 'text' })
  privacyRegime: PrivacyRegime;

  /** Roles this agency's tokens may claim; anything else is refused at authentication. */
  @Column({ name: 'allowed_roles', type: 'text', array: true })
  allowedRoles: Role[];

  @Column({ type: 'text' })
  status: AgencyStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn({ type: 'integer' })
  version: number;

  @OneToMany('AgencyKeyEntity', (key: AgencyKeyEntity) => key.agency)
  keys?: AgencyKeyEntity[];
}
