import { defineProblems } from './domain-error.js';

/** Problems that belong to no feature: transport, validation, availability. */
export const CommonProblems = defineProblems({
  invalidRequest: {
    code: 'request.invalid',
    status: 400,
    title: { fr: 'La requête est invalide.', en: 'The request is invalid.' },
  },
  malformedBody: {
    code: 'request.malformed_body',
    status: 400,
    title: {
      fr: "Le corps de la requête n'est pas un JSON valide.",
      en: 'The request body is not valid JSON.',
    },
  },
  bodyTooLarge: {
    code: 'request.body_too_large',
    status: 413,
    title: {
      fr: 'Le corps de la requête est trop volumineux.',
      en: 'The request body is too large.',
    },
  },
  unsupportedMediaType: {
    code: 'request.unsupported_media_type',
    status: 415,
    title: {
      fr: 'Type de contenu non pris en charge : envoyez application/json.',
      en: 'Unsupported content type: send application/json.',
    },
  },
  routeNotFound: {
    code: 'route.not_found',
    status: 404,
    title: { fr: "Cette ressource n'existe pas.", en: 'No such resource.' },
  },
  methodNotAllowed: {
    code: 'route.method_not_allowed',
    status: 405,
    title: {
      fr: 'Méthode non permise sur cette ressource.',
      en: 'Method not allowed on this resource.',
    },
  },
  unavailable: {
    code: 'service.unavailable',
    status: 503,
    title: {
      fr: 'Le service est momentanément indisponible; rien n’a été communiqué. Réessayez.',
      en: 'The service is temporarily unavailable; nothing was disclosed. Try again.',
    },
  },
  internal: {
    code: 'internal',
    status: 500,
    title: {
      fr: 'Erreur interne. Citez l’identifiant de requête au soutien.',
      en: 'Internal error. Quote the request id to support.',
    },
  },
  forbidden: {
    code: 'auth.forbidden',
    status: 403,
    title: {
      fr: 'Vos rôles ne permettent pas cette action.',
      en: 'Your roles do not allow this action.',
    },
  },
});
