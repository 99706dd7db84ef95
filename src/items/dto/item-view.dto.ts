import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import type {
  InformationItemEntity,
  InformationItemVersionEntity,
} from '../information-item.entity.js';
import {
  CORRECTION_REASONS,
  EXCLUSION_REASONS,
  ITEM_STATUSES,
  type CorrectionReason,
  type ExclusionReason,
  type ItemStatus,
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

/**
 * An item as it stands, for its holder only: its current version while it is held. Once retention
 * purged it, only that it existed remains (who held what category about whom, and when it was
 * purged): the version's properties are absent.
 */
export class ItemDto extends PartialType(ItemVersionDto) {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ format: 'uuid' }) holderAgencyId: string;
  @ApiProperty() category: string;
  @ApiProperty({
    enum: ITEM_STATUSES,
    description:
      '`purged` once its retention date passed and its content (every version) was deleted: the item is then reported without content.',
  })
  status: ItemStatus;
  @ApiProperty({ nullable: true, type: String, description: 'When retention purged it.' })
  purgedAt: string | null;

  static fromItem(item: InformationItemEntity, current: InformationItemVersionEntity): ItemDto {
    return Object.assign(new ItemDto(), ItemVersionDto.from(current), identityOf(item), {
      status: 'held',
      purgedAt: null,
    });
  }

  /** What is left of a purged item: that it existed, never what it said. */
  static purged(item: InformationItemEntity): ItemDto {
    return Object.assign(new ItemDto(), identityOf(item), {
      status: 'purged',
      purgedAt: (item.purgedAt as Date).toISOString(),
    });
  }

  /** The item with its current version, or as purged: `current` is absent once it is. */
  static of(
    item: InformationItemEntity,
    current: InformationItemVersionEntity | undefined,
  ): ItemDto {
    if (item.purgedAt) return ItemDto.purged(item);
    // Purging deletes the versions and marks the item in one transaction: one without the other
    // is a broken database, not a state to show.
    if (!current) throw new Error('information item without a version and not purged');
    return ItemDto.fromItem(item, current);
  }
}

function identityOf(
  item: InformationItemEntity,
): Pick<ItemDto, 'id' | 'caseId' | 'personId' | 'holderAgencyId' | 'category'> {
  return {
    id: item.id,
    caseId: item.caseId,
    personId: item.personId,
    holderAgencyId: item.holderAgencyId,
    category: item.category,
  };
}

/**
 * An item with every version, oldest first: a correction never erases what was held before. A
 * purged item has none left.
 */
export class ItemDetailDto extends ItemDto {
  @ApiProperty({ type: [ItemVersionDto] }) versions: ItemVersionDto[];

  static withVersions(
    item: InformationItemEntity,
    versions: readonly InformationItemVersionEntity[],
  ): ItemDetailDto {
    const shown = item.purgedAt ? [] : versions;
    return Object.assign(new ItemDetailDto(), ItemDto.of(item, shown[shown.length - 1]), {
      versions: shown.map(ItemVersionDto.from),
    });
  }
}

export class ItemListDto {
  @ApiProperty({ type: [ItemDto] }) items: ItemDto[];
}
