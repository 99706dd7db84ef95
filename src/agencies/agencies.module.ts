import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ISSUER_DIRECTORY } from '../common/auth/issuer-directory.js';
import { AgenciesController } from './agencies.controller.js';
import { AgenciesService } from './agencies.service.js';
import { AgencyRepository } from './agency.repository.js';

@Module({
  imports: [AuditModule],
  controllers: [AgenciesController],
  providers: [
    AgencyRepository,
    AgenciesService,
    { provide: ISSUER_DIRECTORY, useExisting: AgenciesService },
  ],
  exports: [AgenciesService, ISSUER_DIRECTORY],
})
export class AgenciesModule {}
