import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { ROLES, type Role } from '../../common/auth/roles.js';
import { Omittable } from '../../common/validation/omittable.js';
import {
  AGENCY_CODE,
  JURISDICTION,
  KEY_ID,
  NAME_MAX,
  NAME_TEXT,
} from '../../common/validation/patterns.js';
import { PRIVACY_REGIMES, SECTORS, type PrivacyRegime, type Sector } from '../agency.types.js';

export class AgencyNamesDto {
  @ApiProperty({ example: 'Service de police de Val-Saint-Loup', maxLength: NAME_MAX })
  @IsString()
  @Length(1, NAME_MAX)
  @Matches(NAME_TEXT)
  fr: string;

  @ApiProperty({ example: 'Val-Saint-Loup Police Service', maxLength: NAME_MAX })
  @IsString()
  @Length(1, NAME_MAX)
  @Matches(NAME_TEXT)
  en: string;
}

export class PublicKeyDto {
  @ApiProperty({ description: 'Key id, unique within the agency, sent as the JWT header "kid".' })
  @IsString()
  @Matches(KEY_ID)
  kid: string;

  @ApiProperty({
    description: 'Public JWK: EC P-256 (ES256) or OKP Ed25519 (EdDSA). Private parts are refused.',
    example: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
  })
  @IsObject()
  jwk: Record<string, unknown>;
}

export class AddKeysDto {
  @ApiProperty({ type: [PublicKeyDto], minItems: 1, maxItems: 10 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsObject({ each: true }) // an item that is an array would be flattened, not validated
  @ValidateNested({ each: true })
  @Type(() => PublicKeyDto)
  keys: PublicKeyDto[];
}

export class CreateAgencyDto {
  @ApiProperty({ example: 'police-vsl', pattern: AGENCY_CODE.source })
  @IsString()
  @Matches(AGENCY_CODE)
  code: string;

  @ApiProperty({ type: AgencyNamesDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AgencyNamesDto)
  names: AgencyNamesDto;

  @ApiProperty({ enum: SECTORS })
  @IsIn(SECTORS)
  sector: Sector;

  @ApiProperty({ example: 'CA-QC', pattern: JURISDICTION.source })
  @IsString()
  @Matches(JURISDICTION)
  jurisdiction: string;

  @ApiProperty({ enum: PRIVACY_REGIMES })
  @IsIn(PRIVACY_REGIMES)
  privacyRegime: PrivacyRegime;

  @ApiPropertyOptional({ enum: ROLES, isArray: true, default: ['agency_user'] })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  allowedRoles?: Role[];

  @ApiPropertyOptional({ type: [PublicKeyDto], maxItems: 10 })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(10)
  @IsObject({ each: true }) // an item that is an array would be flattened, not validated
  @ValidateNested({ each: true })
  @Type(() => PublicKeyDto)
  keys?: PublicKeyDto[];
}

export class UpdateAgencyDto {
  @ApiPropertyOptional({ type: AgencyNamesDto })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => AgencyNamesDto)
  names?: AgencyNamesDto;

  @ApiPropertyOptional({ example: 'CA-QC' })
  @Omittable()
  @IsString()
  @Matches(JURISDICTION)
  jurisdiction?: string;

  @ApiPropertyOptional({ enum: PRIVACY_REGIMES })
  @Omittable()
  @IsIn(PRIVACY_REGIMES)
  privacyRegime?: PrivacyRegime;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  allowedRoles?: Role[];
}

export const STATUS_REASONS = [
  'security_incident',
  'agreement_breach',
  'offboarding',
  'administrative',
] as const;
export type StatusReason = (typeof STATUS_REASONS)[number];

export class StatusChangeDto {
  @ApiProperty({ enum: STATUS_REASONS, description: 'Reason code, recorded; never free text.' })
  @IsIn(STATUS_REASONS)
  reason: StatusReason;
}

export const REVOCATION_REASONS = ['compromised', 'superseded', 'administrative'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export class RevokeKeyDto {
  @ApiProperty({ enum: REVOCATION_REASONS })
  @IsIn(REVOCATION_REASONS)
  reason: RevocationReason;
}
