import { defineProblems } from '../errors/domain-error.js';

/** OWASP API4: more requests than the broker serves to one agency (or one address) at a time. */
export const RateLimitProblems = defineProblems({
  exceeded: {
    code: 'rate_limit.exceeded',
    status: 429,
    title: {
      fr: 'Trop de requêtes : réessayez après le délai indiqué par « Retry-After ».',
      en: 'Too many requests: retry after the delay given in "Retry-After".',
    },
  },
});
