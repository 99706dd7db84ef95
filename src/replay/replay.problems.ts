import { defineProblems } from '../common/errors/domain-error.js';

export const ReplayProblems = defineProblems({
  decisionNotFound: {
    code: 'replay.decision_not_found',
    status: 404,
    title: { fr: 'Décision introuvable.', en: 'Decision not found.' },
  },
  bundleNotFound: {
    code: 'replay.bundle_not_found',
    status: 404,
    title: {
      fr: 'Aucun paquet de politiques, en vigueur un jour ou proposé, n’a cette empreinte.',
      en: 'No policy bundle, once in force or proposed, has this hash.',
    },
  },
  oneBundle: {
    code: 'replay.one_bundle',
    status: 400,
    title: {
      fr: 'Nommez un paquet par son empreinte ou téléversez-en un, pas les deux.',
      en: 'Name a bundle by its hash or upload one, not both.',
    },
  },
  uploadForbidden: {
    code: 'replay.upload_forbidden',
    status: 403,
    title: {
      fr: 'Seuls les réviseurs juridiques de l’organisme coordonnateur téléversent un paquet proposé.',
      en: 'Only legal reviewers of the coordinating agency upload a proposed bundle.',
    },
  },
  invalidBundle: {
    code: 'replay.invalid_bundle',
    status: 422,
    title: {
      fr: 'Le paquet de politiques proposé est invalide : voyez chaque problème, avec son fichier et sa ligne.',
      en: 'The proposed policy bundle is invalid: see each problem, with its file and line.',
    },
  },
  notReplayable: {
    code: 'replay.not_replayable',
    status: 422,
    title: {
      fr: 'Cette décision ne peut pas être rejouée sous ce paquet de politiques.',
      en: 'This decision cannot be replayed under this policy bundle.',
    },
  },
});
