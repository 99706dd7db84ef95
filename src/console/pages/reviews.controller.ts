import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AgenciesService } from '../../agencies/agencies.service.js';
import { Audit } from '../../audit/audit-context.js';
import type { AuditContext } from '../../audit/audit.types.js';
import { ConsoleAccess } from '../../common/auth/access.decorator.js';
import {
  hasRole,
  isCoordinationPrivacyOfficer,
  isTableOversight,
  Principal,
  type PrincipalContext,
} from '../../common/auth/principal.js';
import { PROSE_TEXT } from '../../common/validation/patterns.js';
import { UuidPipe } from '../../common/validation/uuid-param.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { InjectConfig } from '../../config/config.provider.js';
import { PolicyService } from '../../policy/policy.service.js';
import { CommentDto } from '../../reviews/dto/review-input.dto.js';
import { REVIEW_OUTCOMES, type ReviewOutcome } from '../../reviews/review.entity.js';
import { ReviewsService } from '../../reviews/reviews.service.js';
import { Blank, PageOffset } from './form-values.js';
import { agencyNames, PAGE_SIZE, sendPage, seeOther, view } from './page-kit.js';
import { COUNT_LIMIT, detailBody, listBody, t, type ReviewDetail } from './reviews.view.js';

export class ReviewsPageQueryDto {
  @IsOptional()
  @Blank()
  @IsIn(['open', 'decided'])
  status?: 'open' | 'decided';

  @IsOptional()
  @Blank()
  @IsIn(['true'])
  overdue?: 'true';

  @IsOptional()
  @Blank()
  @IsUUID()
  decisionId?: string;

  @PageOffset()
  offset?: number;
}

export class ReviewPageQueryDto {
  @IsOptional()
  @IsIn(['comment', 'decision'])
  done?: 'comment' | 'decision';
}

/** The outcome form: the API's rules (DecideReviewDto), an empty remediation field being absent. */
export class ReviewDecisionFormDto {
  @IsIn(REVIEW_OUTCOMES)
  outcome: ReviewOutcome;

  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  @Matches(PROSE_TEXT)
  reasons: string;

  @IsOptional()
  @Blank()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  @Matches(PROSE_TEXT)
  remediation?: string;
}

/**
 * Legal reviews in the console (DESIGN §2 Review, §3.3): the queue and one review with its
 * decision, trace, attestation and history; comments and the outcome. Same roles and the same
 * `ReviewsService` calls as `/v1/reviews`, so the service's record-level checks decide what shows.
 */
@ApiExcludeController()
@Controller('console')
export class ReviewsPagesController {
  constructor(
    private readonly reviews: ReviewsService,
    private readonly policy: PolicyService,
    private readonly agencies: AgenciesService,
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get('reviews')
  @ConsoleAccess('legal_reviewer', 'privacy_officer')
  async list(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Query() q: ReviewsPageQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const [items, open, overdue] = await Promise.all([
      this.reviews.list(caller, {
        status: q.status,
        overdue: q.overdue,
        decisionId: q.decisionId,
        limit: PAGE_SIZE,
        offset: q.offset,
      }),
      this.reviews.list(caller, { status: 'open', limit: COUNT_LIMIT }),
      this.reviews.list(caller, { overdue: 'true', limit: COUNT_LIMIT }),
    ]);
    const v = view(request, this.config.timeZone);
    sendPage(reply, v, {
      title: t(v.lang, 'listTitle'),
      section: 'reviews',
      body: listBody(v, {
        items,
        openCount: open.length,
        overdueCount: overdue.length,
        query: q,
      }),
    });
  }

  @Get('reviews/:id')
  @ConsoleAccess('legal_reviewer', 'privacy_officer')
  async detail(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
    @Query() q: ReviewPageQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const review = (await this.reviews.get(caller, id)) as unknown as ReviewDetail;
    const decision = review.decision;
    const [names, bundle, auditSeq] = await Promise.all([
      this.agencies.listDirectory().then(agencyNames),
      decision?.policyBundleHash
        ? this.policy.byHash(decision.policyBundleHash)
        : Promise.resolve(undefined),
      decision && isCoordinationPrivacyOfficer(caller)
        ? this.decisionRecordSeq(review.caseId, decision.decisionId)
        : Promise.resolve(undefined),
    ]);
    const v = view(request, this.config.timeZone);
    sendPage(reply, v, {
      title: t(v.lang, 'detailTitle'),
      section: 'reviews',
      body: detailBody(v, {
        review,
        names,
        bundle,
        // Shown to whom the service lets decide; the POST still relies on the service's own check.
        mayDecide: isTableOversight(caller) && hasRole(caller, 'legal_reviewer'),
        auditSeq,
        done: q.done,
      }),
    });
  }

  @Post('reviews/:id/comments')
  @HttpCode(303)
  @ConsoleAccess('legal_reviewer', 'privacy_officer')
  async comment(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: CommentDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.reviews.comment(caller, ctx, id, body);
    seeOther(reply, `/console/reviews/${id}?done=comment`);
  }

  @Post('reviews/:id/decision')
  @HttpCode(303)
  @ConsoleAccess('legal_reviewer')
  async decide(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: ReviewDecisionFormDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.reviews.decide(caller, ctx, id, {
      outcome: body.outcome,
      reasons: body.reasons,
      ...(body.remediation === undefined ? {} : { remediation: body.remediation }),
    });
    seeOther(reply, `/console/reviews/${id}?done=decision`);
  }

  /**
   * The decision's own audit record, for the coordinating agency's privacy officers only: they read
   * every record of the log (the record page checks again). One lookup on the indexed case id.
   */
  private async decisionRecordSeq(caseId: string, decisionId: string): Promise<number | undefined> {
    const rows: { seq: string }[] = await this.dataSource.query(
      `SELECT seq FROM audit_record
        WHERE case_id = $1 AND action = 'disclosure.decide'
          AND leaf::jsonb #>> '{targets,decisionId}' = $2
        ORDER BY seq LIMIT 1`,
      [caseId, decisionId],
    );
    return rows[0] ? Number(rows[0].seq) : undefined;
  }
}
