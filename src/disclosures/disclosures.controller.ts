import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit-context.js';
import type { AuditContext } from '../audit/audit.types.js';
import { Authenticated, Roles } from '../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../common/auth/principal.js';
import { UuidPipe } from '../common/validation/uuid-param.pipe.js';
import { DisclosuresService, type DisclosureResponse } from './disclosures.service.js';
import { ApprovalDto, DisclosureRequestDto } from './dto/disclosure-request.dto.js';

@ApiTags('disclosures')
@ApiBearerAuth()
@Controller()
export class DisclosuresController {
  constructor(private readonly disclosures: DisclosuresService) {}

  @Post('v1/disclosures')
  @HttpCode(200)
  @Roles('agency_user', 'coordinator')
  @ApiOkResponse({
    description:
      'Decides and releases: outcome, the released items with only their permitted fields, what was withheld and why, obligations, the policy bundle hash, the decision id and its audit receipt.',
  })
  disclose(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Body() body: DisclosureRequestDto,
  ): Promise<DisclosureResponse> {
    return this.disclosures.decide(caller, ctx, body, false);
  }

  @Post('v1/disclosures/dry-run')
  @HttpCode(200)
  @Roles('agency_user', 'coordinator')
  @ApiOkResponse({
    description:
      'Decides without releasing anything (field names, never values); recorded as a dry run.',
  })
  dryRun(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Body() body: DisclosureRequestDto,
  ): Promise<DisclosureResponse> {
    return this.disclosures.decide(caller, ctx, body, true);
  }

  @Get('v1/decisions/:id')
  @Authenticated()
  @ApiOkResponse({
    description:
      'A decision: its requester and the holders involved see it; privacy officers and legal reviewers of those agencies, and of the coordinating agency, see its full trace.',
  })
  get(
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
  ): Promise<Record<string, unknown>> {
    return this.disclosures.get(caller, id);
  }

  @Post('v1/decisions/:id/approvals')
  @HttpCode(200)
  @Roles('agency_user', 'privacy_officer')
  @ApiOkResponse({
    description:
      'The holder approves or refuses one of its items a pending decision waits for; recorded.',
  })
  approve(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: ApprovalDto,
  ): Promise<{ itemId: string; status: string }> {
    return this.disclosures.approve(
      caller,
      ctx,
      id,
      body.itemId.toLowerCase(),
      body.approve,
      body.reason,
    );
  }
}
