/** Shared input shapes. Bounds everywhere: no unbounded string reaches a handler. */
/** A uuid, either case (agencies' systems send both). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A uuid as the broker stores and compares it: lower case. */
export const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const AGENCY_CODE = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const JURISDICTION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
export const KEY_ID = /^[\x21-\x7e]{1,128}$/;
export const NAME_MAX = 200;
/** A name people read: no control characters (NUL, line breaks…) nor lone surrogates. */
export const NAME_TEXT = /^[^\p{Cc}\p{Cs}]*$/u;
/** A short machine code (reason, label): lower snake case. */
export const CODE = /^[a-z][a-z0-9_]{0,47}$/;
/** Written text (reasons, notes): line breaks and tabs allowed, other control characters not. */
export const PROSE_TEXT = /^(?:[^\p{Cc}\p{Cs}]|[\t\n\r])*$/u;
/** A calendar date, `YYYY-MM-DD` (checked as a real date separately). */
export const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** An instant with its offset, e.g. `2025-01-31T12:00:00Z` (checked as a real instant separately). */
export const INSTANT =
  /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-](0\d|1[0-5]):[0-5]\d)$/;
/** An information category of the taxonomy, e.g. `location.shelter` (DESIGN §2). */
export const CATEGORY = /^[a-z][a-z_]{0,31}(\.[a-z][a-z_]{0,31}){0,2}$/;
/** A user or system id as a token's `sub` carries it: printable, no spaces (ids, not names). */
export const SUBJECT = /^[\x21-\x7e]{1,128}$/;
