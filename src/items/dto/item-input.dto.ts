import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsObject,
  IsString,
  IsUUID,
  Matches,
} from 'class-validator';
import { Omittable } from '../../common/validation/omittable.js';
import { CATEGORY, DATE_ONLY } from '../../common/validation/patterns.js';
import {
  CORRECTION_REASONS,
  EXCLUSION_REASONS,
  MAX_SENSITIVITY_LABELS,
  SENSITIVITY_LABEL,
  type CorrectionReason,
  type ExclusionReason,
} from '../item.types.js';

export class ContributeItemDto {
  @ApiProperty({ format: 'uuid', description: 'The person of the case the item is about.' })
  @IsUUID()
  personId: string;

  @ApiProperty({ example: 'weapons', description: 'A category of the taxonomy in force.' })
  @IsString()
  @Matches(CATEGORY)
  category: string;

  @ApiProperty({
    example: { access_to_firearms: true },
    description: 'Flat object of the category’s fields, as the taxonomy defines them.',
  })
  @IsObject()
  fields: Record<string, unknown>;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_SENSITIVITY_LABELS,
    description: 'Labels added to the category’s own.',
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_SENSITIVITY_LABELS)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SENSITIVITY_LABEL, { each: true })
  sensitivity?: string[];

  @ApiProperty({ example: '2027-11-20', description: 'Kept until this date (in the future).' })
  @IsString()
  @Matches(DATE_ONLY)
  @IsISO8601({ strict: true })
  retainUntil: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Never disclosed, whatever the basis; needs `excludedReason`.',
  })
  @Omittable()
  @IsBoolean()
  excluded?: boolean;

  @ApiPropertyOptional({
    enum: EXCLUSION_REASONS,
    description: 'Required when, and only when, excluded.',
  })
  @Omittable()
  @IsIn(EXCLUSION_REASONS)
  excludedReason?: ExclusionReason;
}

/** A correction by the holder: any of the item's content, with its reason. Category and person stay. */
export class CorrectItemDto {
  @ApiProperty({ enum: CORRECTION_REASONS })
  @IsIn(CORRECTION_REASONS)
  reason: CorrectionReason;

  @ApiPropertyOptional({ description: 'Replaces the fields as a whole.' })
  @Omittable()
  @IsObject()
  fields?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_SENSITIVITY_LABELS })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_SENSITIVITY_LABELS)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SENSITIVITY_LABEL, { each: true })
  sensitivity?: string[];

  @ApiPropertyOptional({ example: '2027-11-20' })
  @Omittable()
  @IsString()
  @Matches(DATE_ONLY)
  @IsISO8601({ strict: true })
  retainUntil?: string;

  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  excluded?: boolean;

  @ApiPropertyOptional({ enum: EXCLUSION_REASONS })
  @Omittable()
  @IsIn(EXCLUSION_REASONS)
  excludedReason?: ExclusionReason;
}
