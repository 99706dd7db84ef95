import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
import type { CaseUserAssignmentEntity } from '../case-assignment.entity.js';
import type { CasePersonEntity } from '../case-person.entity.js';
import type { CaseEntity } from '../case.entity.js';
import {
  CLOSE_REASONS,
  JUDGEMENT_LEVELS,
  REFERRAL_REASONS,
  RISK_TOOLS,
  THRESHOLD_RULES,
  type CloseReason,
  type JudgementLevel,
  type ReferralReason,
  type RiskThresholds,
  type RiskTool,
  type ThresholdRule,
} from '../case.types.js';
import type { RiskAssessmentEntity } from '../risk-assessment.entity.js';

export class ThresholdDecisionDto {
  @ApiProperty() met: boolean;
  @ApiProperty({ enum: THRESHOLD_RULES }) rule: ThresholdRule;
  @ApiProperty({ type: [String], description: 'The assessments the rule rests on.' })
  assessmentIds: string[];
  @ApiProperty({ description: 'The thresholds in force when decided.' })
  thresholds: RiskThresholds;
  @ApiProperty() decidedAt: string;
}

export class CaseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CASE_STAGES }) stage: CaseStage;
  @ApiProperty({ enum: REFERRAL_REASONS }) reason: ReferralReason;
  @ApiProperty({ example: '2025-11-20' }) incidentDate: string;
  @ApiProperty({ format: 'uuid' }) referringAgencyId: string;
  @ApiProperty({ type: [String] }) assignedAgencyIds: string[];
  @ApiPropertyOptional({ type: ThresholdDecisionDto, nullable: true })
  thresholdDecision: ThresholdDecisionDto | null;
  @ApiPropertyOptional({ enum: CLOSE_REASONS, nullable: true }) closedReason: CloseReason | null;
  @ApiPropertyOptional({ enum: CASE_STAGES, nullable: true }) closedFromStage: CaseStage | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty() version: number;

  static from(kase: CaseEntity, assignedAgencyIds: readonly string[]): CaseDto {
    return Object.assign(new CaseDto(), {
      id: kase.id,
      stage: kase.stage,
      reason: kase.reason,
      incidentDate: kase.incidentDate,
      referringAgencyId: kase.referringAgencyId,
      assignedAgencyIds: [...assignedAgencyIds].sort(),
      thresholdDecision:
        kase.thresholdRule && kase.thresholdValues && kase.thresholdDecidedAt
          ? {
              met: kase.thresholdRule !== 'not_met',
              rule: kase.thresholdRule,
              assessmentIds: [...kase.thresholdAssessmentIds],
              thresholds: { ...kase.thresholdValues },
              decidedAt: kase.thresholdDecidedAt.toISOString(),
            }
          : null,
      closedReason: kase.closedReason,
      closedFromStage: kase.closedFromStage,
      createdAt: kase.createdAt.toISOString(),
      updatedAt: kase.updatedAt.toISOString(),
      version: kase.version,
    });
  }
}

export class RiskAssessmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: RISK_TOOLS }) tool: RiskTool;
  @ApiPropertyOptional({ nullable: true }) score: number | null;
  @ApiPropertyOptional({ enum: JUDGEMENT_LEVELS, nullable: true })
  requestedLevel: JudgementLevel | null;
  @ApiPropertyOptional({ nullable: true }) reasons: string | null;
  @ApiProperty({ format: 'uuid' }) assessorAgencyId: string;
  @ApiProperty() assessorSubject: string;
  @ApiProperty() createdAt: string;

  static from(a: RiskAssessmentEntity): RiskAssessmentDto {
    return Object.assign(new RiskAssessmentDto(), {
      id: a.id,
      tool: a.tool,
      score: a.score,
      requestedLevel: a.requestedLevel,
      reasons: a.reasons,
      assessorAgencyId: a.assessorAgencyId,
      assessorSubject: a.assessorSubject,
      createdAt: a.createdAt.toISOString(),
    });
  }
}

export class UserAssignmentDto {
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() subject: string;
  @ApiProperty({ enum: SIDES }) side: Side;
  @ApiProperty() assignedAt: string;

  static from(a: CaseUserAssignmentEntity): UserAssignmentDto {
    return Object.assign(new UserAssignmentDto(), {
      agencyId: a.agencyId,
      subject: a.subject,
      side: a.side,
      assignedAt: a.assignedAt.toISOString(),
    });
  }
}

/** One case with its assessments; user assignments of the caller's agency (all, for coordinators). */
export class CaseDetailDto extends CaseDto {
  @ApiProperty({ type: [RiskAssessmentDto] }) riskAssessments: RiskAssessmentDto[];
  @ApiProperty({ type: [UserAssignmentDto] }) userAssignments: UserAssignmentDto[];
}

export class CaseListDto {
  @ApiProperty({ type: [CaseDto] }) items: CaseDto[];
}

export class PersonDto {
  @ApiProperty({ format: 'uuid', description: 'Pseudonymous id; the person has no name here.' })
  id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: PERSON_ROLES }) role: PersonRole;
  @ApiProperty({ enum: CAPACITIES }) capacity: Capacity;
  @ApiProperty() minor: boolean;
  @ApiProperty({ format: 'uuid' }) addedByAgencyId: string;
  @ApiProperty() createdAt: string;

  static from(p: CasePersonEntity): PersonDto {
    return Object.assign(new PersonDto(), {
      id: p.id,
      caseId: p.caseId,
      role: p.role,
      capacity: p.capacity,
      minor: p.minor,
      addedByAgencyId: p.addedByAgencyId,
      createdAt: p.createdAt.toISOString(),
    });
  }
}

export class PersonListDto {
  @ApiProperty({ type: [PersonDto] }) items: PersonDto[];
}
