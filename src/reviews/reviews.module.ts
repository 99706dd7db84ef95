import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ReviewsController } from './reviews.controller.js';
import { ReviewsService } from './reviews.service.js';

/** Legal review of decisions after the fact (DESIGN §2 Review). */
@Module({
  imports: [AuditModule],
  controllers: [ReviewsController],
  providers: [ReviewsService],
  exports: [ReviewsService],
})
export class ReviewsModule {}
