import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AgreementLifecycleService } from './agreement-lifecycle.service.js';
import { AgreementRepository } from './agreement.repository.js';
import { AgreementTransactions } from './agreement-transactions.js';
import { AgreementsController } from './agreements.controller.js';
import { AgreementsService } from './agreements.service.js';

/** Inter-agency agreements. Other features reach them through `AgreementsService.inForce`. */
@Module({
  imports: [AuditModule],
  controllers: [AgreementsController],
  providers: [
    AgreementRepository,
    AgreementTransactions,
    AgreementsService,
    AgreementLifecycleService,
  ],
  exports: [AgreementsService],
})
export class AgreementsModule {}
