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
import type { JWK } from 'jose';
import type { KeyAlgorithm } from '../common/auth/key-algorithms.js';
import type { AgencyEntity } from './agency.entity.js';

export type AgencyKeyStatus = 'active' | 'revoked';

@Entity({ name: 'agency_key' })
@Index('agency_key_agency_kid_unique', ['agencyId', 'kid'], { unique: true })
@Check('agency_key_status_check', `"status" IN ('active', 'revoked')`)
@Check('agency_key_alg_check', `"alg" IN ('ES256', 'EdDSA')`)
export class AgencyKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @ManyToOne('AgencyEntity', (agency: AgencyEntity) => agency.keys, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_agency_key_agency' })
  agency?: AgencyEntity;

  @Column({ type: 'text' })
  kid: string;

  @Column({ type: 'text' })
  alg: KeyAlgorithm;

  /** Public half only; the broker never holds an agency's private key. */
  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: JWK;

  @Column({ type: 'text' })
  status: AgencyKeyStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
