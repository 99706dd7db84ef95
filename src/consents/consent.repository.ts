import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { ConsentEntity, ConsentVersionEntity } from './consent.entity.js';

export type NewVersion = Omit<
  ConsentVersionEntity,
  'consentId' | 'version' | 'createdAt' | 'consent'
>;

export interface ConsentWithVersions {
  readonly consent: ConsentEntity;
  /** Oldest first; the last is the current one. */
  readonly versions: readonly ConsentVersionEntity[];
}

@Injectable()
export class ConsentRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertConsent(
    consent: { caseId: string; personId: string },
    first: NewVersion,
    manager: EntityManager,
  ): Promise<ConsentWithVersions> {
    const repository = manager.getRepository(ConsentEntity);
    const saved = await repository.save(repository.create({ ...consent, currentVersion: 1 }));
    const version = await this.insertVersion(saved.id, 1, first, manager);
    return { consent: saved, versions: [version] };
  }

  /** Appends a version and makes it current; the consent row must be locked by the caller. */
  async appendVersion(
    consent: ConsentEntity,
    next: NewVersion,
    manager: EntityManager,
  ): Promise<ConsentVersionEntity> {
    const version = await this.insertVersion(consent.id, consent.currentVersion + 1, next, manager);
    await manager
      .getRepository(ConsentEntity)
      .update({ id: consent.id }, { currentVersion: version.version });
    consent.currentVersion = version.version;
    return version;
  }

  /** Locks the consent while a new version is written: versions of one consent serialise. */
  findByIdForUpdate(id: string, manager: EntityManager): Promise<ConsentEntity | null> {
    return manager
      .getRepository(ConsentEntity)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findById(id: string): Promise<ConsentEntity | null> {
    return this.dataSource.getRepository(ConsentEntity).findOne({ where: { id } });
  }

  findVersions(
    consentId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ConsentVersionEntity[]> {
    return manager
      .getRepository(ConsentVersionEntity)
      .find({ where: { consentId }, order: { version: 'ASC' } });
  }

  /** Every consent of a case (optionally of one person) with all its versions, oldest first. */
  async findForCase(caseId: string, personId?: string): Promise<ConsentWithVersions[]> {
    const consents = await this.dataSource.getRepository(ConsentEntity).find({
      where: personId ? { caseId, personId } : { caseId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    if (consents.length === 0) return [];
    const versions = await this.dataSource.getRepository(ConsentVersionEntity).find({
      where: { consentId: In(consents.map((c) => c.id)) },
      order: { version: 'ASC' },
    });
    return consents.map((consent) => ({
      consent,
      versions: versions.filter((v) => v.consentId === consent.id),
    }));
  }

  /** The current version of each consent of a person (one round trip: the engine's hot path). */
  findCurrentForPerson(personId: string): Promise<ConsentVersionEntity[]> {
    return this.dataSource
      .getRepository(ConsentVersionEntity)
      .createQueryBuilder('v')
      .innerJoin(ConsentEntity, 'c', 'c.id = v.consent_id AND c.current_version = v.version')
      .where('c.person_id = :personId', { personId })
      .orderBy('c.created_at', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .getMany();
  }

  private async insertVersion(
    consentId: string,
    version: number,
    content: NewVersion,
    manager: EntityManager,
  ): Promise<ConsentVersionEntity> {
    // Insert, not save: a version is never updated, so no read to decide between the two.
    const repository = manager.getRepository(ConsentVersionEntity);
    const entity = repository.create({ ...content, consentId, version });
    const result = await repository.insert(entity);
    return Object.assign(entity, result.generatedMaps[0]);
  }
}
