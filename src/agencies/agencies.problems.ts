import { defineProblems } from '../common/errors/domain-error.js';

export const AgencyProblems = defineProblems({
  notFound: {
    code: 'agency.not_found',
    status: 404,
    title: { fr: 'Organisme introuvable.', en: 'Agency not found.' },
  },
  codeTaken: {
    code: 'agency.code_taken',
    status: 409,
    title: { fr: 'Ce code d’organisme est déjà pris.', en: 'This agency code is already taken.' },
  },
  keyExists: {
    code: 'agency.key_exists',
    status: 409,
    title: {
      fr: 'Cet organisme a déjà une clé sous ce « kid » (une clé révoquée garde son « kid »).',
      en: 'This agency already has a key under this "kid" (a revoked key keeps its "kid").',
    },
  },
  keyNotFound: {
    code: 'agency.key_not_found',
    status: 404,
    title: { fr: 'Clé introuvable.', en: 'Key not found.' },
  },
  keyAlreadyRevoked: {
    code: 'agency.key_already_revoked',
    status: 409,
    title: { fr: 'Cette clé est déjà révoquée.', en: 'This key is already revoked.' },
  },
  keyInvalid: {
    code: 'agency.key_invalid',
    status: 400,
    title: {
      fr: 'Clé refusée : fournissez une clé publique JWK EC P-256 (ES256) ou OKP Ed25519 (EdDSA), sans partie privée.',
      en: 'Key refused: provide a public JWK, EC P-256 (ES256) or OKP Ed25519 (EdDSA), with no private part.',
    },
  },
  duplicateKid: {
    code: 'agency.duplicate_kid',
    status: 400,
    title: {
      fr: 'Deux clés de la requête portent le même « kid ».',
      en: 'Two keys in the request share a "kid".',
    },
  },
  alreadyInStatus: {
    code: 'agency.status_unchanged',
    status: 409,
    title: {
      fr: 'L’organisme est déjà dans cet état.',
      en: 'The agency is already in this state.',
    },
  },
  emptyUpdate: {
    code: 'agency.empty_update',
    status: 400,
    title: { fr: 'Aucun champ à modifier.', en: 'Nothing to update.' },
  },
});
