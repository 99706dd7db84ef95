import { Foundation1763712000000 } from './1763712000000-foundation.js';
import { AuditLog1763798400000 } from './1763798400000-audit-log.js';
import { AuditHolds1763884800000 } from './1763884800000-audit-holds.js';

/** Every migration, in order. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [Foundation1763712000000, AuditLog1763798400000, AuditHolds1763884800000];
