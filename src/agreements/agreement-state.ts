import type { Role } from '../common/auth/roles.js';
import type { FieldProblem } from '../common/errors/domain-error.js';
import type { AgreementFlowEntity } from './agreement-flow.entity.js';
import type { AgreementPartyEntity } from './agreement-party.entity.js';
import type { AgreementVersionEntity } from './agreement-version.entity.js';
import type { AgreementEntity } from './agreement.entity.js';
import type { AgreementStatus } from './agreement.types.js';

/** One version as loaded: its row, its parties and its flows, in the order written. */
export interface VersionRecord {
  readonly row: AgreementVersionEntity;
  readonly parties: readonly AgreementPartyEntity[];
  readonly flows: readonly AgreementFlowEntity[];
}

/** An agreement as loaded: its row and every version, oldest first. */
export interface AgreementRecord {
  readonly row: AgreementEntity;
  readonly versions: readonly VersionRecord[];
}

/** The version that governs the agreement now: the latest that came into force, if any. */
export function currentOf(agreement: AgreementRecord): VersionRecord | undefined {
  return agreement.versions.findLast(
    (v) =>
      v.row.activatedAt !== null && ['active', 'suspended', 'terminated'].includes(v.row.status),
  );
}

/** The draft awaiting signatures, if any (the database allows one at most). */
export function pendingOf(agreement: AgreementRecord): VersionRecord | undefined {
  return agreement.versions.find((v) => v.row.status === 'draft');
}

/** Terminated is final; otherwise the agreement is as its current version, or a draft. */
export function statusOf(agreement: AgreementRecord): AgreementStatus {
  const statuses = new Set(agreement.versions.map((v) => v.row.status));
  for (const status of ['terminated', 'active', 'suspended'] as const) {
    if (statuses.has(status)) return status;
  }
  return 'draft';
}

export function isParty(version: VersionRecord | undefined, agencyId: string): boolean {
  return version?.parties.some((p) => p.agencyId === agencyId) ?? false;
}

/**
 * Roles that act for the whole table rather than for one agency (in a network, the coordinating
 * agency holds them): they see every agreement and may draft, suspend or terminate any. Signing is
 * never one of their powers: an agency signs only for itself.
 */
const NETWORK_ROLES: readonly Role[] = ['admin', 'coordinator'];

export function actsForNetwork(roles: readonly Role[]): boolean {
  return roles.some((role) => NETWORK_ROLES.includes(role));
}

/** A party to any version, past or present, may read the agreement and its whole history. */
export function isVisibleTo(
  agreement: AgreementRecord,
  caller: { agencyId: string; roles: readonly Role[] },
): boolean {
  return (
    actsForNetwork(caller.roles) || agreement.versions.some((v) => isParty(v, caller.agencyId))
  );
}

export interface TermInput {
  readonly effectiveFrom: Date;
  readonly effectiveTo: Date | null;
}

/** The term is [effectiveFrom, effectiveTo): the end follows the start and is not already past. */
export function termProblems(term: TermInput, now: Date): FieldProblem[] {
  if (term.effectiveTo === null) return [];
  const problems: string[] = [];
  if (term.effectiveTo <= term.effectiveFrom) problems.push('afterEffectiveFrom');
  if (term.effectiveTo <= now) problems.push('inFuture');
  return problems.length ? [{ property: 'effectiveTo', constraints: problems }] : [];
}

export interface FlowInput {
  readonly fromAgencyId: string;
  readonly toAgencyId: string;
}

/** Each flow runs from one party to another party, and each direction is written once. */
export function flowProblems(
  parties: readonly string[],
  flows: readonly FlowInput[],
): FieldProblem[] {
  const seen = new Set<string>();
  return flows.flatMap((flow, index) => {
    const constraints: string[] = [];
    if (!parties.includes(flow.fromAgencyId) || !parties.includes(flow.toAgencyId))
      constraints.push('betweenParties');
    if (flow.fromAgencyId === flow.toAgencyId) constraints.push('distinctEnds');
    const direction = `${flow.fromAgencyId}>${flow.toAgencyId}`;
    if (seen.has(direction)) constraints.push('uniqueDirection');
    seen.add(direction);
    return constraints.length ? [{ property: `flows.${index}`, constraints }] : [];
  });
}
