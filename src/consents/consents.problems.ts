import { defineProblems } from '../common/errors/domain-error.js';

export const ConsentProblems = defineProblems({
  notFound: {
    code: 'consent.not_found',
    status: 404,
    title: { fr: 'Consentement introuvable.', en: 'Consent not found.' },
  },
  noRecipient: {
    code: 'consent.no_recipient',
    status: 400,
    title: {
      fr: 'Un consentement nomme ses destinataires : des organismes, des secteurs, ou les deux.',
      en: 'A consent names its recipients: agencies, sectors, or both.',
    },
  },
  unknownAgency: {
    code: 'consent.unknown_agency',
    status: 400,
    title: {
      fr: 'Un organisme destinataire n’existe pas dans le répertoire.',
      en: 'A recipient agency is not in the directory.',
    },
  },
  unknownCategory: {
    code: 'consent.unknown_category',
    status: 400,
    title: {
      fr: 'Une catégorie de renseignements n’existe pas dans la taxonomie en vigueur.',
      en: 'An information category is not in the taxonomy in force.',
    },
  },
  invalidPeriod: {
    code: 'consent.invalid_period',
    status: 400,
    title: {
      fr: 'La période est invalide : la fin doit suivre le début et ne pas être déjà passée.',
      en: 'Invalid period: the end must follow the start and not be already past.',
    },
  },
  capacityMismatch: {
    code: 'consent.capacity_mismatch',
    status: 409,
    title: {
      fr: 'La note de capacité ne concorde pas avec la personne : une personne inapte consent par son représentant, une personne mineure selon les notes « minor_* ».',
      en: 'The capacity note does not match the person: a person lacking capacity consents through a representative, a minor under the "minor_*" notes.',
    },
  },
  alreadyWithdrawn: {
    code: 'consent.already_withdrawn',
    status: 409,
    title: { fr: 'Ce consentement est déjà retiré.', en: 'This consent is already withdrawn.' },
  },
  expired: {
    code: 'consent.expired',
    status: 409,
    title: {
      fr: 'Ce consentement est expiré : il ne fonde déjà plus aucune communication.',
      en: 'This consent has expired: it already supports no disclosure.',
    },
  },
});
