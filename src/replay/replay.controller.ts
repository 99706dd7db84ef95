import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit-context.js';
import type { AuditContext } from '../audit/audit.types.js';
import { Roles } from '../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../common/auth/principal.js';
import { UuidPipe } from '../common/validation/uuid-param.pipe.js';
import { ReplayRequestDto } from './dto/replay-request.dto.js';
import { ReplayService, type ReplayResponse } from './replay.service.js';

@ApiTags('decisions')
@ApiBearerAuth()
@Controller()
export class ReplayController {
  constructor(private readonly replays: ReplayService) {}

  @Post('v1/decisions/:id/replay')
  @HttpCode(200)
  @Roles('privacy_officer', 'legal_reviewer')
  @ApiOkResponse({
    description:
      'Re-decides a past request from its stored inputs, at the instant it was decided, under the bundle in force then (`{}`: must reproduce it), a bundle named by `bundleHash` (once in force, or a stored proposal), or a proposed `bundle` uploaded by a legal reviewer (stored; its hash returned as `proposalHash`). Both outcomes side by side with the rules whose verdict changed. The coordinating agency’s privacy officers and legal reviewers only; recorded.',
  })
  replay(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: ReplayRequestDto,
  ): Promise<ReplayResponse> {
    return this.replays.replay(caller, ctx, id, body);
  }
}
