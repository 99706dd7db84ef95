import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  InformationItemEntity,
  InformationItemVersionEntity,
} from '../information-item.entity.js';
import {
  CORRECTION_REASONS,
  EXCLUSION_REASONS,
  type CorrectionReason,
  type ExclusionReason,
} from '../item.types.js';

export class ItemVersionDto {
  @ApiProperty() version: number;
  @ApiProperty({ description: 'Structured fields of the category.' })
  fields: Record<string, unknown>;
  @ApiProperty({ type: [String] }) sensitivity: string[];
  @ApiProperty({ example: '2027-11-20' }) retainUntil: string;
  @ApiProperty() excluded: boolean;
  @ApiPropertyOptional({ enum: EXCLUSION_REASONS, nullable: true })
  excludedReason: ExclusionReason | null;
  @ApiPropertyOptional({ enum: CORRECTION_REASONS, nullable: true })
  correctionReason: CorrectionReason | null;
  @ApiProperty() recordedBySubject: string;
  @ApiProperty() createdAt: string;

  static from(v: InformationItemVersionEntity): ItemVersionDto {
    return Object.assign(new ItemVersionDto(), {
      version: v.version,
      fields: { ...v.fields },
      sensitivity: [...v.sensitivity],
      retainUntil: v.retainUntil,
      excluded: v.excluded,
      excludedReason: v.excludedReason,
      correctionReason: v.correctionReason,
      recordedBySubject: v.recordedBySubject,
      createdAt: v.createdAt.toISOString(),
    });
  }
}

/** An item as it stands (its current version), for its holder only. */
export class ItemDto extends ItemVersionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ format: 'uuid' }) holderAgencyId: string;
  @ApiProperty() category: string;

  static fromItem(item: InformationItemEntity, current: InformationItemVersionEntity): ItemDto {
    return Object.assign(new ItemDto(), ItemVersionDto.from(current), {
      id: item.id,
      caseId: item.caseId,
      personId: item.personId,
      holderAgencyId: item.holderAgencyId,
      category: item.category,
    });
  }
}

/** An item with every version, oldest first: a correction never erases what was held before. */
export class ItemDetailDto extends ItemDto {
  @ApiProperty({ type: [ItemVersionDto] }) versions: ItemVersionDto[];
}

export class ItemListDto {
  @ApiProperty({ type: [ItemDto] }) items: ItemDto[];
}
