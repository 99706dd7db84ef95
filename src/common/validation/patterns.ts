/** Shared input shapes. Bounds everywhere: no unbounded string reaches a handler. */
export const AGENCY_CODE = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const JURISDICTION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
export const KEY_ID = /^[\x21-\x7e]{1,128}$/;
export const NAME_MAX = 200;
/** A name people read: no control characters (NUL, line breaks…) nor lone surrogates. */
export const NAME_TEXT = /^[^\p{Cc}\p{Cs}]*$/u;
