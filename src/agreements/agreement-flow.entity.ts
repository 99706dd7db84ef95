import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { AgreementPartyEntity } from './agreement-party.entity.js';

/** The categories one party may communicate to another under a version (one row per direction). */
@Entity({ name: 'agreement_flow' })
@Check('agreement_flow_direction_check', `"from_agency_id" <> "to_agency_id"`)
export class AgreementFlowEntity {
  @PrimaryColumn({ name: 'agreement_id', type: 'uuid' })
  agreementId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @PrimaryColumn({ name: 'from_agency_id', type: 'uuid' })
  fromAgencyId: string;

  @PrimaryColumn({ name: 'to_agency_id', type: 'uuid' })
  toAgencyId: string;

  // Both ends are parties of the same version: enforced by the database, not only the service.
  @ManyToOne('AgreementPartyEntity', { onDelete: 'RESTRICT' })
  @JoinColumn([
    {
      name: 'agreement_id',
      referencedColumnName: 'agreementId',
      foreignKeyConstraintName: 'FK_agreement_flow_from_party',
    },
    { name: 'version', referencedColumnName: 'version' },
    { name: 'from_agency_id', referencedColumnName: 'agencyId' },
  ])
  fromParty?: AgreementPartyEntity;

  @ManyToOne('AgreementPartyEntity', { onDelete: 'RESTRICT' })
  @JoinColumn([
    {
      name: 'agreement_id',
      referencedColumnName: 'agreementId',
      foreignKeyConstraintName: 'FK_agreement_flow_to_party',
    },
    { name: 'version', referencedColumnName: 'version' },
    { name: 'to_agency_id', referencedColumnName: 'agencyId' },
  ])
  toParty?: AgreementPartyEntity;

  /** Order of the flows as written in the agreement. */
  @Column({ type: 'smallint' })
  position: number;

  @Column({ type: 'text', array: true })
  categories: string[];
}
