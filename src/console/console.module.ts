import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { DisclosuresModule } from '../disclosures/disclosures.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { PolicyModule } from '../policy/policy.module.js';
import { ReplayModule } from '../replay/replay.module.js';
import { ReviewsModule } from '../reviews/reviews.module.js';
import { ConsoleAuthController } from './console-auth.controller.js';
import { PoliciesPageController } from './pages/policies.controller.js';
import { NoticesPagesController } from './pages/notices.controller.js';
import { ReviewsPagesController } from './pages/reviews.controller.js';
import { AuditPagesController } from './pages/audit.controller.js';
import { IntegrityPagesController } from './pages/integrity.controller.js';
import { RegisterPageController } from './pages/register.controller.js';
import { SubjectAccessPageController } from './pages/subject-access.controller.js';
import { DashboardPageController } from './pages/dashboard.controller.js';
import { DashboardService } from './dashboard.service.js';
import { ConsoleSessions } from './console-sessions.service.js';
import { IdentityProviders } from './identity-providers.js';

/**
 * The console (DESIGN §1): server-rendered pages for privacy officers, legal reviewers and
 * coordinators, over the same services — and the same authorization — as the API.
 */
@Module({
  imports: [
    AgenciesModule,
    AuditModule,
    DisclosuresModule,
    NoticesModule,
    NotificationsModule,
    PolicyModule,
    ReplayModule,
    ReviewsModule,
  ],
  controllers: [
    ConsoleAuthController,
    PoliciesPageController,
    ReviewsPagesController,
    NoticesPagesController,
    AuditPagesController,
    IntegrityPagesController,
    RegisterPageController,
    SubjectAccessPageController,
    DashboardPageController,
  ],
  providers: [ConsoleSessions, IdentityProviders, DashboardService],
  exports: [ConsoleSessions, IdentityProviders],
})
export class ConsoleModule {}
