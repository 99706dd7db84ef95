import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit-context.js';
import type { AuditContext } from '../audit/audit.types.js';
import { Authenticated, Roles } from '../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../common/auth/principal.js';
import { UuidPipe } from '../common/validation/uuid-param.pipe.js';
import {
  InboxQueryDto,
  RegisterWebhookDto,
  ReportRiskChangeDto,
} from './dto/notification-input.dto.js';
import { NotificationsService, type InboxEntry } from './notifications.service.js';
import { RiskChangesService, type RiskChangeReceipt } from './risk-changes.service.js';
import { WebhooksService, type WebhookView } from './webhooks.service.js';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller()
export class NotificationsController {
  constructor(
    private readonly riskChanges: RiskChangesService,
    private readonly notifications: NotificationsService,
    private readonly webhooks: WebhooksService,
  ) {}

  @Post('v1/cases/:id/risk-changes')
  @HttpCode(201)
  @Roles('agency_user', 'coordinator')
  @ApiOkResponse({
    description:
      'Reports a change in risk (release, breach, dropout, incident, threat, address change of the person posing the risk): every agency the policy entitles gets a minimised alert in its inbox and on its webhooks; recorded.',
  })
  reportRiskChange(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) caseId: string,
    @Body() body: ReportRiskChangeDto,
  ): Promise<RiskChangeReceipt> {
    return this.riskChanges.report(caller, ctx, caseId, body);
  }

  @Get('v1/inbox')
  @Authenticated()
  @ApiOkResponse({
    description:
      "The caller's agency's messages (risk-change alerts, consent withdrawals, escalations, exception uses), oldest first, unacknowledged by default; `nextCursor` for the next page.",
  })
  inbox(
    @Principal() caller: PrincipalContext,
    @Query() query: InboxQueryDto,
  ): Promise<{ items: InboxEntry[]; nextCursor: string | null }> {
    return this.notifications.inbox(caller, query);
  }

  @Post('v1/inbox/:id/ack')
  @HttpCode(200)
  @Authenticated()
  @ApiOkResponse({
    description:
      'Acknowledges one message of the caller’s agency (an urgent one then never escalates); recorded.',
  })
  acknowledge(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
  ): Promise<InboxEntry> {
    return this.notifications.acknowledge(caller, ctx, id);
  }

  @Get('v1/webhooks')
  @Roles('agency_user', 'coordinator', 'admin')
  @ApiOkResponse({ description: "The caller's agency's webhooks, with their delivery counts." })
  listWebhooks(@Principal() caller: PrincipalContext): Promise<WebhookView[]> {
    return this.webhooks.list(caller);
  }

  @Post('v1/webhooks')
  @HttpCode(201)
  @Roles('agency_user', 'coordinator', 'admin')
  @ApiOkResponse({
    description:
      'Registers an https endpoint of the caller’s agency: every message is POSTed there as a compact JWS signed by the broker (verify with GET /v1/audit/keys), retried with exponential backoff until it is accepted; recorded.',
  })
  registerWebhook(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Body() body: RegisterWebhookDto,
  ): Promise<WebhookView> {
    return this.webhooks.register(caller, ctx, body.url);
  }

  @Delete('v1/webhooks/:id')
  @HttpCode(200)
  @Roles('agency_user', 'coordinator', 'admin')
  @ApiOkResponse({
    description:
      'Disables a webhook of the caller’s agency; deliveries still pending are given up (the inbox keeps every message); recorded.',
  })
  disableWebhook(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
  ): Promise<WebhookView> {
    return this.webhooks.disable(caller, ctx, id);
  }
}
