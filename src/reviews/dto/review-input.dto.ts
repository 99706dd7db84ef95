import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { Omittable } from '../../common/validation/omittable.js';
import { PageQueryDto } from '../../common/validation/page-query.dto.js';
import { PROSE_TEXT } from '../../common/validation/patterns.js';
import { REVIEW_OUTCOMES, type ReviewOutcome } from '../review.entity.js';

export const FLAG_REASONS = [
  'basis_doubtful',
  'not_necessary',
  'minimisation',
  'wrong_recipient',
  'complaint',
  'follow_up',
  'other',
] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

const TEXT_MAX = 4000;

export class FlagDecisionDto {
  @ApiProperty({ format: 'uuid', description: 'The decision to review.' })
  @IsUUID()
  decisionId: string;

  @ApiProperty({ enum: FLAG_REASONS })
  @IsIn(FLAG_REASONS)
  reason: FlagReason;

  @ApiPropertyOptional({ maxLength: TEXT_MAX, description: 'What the reviewer should look at.' })
  @Omittable()
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  @Matches(PROSE_TEXT)
  note?: string;
}

export class DecideReviewDto {
  @ApiProperty({ enum: REVIEW_OUTCOMES })
  @IsIn(REVIEW_OUTCOMES)
  outcome: ReviewOutcome;

  @ApiProperty({ maxLength: TEXT_MAX, description: 'The reasons for the outcome.' })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  @Matches(PROSE_TEXT)
  reasons: string;

  @ApiPropertyOptional({
    maxLength: TEXT_MAX,
    description: 'The remediation asked for (required with remediation_required).',
  })
  @Omittable()
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  @Matches(PROSE_TEXT)
  remediation?: string;
}

export class CommentDto {
  @ApiProperty({ maxLength: TEXT_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT_MAX)
  @Matches(PROSE_TEXT)
  text: string;
}

export class ReviewListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'decided'] })
  @Omittable()
  @IsIn(['open', 'decided'])
  status?: 'open' | 'decided';

  @ApiPropertyOptional({ description: 'Only open reviews past their deadline.' })
  @Omittable()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ format: 'uuid' })
  @Omittable()
  @IsUUID()
  decisionId?: string;
}
