import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AgreementsModule } from '../agreements/agreements.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { ConsentsModule } from '../consents/consents.module.js';
import { ItemsModule } from '../items/items.module.js';
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
  ],
  controllers: [DisclosuresController],
  providers: [DisclosuresService],
})
export class DisclosuresModule {}
