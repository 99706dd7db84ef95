import { Foundation1763712000000 } from './1763712000000-foundation.js';
import { AuditLog1763798400000 } from './1763798400000-audit-log.js';

/** Every migration, in order. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [Foundation1763712000000, AuditLog1763798400000];
