import { defineProblems } from '../common/errors/domain-error.js';

export const AgreementProblems = defineProblems({
  notFound: {
    code: 'agreement.not_found',
    status: 404,
    title: { fr: 'Entente introuvable.', en: 'Agreement not found.' },
  },
  unknownAgency: {
    code: 'agreement.unknown_agency',
    status: 400,
    title: {
      fr: 'Une partie nommée n’est pas un organisme inscrit.',
      en: 'A named party is not a registered agency.',
    },
  },
  notAParty: {
    code: 'agreement.not_a_party',
    status: 403,
    title: {
      fr: 'Votre organisme n’est pas partie à cette version de l’entente.',
      en: 'Your agency is not a party to this version of the agreement.',
    },
  },
  invalidTerm: {
    code: 'agreement.invalid_term',
    status: 400,
    title: {
      fr: 'Durée invalide : la fin doit suivre le début et ne pas être déjà passée.',
      en: 'Invalid term: the end must follow the start and not be already past.',
    },
  },
  invalidFlow: {
    code: 'agreement.invalid_flow',
    status: 400,
    title: {
      fr: 'Flux invalide : chaque flux va d’une partie à une autre partie, une fois par sens.',
      en: 'Invalid flow: each flow runs from one party to another party, once per direction.',
    },
  },
  alreadySigned: {
    code: 'agreement.already_signed',
    status: 409,
    title: {
      fr: 'Votre organisme a déjà signé cette version.',
      en: 'Your agency has already signed this version.',
    },
  },
  noPendingVersion: {
    code: 'agreement.no_pending_version',
    status: 409,
    title: {
      fr: 'Aucune version de cette entente n’attend de signature.',
      en: 'No version of this agreement is awaiting signature.',
    },
  },
  staleVersion: {
    code: 'agreement.stale_version',
    status: 409,
    title: {
      fr: 'Cette version n’est plus celle qui attend les signatures; relisez l’entente.',
      en: 'This version is no longer the one awaiting signatures; read the agreement again.',
    },
  },
  notActive: {
    code: 'agreement.not_active',
    status: 409,
    title: {
      fr: 'Aucune version de cette entente n’est en vigueur.',
      en: 'No version of this agreement is in force.',
    },
  },
  terminated: {
    code: 'agreement.terminated',
    status: 409,
    title: {
      fr: 'Cette entente a pris fin; elle ne peut plus changer.',
      en: 'This agreement has been terminated; it can no longer change.',
    },
  },
});
