import { Injectable } from '@nestjs/common';
import type { AuditContext } from '../audit/audit.types.js';
import type { PrincipalContext } from '../common/auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { AgreementRepository } from './agreement.repository.js';
import { currentOf, isParty, pendingOf, type VersionRecord } from './agreement-state.js';
import { AgreementTransactions, partiesOf, requireActor } from './agreement-transactions.js';
import type { SuspensionReason, TerminationReason } from './agreement.types.js';
import { AgreementProblems } from './agreements.problems.js';
import type { AgreementDto } from './dto/agreement-view.dto.js';

/** Signatures, activation, suspension and termination: each change and its record commit together. */
@Injectable()
export class AgreementLifecycleService {
  constructor(
    private readonly agreements: AgreementRepository,
    private readonly transactions: AgreementTransactions,
  ) {}

  /**
   * The caller signs the pending draft for its own agency, never for another, naming the version
   * it read. The last signature
   * activates the draft and supersedes the version it replaces, in the same transaction.
   */
  sign(
    ctx: AuditContext,
    caller: PrincipalContext,
    id: string,
    version: number,
  ): Promise<AgreementDto> {
    return this.transactions.change(ctx, caller, id, async ({ agreement, tx, now }) => {
      const pending = pendingOf(agreement);
      if (!pending) throw new DomainError(AgreementProblems.noPendingVersion);
      if (!isParty(pending, caller.agencyId)) throw new DomainError(AgreementProblems.notAParty);
      // A signature binds the agency to what its signatory read: an amendment since voids it.
      if (pending.row.version !== version) throw new DomainError(AgreementProblems.staleVersion);
      const signed = await this.agreements.signAsParty(
        { agreementId: id, version, agencyId: caller.agencyId },
        { subject: caller.subject, at: now },
        tx.manager,
      );
      if (!signed) throw new DomainError(AgreementProblems.alreadySigned);
      const activates = pending.parties.every(
        (p) => p.agencyId === caller.agencyId || p.signedAt !== null,
      );
      const replaced = activates ? currentOf(agreement) : undefined;
      if (replaced) {
        // A suspended version stopped being in force at its suspension: that time stays.
        const endedAt = replaced.row.status === 'active' ? now : undefined;
        await this.transactions.transition(replaced, { status: 'superseded', endedAt }, tx.manager);
      }
      if (activates) {
        await this.transactions.transition(
          pending,
          { status: 'active', activatedAt: now },
          tx.manager,
        );
      }
      const view = await this.transactions.view(id, tx.manager);
      const parties = partiesOf(pending, replaced);
      await tx.record({
        action: 'agreement.sign',
        outcome: 'success',
        parties,
        targets: { agreementId: id, version },
      });
      if (activates) {
        await tx.record({
          action: 'agreement.activate',
          outcome: 'success',
          parties,
          targets: { agreementId: id, version, supersededVersion: replaced?.row.version },
        });
      }
      return view;
    });
  }

  /**
   * Takes the version in force out of force at once. An open draft is withdrawn with it, so that
   * signatures given before the suspension cannot lift it: only a new version, signed by every
   * party after the suspension, brings the agreement back into force.
   */
  suspend(
    ctx: AuditContext,
    caller: PrincipalContext,
    id: string,
    reason: SuspensionReason,
  ): Promise<AgreementDto> {
    return this.transactions.change(ctx, caller, id, async ({ agreement, tx, now }) => {
      const current = currentOf(agreement);
      const pending = pendingOf(agreement);
      requireActor(caller, current ?? pending);
      if (current?.row.status !== 'active') throw new DomainError(AgreementProblems.notActive);
      await this.transactions.transition(
        current,
        { status: 'suspended', endedAt: now, endReason: reason, endedByAgencyId: caller.agencyId },
        tx.manager,
      );
      if (pending)
        await this.transactions.transition(
          pending,
          { status: 'withdrawn', endedAt: now },
          tx.manager,
        );
      const view = await this.transactions.view(id, tx.manager);
      await tx.record({
        action: 'agreement.suspend',
        outcome: 'success',
        parties: partiesOf(current, pending),
        targets: {
          agreementId: id,
          version: current.row.version,
          withdrawnVersion: pending?.row.version,
        },
        reasonCodes: [reason],
      });
      return view;
    });
  }

  /**
   * Ends the agreement for good: the version that governs it (in force, suspended, or the only
   * draft of one never activated) is terminated, and an open draft is withdrawn.
   */
  terminate(
    ctx: AuditContext,
    caller: PrincipalContext,
    id: string,
    reason: TerminationReason,
  ): Promise<AgreementDto> {
    return this.transactions.change(ctx, caller, id, async ({ agreement, tx, now }) => {
      const current = currentOf(agreement);
      const pending = pendingOf(agreement);
      // Not terminated and never without a draft or a current version: one of the two exists.
      const governing = (current ?? pending) as VersionRecord;
      requireActor(caller, governing);
      // A suspended version stopped being in force at its suspension: that time stays.
      const endedAt = governing.row.status === 'suspended' ? undefined : now;
      await this.transactions.transition(
        governing,
        { status: 'terminated', endedAt, endReason: reason, endedByAgencyId: caller.agencyId },
        tx.manager,
      );
      const withdrawn = governing === pending ? undefined : pending;
      if (withdrawn)
        await this.transactions.transition(
          withdrawn,
          { status: 'withdrawn', endedAt: now },
          tx.manager,
        );
      const view = await this.transactions.view(id, tx.manager);
      await tx.record({
        action: 'agreement.terminate',
        outcome: 'success',
        parties: partiesOf(current, pending),
        targets: {
          agreementId: id,
          version: governing.row.version,
          withdrawnVersion: withdrawn?.row.version,
        },
        reasonCodes: [reason],
      });
      return view;
    });
  }
}
