import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditLog, type AuditedTransaction } from '../audit/audit-log.js';
import type { AuditContext, AuditEntry } from '../audit/audit.types.js';
import { caseParties } from '../cases/case-access.js';
import { CaseStageService } from '../cases/case-stage.service.js';
import { assertOpen, CasesService } from '../cases/cases.service.js';
import type { PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { CategoryDef } from '../policy/bundle.types.js';
import type { CaseFact, ItemFact } from '../policy/facts.js';
import { PolicyService } from '../policy/policy.service.js';
import type { ContributeItemDto, CorrectItemDto } from './dto/item-input.dto.js';
import { ItemDetailDto, ItemDto } from './dto/item-view.dto.js';
import type {
  InformationItemEntity,
  InformationItemVersionEntity,
} from './information-item.entity.js';
import { fieldProblems } from './item-fields.js';
import { ItemRepository, type CurrentItem } from './item.repository.js';
import { IDENTIFYING, type ExclusionReason } from './item.types.js';
import { ItemProblems } from './items.problems.js';

interface Exclusion {
  readonly excluded: boolean;
  readonly excludedReason: ExclusionReason | null;
}

/** An excluded item names why; an item that is not excluded names no reason. */
function exclusionOf(excluded: boolean, reason: ExclusionReason | null | undefined): Exclusion {
  if (excluded !== Boolean(reason)) throw new DomainError(ItemProblems.exclusionReason);
  return { excluded, excludedReason: reason ?? null };
}

function checkRetention(retainUntil: string): void {
  if (retainUntil <= new Date().toISOString().slice(0, 10)) {
    throw new DomainError(ItemProblems.retainUntilPast);
  }
}

/** The category's own labels first, then the holder's, once each. */
function sensitivityOf(def: CategoryDef, added: readonly string[]): string[] {
  return [...new Set([...def.sensitivity, ...added])];
}

function toFact({ item, current }: CurrentItem): ItemFact {
  return {
    id: item.id,
    version: current.version,
    holderAgencyId: item.holderAgencyId,
    personId: item.personId,
    category: item.category,
    fields: { ...current.fields },
    sensitivity: [...current.sensitivity],
    excluded: current.excluded,
    retainUntil: current.retainUntil,
  };
}

/**
 * Information items (DESIGN §2): what a holder agency contributes about a person of a case. A
 * holder sees and corrects only its own items; other agencies receive items only through
 * disclosures, which read them with `forDisclosure`.
 */
@Injectable()
export class ItemsService implements OnModuleInit {
  constructor(
    private readonly audit: AuditLog,
    private readonly items: ItemRepository,
    private readonly cases: CasesService,
    private readonly stages: CaseStageService,
    private readonly policy: PolicyService,
  ) {}

  /** A case that stops before high risk is confirmed keeps no information items (minimal data). */
  onModuleInit(): void {
    this.stages.onMinimise(async (manager, caseId) => ({
      purgedItems: await this.items.deleteForCase(caseId, manager),
    }));
  }

  contribute(
    ctx: AuditContext,
    caller: PrincipalContext,
    caseId: string,
    input: ContributeItemDto,
  ): Promise<ItemDto> {
    const def = this.categoryDef(input.category);
    this.checkFields(input.fields, def);
    checkRetention(input.retainUntil);
    const exclusion = exclusionOf(input.excluded ?? false, input.excludedReason);
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const kase = await this.cases.lockForChange(caller, caseId, manager);
      assertOpen(kase);
      // Filter 2 (Four Filter approach): a de-identified case holds risk factors, never identity.
      if (kase.stage === 'deidentified' && def.sensitivity.includes(IDENTIFYING)) {
        throw new DomainError(ItemProblems.identifyingBeforeConfirmation);
      }
      const person = await this.cases.requirePerson(kase.id, input.personId, manager);
      const { item, current } = await this.items.insertItem(
        {
          caseId: kase.id,
          personId: person.id,
          holderAgencyId: caller.agencyId,
          category: input.category,
        },
        {
          fields: { ...input.fields },
          sensitivity: sensitivityOf(def, input.sensitivity ?? []),
          retainUntil: input.retainUntil,
          ...exclusion,
          correctionReason: null,
          recordedBySubject: caller.subject,
        },
        manager,
      );
      await record(this.entry('item.contribute', kase, item, current, []));
      return ItemDto.fromItem(item, current);
    });
  }

  /** The caller's own items in the case, purged ones shown as such; never another holder's. */
  async listHeld(caller: PrincipalContext, caseId: string): Promise<ItemDto[]> {
    const kase = await this.cases.requireVisible(caller, caseId);
    return (await this.items.findHeldInCase(kase.id, caller.agencyId)).map(({ item, current }) =>
      ItemDto.of(item, current),
    );
  }

  /** The holder's item with every version; a purged one without content, but not as missing. */
  async getHeld(caller: PrincipalContext, id: string): Promise<ItemDetailDto> {
    const found = await this.items.findHeldWithVersions(id, caller.agencyId);
    if (!found) throw new DomainError(ItemProblems.notFound);
    return ItemDetailDto.withVersions(found.item, found.versions);
  }

  /** The holder corrects its item: a new version; the old one is kept. */
  correct(
    ctx: AuditContext,
    caller: PrincipalContext,
    id: string,
    input: CorrectItemDto,
  ): Promise<ItemDetailDto> {
    const changes = ['fields', 'sensitivity', 'retainUntil', 'excluded', 'excludedReason'] as const;
    if (changes.every((key) => input[key] === undefined)) {
      throw new DomainError(ItemProblems.emptyCorrection);
    }
    if (input.retainUntil !== undefined) checkRetention(input.retainUntil);
    return this.audit.transaction(ctx, async ({ manager, record }) => {
      const held = await this.items.findHeldBy(id, caller.agencyId, manager);
      if (!held) throw new DomainError(ItemProblems.notFound);
      if (held.purgedAt) throw new DomainError(ItemProblems.purged);
      const kase = await this.cases.lockIfVisible(caller, held.caseId, manager);
      if (!kase) throw new DomainError(ItemProblems.notFound);
      assertOpen(kase);
      const item = await this.items.findByIdForUpdate(held.id, manager);
      if (!item) throw new DomainError(ItemProblems.notFound);
      // Checked again under the lock: retention may have purged it since the first read.
      if (item.purgedAt) throw new DomainError(ItemProblems.purged);
      const versions = await this.items.findVersions(item.id, manager);
      const previous = versions[versions.length - 1];
      const def = this.categoryDef(item.category);
      if (input.fields !== undefined) this.checkFields(input.fields, def);
      const excluded = input.excluded ?? previous.excluded;
      const next = await this.items.appendVersion(
        item,
        {
          fields: { ...(input.fields ?? previous.fields) },
          sensitivity: input.sensitivity
            ? sensitivityOf(def, input.sensitivity)
            : [...previous.sensitivity],
          retainUntil: input.retainUntil ?? previous.retainUntil,
          ...exclusionOf(
            excluded,
            input.excludedReason ?? (excluded ? previous.excludedReason : null),
          ),
          correctionReason: input.reason,
          recordedBySubject: caller.subject,
        },
        manager,
      );
      await record(this.entry('item.correct', kase, item, next, [input.reason]));
      return ItemDetailDto.withVersions(item, [...versions, next]);
    });
  }

  /**
   * Current versions of a person's items in a case, in these categories; excluded ones included.
   * The disclosure path reads the same in one statement (disclosures/disclosure-facts.repository.ts);
   * test/e2e/disclosure-facts.e2e-spec.ts holds the two equal: change one, change the other.
   */
  async forDisclosure(
    caseId: string,
    personId: string,
    categories: readonly string[],
  ): Promise<ItemFact[]> {
    return (await this.items.findCurrentForPerson(caseId, personId, categories)).map(toFact);
  }

  /**
   * Retention (DESIGN §4), one batch in the caller's audited transaction: deletes the content of
   * up to `limit` items whose current version is kept only until a date before `before`, marks
   * them purged, and records each purge (ids and codes; the log never held the content, so it
   * stays whole). Returns how many items it purged; fewer than `limit` means none is left due,
   * or the rest are being purged by a concurrent run.
   */
  async purgeExpired(
    tx: AuditedTransaction,
    options: { readonly before: string; readonly at: Date; readonly limit: number },
  ): Promise<number> {
    const expired = await this.items.lockExpired(options.before, options.limit, tx.manager);
    await this.items.purge(
      expired.map((item) => item.id),
      options.at,
      tx.manager,
    );
    for (const item of expired) {
      await tx.record({
        action: 'item.purge',
        outcome: 'success',
        parties: [item.holderAgencyId],
        targets: {
          caseId: item.caseId,
          personIds: [item.personId],
          itemId: item.id,
          version: item.currentVersion,
        },
        categories: [item.category],
        reasonCodes: ['retention_expired'],
      });
    }
    return expired.length;
  }

  private categoryDef(category: string): CategoryDef {
    const categories = this.policy.current().taxonomy.categories;
    if (!Object.hasOwn(categories, category)) throw new DomainError(ItemProblems.unknownCategory);
    return categories[category];
  }

  private checkFields(fields: Readonly<Record<string, unknown>>, def: CategoryDef): void {
    const errors = fieldProblems(fields, def.fields);
    if (errors.length > 0) throw new DomainError(ItemProblems.invalidFields, { errors });
  }

  /** Ids and codes only: the item's content never reaches the log (DESIGN §4). */
  private entry(
    action: 'item.contribute' | 'item.correct',
    kase: CaseFact,
    item: InformationItemEntity,
    version: InformationItemVersionEntity,
    reasonCodes: readonly string[],
  ): AuditEntry {
    const codes = [...reasonCodes, ...(version.excludedReason ? [version.excludedReason] : [])];
    return {
      action,
      outcome: 'success',
      parties: caseParties(kase, kase.assignedAgencyIds),
      targets: {
        caseId: kase.id,
        personIds: [item.personId],
        itemId: item.id,
        version: version.version,
      },
      categories: [item.category],
      ...(codes.length > 0 ? { reasonCodes: codes } : {}),
    };
  }
}
