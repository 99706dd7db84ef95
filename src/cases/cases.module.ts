import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CasePartiesService } from './case-parties.service.js';
import { CaseStageService } from './case-stage.service.js';
import { CaseRepository } from './case.repository.js';
import { CasesController } from './cases.controller.js';
import { CasesService } from './cases.service.js';

@Module({
  imports: [AuditModule],
  controllers: [CasesController],
  providers: [CaseRepository, CasesService, CaseStageService, CasePartiesService],
  exports: [CasesService, CaseStageService],
})
export class CasesModule {}
