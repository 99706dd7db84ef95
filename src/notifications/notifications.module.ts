import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { DeliveryWorker } from './delivery-worker.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { RiskChangesService } from './risk-changes.service.js';
import { WebhooksService } from './webhooks.service.js';

/** Risk-change alerts, the inbox, webhooks and their durable outbox (DESIGN §2 Notification). */
@Module({
  imports: [AuditModule, CasesModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, RiskChangesService, WebhooksService, DeliveryWorker],
  exports: [NotificationsService],
})
export class NotificationsModule {}
