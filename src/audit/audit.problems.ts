import { defineProblems } from '../common/errors/domain-error.js';

export const AuditProblems = defineProblems({
  unavailable: {
    code: 'audit.unavailable',
    status: 503,
    title: {
      fr: 'Le journal d’audit est indisponible : l’action n’a pas eu lieu et rien n’a été communiqué. Réessayez.',
      en: 'The audit log is unavailable: the action did not happen and nothing was disclosed. Try again.',
    },
  },
  /**
   * The action and its record committed, but the log could not place the record before the database
   * went away: the record is placed once it is back. A disclosure's content is never sent without
   * its receipt, so the requester received nothing and may ask again.
   */
  unsequenced: {
    code: 'audit.unsequenced',
    status: 503,
    title: {
      fr: 'Enregistré, mais le journal d’audit n’a pas pu le sceller : rien ne vous a été communiqué; il le sera au retour de la base. Réessayez.',
      en: 'Recorded, but the audit log could not seal it: nothing was disclosed to you; it will be sealed when the database is back. Try again.',
    },
  },
  recordNotFound: {
    code: 'audit.record_not_found',
    status: 404,
    title: { fr: 'Enregistrement d’audit introuvable.', en: 'Audit record not found.' },
  },
  badTreeSize: {
    code: 'audit.bad_tree_size',
    status: 400,
    title: {
      fr: 'Taille d’arbre invalide : elle doit couvrir l’enregistrement et ne pas dépasser la taille du journal.',
      en: 'Invalid tree size: it must cover the record and not exceed the size of the log.',
    },
  },
  noCheckpoint: {
    code: 'audit.no_checkpoint',
    status: 404,
    title: {
      fr: 'Aucun point de contrôle n’a encore été émis.',
      en: 'No checkpoint has been issued yet.',
    },
  },
  alreadyHeld: {
    code: 'audit.already_held',
    status: 409,
    title: {
      fr: 'Cette entrée fait déjà l’objet d’une retenue.',
      en: 'This entry is already on hold.',
    },
  },
  holdNotFound: {
    code: 'audit.hold_not_found',
    status: 404,
    title: { fr: 'Retenue introuvable ou déjà levée.', en: 'Hold not found or already released.' },
  },
});
