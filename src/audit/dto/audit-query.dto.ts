import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { IsTimestamp } from '../../common/validation/is-timestamp.js';
import { HOLD_REASONS, type HoldReason } from '../audit.entities.js';
import { AUDIT_OUTCOMES } from '../audit.types.js';

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

export class InclusionQueryDto {
  @ApiPropertyOptional({
    description: 'Tree size to prove against; default: the latest checkpoint covering the record.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SEQ)
  treeSize?: number;
}

export class ConsistencyQueryDto {
  @ApiProperty({ description: 'The older tree size (≥ 1).' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SEQ)
  from: number;

  @ApiProperty({ description: 'The newer tree size (≥ from).' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SEQ)
  to: number;
}

export class CheckpointListQueryDto {
  @ApiPropertyOptional({ description: 'Only checkpoints with a smaller tree size (cursor).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SEQ)
  before?: number;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export const BASES = ['consent', 'life_safety', 'legal_obligation'] as const;

export class RecordSearchQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Records this agency is party to.' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  personId?: string;

  @ApiPropertyOptional({ enum: BASES })
  @IsOptional()
  @IsIn(BASES)
  basis?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: string;

  @ApiPropertyOptional({ example: 'disclosure.release' })
  @IsOptional()
  @Matches(/^[a-z_]{1,40}(\.[a-z_]{1,40}){0,3}$/)
  action?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Recorded at or after.' })
  @IsOptional()
  @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Recorded before.' })
  @IsOptional()
  @IsTimestamp()
  to?: string;

  @ApiPropertyOptional({ description: 'Cursor: the `next` of the previous page.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SEQ)
  before?: number;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class RegisterQueryDto {
  @ApiProperty({ format: 'uuid', description: 'The holder agency whose register this is.' })
  @IsUUID()
  holder: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  to?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class HoldListQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'true',
    description: 'Only holds not yet released.',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  active?: 'true' | 'false';
}

export class CreateHoldDto {
  @ApiProperty({
    description: 'Sequence number of the audit record to hold out of subject access reports.',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_SEQ)
  seq: number;

  @ApiProperty({ enum: HOLD_REASONS })
  @IsIn(HOLD_REASONS)
  reason: HoldReason;
}
