import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.provider.js';
import { AuditLog } from './audit-log.js';
import { AuditSequencer } from './audit-sequencer.js';
import { AuditProofsService } from './audit-proofs.service.js';
import { AuditVerifyService } from './audit-verify.service.js';
import { AuditViewsController } from './audit-views.controller.js';
import { AuditViewsService } from './audit-views.service.js';
import { AuditSigner } from './audit-signer.js';
import { AuditController } from './audit.controller.js';
import { loadBrokerKeys } from './broker-keys.js';
import { CheckpointsService } from './checkpoints.service.js';

/** The tamper-evident log: writer, checkpoints, proofs. Features record through `AuditLog`. */
@Module({
  controllers: [AuditController, AuditViewsController],
  providers: [
    AuditLog,
    AuditSequencer,
    CheckpointsService,
    AuditProofsService,
    AuditVerifyService,
    AuditViewsService,
    {
      provide: AuditSigner,
      useFactory: async (config: AppConfig) =>
        new AuditSigner(await loadBrokerKeys(config.auditKeyFile)),
      inject: [APP_CONFIG],
    },
  ],
  exports: [
    AuditLog,
    AuditSigner,
    CheckpointsService,
    AuditProofsService,
    AuditVerifyService,
    AuditViewsService,
  ],
})
export class AuditModule {}
