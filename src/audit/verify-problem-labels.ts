import type { Localized } from '../common/i18n/language.js';
import type { VerifyProblem } from './core/log-verifier.js';

/**
 * What the log verifier reports, in words, for the offline verifier (`npm run audit:verify`) and
 * the console's integrity page. Worded for an export: the log's expected size is its header's.
 */
export const VERIFY_PROBLEM_LABELS: Readonly<Record<VerifyProblem['code'], Localized>> = {
  'record.missing': { fr: 'enregistrement manquant', en: 'record missing' },
  'record.out_of_order': { fr: 'enregistrement hors séquence', en: 'record out of sequence' },
  'record.unreadable': {
    fr: 'enregistrement illisible ou non canonique',
    en: 'record unreadable or not canonical',
  },
  'record.seq_mismatch': { fr: 'numéro de séquence altéré', en: 'sequence number altered' },
  'record.hash_mismatch': { fr: 'empreinte de feuille altérée', en: 'leaf hash altered' },
  'checkpoint.bad_signature': {
    fr: 'signature de point de contrôle invalide',
    en: 'checkpoint signature invalid',
  },
  'checkpoint.wrong_log': {
    fr: 'point de contrôle d’un autre journal',
    en: 'checkpoint of another log',
  },
  'checkpoint.equivocation': {
    fr: 'deux points de contrôle signés de même taille et de racines différentes (journal bifurqué)',
    en: 'two signed checkpoints of one size with different roots (forked log)',
  },
  'checkpoint.root_mismatch': {
    fr: 'racine différente de la racine signée',
    en: 'root differs from the signed root',
  },
  'checkpoint.beyond_log': {
    fr: 'point de contrôle au-delà de la fin du journal (fin tronquée)',
    en: 'checkpoint beyond the end of the log (tail truncated)',
  },
  'receipt.bad_signature': { fr: 'signature de reçu invalide', en: 'receipt signature invalid' },
  'receipt.not_in_log': { fr: 'reçu absent du journal', en: 'receipt not in the log' },
  'log.size_mismatch': {
    fr: 'taille du journal différente de l’en-tête',
    en: 'log size differs from its header',
  },
};

/**
 * The server's verification (`AuditVerifyService`) in words: the verifier's problems, where the
 * expected size is the log's head rather than an export's header, plus its own check that a
 * record's search columns match the record.
 */
export const SERVER_VERIFY_PROBLEM_LABELS: Readonly<Record<string, Localized>> = {
  ...VERIFY_PROBLEM_LABELS,
  'record.columns_mismatch': {
    fr: 'colonnes de recherche différentes de l’enregistrement',
    en: 'search columns differ from the record',
  },
  'log.size_mismatch': {
    fr: 'taille du journal différente de sa tête',
    en: 'log size differs from its head',
  },
};
