import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { AgencyEntity } from '../agencies/agency.entity.js';
import type { AgreementVersionEntity } from './agreement-version.entity.js';

/** A party to one version, and its signature once given (final: a trigger refuses any change). */
@Entity({ name: 'agreement_party' })
@Check('agreement_party_signature_check', `("signed_at" IS NULL) = ("signed_by" IS NULL)`)
@Index('agreement_party_agency_idx', ['agencyId'])
export class AgreementPartyEntity {
  @PrimaryColumn({ name: 'agreement_id', type: 'uuid' })
  agreementId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @PrimaryColumn({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @ManyToOne('AgreementVersionEntity', { onDelete: 'RESTRICT' })
  @JoinColumn([
    {
      name: 'agreement_id',
      referencedColumnName: 'agreementId',
      foreignKeyConstraintName: 'FK_agreement_party_version',
    },
    { name: 'version', referencedColumnName: 'version' },
  ])
  agreementVersion?: AgreementVersionEntity;

  @ManyToOne('AgencyEntity', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_agreement_party_agency' })
  agency?: AgencyEntity;

  /** Order of the parties as written in the agreement. */
  @Column({ type: 'smallint' })
  position: number;

  /** The `sub` of the signatory's token: a staff or system id of the agency, never a name. */
  @Column({ name: 'signed_by', type: 'text', nullable: true })
  signedBy: string | null;

  @Column({ name: 'signed_at', type: 'timestamptz', nullable: true })
  signedAt: Date | null;
}
