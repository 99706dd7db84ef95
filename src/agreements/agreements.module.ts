import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AgreementLifecycleService } from './agreement-lifecycle.service.js';
import { AgreementRepository } from './agreement.repository.js';
import { AgreementTransactions } from './agreement-transactions.js';
import { AgreementsController } from './agreements.controller.js';
import { AgreementsService } from './agreements.service.js';

/**
 * Inter-agency agreements. `AgreementsService.inForce` defines which are in force; the disclosure
 * fact loader reads the same in SQL, held equal to it by test/e2e/disclosure-facts.e2e-spec.ts.
 */
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
