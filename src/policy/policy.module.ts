import { Global, Module } from '@nestjs/common';
import { PoliciesController } from './policies.controller.js';
import { PolicyService } from './policy.service.js';

/** The rule bundle, for every feature that validates against it or decides with it. */
@Global()
@Module({
  controllers: [PoliciesController],
  providers: [PolicyService],
  exports: [PolicyService],
})
export class PolicyModule {}
