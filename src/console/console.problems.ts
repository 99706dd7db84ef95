import { defineProblems } from '../common/errors/domain-error.js';

export const ConsoleProblems = defineProblems({
  signInRequired: {
    code: 'console.sign_in_required',
    status: 401,
    title: {
      fr: 'Connectez-vous pour continuer (votre session a peut-être expiré).',
      en: 'Sign in to continue (your session may have expired).',
    },
  },
  csrf: {
    code: 'console.csrf',
    status: 403,
    title: {
      fr: "Ce formulaire n'a pas été envoyé depuis la console : rien n'a été fait. Rechargez la page et recommencez.",
      en: 'This form was not sent from the console: nothing was done. Reload the page and try again.',
    },
  },
  unknownProvider: {
    code: 'console.unknown_identity_provider',
    status: 404,
    title: {
      fr: "Aucun fournisseur d'identité n'est configuré pour cet organisme.",
      en: 'No identity provider is configured for this agency.',
    },
  },
  signInFailed: {
    code: 'console.sign_in_failed',
    status: 401,
    title: {
      fr: "La connexion n'a pas abouti. Recommencez depuis la page de connexion.",
      en: 'Sign-in did not complete. Start again from the sign-in page.',
    },
  },
  noRole: {
    code: 'console.no_role',
    status: 403,
    title: {
      fr: "Votre compte ne donne aucun rôle dans Filet. Demandez-le à l'administrateur de votre organisme.",
      en: "Your account grants no role in Filet. Ask your agency's administrator.",
    },
  },
  subjectUnusable: {
    code: 'console.subject_unusable',
    status: 403,
    title: {
      fr: "Votre fournisseur d'identité envoie un identifiant que Filet ne peut pas garder (il faut un identifiant opaque, pas un nom ni une adresse). Demandez-le à l'administrateur de votre organisme.",
      en: "Your identity provider sends an identifier Filet cannot keep (it must be an opaque id, not a name or an address). Ask your agency's administrator.",
    },
  },
  wrongAgency: {
    code: 'console.wrong_agency',
    status: 403,
    title: {
      fr: "Ce compte n'appartient pas à l'organisme choisi.",
      en: 'This account does not belong to the agency chosen.',
    },
  },
  crossSite: {
    code: 'console.cross_site',
    status: 403,
    title: {
      fr: "Vous arrivez d'un autre site : par précaution, rien n'a été lu ni inscrit au journal. Suivez le lien ci-dessous pour continuer.",
      en: 'You came from another site: as a precaution, nothing was read or recorded. Follow the link below to continue.',
    },
  },
  providerUnavailable: {
    code: 'console.identity_provider_unavailable',
    status: 503,
    title: {
      fr: "Le fournisseur d'identité de votre organisme ne répond pas. Réessayez dans un moment.",
      en: "Your agency's identity provider is not answering. Try again in a moment.",
    },
  },
});
