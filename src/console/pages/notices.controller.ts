import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
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
import { detailBody, listBody, PAGE_SIZE, t } from './notices.view.js';
import { sendPage, seeOther, view } from './page-kit.js';
import type { AgencyNames } from './reviews.view.js';

const blankToUndefined = ({ value }: { value: unknown }): unknown =>
  value === '' ? undefined : value;

export class NoticesPageQueryDto {
  @IsOptional()
  @Transform(blankToUndefined)
  @IsIn(NOTICE_STATUSES)
  status?: NoticeStatus;

  @IsOptional()
  @Transform(blankToUndefined)
  @IsIn(['true'])
  overdue?: 'true';

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : Number(value)))
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

export class NoticePageQueryDto {
  @IsOptional()
  @IsIn(['withhold', 'clear', 'sent'])
  done?: 'withhold' | 'clear' | 'sent';
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** The "record as sent" form: the API's means, and the date as a browser's date-time field gives it. */
export class NoticeSentFormDto {
  @IsIn(SEND_MEANS)
  means: SendMeans;

  /** Wall-clock time in the table's time zone (`<input type="datetime-local">`); empty: now. */
  @IsOptional()
  @Transform(blankToUndefined)
  @Matches(LOCAL_DATE_TIME)
  sentAt?: string;
}

/** Minutes the zone is ahead of UTC at an instant. */
function zoneOffsetMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return Math.round((wall - at.getTime()) / 60_000);
}

/** A wall-clock time of the table's zone as an instant (RFC 3339, UTC); undefined if no such day. */
export function localToInstant(local: string, timeZone: string): string | undefined {
  const m = LOCAL_DATE_TIME.exec(local);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  // A notice sent before the Unix epoch or near year 10000 is a typo (and PostgreSQL has no year 0).
  if (y < 1970 || y > 9998) return undefined;
  const check = new Date(Date.UTC(2000, mo - 1, d, h, mi));
  check.setUTCFullYear(y); // Date.UTC reads years 0–99 as 1900–1999
  const wall = check.getTime();
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59)
    return undefined;
  // Twice: the offset at the first guess may differ from the offset at the answer (DST change).
  let instant = wall - zoneOffsetMinutes(new Date(wall), timeZone) * 60_000;
  instant = wall - zoneOffsetMinutes(new Date(instant), timeZone) * 60_000;
  return new Date(instant).toISOString();
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
      this.agencyNames(),
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
    const [notice, names] = await Promise.all([this.notices.get(caller, id), this.agencyNames()]);
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

  /** Names from the agency directory, which every signed-in agency reads (GET /v1/agencies). */
  private async agencyNames(): Promise<AgencyNames> {
    return new Map((await this.agencies.listDirectory()).map((a) => [a.id, a.names]));
  }
}
