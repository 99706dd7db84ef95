import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Omittable } from '../../common/validation/omittable.js';
import { PageQueryDto } from '../../common/validation/page-query.dto.js';
import { IsTimestamp } from '../../common/validation/is-timestamp.js';
import { INSTANT, PROSE_TEXT } from '../../common/validation/patterns.js';
import { NOTICE_STATUSES, type NoticeStatus } from '../notice.entity.js';

export const SEND_MEANS = ['mail', 'in_person', 'phone', 'email', 'secure_message'] as const;
export type SendMeans = (typeof SEND_MEANS)[number];

export class NoticeDecisionDto {
  @ApiProperty({
    maxLength: 4000,
    description:
      'Why: for a withholding, the danger telling the person would create; for a clearance, why it is now safe.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  @Matches(PROSE_TEXT)
  reasons: string;
}

export class NoticeSentDto {
  @ApiProperty({ enum: SEND_MEANS, description: 'How the holder sent it (Filet never sends).' })
  @IsIn(SEND_MEANS)
  means: SendMeans;

  @ApiPropertyOptional({ example: '2026-11-21T15:00:00Z', description: 'Default: now.' })
  @Omittable()
  @IsString()
  @Matches(INSTANT)
  @IsTimestamp()
  sentAt?: string;
}

export class NoticeListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: NOTICE_STATUSES })
  @Omittable()
  @IsIn(NOTICE_STATUSES)
  status?: NoticeStatus;

  @ApiPropertyOptional({ description: 'Only held notices past their deadline.' })
  @Omittable()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';
}
