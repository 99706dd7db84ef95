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

  /** Current versions of the items one agency holds in a case. */
  findCurrentHeldInCase(caseId: string, holderAgencyId: string): Promise<CurrentItem[]> {
    return this.findCurrent({ caseId, holderAgencyId });
  }

  /** Current versions of a person's items in these categories (the disclosure engine's input). */
  findCurrentForPerson(
    caseId: string,
    personId: string,
    categories: readonly string[],
  ): Promise<CurrentItem[]> {
    if (categories.length === 0) return Promise.resolve([]);
    return this.findCurrent({ caseId, personId, categories });
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

  /** Items with their current version, in one round trip. */
  private async findCurrent(filter: {
    caseId: string;
    holderAgencyId?: string;
    personId?: string;
    categories?: readonly string[];
  }): Promise<CurrentItem[]> {
    const query = this.dataSource
      .getRepository(InformationItemVersionEntity)
      .createQueryBuilder('v')
      .innerJoinAndSelect('v.item', 'i', 'i.current_version = v.version')
      .where('i.case_id = :caseId', { caseId: filter.caseId })
      .orderBy('i.created_at', 'ASC')
      .addOrderBy('i.id', 'ASC');
    if (filter.holderAgencyId) {
      query.andWhere('i.holder_agency_id = :holder', { holder: filter.holderAgencyId });
    }
    if (filter.personId) query.andWhere('i.person_id = :personId', { personId: filter.personId });
    if (filter.categories) {
      query.andWhere('i.category IN (:...categories)', { categories: [...filter.categories] });
    }
    const versions = await query.getMany();
    return versions.map((current) => ({ item: current.item as InformationItemEntity, current }));
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
