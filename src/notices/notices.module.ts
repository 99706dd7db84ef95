import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { NoticesController } from './notices.controller.js';
import { NoticesService } from './notices.service.js';

/** Notices to persons concerned, held for safety review (DESIGN §3.3). */
@Module({
  imports: [AuditModule],
  controllers: [NoticesController],
  providers: [NoticesService],
  exports: [NoticesService],
})
export class NoticesModule {}
