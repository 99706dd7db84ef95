import { defineProblems } from '../common/errors/domain-error.js';

export const ReviewProblems = defineProblems({
  notFound: {
    code: 'review.not_found',
    status: 404,
    title: { fr: 'Révision introuvable.', en: 'Review not found.' },
  },
  decisionNotFound: {
    code: 'review.decision_not_found',
    status: 404,
    title: { fr: 'Décision introuvable.', en: 'Decision not found.' },
  },
  alreadyOpen: {
    code: 'review.already_open',
    status: 409,
    title: {
      fr: 'Une révision est déjà ouverte pour cette décision : commentez-la.',
      en: 'A review of this decision is already open: comment on it.',
    },
  },
  alreadyDecided: {
    code: 'review.already_decided',
    status: 409,
    title: {
      fr: 'Cette révision est tranchée et ne peut plus changer : ouvrez-en une nouvelle qui lui fait suite.',
      en: 'This review is decided and cannot change: open a new one that follows it.',
    },
  },
  notTableReviewer: {
    code: 'review.not_table_reviewer',
    status: 403,
    title: {
      fr: "Seuls les réviseurs juridiques de l'organisme coordonnateur tranchent une révision.",
      en: "Only the coordinating agency's legal reviewers decide a review.",
    },
  },
  remediationMissing: {
    code: 'review.remediation_missing',
    status: 400,
    title: {
      fr: 'Le résultat « remediation_required » exige la mesure corrective demandée.',
      en: 'The outcome remediation_required needs the remediation asked for.',
    },
  },
  dryRun: {
    code: 'review.dry_run',
    status: 409,
    title: {
      fr: "Une simulation n'a rien communiqué : il n'y a rien à réviser.",
      en: 'A dry run disclosed nothing: there is nothing to review.',
    },
  },
});
