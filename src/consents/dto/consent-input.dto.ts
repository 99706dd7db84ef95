import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO8601,
  IsString,
  IsUUID,
  Matches,
} from 'class-validator';
import { SECTORS, type Sector } from '../../agencies/agency.types.js';
import { Omittable } from '../../common/validation/omittable.js';
import { CATEGORY, INSTANT } from '../../common/validation/patterns.js';
import { PURPOSES, type Purpose } from '../../policy/facts.js';
import {
  CAPACITY_NOTES,
  HOW_OBTAINED,
  MAX_CATEGORIES,
  MAX_RECIPIENT_AGENCIES,
  WITHDRAWAL_REASONS,
  type CapacityNote,
  type HowObtained,
  type WithdrawalReason,
} from '../consent.types.js';

export class RecordConsentDto {
  @ApiProperty({ format: 'uuid', description: 'The person of the case who consents.' })
  @IsUUID()
  personId: string;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_RECIPIENT_AGENCIES, default: [] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_RECIPIENT_AGENCIES)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  recipientAgencyIds?: string[];

  @ApiPropertyOptional({ enum: SECTORS, isArray: true, default: [] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(SECTORS.length)
  @ArrayUnique()
  @IsIn(SECTORS, { each: true })
  recipientSectors?: Sector[];

  @ApiProperty({ type: [String], example: ['risk_assessment', 'safety_plan'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CATEGORIES)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(CATEGORY, { each: true })
  categories: string[];

  @ApiProperty({ enum: PURPOSES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PURPOSES.length)
  @ArrayUnique()
  @IsIn(PURPOSES, { each: true })
  purposes: Purpose[];

  @ApiPropertyOptional({ example: '2025-11-21T14:00:00Z', description: 'Default: now.' })
  @Omittable()
  @IsString()
  @Matches(INSTANT)
  @IsISO8601({ strict: true })
  validFrom?: string;

  @ApiPropertyOptional({ example: '2026-05-21T14:00:00Z', description: 'Absent: until withdrawn.' })
  @Omittable()
  @IsString()
  @Matches(INSTANT)
  @IsISO8601({ strict: true })
  validUntil?: string;

  @ApiProperty({ enum: HOW_OBTAINED })
  @IsIn(HOW_OBTAINED)
  howObtained: HowObtained;

  @ApiProperty({ enum: CAPACITY_NOTES })
  @IsIn(CAPACITY_NOTES)
  capacityNote: CapacityNote;
}

export class WithdrawConsentDto {
  @ApiProperty({ enum: WITHDRAWAL_REASONS })
  @IsIn(WITHDRAWAL_REASONS)
  reason: WithdrawalReason;
}

export class ConsentListQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this person’s consents.' })
  @Omittable()
  @IsUUID()
  personId?: string;
}
