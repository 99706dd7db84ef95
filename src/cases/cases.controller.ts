import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit-context.js';
import type { AuditContext } from '../audit/audit.types.js';
import { Authenticated, Roles } from '../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../common/auth/principal.js';
import { UuidPipe } from '../common/validation/uuid-param.pipe.js';
import { CasePartiesService } from './case-parties.service.js';
import { CaseStageService } from './case-stage.service.js';
import { CasesService } from './cases.service.js';
import {
  AddPersonDto,
  AssignAgencyDto,
  AssignUserDto,
  CaseListQueryDto,
  ReferCaseDto,
  RiskAssessmentInputDto,
  StageChangeDto,
} from './dto/case-input.dto.js';
import {
  CaseDetailDto,
  CaseDto,
  CaseListDto,
  PersonDto,
  PersonListDto,
  RiskAssessmentDto,
  UserAssignmentDto,
} from './dto/case-view.dto.js';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('v1/cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly stages: CaseStageService,
    private readonly parties: CasePartiesService,
  ) {}

  @Post()
  @Roles('agency_user', 'coordinator')
  @ApiCreatedResponse({
    type: CaseDto,
    description: 'A referral: the case opens de-identified, the caller’s agency as referrer.',
  })
  refer(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Body() body: ReferCaseDto,
  ): Promise<CaseDto> {
    return this.cases.refer(ctx, caller, body);
  }

  @Get()
  @Authenticated()
  @ApiOkResponse({
    type: CaseListDto,
    description:
      'Cases the caller’s agency referred or is assigned to; every case for coordinators.',
  })
  async list(
    @Principal() caller: PrincipalContext,
    @Query() query: CaseListQueryDto,
  ): Promise<CaseListDto> {
    return { items: await this.cases.list(caller, query) };
  }

  @Get(':id')
  @Authenticated()
  @ApiOkResponse({
    type: CaseDetailDto,
    description: '404 for an agency with no part in the case.',
  })
  get(
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
  ): Promise<CaseDetailDto> {
    return this.cases.get(caller, id);
  }

  @Post(':id/risk-assessments')
  @Roles('agency_user', 'coordinator')
  @ApiCreatedResponse({ type: RiskAssessmentDto })
  assess(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: RiskAssessmentInputDto,
  ): Promise<RiskAssessmentDto> {
    return this.cases.assess(ctx, caller, id, body);
  }

  @Post(':id/stage')
  @HttpCode(200)
  @Roles('coordinator')
  @ApiOkResponse({
    type: CaseDto,
    description:
      '`high_risk_confirmed` needs the threshold met (and records the decision); `active` needs an assigned agency; `closed` needs a reason.',
  })
  changeStage(
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: StageChangeDto,
  ): Promise<CaseDto> {
    return this.stages.change(ctx, id, body);
  }

  @Post(':id/persons')
  @Roles('agency_user', 'coordinator')
  @ApiCreatedResponse({ type: PersonDto, description: 'A pseudonymous person: no name.' })
  addPerson(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: AddPersonDto,
  ): Promise<PersonDto> {
    return this.parties.addPerson(ctx, caller, id, body);
  }

  @Get(':id/persons')
  @Authenticated()
  @ApiOkResponse({ type: PersonListDto })
  async listPersons(
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
  ): Promise<PersonListDto> {
    return { items: await this.parties.listPersons(caller, id) };
  }

  @Post(':id/assignments')
  @Roles('coordinator')
  @ApiCreatedResponse({ type: CaseDto })
  assign(
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: AssignAgencyDto,
  ): Promise<CaseDto> {
    return this.parties.assign(ctx, id, body.agencyId);
  }

  @Delete(':id/assignments/:agencyId')
  @Roles('coordinator')
  @ApiOkResponse({ type: CaseDto })
  unassign(
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Param('agencyId', UuidPipe) agencyId: string,
  ): Promise<CaseDto> {
    return this.parties.unassign(ctx, id, agencyId);
  }

  @Post(':id/user-assignments')
  @Roles('agency_user', 'coordinator')
  @ApiCreatedResponse({
    type: UserAssignmentDto,
    description: 'A user’s side of the case; one side per user and case.',
  })
  assignUser(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: AssignUserDto,
  ): Promise<UserAssignmentDto> {
    return this.parties.assignUser(ctx, caller, id, body);
  }
}
