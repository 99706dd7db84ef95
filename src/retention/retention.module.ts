import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ItemsModule } from '../items/items.module.js';
import { RetentionController } from './retention.controller.js';
import { RetentionRepository } from './retention.repository.js';
import { RetentionScheduler } from './retention.scheduler.js';
import { RetentionService } from './retention.service.js';

/** Retention: the scheduled run, the operator's trigger, and `npm run retention:run`. */
@Module({
  imports: [AuditModule, ItemsModule],
  controllers: [RetentionController],
  providers: [RetentionRepository, RetentionService, RetentionScheduler],
  exports: [RetentionService],
})
export class RetentionModule {}
