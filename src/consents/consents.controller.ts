import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit-context.js';
import type { AuditContext } from '../audit/audit.types.js';
import { Authenticated, Roles } from '../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../common/auth/principal.js';
import { UuidPipe } from '../common/validation/uuid-param.pipe.js';
import { ConsentsService } from './consents.service.js';
import {
  ConsentListQueryDto,
  RecordConsentDto,
  WithdrawConsentDto,
} from './dto/consent-input.dto.js';
import { ConsentDto, ConsentListDto } from './dto/consent-view.dto.js';

@ApiTags('consents')
@ApiBearerAuth()
@Controller('v1')
export class ConsentsController {
  constructor(private readonly consents: ConsentsService) {}

  @Post('cases/:caseId/consents')
  @Roles('agency_user', 'coordinator')
  @ApiCreatedResponse({
    type: ConsentDto,
    description: 'Records the consent of a person of the case; the caller is who recorded it.',
  })
  record(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Param('caseId', UuidPipe) caseId: string,
    @Body() body: RecordConsentDto,
  ): Promise<ConsentDto> {
    return this.consents.record(ctx, caller, caseId, body);
  }

  @Get('cases/:caseId/consents')
  @Authenticated()
  @ApiOkResponse({
    type: ConsentListDto,
    description: 'Every consent of the case, with its versions.',
  })
  async list(
    @Principal() caller: PrincipalContext,
    @Param('caseId', UuidPipe) caseId: string,
    @Query() query: ConsentListQueryDto,
  ): Promise<ConsentListDto> {
    return { items: await this.consents.list(caller, caseId, query.personId) };
  }

  @Post('consents/:id/withdraw')
  @HttpCode(200)
  @Roles('agency_user', 'coordinator')
  @ApiOkResponse({
    type: ConsentDto,
    description: 'Takes effect at once: a new version, withdrawn, with its time and reason.',
  })
  withdraw(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: WithdrawConsentDto,
  ): Promise<ConsentDto> {
    return this.consents.withdraw(ctx, caller, id, body);
  }
}
