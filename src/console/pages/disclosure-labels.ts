import type { HoldReason } from '../../audit/audit.entities.js';
import type { Language, Localized } from '../../common/i18n/language.js';
import type { PolicyBundle } from '../../policy/bundle.types.js';
import type { Basis, Purpose } from '../../policy/facts.js';
import { pick } from './page-kit.js';

/**
 * The console's words for the codes of a disclosure and of the log: bases, purposes, outcomes,
 * verdicts, hold reasons, log actions, and the reason codes of a release (from the policy bundle
 * where it has a description). A code without a label is shown as the code itself.
 *
 * Some codes are worded differently from one page to another (the register's sentences, the audit
 * log's terms, the reviews' capitalised labels shown beside their code): each wording is kept here,
 * beside the others, and entries worded alike are written once.
 */

// ---------------------------------------------------------------------------------------------
// Bases
// ---------------------------------------------------------------------------------------------

/** The register of communications and the subject access report. */
export const BASIS_LABELS: Readonly<Record<Basis, Localized>> = {
  consent: { fr: 'consentement de la personne', en: "the person's consent" },
  life_safety: {
    fr: 'exception pour protéger la vie ou la sécurité',
    en: 'exception to protect life or safety',
  },
  legal_obligation: { fr: 'obligation prévue par la loi', en: 'duty imposed by law' },
};

/** The audit log's pages: request bases, and those the engine applies to one item. */
export const LOG_BASIS_LABELS: Readonly<Record<string, Localized>> = {
  consent: { fr: 'consentement', en: 'consent' },
  life_safety: { fr: 'exception de vie ou de sécurité', en: 'life or safety exception' },
  legal_obligation: { fr: 'obligation légale', en: 'legal obligation' },
  // Bases the engine applies to one item under another request basis.
  perpetrator_protection: {
    fr: 'protection de la victime (renseignements sur la personne qui pose le risque)',
    en: 'protection of the victim (information about the person posing the risk)',
  },
  child_protection: { fr: 'protection de l’enfant', en: 'child protection' },
};

/** Reviews and held notices (shown beside the code). */
export const REVIEW_BASIS_LABELS: Readonly<Record<string, Localized>> = {
  consent: { fr: 'Consentement', en: 'Consent' },
  life_safety: { fr: 'Exception de protection (vie ou sécurité)', en: 'Life or safety exception' },
  legal_obligation: { fr: 'Obligation légale', en: 'Legal obligation' },
};

/** The bases of one released item, in the register's reason codes. */
const RELEASE_BASES: Readonly<Record<string, Localized>> = {
  perpetrator_protection: {
    fr: 'protection des victimes : renseignements sur la personne qui pose le risque',
    en: 'protection of victims: information about the person posing the risk',
  },
  child_protection: {
    fr: "protection de l'enfant",
    en: 'child protection',
  },
};

// ---------------------------------------------------------------------------------------------
// Purposes
// ---------------------------------------------------------------------------------------------

/** The register of communications and the subject access report. */
export const PURPOSE_LABELS: Readonly<Record<Purpose, Localized>> = {
  risk_assessment: { fr: 'évaluation du risque', en: 'risk assessment' },
  safety_planning: { fr: 'plan de sécurité', en: 'safety planning' },
  risk_management: { fr: 'gestion du risque', en: 'risk management' },
  emergency: { fr: 'urgence', en: 'emergency' },
  judicial_proceedings: { fr: 'procédure judiciaire', en: 'judicial proceedings' },
};

/** The audit log's pages. */
export const LOG_PURPOSE_LABELS: Readonly<Record<string, Localized>> = {
  ...PURPOSE_LABELS,
  safety_planning: { fr: 'planification de la sécurité', en: 'safety planning' },
  judicial_proceedings: {
    fr: 'procédures judiciaires (mise en liberté, peine, libération conditionnelle)',
    en: 'judicial proceedings (bail, sentencing, parole)',
  },
};

/** Reviews and held notices (shown beside the code). */
export const REVIEW_PURPOSE_LABELS: Readonly<Record<string, Localized>> = {
  risk_assessment: { fr: 'Évaluation du risque', en: 'Risk assessment' },
  safety_planning: { fr: 'Plan de sécurité', en: 'Safety planning' },
  risk_management: { fr: 'Gestion du risque', en: 'Risk management' },
  emergency: { fr: 'Urgence', en: 'Emergency' },
  judicial_proceedings: { fr: 'Procédures judiciaires', en: 'Judicial proceedings' },
};

// ---------------------------------------------------------------------------------------------
// Outcomes and verdicts
// ---------------------------------------------------------------------------------------------

/** The audit log's pages: a record's outcome (a decision's, or an action's success or failure). */
export const LOG_OUTCOME_LABELS: Readonly<Record<string, Localized>> = {
  success: { fr: 'réussi', en: 'success' },
  failure: { fr: 'échec', en: 'failure' },
  permit: { fr: 'permise', en: 'permitted' },
  partial: { fr: 'partielle', en: 'partial' },
  deny: { fr: 'refusée', en: 'denied' },
  pending: { fr: 'en attente', en: 'pending' },
  dry_run: { fr: 'essai à blanc', en: 'dry run' },
};

/** A decision under review. */
export const REVIEW_DECISION_OUTCOME_LABELS: Readonly<Record<string, Localized>> = {
  permit: { fr: 'Communiquée', en: 'Disclosed' },
  partial: { fr: 'Communiquée en partie', en: 'Partly disclosed' },
  deny: { fr: 'Refusée', en: 'Refused' },
  pending: { fr: 'En attente du détenteur', en: 'Awaiting the holder' },
};

/** A decision and its replay, side by side. */
export const REPLAY_OUTCOME_LABELS: Readonly<Record<string, Localized>> = {
  permit: { fr: 'communiqué', en: 'released' },
  partial: { fr: 'communiqué en partie', en: 'partly released' },
  deny: { fr: 'refusé', en: 'refused' },
  pending: { fr: 'en attente d’approbation', en: 'awaiting approval' },
};

/** A rule's verdict in a decision's trace (the audit log's record page, replay). */
export const VERDICT_LABELS: Readonly<Record<'pass' | 'fail' | 'not_applicable', Localized>> = {
  pass: { fr: 'respectée', en: 'pass' },
  fail: { fr: 'non respectée', en: 'fail' },
  not_applicable: { fr: 'sans objet', en: 'not applicable' },
};

/** A rule's verdict in the trace of a decision under review. */
export const REVIEW_VERDICT_LABELS: Readonly<Record<string, Localized>> = {
  pass: { fr: 'satisfaite', en: 'pass' },
  fail: { fr: 'non satisfaite', en: 'fail' },
  not_applicable: { fr: 'sans objet', en: 'not applicable' },
};

// ---------------------------------------------------------------------------------------------
// Safety holds and the log's actions
// ---------------------------------------------------------------------------------------------

export const HOLD_REASON_LABELS: Readonly<Record<HoldReason, Localized>> = {
  shelter_location: {
    fr: "révélerait l'endroit où la personne est hébergée",
    en: 'would reveal where the person is sheltering',
  },
  investigation: {
    fr: 'nuirait à une enquête en cours',
    en: 'would harm an ongoing investigation',
  },
  safety_risk: {
    fr: "mettrait en danger la sécurité d'une personne",
    en: "would put someone's safety at risk",
  },
  court_order: {
    fr: "une ordonnance du tribunal l'interdit",
    en: 'a court order forbids it',
  },
};

export const ACTION_LABELS: Readonly<Record<string, Localized>> = {
  'disclosure.decide': { fr: 'Décision de communication', en: 'Disclosure decision' },
  'disclosure.release': { fr: 'Communication de renseignements', en: 'Release of information' },
  'disclosure.dry_run': { fr: 'Essai à blanc', en: 'Dry run' },
  'disclosure.approve': { fr: 'Approbation du détenteur', en: "Holder's approval" },
  'disclosure.refuse': { fr: 'Refus du détenteur', en: "Holder's refusal" },
  'decision.replay': { fr: 'Relecture d’une décision', en: 'Decision replay' },
  'audit.search': { fr: 'Recherche dans le journal', en: 'Log search' },
  'audit.read': { fr: 'Lecture d’un enregistrement', en: 'Record read' },
  'audit.proof': { fr: 'Preuve d’inclusion', en: 'Inclusion proof' },
  'audit.consistency': { fr: 'Preuve de cohérence', en: 'Consistency proof' },
  'audit.verify': { fr: 'Vérification du journal', en: 'Log verification' },
  'audit.export': { fr: 'Exportation du journal', en: 'Log export' },
  'audit.register': { fr: 'Lecture du registre', en: 'Register read' },
  'audit.subject_report': { fr: 'Rapport d’accès', en: 'Subject access report' },
  'audit.hold': { fr: 'Retenue pour sécurité', en: 'Safety hold' },
  'audit.hold.release': { fr: 'Levée d’une retenue', en: 'Hold released' },
  'audit.holds.list': { fr: 'Liste des retenues', en: 'Holds listed' },
  'audit.checkpoint.issue': { fr: 'Point de contrôle émis', en: 'Checkpoint issued' },
  'console.sign_in': { fr: 'Connexion à la console', en: 'Console sign-in' },
  'console.sign_out': { fr: 'Déconnexion de la console', en: 'Console sign-out' },
  'auth.forbidden': { fr: 'Accès refusé', en: 'Access refused' },
  'auth.failure': { fr: 'Authentification refusée', en: 'Authentication failed' },
  'case.refer': { fr: 'Signalement d’un dossier', en: 'Case referral' },
  'case.stage': { fr: 'Changement d’étape', en: 'Stage change' },
  'case.assign': { fr: 'Assignation d’un organisme', en: 'Agency assigned' },
  'case.person.add': { fr: 'Personne ajoutée', en: 'Person added' },
  'case.risk_assessment': { fr: 'Évaluation du risque', en: 'Risk assessment' },
  'consent.record': { fr: 'Consentement inscrit', en: 'Consent recorded' },
  'consent.withdraw': { fr: 'Consentement retiré', en: 'Consent withdrawn' },
  'item.contribute': { fr: 'Renseignement versé', en: 'Information contributed' },
  'review.open': { fr: 'Révision ouverte', en: 'Review opened' },
  'review.decide': { fr: 'Révision tranchée', en: 'Review decided' },
  'notice.hold': { fr: 'Avis retenu', en: 'Notice held' },
  'agreement.sign': { fr: 'Entente signée', en: 'Agreement signed' },
};

/** An entry of a table of words, never one inherited from Object (`constructor`, `toString`…). */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A code in words, or the code; no code is a dash. */
export function label(
  lang: Language,
  labels: Readonly<Record<string, Localized>>,
  code: string | null | undefined,
): string {
  return code ? pick(lang, labels, code) : '—';
}

/** A category's name in the policy's taxonomy, or its code. */
export function categoryLabel(lang: Language, bundle: PolicyBundle, code: string): string {
  return own(bundle.taxonomy.categories, code)?.label[lang] ?? code;
}

/**
 * A reason code in words: a release basis (`consent`, `life_safety:<test>`,
 * `legal_obligation:<duty>`, `perpetrator_protection`, `child_protection`) or a rule id.
 */
export function reasonLabel(
  lang: Language,
  bundle: PolicyBundle,
  code: string,
): string | undefined {
  const [head, detail] = code.split(':', 2);
  if (head === 'life_safety' && detail)
    return own(bundle.exceptions.tests, detail)?.description[lang];
  if (head === 'legal_obligation' && detail)
    return own(bundle.obligations, detail)?.description[lang];
  if (detail === undefined) {
    const words = own(BASIS_LABELS, head) ?? own(RELEASE_BASES, head);
    if (words) return words[lang];
  }
  return own(bundle.rules, code)?.description[lang];
}
