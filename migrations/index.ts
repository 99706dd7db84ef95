import { Foundation1763712000000 } from './1763712000000-foundation.js';
import { AuditLog1763798400000 } from './1763798400000-audit-log.js';
import { AuditHolds1763884800000 } from './1763884800000-audit-holds.js';
import { AuditSequencer1763884900000 } from './1763884900000-audit-sequencer.js';
import { Agreements1763971200000 } from './1763971200000-agreements.js';
import { Cases1763971300000 } from './1763971300000-cases.js';
import { Consents1763971400000 } from './1763971400000-consents.js';
import { InformationItems1763971500000 } from './1763971500000-information-items.js';
import { PolicyBundles1763971600000 } from './1763971600000-policy-bundles.js';
import { Decisions1763971700000 } from './1763971700000-decisions.js';
import { Workflows1764057600000 } from './1764057600000-workflows.js';
import { Console1764144000000 } from './1764144000000-console.js';

/** Every migration, in order. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [
  Foundation1763712000000,
  AuditLog1763798400000,
  AuditHolds1763884800000,
  AuditSequencer1763884900000,
  Agreements1763971200000,
  Cases1763971300000,
  Consents1763971400000,
  InformationItems1763971500000,
  PolicyBundles1763971600000,
  Decisions1763971700000,
  Workflows1764057600000,
  Console1764144000000,
];
