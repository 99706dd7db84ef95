import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ReviewsModule } from '../reviews/reviews.module.js';
import { DisclosureFactsRepository } from './disclosure-facts.repository.js';
import { DisclosuresController } from './disclosures.controller.js';
import { DisclosuresService } from './disclosures.service.js';

@Module({
  imports: [AuditModule, ReviewsModule, NoticesModule, NotificationsModule],
  controllers: [DisclosuresController],
  providers: [DisclosuresService, DisclosureFactsRepository],
  exports: [DisclosuresService],
})
export class DisclosuresModule {}
