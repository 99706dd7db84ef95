import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit-context.js';
import type { AuditContext } from '../audit/audit.types.js';
import { Roles } from '../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../common/auth/principal.js';
import { RetentionRunDto } from './dto/retention-run.dto.js';
import { EmptyBodyPipe } from './empty-body.pipe.js';
import { RetentionService } from './retention.service.js';

/**
 * Who may run retention on demand: `admin` or `privacy_officer` of the coordinating agency (the
 * service refuses any other agency with 403). Retention reaches every agency's data, so no single
 * partner starts it; the table's privacy officer answers for its retention schedule, its admin
 * runs the broker. A run only does what is due anyway: it can purge nothing early.
 */
@ApiTags('retention')
@ApiBearerAuth()
@Controller('v1/retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Post('runs')
  @HttpCode(200)
  @Roles('admin', 'privacy_officer')
  @ApiOperation({
    summary:
      'Runs retention now, as the schedule would: purges item content and alert text past retention, ends expired consents and agreements.',
  })
  @ApiBody({
    required: false,
    description: 'Nothing to set: no body, or `{}`.',
    schema: { type: 'object', additionalProperties: false, maxProperties: 0 },
  })
  @ApiOkResponse({
    type: RetentionRunDto,
    description:
      'What the run did. Coordinating agency only (403 otherwise); each change and the run itself are recorded.',
  })
  async run(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Body(EmptyBodyPipe) _body: Record<string, never>,
  ): Promise<RetentionRunDto> {
    return RetentionRunDto.from(await this.retention.runFor(ctx, caller));
  }
}
