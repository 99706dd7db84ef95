import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/access.decorator.js';
import type { PolicyBundle } from './bundle.types.js';
import { PolicyService } from './policy.service.js';

@ApiTags('policies')
@ApiBearerAuth()
@Controller('v1/policies')
export class PoliciesController {
  constructor(private readonly policies: PolicyService) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({
    description:
      'The policy bundle in force: its hash, and every rule, category, regime and exception test with its plain French and English description and citation.',
  })
  current(): PolicyBundle {
    return this.policies.current();
  }
}
