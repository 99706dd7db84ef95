import { hasRole, type PrincipalContext } from '../common/auth/principal.js';

/** The table's coordinators see every case (DESIGN §1): the coordination agency and its role. */
export function seesAllCases(caller: PrincipalContext): boolean {
  return caller.agencySector === 'coordination' || hasRole(caller, 'coordinator');
}

/**
 * Whether the caller has a part in a case: its agency referred it or is assigned to it, or it
 * coordinates. Anyone else is answered 404, as if the case did not exist (DESIGN §5).
 */
export function hasPartIn(
  caller: PrincipalContext,
  kase: { readonly referringAgencyId: string },
  assignedAgencyIds: readonly string[],
): boolean {
  return (
    seesAllCases(caller) ||
    kase.referringAgencyId === caller.agencyId ||
    assignedAgencyIds.includes(caller.agencyId)
  );
}

/** The agencies an event on a case concerns: their privacy officers find it in the log. */
export function caseParties(
  kase: { readonly referringAgencyId: string },
  assignedAgencyIds: readonly string[],
): string[] {
  return [...new Set([kase.referringAgencyId, ...assignedAgencyIds])];
}
