/** DESIGN §5: the only roles a token may carry. */
export const ROLES = [
  'agency_user',
  'coordinator',
  'privacy_officer',
  'legal_reviewer',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
