import { Foundation1763712000000 } from './1763712000000-foundation.js';

/** Every migration, in order. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [Foundation1763712000000];
