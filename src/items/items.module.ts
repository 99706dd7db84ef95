import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { ItemRepository } from './item.repository.js';
import { ItemsController } from './items.controller.js';
import { ItemsService } from './items.service.js';

@Module({
  imports: [AuditModule, CasesModule],
  controllers: [ItemsController],
  providers: [ItemRepository, ItemsService],
  exports: [ItemsService],
})
export class ItemsModule {}
