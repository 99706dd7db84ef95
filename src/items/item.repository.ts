import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager, type QueryDeepPartialEntity } from 'typeorm';
import { InformationItemEntity, InformationItemVersionEntity } from './information-item.entity.js';

export type NewItemVersion = Omit<
  InformationItemVersionEntity,
  'itemId' | 'version' | 'createdAt' | 'item'
>;

export interface CurrentItem {
  readonly item: InformationItemEntity;
  readonly current: InformationItemVersionEntity;
}

/** An item and its versions, oldest first, read together: none once it is purged. */
export interface ItemWithVersions {
  readonly item: InformationItemEntity;
  readonly versions: readonly InformationItemVersionEntity[];
}

/** An item whose retention date has passed, locked for the purge: what its audit record names. */
export interface ExpiredItem {
  readonly id: string;
  readonly caseId: string;
  readonly personId: string;
  readonly holderAgencyId: string;
  readonly category: string;
  readonly currentVersion: number;
}

@Injectable()
export class ItemRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertItem(
    item: Pick<InformationItemEntity, 'caseId' | 'personId' | 'holderAgencyId' | 'category'>,
    first: NewItemVersion,
    manager: EntityManager,
  ): Promise<CurrentItem> {
    const repository = manager.getRepository(InformationItemEntity);
    const saved = await repository.save(repository.create({ ...item, currentVersion: 1 }));
    return { item: saved, current: await this.insertVersion(saved.id, 1, first, manager) };
  }

  /** Appends a version and makes it current; the item row must be locked by the caller. */
  async appendVersion(
    item: InformationItemEntity,
    next: NewItemVersion,
    manager: EntityManager,
  ): Promise<InformationItemVersionEntity> {
    const version = await this.insertVersion(item.id, item.currentVersion + 1, next, manager);
    await manager
      .getRepository(InformationItemEntity)
      .update({ id: item.id }, { currentVersion: version.version });
    item.currentVersion = version.version;
    return version;
  }

  /** The item if this agency holds it: another agency's item is as good as absent. */
  findHeldBy(
    id: string,
    holderAgencyId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<InformationItemEntity | null> {
    return manager.getRepository(InformationItemEntity).findOne({ where: { id, holderAgencyId } });
  }

  /**
   * The agency's item with its versions, from one snapshot: a purge committing between two reads
   * would otherwise show an item that is neither held nor purged.
   */
  findHeldWithVersions(id: string, holderAgencyId: string): Promise<ItemWithVersions | null> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const item = await this.findHeldBy(id, holderAgencyId, manager);
      return item ? { item, versions: await this.findVersions(item.id, manager) } : null;
    });
  }

  findByIdForUpdate(id: string, manager: EntityManager): Promise<InformationItemEntity | null> {
    return manager
      .getRepository(InformationItemEntity)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findVersions(
    itemId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<InformationItemVersionEntity[]> {
    return manager
      .getRepository(InformationItemVersionEntity)
      .find({ where: { itemId }, order: { version: 'ASC' } });
  }

  /**
   * The items one agency holds in a case, purged ones included, each with its current version
   * (none once purged), oldest first; from one snapshot, like `findHeldWithVersions`.
   */
  findHeldInCase(
    caseId: string,
    holderAgencyId: string,
  ): Promise<{ item: InformationItemEntity; current?: InformationItemVersionEntity }[]> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const items = await manager.getRepository(InformationItemEntity).find({
        where: { caseId, holderAgencyId },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      const held = items.filter((i) => !i.purgedAt);
      const current =
        held.length === 0
          ? []
          : await manager
              .getRepository(InformationItemVersionEntity)
              .createQueryBuilder('v')
              .innerJoin('v.item', 'i', 'i.current_version = v.version')
              .where('i.id IN (:...ids)', { ids: held.map((i) => i.id) })
              .getMany();
      const byItem = new Map(current.map((v) => [v.itemId, v]));
      return items.map((item) => ({ item, current: byItem.get(item.id) }));
    });
  }

  /**
   * Current versions of a person's items in these categories (the disclosure engine's input), in
   * one round trip. Purged items have no content to release: they are not among them.
   */
  async findCurrentForPerson(
    caseId: string,
    personId: string,
    categories: readonly string[],
  ): Promise<CurrentItem[]> {
    if (categories.length === 0) return [];
    const versions = await this.dataSource
      .getRepository(InformationItemVersionEntity)
      .createQueryBuilder('v')
      .innerJoinAndSelect('v.item', 'i', 'i.current_version = v.version')
      .where('i.case_id = :caseId', { caseId })
      .andWhere('i.person_id = :personId', { personId })
      .andWhere('i.category IN (:...categories)', { categories: [...categories] })
      // A purged item has no version left to join; said here too, so it is never read as held.
      .andWhere('i.purged_at IS NULL')
      .orderBy('i.created_at', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .getMany();
    return versions.map((current) => ({ item: current.item as InformationItemEntity, current }));
  }

  /** Deletes every item of a case and all their versions; returns how many items there were. */
  async deleteForCase(caseId: string, manager: EntityManager): Promise<number> {
    const items = await manager
      .getRepository(InformationItemEntity)
      .find({ select: { id: true }, where: { caseId } });
    if (items.length === 0) return 0;
    const ids = items.map((i) => i.id);
    await manager.getRepository(InformationItemVersionEntity).delete({ itemId: In(ids) });
    await manager.getRepository(InformationItemEntity).delete({ id: In(ids) });
    return ids.length;
  }

  /**
   * Locks up to `limit` items whose current version is to be kept only until a date before
   * `before` (`YYYY-MM-DD`) and that are not yet purged. Rows another transaction holds are
   * skipped, not waited for: concurrent retention runs (several broker instances) share the work
   * and never purge one item twice. A row a concurrent run purged meanwhile is re-checked once
   * locked (`purged_at` is set), and left out.
   */
  async lockExpired(before: string, limit: number, manager: EntityManager): Promise<ExpiredItem[]> {
    const rows: {
      id: string;
      case_id: string;
      person_id: string;
      holder_agency_id: string;
      category: string;
      current_version: number;
    }[] = await manager.query(
      `SELECT i.id, i.case_id, i.person_id, i.holder_agency_id, i.category, i.current_version
         FROM information_item i
         JOIN information_item_version v ON v.item_id = i.id AND v.version = i.current_version
        WHERE i.purged_at IS NULL AND v.retain_until < $1::date
        ORDER BY i.id
        LIMIT $2
          FOR UPDATE OF i SKIP LOCKED`,
      [before, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      personId: r.person_id,
      holderAgencyId: r.holder_agency_id,
      category: r.category,
      currentVersion: r.current_version,
    }));
  }

  /**
   * Deletes every version of these (locked) items, their content, and marks them purged: the item
   * row stays, so that it is reported as purged, not as missing.
   */
  async purge(ids: readonly string[], at: Date, manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.getRepository(InformationItemVersionEntity).delete({ itemId: In([...ids]) });
    await manager
      .getRepository(InformationItemEntity)
      .update({ id: In([...ids]) }, { purgedAt: at });
  }

  private async insertVersion(
    itemId: string,
    version: number,
    content: NewItemVersion,
    manager: EntityManager,
  ): Promise<InformationItemVersionEntity> {
    // Insert, not save: a version is never updated, so no read to decide between the two.
    const repository = manager.getRepository(InformationItemVersionEntity);
    const entity = repository.create({ ...content, itemId, version });
    // jsonb `fields` is open-ended: TypeORM's deep-partial type cannot follow `unknown` values.
    const result = await repository.insert(entity as QueryDeepPartialEntity<typeof entity>);
    return Object.assign(entity, result.generatedMaps[0]);
  }
}
