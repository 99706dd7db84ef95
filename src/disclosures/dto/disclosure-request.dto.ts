import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  ValidateNested,
} from 'class-validator';
import { Omittable } from '../../common/validation/omittable.js';
import { CATEGORY, CODE } from '../../common/validation/patterns.js';
import { IsTimestamp } from '../../common/validation/is-timestamp.js';
import { BASES, PURPOSES, type Basis, type Purpose } from '../../policy/facts.js';

export class AttestationDto {
  @ApiProperty({
    description:
      'Each criterion of the life/safety test (exceptions.yaml: reasonable_cause, serious_risk, identified_person, urgency, …) attested true.',
    example: { reasonable_cause: true, serious_risk: true, identified_person: true, urgency: true },
  })
  @IsObject()
  criteria: Record<string, boolean>;

  @ApiProperty({
    format: 'date-time',
    description: 'When the requester attested; one attestation covers the test’s duration.',
  })
  @IsTimestamp()
  attestedAt: string;
}

export class DisclosureRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  caseId: string;

  @ApiProperty({ format: 'uuid', description: 'The person of the case the information is about.' })
  @IsUUID()
  personId: string;

  @ApiProperty({
    example: ['location', 'risk_assessment'],
    description: 'Categories of the taxonomy (GET /v1/policies).',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(CATEGORY, { each: true })
  categories: string[];

  @ApiProperty({ enum: PURPOSES })
  @IsIn(PURPOSES)
  purpose: Purpose;

  @ApiProperty({ enum: BASES })
  @IsIn(BASES)
  basis: Basis;

  @ApiPropertyOptional({
    description: 'For basis legal_obligation: the statutory duty (rules.yaml obligations).',
  })
  @Omittable()
  @Matches(/^[a-z0-9][a-z0-9.-]{0,63}$/)
  obligationId?: string;

  @ApiPropertyOptional({ type: AttestationDto, description: 'Required for basis life_safety.' })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => AttestationDto)
  attestation?: AttestationDto;
}

export class ApprovalDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  itemId: string;

  @ApiProperty({ description: 'true releases the item to the requester; false refuses it.' })
  @IsBoolean()
  approve: boolean;

  @ApiPropertyOptional({ description: 'Reason code, recorded.' })
  @Omittable()
  @Matches(CODE)
  reason?: string;
}
