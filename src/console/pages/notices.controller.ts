import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AgenciesService } from '../../agencies/agencies.service.js';
import { Audit } from '../../audit/audit-context.js';
import type { AuditContext } from '../../audit/audit.types.js';
import { ConsoleAccess } from '../../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../../common/auth/principal.js';
import { CommonProblems } from '../../common/errors/common.problems.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { UuidPipe } from '../../common/validation/uuid-param.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { InjectConfig } from '../../config/config.provider.js';
import {
  NoticeDecisionDto,
  SEND_MEANS,
  type SendMeans,
} from '../../notices/dto/notice-input.dto.js';
import { NOTICE_STATUSES, type NoticeStatus } from '../../notices/notice.entity.js';
import { NoticesService } from '../../notices/notices.service.js';
import { PolicyService } from '../../policy/policy.service.js';
import { Blank, DATETIME_LOCAL, localToInstant, PageOffset } from './form-values.js';
import { detailBody, listBody, t } from './notices.view.js';
import { agencyNames, PAGE_SIZE, sendPage, seeOther, view } from './page-kit.js';

export class NoticesPageQueryDto {
  @IsOptional()
  @Blank()
  @IsIn(NOTICE_STATUSES)
  status?: NoticeStatus;

  @IsOptional()
  @Blank()
  @IsIn(['true'])
  overdue?: 'true';

  @PageOffset()
  offset?: number;
}

export class NoticePageQueryDto {
  @IsOptional()
  @IsIn(['withhold', 'clear', 'sent'])
  done?: 'withhold' | 'clear' | 'sent';
}

/** The "record as sent" form: the API's means, and the date as a browser's date-time field gives it. */
export class NoticeSentFormDto {
  @IsIn(SEND_MEANS)
  means: SendMeans;

  /** Wall-clock time in the table's time zone (`<input type="datetime-local">`); empty: now. */
  @IsOptional()
  @Blank()
  @Matches(DATETIME_LOCAL)
  sentAt?: string;
}

/**
 * Notices held for safety review in the console (DESIGN §3.3): the list and one notice with its
 * history and the forms its state allows. Same role and the same `NoticesService` calls as
 * `/v1/notices`: the coordinating agency's officers see every notice and decide none (the service
 * answers 403), the holder's officer decides its own.
 */
@ApiExcludeController()
@Controller('console')
export class NoticesPagesController {
  constructor(
    private readonly notices: NoticesService,
    private readonly policy: PolicyService,
    private readonly agencies: AgenciesService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get('notices')
  @ConsoleAccess('privacy_officer')
  async list(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Query() q: NoticesPageQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const [items, names] = await Promise.all([
      this.notices.list(caller, {
        status: q.status,
        overdue: q.overdue,
        limit: PAGE_SIZE,
        offset: q.offset,
      }),
      this.agencies.listDirectory().then(agencyNames),
    ]);
    const v = view(request, this.config.timeZone);
    sendPage(reply, v, {
      title: t(v.lang, 'listTitle'),
      section: 'notices',
      body: listBody(v, { items, names, query: q }),
    });
  }

  @Get('notices/:id')
  @ConsoleAccess('privacy_officer')
  async detail(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
    @Query() q: NoticePageQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const [notice, names] = await Promise.all([
      this.notices.get(caller, id),
      this.agencies.listDirectory().then(agencyNames),
    ]);
    const v = view(request, this.config.timeZone);
    sendPage(reply, v, {
      title: t(v.lang, 'detailTitle'),
      section: 'notices',
      body: detailBody(v, {
        notice,
        names,
        bundle: this.policy.current(),
        // Shown to the holder's officer only; the POST still relies on the service's own check.
        mayDecide: notice.holderAgencyId === caller.agencyId,
        done: q.done,
      }),
    });
  }

  @Post('notices/:id/withhold')
  @HttpCode(303)
  @ConsoleAccess('privacy_officer')
  async withhold(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: NoticeDecisionDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.notices.withhold(caller, ctx, id, body);
    seeOther(reply, `/console/notices/${id}?done=withhold`);
  }

  @Post('notices/:id/clear')
  @HttpCode(303)
  @ConsoleAccess('privacy_officer')
  async clear(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: NoticeDecisionDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.notices.clear(caller, ctx, id, body);
    seeOther(reply, `/console/notices/${id}?done=clear`);
  }

  @Post('notices/:id/sent')
  @HttpCode(303)
  @ConsoleAccess('privacy_officer')
  async sent(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: NoticeSentFormDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const sentAt =
      body.sentAt === undefined ? undefined : localToInstant(body.sentAt, this.config.timeZone);
    if (body.sentAt !== undefined && sentAt === undefined)
      throw new DomainError(CommonProblems.invalidRequest, {
        errors: [{ property: 'sentAt', constraints: ['isTimestamp'] }],
      });
    await this.notices.markSent(caller, ctx, id, {
      means: body.means,
      ...(sentAt ? { sentAt } : {}),
    });
    seeOther(reply, `/console/notices/${id}?done=sent`);
  }
}
