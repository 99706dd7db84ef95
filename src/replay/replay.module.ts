import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ReplayController } from './replay.controller.js';
import { ReplayRepository } from './replay.repository.js';
import { ReplayService } from './replay.service.js';

/** Decision replay (DESIGN §3.1): past decisions decided again, under their bundle or another. */
@Module({
  imports: [AuditModule],
  controllers: [ReplayController],
  providers: [ReplayService, ReplayRepository],
  exports: [ReplayService],
})
export class ReplayModule {}
