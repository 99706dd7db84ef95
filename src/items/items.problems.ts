import { defineProblems } from '../common/errors/domain-error.js';

export const ItemProblems = defineProblems({
  notFound: {
    code: 'item.not_found',
    status: 404,
    title: { fr: 'Renseignement introuvable.', en: 'Information item not found.' },
  },
  unknownCategory: {
    code: 'item.unknown_category',
    status: 400,
    title: {
      fr: 'Cette catégorie de renseignements n’existe pas dans la taxonomie en vigueur.',
      en: 'This information category is not in the taxonomy in force.',
    },
  },
  invalidFields: {
    code: 'item.invalid_fields',
    status: 400,
    title: {
      fr: 'Des champs ne respectent pas la définition de la catégorie dans la taxonomie.',
      en: 'Some fields do not match the category’s definition in the taxonomy.',
    },
  },
  exclusionReason: {
    code: 'item.exclusion_reason',
    status: 400,
    title: {
      fr: 'Un renseignement exclu exige un motif d’exclusion, et seul un renseignement exclu en porte un.',
      en: 'An excluded item requires an exclusion reason, and only an excluded item carries one.',
    },
  },
  retainUntilPast: {
    code: 'item.retain_until_past',
    status: 400,
    title: {
      fr: 'La date de conservation doit être dans le futur.',
      en: 'The retention date must be in the future.',
    },
  },
  identifyingBeforeConfirmation: {
    code: 'item.identifying_before_confirmation',
    status: 409,
    title: {
      fr: 'Un dossier dépersonnalisé ne contient que des facteurs de risque : aucun renseignement identifiant avant la confirmation du risque élevé.',
      en: 'A de-identified case holds risk factors only: no identifying information before high risk is confirmed.',
    },
  },
  purged: {
    code: 'item.purged',
    status: 409,
    title: {
      fr: 'Le contenu de ce renseignement a été supprimé à la fin de sa période de conservation : il ne peut plus être corrigé.',
      en: 'This item’s content was purged at the end of its retention period: it can no longer be corrected.',
    },
  },
  emptyCorrection: {
    code: 'item.empty_correction',
    status: 400,
    title: { fr: 'Aucun champ à corriger.', en: 'Nothing to correct.' },
  },
});
