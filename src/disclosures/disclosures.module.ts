import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AgreementsModule } from '../agreements/agreements.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { ConsentsModule } from '../consents/consents.module.js';
import { ItemsModule } from '../items/items.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ReviewsModule } from '../reviews/reviews.module.js';
import { DisclosuresController } from './disclosures.controller.js';
import { DisclosuresService } from './disclosures.service.js';

@Module({
  imports: [
    AuditModule,
    AgenciesModule,
    AgreementsModule,
    CasesModule,
    ConsentsModule,
    ItemsModule,
    ReviewsModule,
    NoticesModule,
    NotificationsModule,
  ],
  controllers: [DisclosuresController],
  providers: [DisclosuresService],
})
export class DisclosuresModule {}
