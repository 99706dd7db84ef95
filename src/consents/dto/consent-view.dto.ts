import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SECTORS, type Sector } from '../../agencies/agency.types.js';
import { PURPOSES, type Purpose } from '../../policy/facts.js';
import type { ConsentEntity, ConsentVersionEntity } from '../consent.entity.js';
import {
  CAPACITY_NOTES,
  HOW_OBTAINED,
  WITHDRAWAL_REASONS,
  type CapacityNote,
  type HowObtained,
  type WithdrawalReason,
} from '../consent.types.js';

export const CONSENT_STATUSES = ['active', 'withdrawn', 'expired'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** A version's status at `at`: withdrawn as stored; expired once `validUntil` has passed. */
export function statusAt(
  version: Pick<ConsentVersionEntity, 'status' | 'validUntil'>,
  at: Date,
): ConsentStatus {
  if (version.status === 'withdrawn') return 'withdrawn';
  if (version.validUntil && version.validUntil.getTime() <= at.getTime()) return 'expired';
  return 'active';
}

export class ConsentVersionDto {
  @ApiProperty() version: number;
  @ApiProperty({
    enum: CONSENT_STATUSES,
    description:
      'A version: as recorded (active or withdrawn). The consent: as it stands now, expired once validUntil has passed.',
  })
  status: ConsentStatus;
  @ApiProperty({ type: [String] }) recipientAgencyIds: string[];
  @ApiProperty({ enum: SECTORS, isArray: true }) recipientSectors: Sector[];
  @ApiProperty({ type: [String] }) categories: string[];
  @ApiProperty({ enum: PURPOSES, isArray: true }) purposes: Purpose[];
  @ApiProperty() validFrom: string;
  @ApiPropertyOptional({ nullable: true }) validUntil: string | null;
  @ApiProperty({ enum: HOW_OBTAINED }) howObtained: HowObtained;
  @ApiProperty({ enum: CAPACITY_NOTES }) capacityNote: CapacityNote;
  @ApiProperty({ format: 'uuid' }) recordedByAgencyId: string;
  @ApiProperty() recordedBySubject: string;
  @ApiPropertyOptional({ nullable: true }) withdrawnAt: string | null;
  @ApiPropertyOptional({ enum: WITHDRAWAL_REASONS, nullable: true })
  withdrawalReason: WithdrawalReason | null;
  @ApiProperty() createdAt: string;

  static from(v: ConsentVersionEntity): ConsentVersionDto {
    return Object.assign(new ConsentVersionDto(), {
      version: v.version,
      status: v.status,
      recipientAgencyIds: [...v.recipientAgencyIds],
      recipientSectors: [...v.recipientSectors],
      categories: [...v.categories],
      purposes: [...v.purposes],
      validFrom: v.validFrom.toISOString(),
      validUntil: v.validUntil ? v.validUntil.toISOString() : null,
      howObtained: v.howObtained,
      capacityNote: v.capacityNote,
      recordedByAgencyId: v.recordedByAgencyId,
      recordedBySubject: v.recordedBySubject,
      withdrawnAt: v.withdrawnAt ? v.withdrawnAt.toISOString() : null,
      withdrawalReason: v.withdrawalReason,
      createdAt: v.createdAt.toISOString(),
    });
  }
}

/** A consent as it stands now (its current version, status computed), with every version. */
export class ConsentDto extends ConsentVersionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ type: [ConsentVersionDto], description: 'Every version, oldest first.' })
  versions: ConsentVersionDto[];

  static fromConsent(
    consent: ConsentEntity,
    versions: readonly ConsentVersionEntity[],
    at: Date,
  ): ConsentDto {
    const current = versions[versions.length - 1];
    return Object.assign(new ConsentDto(), ConsentVersionDto.from(current), {
      id: consent.id,
      caseId: consent.caseId,
      personId: consent.personId,
      status: statusAt(current, at),
      versions: versions.map(ConsentVersionDto.from),
    });
  }
}

export class ConsentListDto {
  @ApiProperty({ type: [ConsentDto] }) items: ConsentDto[];
}
