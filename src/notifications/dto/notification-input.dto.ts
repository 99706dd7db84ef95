import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Type } from 'class-transformer';
import { Omittable } from '../../common/validation/omittable.js';
import { IsTimestamp } from '../../common/validation/is-timestamp.js';
import { CODE, INSTANT, PROSE_TEXT } from '../../common/validation/patterns.js';

export const MAX_PERSONS = 20;

export class ReportRiskChangeDto {
  @ApiProperty({
    example: 'release_from_custody',
    description: 'A kind listed in the policies (workflows.yaml, riskChanges.kinds).',
  })
  @IsString()
  @Matches(CODE)
  kind: string;

  @ApiProperty({ example: '2026-11-20T14:00:00Z', description: 'When the change happened.' })
  @IsString()
  @Matches(INSTANT)
  @IsTimestamp()
  occurredAt: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_PERSONS,
    description:
      'The persons of the case the change concerns (usually the person posing the risk). Empty or absent: the case as a whole.',
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_PERSONS)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  personIds?: string[];

  @ApiPropertyOptional({
    maxLength: 2000,
    description:
      'What changed, in a sentence: no narrative, no address of a victim. The policy sets the maximum length.',
  })
  @Omittable()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(PROSE_TEXT)
  summary?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    example: 'Poste de garde 24/7 — 418-555-0100',
    description: 'Who to call about it: a desk or duty line, not a person’s private number.',
  })
  @Omittable()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(PROSE_TEXT)
  contactPoint?: string;
}

export class InboxQueryDto {
  @ApiPropertyOptional({ enum: ['unacknowledged', 'all'], default: 'unacknowledged' })
  @Omittable()
  @IsIn(['unacknowledged', 'all'])
  status?: 'unacknowledged' | 'all';

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.' })
  @Omittable()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class RegisterWebhookDto {
  @ApiProperty({
    example: 'https://integration.example.org/filet/notifications',
    maxLength: 2048,
    description:
      'Where signed notifications are POSTed (application/jose, a compact JWS by the broker’s key).',
  })
  @IsString()
  @MinLength(8)
  @MaxLength(2048)
  url: string;
}
