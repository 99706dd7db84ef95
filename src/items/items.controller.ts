import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit-context.js';
import type { AuditContext } from '../audit/audit.types.js';
import { Authenticated, Roles } from '../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../common/auth/principal.js';
import { UuidPipe } from '../common/validation/uuid-param.pipe.js';
import { ContributeItemDto, CorrectItemDto } from './dto/item-input.dto.js';
import { ItemDetailDto, ItemDto, ItemListDto } from './dto/item-view.dto.js';
import { ItemsService } from './items.service.js';

@ApiTags('information')
@ApiBearerAuth()
@Controller('v1')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Post('cases/:caseId/information')
  @Roles('agency_user', 'coordinator')
  @ApiCreatedResponse({
    type: ItemDto,
    description: 'Contributes an item about a person of the case; the caller’s agency holds it.',
  })
  contribute(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Param('caseId', UuidPipe) caseId: string,
    @Body() body: ContributeItemDto,
  ): Promise<ItemDto> {
    return this.items.contribute(ctx, caller, caseId, body);
  }

  @Get('cases/:caseId/information')
  @Authenticated()
  @ApiOkResponse({
    type: ItemListDto,
    description:
      'The caller’s own items in the case only (purged ones as `purged`, without content); others’ flow only through disclosures.',
  })
  async list(
    @Principal() caller: PrincipalContext,
    @Param('caseId', UuidPipe) caseId: string,
  ): Promise<ItemListDto> {
    return { items: await this.items.listHeld(caller, caseId) };
  }

  @Get('information/:id')
  @Authenticated()
  @ApiOkResponse({
    type: ItemDetailDto,
    description:
      'Holder only (404 otherwise), every version. Once retention purged it: `status: purged`, when, and no content.',
  })
  get(
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
  ): Promise<ItemDetailDto> {
    return this.items.getHeld(caller, id);
  }

  @Patch('information/:id')
  @Roles('agency_user', 'coordinator')
  @ApiOkResponse({
    type: ItemDetailDto,
    description:
      'The holder corrects its item: a new version, the old one kept. 404 for others; 409 `item.purged` once retention purged it.',
  })
  correct(
    @Audit() ctx: AuditContext,
    @Principal() caller: PrincipalContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: CorrectItemDto,
  ): Promise<ItemDetailDto> {
    return this.items.correct(ctx, caller, id, body);
  }
}
