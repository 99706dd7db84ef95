import type { HoldReason } from '../../audit/audit.entities.js';
import type { Language, Localized } from '../../common/i18n/language.js';
import type { PolicyBundle } from '../../policy/bundle.types.js';
import type { Basis, Purpose } from '../../policy/facts.js';

/**
 * Words for the codes the register, the subject access report and the dashboard show: bases,
 * purposes, outcomes, hold reasons, and the reason codes of a release (from the policy bundle where
 * it has a description). A code without a label is shown as the code itself.
 */
export const BASIS_LABELS: Readonly<Record<Basis, Localized>> = {
  consent: { fr: 'consentement de la personne', en: "the person's consent" },
  life_safety: {
    fr: 'exception pour protéger la vie ou la sécurité',
    en: 'exception to protect life or safety',
  },
  legal_obligation: { fr: 'obligation prévue par la loi', en: 'duty imposed by law' },
};

export const PURPOSE_LABELS: Readonly<Record<Purpose, Localized>> = {
  risk_assessment: { fr: 'évaluation du risque', en: 'risk assessment' },
  safety_planning: { fr: 'plan de sécurité', en: 'safety planning' },
  risk_management: { fr: 'gestion du risque', en: 'risk management' },
  emergency: { fr: 'urgence', en: 'emergency' },
  judicial_proceedings: { fr: 'procédure judiciaire', en: 'judicial proceedings' },
};

export const OUTCOME_LABELS: Readonly<
  Record<'permit' | 'partial' | 'deny' | 'pending', Localized>
> = {
  permit: { fr: 'permise', en: 'permitted' },
  partial: { fr: 'partielle', en: 'partial' },
  deny: { fr: 'refusée', en: 'refused' },
  pending: { fr: "en attente d'approbation", en: 'awaiting approval' },
};

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

/** An entry of a table of words, never one inherited from Object (`constructor`, `toString`…). */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function label(
  lang: Language,
  labels: Readonly<Record<string, Localized>>,
  code: string | null | undefined,
): string {
  if (!code) return '—';
  return own(labels, code)?.[lang] ?? code;
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
