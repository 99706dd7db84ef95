import { ApiProperty } from '@nestjs/swagger';
import { PURPOSES, type Purpose } from '../../policy/facts.js';
import {
  currentOf,
  pendingOf,
  statusOf,
  type AgreementRecord,
  type VersionRecord,
} from '../agreement-state.js';
import {
  AGREEMENT_STATUSES,
  FREQUENCIES,
  VERSION_STATUSES,
  type AgreementStatus,
  type Frequency,
  type VersionStatus,
} from '../agreement.types.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export class AgreementPartyDto {
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ nullable: true, type: String, description: "The signatory's token subject." })
  signedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) signedAt: string | null;
}

export class AgreementFlowDto {
  @ApiProperty({ format: 'uuid' }) fromAgencyId: string;
  @ApiProperty({ format: 'uuid' }) toAgencyId: string;
  @ApiProperty({ type: [String] }) categories: string[];
}

export class AgreementVersionDto {
  @ApiProperty() version: number;
  @ApiProperty({ enum: VERSION_STATUSES }) status: VersionStatus;
  @ApiProperty({ type: [AgreementPartyDto] }) parties: AgreementPartyDto[];
  @ApiProperty({ enum: PURPOSES, isArray: true }) purposes: Purpose[];
  @ApiProperty({ type: [AgreementFlowDto] }) flows: AgreementFlowDto[];
  @ApiProperty() transmissionTerms: string;
  @ApiProperty() securityMeasures: string;
  @ApiProperty({ enum: FREQUENCIES }) frequency: Frequency;
  @ApiProperty() effectiveFrom: string;
  @ApiProperty({ nullable: true, type: String }) effectiveTo: string | null;
  @ApiProperty() onwardDisclosureProhibited: boolean;
  @ApiProperty() retentionDays: number;
  @ApiProperty() breachContact: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ format: 'uuid' }) createdByAgencyId: string;
  @ApiProperty({ nullable: true, type: String }) activatedAt: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When it stopped being in force (or, for a draft, open to signature).',
  })
  endedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Suspension or termination reason.' })
  endReason: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) endedByAgencyId: string | null;

  static from({ row, parties, flows }: VersionRecord): AgreementVersionDto {
    return Object.assign(new AgreementVersionDto(), {
      version: row.version,
      status: row.status,
      parties: parties.map((p) => ({
        agencyId: p.agencyId,
        signedBy: p.signedBy,
        signedAt: iso(p.signedAt),
      })),
      purposes: [...row.purposes],
      flows: flows.map((f) => ({
        fromAgencyId: f.fromAgencyId,
        toAgencyId: f.toAgencyId,
        categories: [...f.categories],
      })),
      transmissionTerms: row.transmissionTerms,
      securityMeasures: row.securityMeasures,
      frequency: row.frequency,
      effectiveFrom: row.effectiveFrom.toISOString(),
      effectiveTo: iso(row.effectiveTo),
      onwardDisclosureProhibited: row.onwardDisclosureProhibited,
      retentionDays: row.retentionDays,
      breachContact: row.breachContact,
      createdAt: row.createdAt.toISOString(),
      createdByAgencyId: row.createdByAgencyId,
      activatedAt: iso(row.activatedAt),
      endedAt: iso(row.endedAt),
      endReason: row.endReason,
      endedByAgencyId: row.endedByAgencyId,
    });
  }
}

export class AgreementDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status: AgreementStatus;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({
    type: AgreementVersionDto,
    nullable: true,
    description: 'The latest version that came into force (active, suspended or terminated).',
  })
  current: AgreementVersionDto | null;
  @ApiProperty({
    type: AgreementVersionDto,
    nullable: true,
    description: 'The draft awaiting signatures, if any.',
  })
  pending: AgreementVersionDto | null;
  @ApiProperty({ type: [AgreementVersionDto], description: 'Every version, oldest first.' })
  versions: AgreementVersionDto[];

  static from(agreement: AgreementRecord): AgreementDto {
    const current = currentOf(agreement);
    const pending = pendingOf(agreement);
    return Object.assign(new AgreementDto(), {
      id: agreement.row.id,
      status: statusOf(agreement),
      createdAt: agreement.row.createdAt.toISOString(),
      updatedAt: agreement.row.updatedAt.toISOString(),
      current: current ? AgreementVersionDto.from(current) : null,
      pending: pending ? AgreementVersionDto.from(pending) : null,
      versions: agreement.versions.map(AgreementVersionDto.from),
    });
  }
}

/** A line of the list: the agreement as its current version (or pending draft) describes it. */
export class AgreementSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status: AgreementStatus;
  @ApiProperty({ nullable: true, type: Number }) currentVersion: number | null;
  @ApiProperty({ nullable: true, type: Number }) pendingVersion: number | null;
  @ApiProperty({ type: [String], format: 'uuid' }) partyAgencyIds: string[];
  @ApiProperty({ enum: PURPOSES, isArray: true }) purposes: Purpose[];
  @ApiProperty() effectiveFrom: string;
  @ApiProperty({ nullable: true, type: String }) effectiveTo: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(agreement: AgreementRecord): AgreementSummaryDto {
    const current = currentOf(agreement);
    const pending = pendingOf(agreement);
    const shown = (current ?? pending ?? agreement.versions.at(-1)) as VersionRecord;
    return Object.assign(new AgreementSummaryDto(), {
      id: agreement.row.id,
      status: statusOf(agreement),
      currentVersion: current?.row.version ?? null,
      pendingVersion: pending?.row.version ?? null,
      partyAgencyIds: shown.parties.map((p) => p.agencyId),
      purposes: [...shown.row.purposes],
      effectiveFrom: shown.row.effectiveFrom.toISOString(),
      effectiveTo: iso(shown.row.effectiveTo),
      createdAt: agreement.row.createdAt.toISOString(),
      updatedAt: agreement.row.updatedAt.toISOString(),
    });
  }
}

export class AgreementListDto {
  @ApiProperty({ type: [AgreementSummaryDto] }) items: AgreementSummaryDto[];
}
