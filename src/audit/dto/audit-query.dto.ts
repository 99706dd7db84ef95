import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

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
  @ApiPropertyOptional({ description: 'The older tree size (≥ 1).' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SEQ)
  from: number;

  @ApiPropertyOptional({ description: 'The newer tree size (≥ from).' })
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
