import { defineProblems } from '../common/errors/domain-error.js';

export const NotificationProblems = defineProblems({
  caseNotFound: {
    code: 'risk_change.case_not_found',
    status: 404,
    title: { fr: 'Dossier introuvable.', en: 'Case not found.' },
  },
  caseClosed: {
    code: 'risk_change.case_closed',
    status: 409,
    title: {
      fr: 'Le dossier est fermé : aucun changement de risque ne peut y être signalé.',
      en: 'The case is closed: no risk change can be reported on it.',
    },
  },
  unknownKind: {
    code: 'risk_change.unknown_kind',
    status: 400,
    title: {
      fr: 'Type de changement de risque inconnu : voyez les politiques (GET /v1/policies).',
      en: 'Unknown kind of risk change: see the policies (GET /v1/policies).',
    },
  },
  personNotInCase: {
    code: 'risk_change.person_not_in_case',
    status: 400,
    title: {
      fr: "Une des personnes nommées n'appartient pas à ce dossier.",
      en: 'One of the persons named is not part of this case.',
    },
  },
  summaryTooLong: {
    code: 'risk_change.summary_too_long',
    status: 400,
    title: {
      fr: 'Le résumé dépasse la longueur permise par la politique : dites ce qui a changé, rien de plus.',
      en: 'The summary is longer than the policy allows: say what changed, nothing more.',
    },
  },
  occurredInFuture: {
    code: 'risk_change.occurred_in_future',
    status: 400,
    title: {
      fr: "Le moment du changement ne peut pas être dans l'avenir.",
      en: 'The time of the change cannot be in the future.',
    },
  },
  notificationNotFound: {
    code: 'inbox.not_found',
    status: 404,
    title: { fr: 'Message introuvable.', en: 'Message not found.' },
  },
  alreadyAcknowledged: {
    code: 'inbox.already_acknowledged',
    status: 409,
    title: {
      fr: 'Ce message a déjà été pris en compte.',
      en: 'This message was already acknowledged.',
    },
  },
  badCursor: {
    code: 'inbox.bad_cursor',
    status: 400,
    title: { fr: 'Curseur de pagination invalide.', en: 'Invalid pagination cursor.' },
  },
  webhookNotFound: {
    code: 'webhook.not_found',
    status: 404,
    title: { fr: 'Webhook introuvable.', en: 'Webhook not found.' },
  },
  webhookInsecure: {
    code: 'webhook.insecure_url',
    status: 422,
    title: {
      fr: "L'adresse du webhook doit être en https, sans identifiants, vers une adresse publique.",
      en: 'The webhook address must be https, without credentials, to a public address.',
    },
  },
  webhookLimit: {
    code: 'webhook.limit_reached',
    status: 409,
    title: {
      fr: 'Cet organisme a déjà le nombre maximal de webhooks actifs.',
      en: 'This agency already has the maximum number of active webhooks.',
    },
  },
  webhookDisabled: {
    code: 'webhook.already_disabled',
    status: 409,
    title: { fr: 'Ce webhook est déjà désactivé.', en: 'This webhook is already disabled.' },
  },
});
