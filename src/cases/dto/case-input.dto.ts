import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { Omittable } from '../../common/validation/omittable.js';
import { DATE_ONLY, PROSE_TEXT, SUBJECT } from '../../common/validation/patterns.js';
import {
  CAPACITIES,
  CASE_STAGES,
  PERSON_ROLES,
  SIDES,
  type Capacity,
  type CaseStage,
  type PersonRole,
  type Side,
} from '../../policy/facts.js';
import {
  CLOSE_REASONS,
  JUDGEMENT_LEVELS,
  REFERRAL_REASONS,
  RISK_TOOLS,
  TARGET_STAGES,
  type CloseReason,
  type JudgementLevel,
  type ReferralReason,
  type RiskTool,
  type TargetStage,
} from '../case.types.js';

export class ReferCaseDto {
  @ApiProperty({ enum: REFERRAL_REASONS, description: 'Reason code; never a narrative.' })
  @IsIn(REFERRAL_REASONS)
  reason: ReferralReason;

  @ApiProperty({ example: '2025-11-20', description: 'Date of the incident (not in the future).' })
  @IsString()
  @Matches(DATE_ONLY)
  @IsISO8601({ strict: true })
  incidentDate: string;
}

export class RiskAssessmentInputDto {
  @ApiProperty({ enum: RISK_TOOLS })
  @IsIn(RISK_TOOLS)
  tool: RiskTool;

  @ApiPropertyOptional({
    description:
      'Tool score within its scale (policy): ODARA 0–13, Danger Assessment weighted 0–38, DASH 0–27 ticks. Absent for a professional judgement.',
  })
  @ValidateIf(
    (o: RiskAssessmentInputDto) => o.tool !== 'professional_judgement' || o.score !== undefined,
  )
  @IsInt()
  @Min(0)
  @Max(100)
  score?: number;

  @ApiPropertyOptional({
    enum: JUDGEMENT_LEVELS,
    description: 'Professional judgement only: the level asked for.',
  })
  @ValidateIf(
    (o: RiskAssessmentInputDto) =>
      o.tool === 'professional_judgement' || o.requestedLevel !== undefined,
  )
  @IsIn(JUDGEMENT_LEVELS)
  requestedLevel?: JudgementLevel;

  @ApiPropertyOptional({
    minLength: 20,
    maxLength: 4000,
    description:
      'Professional judgement only: the written reasons (required). Risk factors, never names or addresses.',
  })
  @ValidateIf(
    (o: RiskAssessmentInputDto) => o.tool === 'professional_judgement' || o.reasons !== undefined,
  )
  @IsString()
  @Length(20, 4000)
  @Matches(PROSE_TEXT)
  reasons?: string;
}

export class StageChangeDto {
  @ApiProperty({ enum: TARGET_STAGES })
  @IsIn(TARGET_STAGES)
  stage: TargetStage;

  @ApiPropertyOptional({
    enum: CLOSE_REASONS,
    description: 'Required when, and only when, closing.',
  })
  @Omittable()
  @IsIn(CLOSE_REASONS)
  closeReason?: CloseReason;
}

export class AddPersonDto {
  @ApiProperty({ enum: PERSON_ROLES })
  @IsIn(PERSON_ROLES)
  role: PersonRole;

  @ApiProperty({ enum: CAPACITIES, description: 'Capacity to consent, as last assessed.' })
  @IsIn(CAPACITIES)
  capacity: Capacity;

  @ApiProperty()
  @IsBoolean()
  minor: boolean;
}

export class AssignAgencyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  agencyId: string;
}

export class AssignUserDto {
  @ApiProperty({
    format: 'uuid',
    description: "The user's agency: the caller's own unless coordinator.",
  })
  @IsUUID()
  agencyId: string;

  @ApiProperty({ description: "The user's id as their tokens carry it (`sub`)." })
  @IsString()
  @Matches(SUBJECT)
  subject: string;

  @ApiProperty({ enum: SIDES })
  @IsIn(SIDES)
  side: Side;
}

export class CaseListQueryDto {
  @ApiPropertyOptional({ enum: CASE_STAGES })
  @Omittable()
  @IsIn(CASE_STAGES)
  stage?: CaseStage;

  @ApiPropertyOptional({ default: 100, maximum: 500, description: 'Newest first.' })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
