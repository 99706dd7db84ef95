import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Authenticated, Roles } from '../common/auth/access.decorator.js';
import { Audit } from '../audit/audit-context.js';
import type { AuditContext } from '../audit/audit.types.js';
import { Principal, type PrincipalContext } from '../common/auth/principal.js';
import { AgenciesService } from './agencies.service.js';
import {
  AddKeysDto,
  CreateAgencyDto,
  RevokeKeyDto,
  StatusChangeDto,
  UpdateAgencyDto,
} from './dto/agency-input.dto.js';
import {
  AgencyDetailDto,
  AgencyDirectoryEntryDto,
  AgencyKeyDto,
  AgencyListDto,
} from './dto/agency-view.dto.js';

@ApiTags('agencies')
@ApiBearerAuth()
@ApiExtraModels(AgencyDetailDto, AgencyDirectoryEntryDto)
@Controller('v1/agencies')
export class AgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({
    type: AgencyListDto,
    description: 'The directory: names and sectors, never keys.',
  })
  async list(): Promise<AgencyListDto> {
    return { items: await this.agencies.listDirectory() };
  }

  @Post()
  @Roles('admin')
  @ApiOkResponse({ type: AgencyDetailDto })
  register(@Audit() ctx: AuditContext, @Body() body: CreateAgencyDto): Promise<AgencyDetailDto> {
    return this.agencies.register(ctx, body);
  }

  @Get(':id')
  @Authenticated()
  @ApiOkResponse({
    description:
      'Full record (with keys) for administrators and the agency itself; directory entry otherwise.',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(AgencyDetailDto) },
        { $ref: getSchemaPath(AgencyDirectoryEntryDto) },
      ],
    },
  })
  get(
    @Principal() caller: PrincipalContext,
    @Param('id') id: string,
  ): Promise<AgencyDirectoryEntryDto> {
    return this.agencies.get(caller, id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: AgencyDetailDto })
  update(
    @Audit() ctx: AuditContext,
    @Param('id') id: string,
    @Body() body: UpdateAgencyDto,
  ): Promise<AgencyDetailDto> {
    return this.agencies.update(ctx, id, body);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: AgencyDetailDto })
  suspend(
    @Audit() ctx: AuditContext,
    @Param('id') id: string,
    @Body() body: StatusChangeDto,
  ): Promise<AgencyDetailDto> {
    return this.agencies.setStatus(ctx, id, 'suspended', body.reason);
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: AgencyDetailDto })
  reactivate(
    @Audit() ctx: AuditContext,
    @Param('id') id: string,
    @Body() body: StatusChangeDto,
  ): Promise<AgencyDetailDto> {
    return this.agencies.setStatus(ctx, id, 'active', body.reason);
  }

  @Get(':id/keys')
  @Authenticated()
  @ApiOkResponse({
    type: [AgencyKeyDto],
    description: 'Administrators and the agency itself only; 404 otherwise.',
  })
  listKeys(
    @Principal() caller: PrincipalContext,
    @Param('id') id: string,
  ): Promise<AgencyKeyDto[]> {
    return this.agencies.listKeys(caller, id);
  }

  @Post(':id/keys')
  @Roles('admin')
  @ApiOkResponse({ type: [AgencyKeyDto] })
  addKeys(
    @Audit() ctx: AuditContext,
    @Param('id') id: string,
    @Body() body: AddKeysDto,
  ): Promise<AgencyKeyDto[]> {
    return this.agencies.addKeys(ctx, id, body.keys);
  }

  @Post(':id/keys/:kid/revoke')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: AgencyKeyDto })
  revokeKey(
    @Audit() ctx: AuditContext,
    @Param('id') id: string,
    @Param('kid') kid: string,
    @Body() body: RevokeKeyDto,
  ): Promise<AgencyKeyDto> {
    return this.agencies.revokeKey(ctx, id, kid, body.reason);
  }
}
