import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit-context.js';
import type { AuditContext } from '../audit/audit.types.js';
import { Roles } from '../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../common/auth/principal.js';
import { UuidPipe } from '../common/validation/uuid-param.pipe.js';
import { NoticeDecisionDto, NoticeListQueryDto, NoticeSentDto } from './dto/notice-input.dto.js';
import { NoticesService, type NoticeView } from './notices.service.js';

@ApiTags('notices')
@ApiBearerAuth()
@Controller('v1/notices')
export class NoticesController {
  constructor(private readonly notices: NoticesService) {}

  @Get()
  @Roles('privacy_officer')
  @ApiOkResponse({
    description:
      'Notices to persons concerned, held for safety review: the holder’s own (every agency’s for the coordinating agency), earliest deadline first; filters status and overdue.',
  })
  list(
    @Principal() caller: PrincipalContext,
    @Query() query: NoticeListQueryDto,
  ): Promise<NoticeView[]> {
    return this.notices.list(caller, query);
  }

  @Get(':id')
  @Roles('privacy_officer')
  @ApiOkResponse({ description: 'A notice with the disclosure it concerns and its history.' })
  get(
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
  ): Promise<NoticeView> {
    return this.notices.get(caller, id);
  }

  @Post(':id/clear')
  @HttpCode(200)
  @Roles('privacy_officer')
  @ApiOkResponse({
    description:
      'The holder’s privacy officer clears the notice to send, with reasons (also a notice withheld earlier, once it is safe); recorded. Filet never sends it.',
  })
  clear(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: NoticeDecisionDto,
  ): Promise<NoticeView> {
    return this.notices.clear(caller, ctx, id, body);
  }

  @Post(':id/withhold')
  @HttpCode(200)
  @Roles('privacy_officer')
  @ApiOkResponse({
    description:
      'The holder’s privacy officer withholds the notice for safety, with reasons; recorded.',
  })
  withhold(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: NoticeDecisionDto,
  ): Promise<NoticeView> {
    return this.notices.withhold(caller, ctx, id, body);
  }

  @Post(':id/sent')
  @HttpCode(200)
  @Roles('privacy_officer')
  @ApiOkResponse({
    description:
      'Records that the holder sent a cleared notice, and how; refused for a notice not cleared; recorded.',
  })
  sent(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: NoticeSentDto,
  ): Promise<NoticeView> {
    return this.notices.markSent(caller, ctx, id, body);
  }
}
