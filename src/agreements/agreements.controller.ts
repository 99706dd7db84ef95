import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Audit } from '../audit/audit-context.js';
import type { AuditContext } from '../audit/audit.types.js';
import { Authenticated, Roles } from '../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../common/auth/principal.js';
import { UuidPipe } from '../common/validation/uuid-param.pipe.js';
import { AgreementLifecycleService } from './agreement-lifecycle.service.js';
import { AgreementsService } from './agreements.service.js';
import {
  AgreementContentDto,
  SignAgreementDto,
  SuspendAgreementDto,
  TerminateAgreementDto,
} from './dto/agreement-input.dto.js';
import { AgreementDto, AgreementListDto } from './dto/agreement-view.dto.js';

/**
 * Who may do what (the service adds the record-level checks):
 * - read: any agency, for the agreements it is or was party to; `admin` and `coordinator` (the
 *   table's roles) read all. Any other agreement answers 404.
 * - draft and amend: `legal_reviewer` for agreements its agency is party to; `admin`,
 *   `coordinator` for any.
 * - sign: `legal_reviewer` or `admin`, for the caller's own agency only: a signature binds the
 *   agency, so front-line users and the table's coordinator cannot give it.
 * - suspend, terminate: `legal_reviewer` of a party to the governing version; `admin`,
 *   `coordinator` for any.
 */
@ApiTags('agreements')
@ApiBearerAuth()
@Controller('v1/agreements')
export class AgreementsController {
  constructor(
    private readonly agreements: AgreementsService,
    private readonly lifecycle: AgreementLifecycleService,
  ) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({
    type: AgreementListDto,
    description:
      "The agreements the caller's agency is or was party to (all for the table's roles).",
  })
  async list(@Principal() caller: PrincipalContext): Promise<AgreementListDto> {
    return { items: await this.agreements.list(caller) };
  }

  @Post()
  @Roles('admin', 'coordinator', 'legal_reviewer')
  @ApiOperation({
    summary: 'Drafts a new agreement (version 1, awaiting every party’s signature).',
  })
  @ApiCreatedResponse({ type: AgreementDto })
  create(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Body() body: AgreementContentDto,
  ): Promise<AgreementDto> {
    return this.agreements.create(ctx, caller, body);
  }

  @Get(':id')
  @Authenticated()
  @ApiOkResponse({ type: AgreementDto, description: 'Current version, pending draft, history.' })
  get(
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
  ): Promise<AgreementDto> {
    return this.agreements.get(caller, id);
  }

  @Post(':id/versions')
  @Roles('admin', 'coordinator', 'legal_reviewer')
  @ApiOperation({
    summary: 'Amends: a new draft version; the version in force stays until all have signed.',
  })
  @ApiCreatedResponse({ type: AgreementDto })
  amend(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: AgreementContentDto,
  ): Promise<AgreementDto> {
    return this.agreements.amend(ctx, caller, id, body);
  }

  @Post(':id/signatures')
  @Roles('admin', 'legal_reviewer')
  @ApiOperation({
    summary:
      "Signs the pending draft for the caller's agency; the last signature brings it into force.",
  })
  @ApiCreatedResponse({ type: AgreementDto })
  sign(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: SignAgreementDto,
  ): Promise<AgreementDto> {
    return this.lifecycle.sign(ctx, caller, id, body.version);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Roles('admin', 'coordinator', 'legal_reviewer')
  @ApiOperation({ summary: 'Takes the version in force out of force at once.' })
  @ApiOkResponse({ type: AgreementDto })
  suspend(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: SuspendAgreementDto,
  ): Promise<AgreementDto> {
    return this.lifecycle.suspend(ctx, caller, id, body.reason);
  }

  @Post(':id/terminate')
  @HttpCode(200)
  @Roles('admin', 'coordinator', 'legal_reviewer')
  @ApiOperation({ summary: 'Ends the agreement for good.' })
  @ApiOkResponse({ type: AgreementDto })
  terminate(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: TerminateAgreementDto,
  ): Promise<AgreementDto> {
    return this.lifecycle.terminate(ctx, caller, id, body.reason);
  }
}
