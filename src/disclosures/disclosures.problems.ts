import { defineProblems } from '../common/errors/domain-error.js';

export const DisclosureProblems = defineProblems({
  factsChanged: {
    code: 'disclosure.facts_changed',
    status: 409,
    title: {
      fr: 'Un consentement a changé pendant la décision (retrait) : rien n’a été communiqué; refaites la demande.',
      en: 'A consent changed while the request was decided (withdrawn): nothing was released; ask again.',
    },
  },
  caseNotFound: {
    code: 'disclosure.case_not_found',
    status: 404,
    title: { fr: 'Dossier introuvable.', en: 'Case not found.' },
  },
  personNotFound: {
    code: 'disclosure.person_not_found',
    status: 404,
    title: { fr: 'Personne introuvable dans ce dossier.', en: 'Person not found in this case.' },
  },
  unknownCategory: {
    code: 'disclosure.unknown_category',
    status: 400,
    title: {
      fr: 'Catégorie inconnue : voyez la taxonomie (GET /v1/policies).',
      en: 'Unknown category: see the taxonomy (GET /v1/policies).',
    },
  },
  unknownObligation: {
    code: 'disclosure.unknown_obligation',
    status: 400,
    title: {
      fr: 'Le fondement « obligation légale » exige une obligation nommée dans les politiques.',
      en: 'The legal_obligation basis needs an obligation named in the policies.',
    },
  },
  attestationIncomplete: {
    code: 'disclosure.attestation_incomplete',
    status: 422,
    title: {
      fr: 'L’exception de protection exige l’attestation de chaque critère.',
      en: 'The life/safety exception needs every criterion attested.',
    },
  },
  attestationNotExpected: {
    code: 'disclosure.attestation_not_expected',
    status: 400,
    title: {
      fr: 'Une attestation ne s’envoie qu’avec le fondement life_safety.',
      en: 'An attestation goes only with the life_safety basis.',
    },
  },
  decisionNotFound: {
    code: 'disclosure.decision_not_found',
    status: 404,
    title: { fr: 'Décision introuvable.', en: 'Decision not found.' },
  },
  approvalNotFound: {
    code: 'disclosure.approval_not_found',
    status: 404,
    title: {
      fr: 'Aucune approbation en attente de votre organisme pour cet élément.',
      en: 'No approval of your agency is pending for this item.',
    },
  },
});
