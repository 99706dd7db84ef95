import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../common/auth/principal.js';
import { NonNegativeIntPipe } from '../common/validation/int-param.pipe.js';
import { UuidPipe } from '../common/validation/uuid-param.pipe.js';
import { Audit } from './audit-context.js';
import {
  AuditViewsService,
  type CommunicationEntry,
  type HoldView,
  type RecordView,
} from './audit-views.service.js';
import type { AuditContext } from './audit.types.js';
import {
  CreateHoldDto,
  HoldListQueryDto,
  RecordSearchQueryDto,
  RegisterQueryDto,
} from './dto/audit-query.dto.js';
import { registerCsv, registerCsvHeaders } from './register-csv.js';

/** Privacy officers' views of the log (DESIGN §4). Every read is itself recorded. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AuditViewsController {
  constructor(private readonly views: AuditViewsService) {}

  @Get('v1/audit/records')
  @Roles('privacy_officer')
  @ApiOkResponse({
    description: 'Records newest first, filtered; `next` is the cursor for the following page.',
  })
  search(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Query() query: RecordSearchQueryDto,
  ): Promise<{ items: RecordView[]; next: number | null }> {
    return this.views.search(caller, ctx, { ...query, limit: query.limit ?? 50 });
  }

  @Get('v1/audit/records/:seq')
  @Roles('privacy_officer')
  @ApiOkResponse({ description: 'One record as hashed into the log.' })
  record(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('seq', NonNegativeIntPipe) seq: number,
  ): Promise<RecordView> {
    return this.views.record(caller, ctx, seq);
  }

  @Get('v1/audit/register')
  @Roles('privacy_officer')
  @ApiOkResponse({
    description: "A holder agency's register of communications, as JSON or CSV (`format=csv`).",
  })
  async register(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Query() query: RegisterQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ holderAgencyId: string; entries: CommunicationEntry[] } | string> {
    const entries = await this.views.register(caller, ctx, query.holder, query.from, query.to);
    if (query.format !== 'csv') return { holderAgencyId: query.holder, entries };
    void reply.headers(registerCsvHeaders(query.holder));
    return registerCsv(entries);
  }

  @Get('v1/persons/:id/disclosure-report')
  @Roles('privacy_officer')
  @ApiOkResponse({
    description:
      'Subject access report: who received what about this person, when, on which basis; held entries left out.',
  })
  subjectReport(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) personId: string,
  ): ReturnType<AuditViewsService['subjectReport']> {
    return this.views.subjectReport(caller, ctx, personId);
  }

  @Get('v1/audit/holds')
  @Roles('privacy_officer')
  @ApiOkResponse({ description: 'Safety holds on subject access report entries.' })
  async holds(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Query() query: HoldListQueryDto,
  ): Promise<{ items: HoldView[] }> {
    return { items: await this.views.holds(caller, ctx, query.active !== 'false') };
  }

  @Post('v1/audit/holds')
  @Roles('privacy_officer')
  @ApiOkResponse({
    description: 'Holds an entry out of subject access reports; the hold is recorded.',
  })
  hold(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Body() body: CreateHoldDto,
  ): Promise<HoldView> {
    return this.views.hold(caller, ctx, body.seq, body.reason);
  }

  @Post('v1/audit/holds/:id/release')
  @Roles('privacy_officer')
  @ApiOkResponse({ description: 'Releases a hold; the release is recorded.' })
  release(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
  ): Promise<HoldView> {
    return this.views.release(caller, ctx, id);
  }
}
