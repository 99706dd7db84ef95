import { defineProblems } from '../common/errors/domain-error.js';

export const CaseProblems = defineProblems({
  notFound: {
    code: 'case.not_found',
    status: 404,
    title: { fr: 'Dossier introuvable.', en: 'Case not found.' },
  },
  personNotFound: {
    code: 'case.person_not_found',
    status: 404,
    title: {
      fr: 'Cette personne n’est pas une personne concernée de ce dossier.',
      en: 'This person is not a person concerned by this case.',
    },
  },
  agencyNotFound: {
    code: 'case.agency_not_found',
    status: 404,
    title: { fr: 'Organisme introuvable.', en: 'Agency not found.' },
  },
  incidentInFuture: {
    code: 'case.incident_date_in_future',
    status: 400,
    title: {
      fr: 'La date de l’incident ne peut pas être dans le futur.',
      en: 'The incident date cannot be in the future.',
    },
  },
  assessmentShape: {
    code: 'case.assessment_shape',
    status: 400,
    title: {
      fr: 'Un outil prend un score, dans son échelle; un jugement professionnel prend des motifs écrits et un niveau demandé, sans score.',
      en: 'A tool takes a score, within its scale; a professional judgement takes written reasons and a requested level, no score.',
    },
  },
  closed: {
    code: 'case.closed',
    status: 409,
    title: {
      fr: 'Ce dossier est fermé : il ne change plus.',
      en: 'This case is closed: it no longer changes.',
    },
  },
  invalidTransition: {
    code: 'case.invalid_transition',
    status: 409,
    title: {
      fr: 'Ce changement d’étape n’est pas permis depuis l’étape actuelle du dossier.',
      en: 'This stage change is not allowed from the case’s current stage.',
    },
  },
  thresholdNotMet: {
    code: 'case.threshold_not_met',
    status: 409,
    title: {
      fr: 'Le seuil de risque élevé n’est pas atteint : aucun outil à son seuil et aucun jugement professionnel motivé.',
      en: 'The high-risk threshold is not met: no tool at its threshold and no reasoned professional judgement.',
    },
  },
  thresholdMet: {
    code: 'case.threshold_met',
    status: 409,
    title: {
      fr: 'Le seuil de risque élevé est atteint : le dossier ne peut pas être fermé pour seuil non atteint.',
      en: 'The high-risk threshold is met: the case cannot be closed as below threshold.',
    },
  },
  noAssignment: {
    code: 'case.no_assignment',
    status: 409,
    title: {
      fr: 'Assignez au moins un organisme avant d’activer le dossier.',
      en: 'Assign at least one agency before activating the case.',
    },
  },
  closeReasonRequired: {
    code: 'case.close_reason_required',
    status: 400,
    title: {
      fr: 'Une fermeture exige un motif (closeReason), et seule une fermeture en accepte un.',
      en: 'Closing requires a reason (closeReason), and only closing accepts one.',
    },
  },
  closeReasonStage: {
    code: 'case.close_reason_stage',
    status: 409,
    title: {
      fr: 'Le motif « seuil non atteint » ne vaut que pour un dossier encore dépersonnalisé.',
      en: 'The reason "threshold not met" only applies to a case still de-identified.',
    },
  },
  tooManyPersons: {
    code: 'case.too_many_persons',
    status: 409,
    title: {
      fr: 'Ce dossier compte déjà le nombre maximal de personnes concernées.',
      en: 'This case already has the maximum number of persons concerned.',
    },
  },
  alreadyAssigned: {
    code: 'case.already_assigned',
    status: 409,
    title: {
      fr: 'Cet organisme est déjà assigné à ce dossier.',
      en: 'This agency is already assigned to this case.',
    },
  },
  notAssigned: {
    code: 'case.not_assigned',
    status: 404,
    title: {
      fr: 'Cet organisme n’est pas assigné à ce dossier.',
      en: 'This agency is not assigned to this case.',
    },
  },
  lastAssignment: {
    code: 'case.last_assignment',
    status: 409,
    title: {
      fr: 'Un dossier actif garde au moins un organisme assigné.',
      en: 'An active case keeps at least one assigned agency.',
    },
  },
  otherAgencyUser: {
    code: 'case.other_agency_user',
    status: 403,
    title: {
      fr: 'Seul un coordonnateur peut assigner un utilisateur d’un autre organisme.',
      en: 'Only a coordinator may assign a user of another agency.',
    },
  },
  agencyNotParty: {
    code: 'case.agency_not_party',
    status: 409,
    title: {
      fr: 'Cet organisme n’a pas de rôle dans ce dossier : assignez-le d’abord.',
      en: 'This agency has no part in this case: assign it first.',
    },
  },
  userAlreadyAssigned: {
    code: 'case.user_already_assigned',
    status: 409,
    title: {
      fr: 'Cet utilisateur est déjà assigné à ce côté du dossier.',
      en: 'This user is already assigned to this side of the case.',
    },
  },
  userSideConflict: {
    code: 'case.user_side_conflict',
    status: 409,
    title: {
      fr: 'Cet utilisateur travaille déjà de l’autre côté de ce dossier : un même intervenant ne travaille jamais avec la victime et l’auteur.',
      en: 'This user already works on the other side of this case: the same worker never works with both victim and perpetrator.',
    },
  },
});
