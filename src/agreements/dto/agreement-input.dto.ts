import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { Omittable } from '../../common/validation/omittable.js';
import { PURPOSES, type Purpose } from '../../policy/facts.js';
import {
  FREQUENCIES,
  SUSPENSION_REASONS,
  TERMINATION_REASONS,
  type Frequency,
  type SuspensionReason,
  type TerminationReason,
} from '../agreement.types.js';
import { LOWER_UUID } from '../../common/validation/patterns.js';

/** A category of the taxonomy (`identity`, `location.shelter`…); the policy bundle knows the list. */
export const CATEGORY = /^[a-z_]+(\.[a-z_]+)?$/;
export const CATEGORY_MAX = 40;
export const PARTIES_MAX = 30;
export const FLOWS_MAX = 200;
export const TERMS_MAX = 4000;
/** RFC 3339: a date, a time and an offset; a bare date would leave the hour to guesswork. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Legal text: paragraphs allowed (tab, line breaks), other control characters and lone surrogates not; not blank. */
const TERMS_TEXT = /^(?=[\s\S]*\S)(?:[^\p{Cc}\p{Cs}]|[\t\n\r])*$/u;
/** An address or a telephone number (with an optional extension): the agency's, for breach notices. */
const CONTACT =
  /^(?:[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+|\+?[0-9][0-9 ().-]{5,30}[0-9](?: ?(?:x|ext\.?|poste) ?[0-9]{1,6})?)$/;

/** Agency ids compare lower-case, so that one agency cannot be listed twice in two spellings. */
const lowerCase = ({ value }: { value: unknown }): unknown => {
  if (typeof value === 'string') return value.toLowerCase();
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v.toLowerCase() : v));
  return value;
};

export class AgreementFlowInputDto {
  @ApiProperty({ format: 'uuid', description: 'The party that communicates.' })
  @Transform(lowerCase)
  @IsString()
  @Matches(LOWER_UUID)
  fromAgencyId: string;

  @ApiProperty({ format: 'uuid', description: 'The party that receives.' })
  @Transform(lowerCase)
  @IsString()
  @Matches(LOWER_UUID)
  toAgencyId: string;

  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: CATEGORY_MAX,
    example: ['identity', 'risk_assessment', 'court_orders'],
    description: `Information categories, each matching ${CATEGORY.source} (at most ${CATEGORY_MAX} characters).`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CATEGORY_MAX)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, CATEGORY_MAX, { each: true })
  @Matches(CATEGORY, { each: true })
  categories: string[];
}

/**
 * The content of one version: the statutory minimum of Quebec s.68 (parties, purposes,
 * nature of the information, method of transmission, security measures, frequency, duration) and
 * s.84 (use only for the purposes, breach notice), plus retention and onward disclosure.
 */
export class AgreementContentDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 2,
    maxItems: PARTIES_MAX,
    description: 'Agency ids of the parties; every one signs.',
  })
  @Transform(lowerCase)
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(PARTIES_MAX)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(LOWER_UUID, { each: true })
  parties: string[];

  @ApiProperty({ enum: PURPOSES, isArray: true, minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PURPOSES.length)
  @ArrayUnique()
  @IsIn(PURPOSES, { each: true })
  purposes: Purpose[];

  @ApiProperty({ type: [AgreementFlowInputDto], minItems: 1, maxItems: FLOWS_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(FLOWS_MAX)
  @IsObject({ each: true }) // an item that is an array would be flattened, not validated
  @ValidateNested({ each: true })
  @Type(() => AgreementFlowInputDto)
  flows: AgreementFlowInputDto[];

  @ApiProperty({ maxLength: TERMS_MAX, description: 'Method of transmission (A-2.1 s.68 (4)).' })
  @IsString()
  @Length(1, TERMS_MAX)
  @Matches(TERMS_TEXT)
  transmissionTerms: string;

  @ApiProperty({ maxLength: TERMS_MAX, description: 'Security measures (A-2.1 s.68 (5)).' })
  @IsString()
  @Length(1, TERMS_MAX)
  @Matches(TERMS_TEXT)
  securityMeasures: string;

  @ApiProperty({ enum: FREQUENCIES })
  @IsIn(FREQUENCIES)
  frequency: Frequency;

  @ApiProperty({ example: '2026-01-01T00:00:00-05:00', description: 'RFC 3339 date-time.' })
  @IsString()
  @Matches(DATE_TIME)
  @IsISO8601({ strict: true, strictSeparator: true })
  effectiveFrom: string;

  @ApiPropertyOptional({
    nullable: true,
    example: '2028-01-01T00:00:00-05:00',
    description: 'RFC 3339 date-time, excluded from the term; null or absent: no end date.',
  })
  @IsOptional()
  @IsString()
  @Matches(DATE_TIME)
  @IsISO8601({ strict: true, strictSeparator: true })
  effectiveTo?: string | null;

  @ApiPropertyOptional({ default: true })
  @Omittable()
  @IsBoolean()
  onwardDisclosureProhibited?: boolean;

  @ApiProperty({ minimum: 1, maximum: 3650 })
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDays: number;

  @ApiProperty({
    example: 'vie-privee@police-vsl.example',
    maxLength: 254,
    description: "The agency's address or number for breach notices (R-22.1 s.84).",
  })
  @IsString()
  @Length(3, 254)
  @Matches(CONTACT)
  breachContact: string;
}

export class SignAgreementDto {
  @ApiProperty({
    minimum: 1,
    description:
      'The version the signatory read and signs; refused (409) if another has replaced it since.',
  })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  version: number;
}

export class SuspendAgreementDto {
  @ApiProperty({ enum: SUSPENSION_REASONS, description: 'Reason code, recorded; never free text.' })
  @IsIn(SUSPENSION_REASONS)
  reason: SuspensionReason;
}

export class TerminateAgreementDto {
  @ApiProperty({
    enum: TERMINATION_REASONS,
    description: 'Reason code, recorded; never free text.',
  })
  @IsIn(TERMINATION_REASONS)
  reason: TerminationReason;
}
