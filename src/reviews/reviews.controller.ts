import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit-context.js';
import type { AuditContext } from '../audit/audit.types.js';
import { Roles } from '../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../common/auth/principal.js';
import { UuidPipe } from '../common/validation/uuid-param.pipe.js';
import {
  CommentDto,
  DecideReviewDto,
  FlagDecisionDto,
  ReviewListQueryDto,
} from './dto/review-input.dto.js';
import { ReviewsService, type ReviewSummary } from './reviews.service.js';

@ApiTags('reviews')
@ApiBearerAuth()
@Controller('v1/reviews')
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Get()
  @Roles('legal_reviewer', 'privacy_officer')
  @ApiOkResponse({
    description:
      'Reviews, earliest deadline first: all of them for the coordinating agency’s legal reviewers and privacy officers, those of its own decisions for a party agency. Filters: status, overdue, decisionId.',
  })
  list(
    @Principal() caller: PrincipalContext,
    @Query() query: ReviewListQueryDto,
  ): Promise<ReviewSummary[]> {
    return this.reviews.list(caller, query);
  }

  @Post()
  @HttpCode(201)
  @Roles('privacy_officer', 'legal_reviewer')
  @ApiOkResponse({
    description:
      'Flags a decision for legal review (or asks a new look at one whose review is decided: the new review follows it); recorded.',
  })
  flag(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Body() body: FlagDecisionDto,
  ): Promise<ReviewSummary> {
    return this.reviews.flag(caller, ctx, body);
  }

  @Get(':id')
  @Roles('legal_reviewer', 'privacy_officer')
  @ApiOkResponse({
    description:
      'A review with its comments and history; for the coordinating agency, the decision in full (request, attestation, trace).',
  })
  get(
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
  ): Promise<Record<string, unknown>> {
    return this.reviews.get(caller, id);
  }

  @Post(':id/decision')
  @HttpCode(200)
  @Roles('legal_reviewer')
  @ApiOkResponse({
    description:
      'Records the outcome (upheld, not_justified, remediation_required) with reasons; final once recorded; recorded in the audit log.',
  })
  decide(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: DecideReviewDto,
  ): Promise<ReviewSummary> {
    return this.reviews.decide(caller, ctx, id, body);
  }

  @Post(':id/comments')
  @HttpCode(201)
  @Roles('legal_reviewer', 'privacy_officer')
  @ApiOkResponse({ description: 'Adds a comment to a review; recorded.' })
  comment(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: CommentDto,
  ): Promise<{ id: string; reviewId: string; createdAt: string }> {
    return this.reviews.comment(caller, ctx, id, body);
  }
}
