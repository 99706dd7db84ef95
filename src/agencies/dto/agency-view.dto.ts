import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES, type Role } from '../../common/auth/roles.js';
import type { AgencyKeyEntity, AgencyKeyStatus } from '../agency-key.entity.js';
import type { AgencyEntity } from '../agency.entity.js';
import {
  AGENCY_STATUSES,
  PRIVACY_REGIMES,
  SECTORS,
  type AgencyStatus,
  type PrivacyRegime,
  type Sector,
} from '../agency.types.js';
import { AgencyNamesDto } from './agency-input.dto.js';

/** What every agency may read about another: who it is, never its keys. */
export class AgencyDirectoryEntryDto {
  @ApiProperty({ format: 'uuid', description: 'The JWT "iss" of this agency.' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty({ type: AgencyNamesDto }) names: AgencyNamesDto;
  @ApiProperty({ enum: SECTORS }) sector: Sector;
  @ApiProperty() jurisdiction: string;
  @ApiProperty({ enum: PRIVACY_REGIMES }) privacyRegime: PrivacyRegime;
  @ApiProperty({ enum: AGENCY_STATUSES }) status: AgencyStatus;

  static from(agency: AgencyEntity): AgencyDirectoryEntryDto {
    return Object.assign(new AgencyDirectoryEntryDto(), {
      id: agency.id,
      code: agency.code,
      names: { fr: agency.nameFr, en: agency.nameEn },
      sector: agency.sector,
      jurisdiction: agency.jurisdiction,
      privacyRegime: agency.privacyRegime,
      status: agency.status,
    });
  }
}

export class AgencyKeyDto {
  @ApiProperty() kid: string;
  @ApiProperty({ enum: ['ES256', 'EdDSA'] }) alg: string;
  @ApiProperty({ enum: ['active', 'revoked'] }) status: AgencyKeyStatus;
  @ApiProperty({ description: 'Public JWK' }) jwk: Record<string, unknown>;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ nullable: true }) revokedAt: string | null;

  static from(key: AgencyKeyEntity): AgencyKeyDto {
    return Object.assign(new AgencyKeyDto(), {
      kid: key.kid,
      alg: key.alg,
      status: key.status,
      jwk: { ...key.publicJwk },
      createdAt: key.createdAt.toISOString(),
      revokedAt: key.revokedAt ? key.revokedAt.toISOString() : null,
    });
  }
}

/** The full record: for administrators, and for an agency about itself. */
export class AgencyDetailDto extends AgencyDirectoryEntryDto {
  @ApiProperty({ enum: ROLES, isArray: true }) allowedRoles: Role[];
  @ApiProperty({ type: [AgencyKeyDto] }) keys: AgencyKeyDto[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty() version: number;

  static fromWithKeys(agency: AgencyEntity, keys: readonly AgencyKeyEntity[]): AgencyDetailDto {
    return Object.assign(new AgencyDetailDto(), AgencyDirectoryEntryDto.from(agency), {
      allowedRoles: [...agency.allowedRoles],
      keys: [...keys]
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .map(AgencyKeyDto.from),
      createdAt: agency.createdAt.toISOString(),
      updatedAt: agency.updatedAt.toISOString(),
      version: agency.version,
    });
  }
}

export class AgencyListDto {
  @ApiProperty({ type: [AgencyDirectoryEntryDto] }) items: AgencyDirectoryEntryDto[];
}
