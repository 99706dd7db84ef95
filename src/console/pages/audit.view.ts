import type { AgencyDirectoryEntryDto } from '../../agencies/dto/agency-view.dto.js';
import type { RecordSearch, RecordView } from '../../audit/audit-views.service.js';
import { AUDIT_OUTCOMES } from '../../audit/audit.types.js';
import { BASES } from '../../audit/dto/audit-query.dto.js';
import type { Language } from '../../common/i18n/language.js';
import type { PolicyBundle } from '../../policy/bundle.types.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { defineMessages, formatDateTime, formatNumber } from '../i18n.js';
import type { View } from '../layout.js';
import {
  ACTION_LABELS,
  LOG_BASIS_LABELS,
  LOG_OUTCOME_LABELS,
  LOG_PURPOSE_LABELS,
  VERDICT_LABELS,
} from './disclosure-labels.js';
import { badge, pick, query } from './page-kit.js';

/** A record's outcome as a pill, in the audit log's words. */
export function outcomeBadge(lang: Language, outcome: string): SafeHtml {
  return badge(outcome, pick(lang, LOG_OUTCOME_LABELS, outcome));
}

// ---------------------------------------------------------------------------------------------
// The agency directory: names, never ids alone, wherever a person reads.
// ---------------------------------------------------------------------------------------------

export type Directory = ReadonlyMap<string, AgencyDirectoryEntryDto>;

export function directoryOf(entries: readonly AgencyDirectoryEntryDto[]): Directory {
  return new Map(entries.map((e) => [e.id.toLowerCase(), e]));
}

export function agencyName(lang: Language, directory: Directory, id: unknown): HtmlValue {
  if (typeof id !== 'string' || !id) return '—';
  const entry = directory.get(id.toLowerCase());
  return entry ? entry.names[lang] : html`<code>${id}</code>`;
}

// ---------------------------------------------------------------------------------------------
// The search page.
// ---------------------------------------------------------------------------------------------

const t = defineMessages({
  filters: { fr: 'Critères de recherche', en: 'Search criteria' },
  agency: { fr: 'Organisme partie', en: 'Agency party to it' },
  anyAgency: { fr: 'Tous les organismes', en: 'Any agency' },
  case: { fr: 'Dossier (identifiant)', en: 'Case (id)' },
  person: { fr: 'Personne (identifiant)', en: 'Person (id)' },
  basis: { fr: 'Fondement', en: 'Basis' },
  anyBasis: { fr: 'Tous les fondements', en: 'Any basis' },
  outcome: { fr: 'Résultat', en: 'Outcome' },
  anyOutcome: { fr: 'Tous les résultats', en: 'Any outcome' },
  action: { fr: 'Action (code)', en: 'Action (code)' },
  actionHint: { fr: 'Par exemple disclosure.release', en: 'For example disclosure.release' },
  from: { fr: 'Du', en: 'From' },
  to: { fr: 'Au', en: 'To' },
  periodHint: {
    fr: 'Une date (AAAA-MM-JJ, la journée entière) ou une date et une heure (AAAA-MM-JJTHH:MM), à l’heure de la table.',
    en: 'A date (YYYY-MM-DD, the whole day) or a date and time (YYYY-MM-DDTHH:MM), in the table’s time.',
  },
  search: { fr: 'Rechercher', en: 'Search' },
  clear: { fr: 'Effacer les critères', en: 'Clear the criteria' },
  results: {
    fr: 'Enregistrements, du plus récent au plus ancien',
    en: 'Records, newest first',
  },
  seq: { fr: 'N°', en: 'No.' },
  time: { fr: 'Moment', en: 'Time' },
  agencies: { fr: 'Détenteur → destinataire', en: 'Holder → recipient' },
  actor: { fr: 'par', en: 'by' },
  none: {
    fr: 'Aucun enregistrement ne correspond à ces critères.',
    en: 'No record matches these criteria.',
  },
  pager: { fr: 'Pages de résultats', en: 'Result pages' },
  newest: { fr: 'Les plus récents', en: 'Newest' },
  older: { fr: 'Enregistrements plus anciens', en: 'Older records' },
  open: { fr: 'Ouvrir l’enregistrement {seq}', en: 'Open record {seq}' },
  intro: {
    fr: 'Chaque enregistrement est scellé dans le journal inviolable. Votre recherche est elle-même inscrite au journal.',
    en: 'Every record is sealed in the tamper-evident log. Your search is itself recorded.',
  },
});

/** The search's filters as typed (periods in the table's time zone; no limit: the default). */
export type SearchForm = Omit<RecordSearch, 'before' | 'limit'> & { readonly limit?: number };

interface Leaf {
  action?: string;
  outcome?: string;
  basis?: string;
  actor?: { agencyId?: string | null };
  targets?: { holderAgencyId?: string; recipientAgencyId?: string; caseId?: string };
}

function option(value: string, label: string, selected: string | undefined): SafeHtml {
  return html`<option value="${value}" ${value === (selected ?? '') ? html`selected` : ''}>
    ${label}
  </option>`;
}

export function actionLabel(lang: Language, action: string | undefined): HtmlValue {
  if (!action) return '—';
  const label = ACTION_LABELS[action];
  return label ? html`${label[lang]} <code>${action}</code>` : html`<code>${action}</code>`;
}

function partiesCell(lang: Language, directory: Directory, leaf: Leaf): HtmlValue {
  const holder = leaf.targets?.holderAgencyId;
  const recipient = leaf.targets?.recipientAgencyId;
  if (holder || recipient) {
    return html`${agencyName(lang, directory, holder)} →
    ${agencyName(lang, directory, recipient)}`;
  }
  return leaf.actor?.agencyId
    ? html`${t(lang, 'actor')} ${agencyName(lang, directory, leaf.actor.agencyId)}`
    : '—';
}

export function searchPage(
  v: View,
  form: SearchForm,
  directory: Directory,
  result: { items: readonly RecordView[]; next: number | null },
  paged: boolean,
): SafeHtml {
  const lang = v.lang;
  const agencies = [...directory.values()].sort((a, b) =>
    a.names[lang].localeCompare(b.names[lang], lang),
  );
  const filters = {
    agencyId: form.agencyId,
    caseId: form.caseId,
    personId: form.personId,
    basis: form.basis,
    outcome: form.outcome,
    action: form.action,
    from: form.from,
    to: form.to,
    limit: form.limit,
  };
  const rows = result.items.map((item) => {
    const leaf = item.record as Leaf;
    const caseId = leaf.targets?.caseId;
    return html`<tr>
      <td class="num">
        <a
          href="/console/audit/records/${item.seq}"
          aria-label="${t(lang, 'open', { seq: item.seq })}"
          >${item.seq}</a
        >
      </td>
      <td>${formatDateTime(v, item.recordedAt)}</td>
      <td>${actionLabel(lang, leaf.action)}</td>
      <td>${leaf.outcome ? outcomeBadge(lang, leaf.outcome) : '—'}</td>
      <td>${leaf.basis ? pick(lang, LOG_BASIS_LABELS, leaf.basis) : '—'}</td>
      <td>${partiesCell(lang, directory, leaf)}</td>
      <td>
        ${
          caseId
            ? html`<a href="/console/audit${query({ caseId })}"><code>${caseId}</code></a>`
            : '—'
        }
      </td>
    </tr>`;
  });
  return html`<p>${t(lang, 'intro')}</p>
    <form method="get" action="/console/audit" class="filters" aria-label="${t(lang, 'filters')}">
      <div class="field">
        <label for="f-agency">${t(lang, 'agency')}</label>
        <select id="f-agency" name="agencyId">
          ${option('', t(lang, 'anyAgency'), form.agencyId)}
          ${agencies.map((a) => option(a.id, a.names[lang], form.agencyId?.toLowerCase()))}
        </select>
      </div>
      <div class="field">
        <label for="f-case">${t(lang, 'case')}</label>
        <input id="f-case" name="caseId" value="${form.caseId ?? ''}" size="38" />
      </div>
      <div class="field">
        <label for="f-person">${t(lang, 'person')}</label>
        <input id="f-person" name="personId" value="${form.personId ?? ''}" size="38" />
      </div>
      <div class="field">
        <label for="f-basis">${t(lang, 'basis')}</label>
        <select id="f-basis" name="basis">
          ${option('', t(lang, 'anyBasis'), form.basis)}
          ${BASES.map((b) => option(b, pick(lang, LOG_BASIS_LABELS, b), form.basis))}
        </select>
      </div>
      <div class="field">
        <label for="f-outcome">${t(lang, 'outcome')}</label>
        <select id="f-outcome" name="outcome">
          ${option('', t(lang, 'anyOutcome'), form.outcome)}
          ${AUDIT_OUTCOMES.map((o) => option(o, pick(lang, LOG_OUTCOME_LABELS, o), form.outcome))}
        </select>
      </div>
      <div class="field">
        <label for="f-action">${t(lang, 'action')}</label>
        <input
          id="f-action"
          name="action"
          value="${form.action ?? ''}"
          aria-describedby="f-action-hint"
        />
        <small id="f-action-hint">${t(lang, 'actionHint')}</small>
      </div>
      <div class="field">
        <label for="f-from">${t(lang, 'from')}</label>
        <input id="f-from" name="from" value="${form.from ?? ''}" aria-describedby="f-period-hint" />
      </div>
      <div class="field">
        <label for="f-to">${t(lang, 'to')}</label>
        <input id="f-to" name="to" value="${form.to ?? ''}" aria-describedby="f-period-hint" />
      </div>
      <p id="f-period-hint"><small>${t(lang, 'periodHint')}</small></p>
      <div class="field">
        <button type="submit">${t(lang, 'search')}</button>
      </div>
      <a href="/console/audit">${t(lang, 'clear')}</a>
    </form>
    ${
      result.items.length === 0
        ? html`<p role="status">${t(lang, 'none')}</p>`
        : html`<table>
          <caption>
            ${t(lang, 'results')}
          </caption>
          <thead>
            <tr>
              <th scope="col" class="num">${t(lang, 'seq')}</th>
              <th scope="col">${t(lang, 'time')}</th>
              <th scope="col">${t(lang, 'action')}</th>
              <th scope="col">${t(lang, 'outcome')}</th>
              <th scope="col">${t(lang, 'basis')}</th>
              <th scope="col">${t(lang, 'agencies')}</th>
              <th scope="col">${t(lang, 'case')}</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>`
    }
    ${
      paged || result.next !== null
        ? html`<nav class="pager" aria-label="${t(lang, 'pager')}">
          ${paged ? html`<a href="/console/audit${query(filters)}">${t(lang, 'newest')}</a>` : ''}
          ${
            result.next !== null
              ? html`<a href="/console/audit${query({ ...filters, before: result.next })}"
                >${t(lang, 'older')}</a
              >`
              : ''
          }
        </nav>`
        : ''
    }`;
}

// ---------------------------------------------------------------------------------------------
// The record page: the record, the decision explained, the receipt, the inclusion proof.
// ---------------------------------------------------------------------------------------------

const d = defineMessages({
  record: { fr: 'L’enregistrement', en: 'The record' },
  seq: { fr: 'Numéro de séquence', en: 'Sequence number' },
  recordedAt: { fr: 'Inscrit le', en: 'Recorded at' },
  action: { fr: 'Action', en: 'Action' },
  outcome: { fr: 'Résultat', en: 'Outcome' },
  actor: { fr: 'Auteur', en: 'Actor' },
  actorSubject: { fr: 'personne (identifiant)', en: 'person (id)' },
  parties: { fr: 'Organismes parties', en: 'Agencies party to it' },
  basis: { fr: 'Fondement', en: 'Basis' },
  purpose: { fr: 'Fin', en: 'Purpose' },
  categories: { fr: 'Catégories', en: 'Categories' },
  holder: { fr: 'Détenteur', en: 'Holder' },
  recipient: { fr: 'Destinataire', en: 'Recipient' },
  case: { fr: 'Dossier', en: 'Case' },
  persons: { fr: 'Personnes (identifiants)', en: 'Persons (ids)' },
  decision: { fr: 'Décision', en: 'Decision' },
  reasons: { fr: 'Codes de motif', en: 'Reason codes' },
  bundle: { fr: 'Paquet de politiques', en: 'Policy bundle' },
  agreement: { fr: 'Ententes (version)', en: 'Agreements (version)' },
  consents: { fr: 'Consentements (version)', en: 'Consents (version)' },
  payload: { fr: 'Empreinte du contenu communiqué', en: 'Hash of the released content' },
  leafJson: {
    fr: 'L’enregistrement tel qu’il est scellé (JSON canonique)',
    en: 'The record as sealed (canonical JSON)',
  },
  leafHashOk: {
    fr: 'Le contenu ci-dessus donne bien l’empreinte de feuille inscrite.',
    en: 'The content above does hash to the recorded leaf hash.',
  },
  leafHashBad: {
    fr: 'Le contenu ci-dessus ne donne PAS l’empreinte de feuille inscrite.',
    en: 'The content above does NOT hash to the recorded leaf hash.',
  },
  // The decision explained.
  explained: { fr: 'La décision expliquée', en: 'The decision explained' },
  hidden: {
    fr: 'Cette décision n’est pas visible pour votre organisme.',
    en: 'This decision is not visible to your agency.',
  },
  outcome_permit: {
    fr: 'Communication permise : tout ce qui a été trouvé a été communiqué.',
    en: 'Disclosure permitted: everything found was released.',
  },
  outcome_partial: {
    fr: 'Communication partielle : une partie a été communiquée, le reste retenu (voir ci-dessous).',
    en: 'Partial disclosure: some was released, the rest withheld (see below).',
  },
  outcome_deny: {
    fr: 'Communication refusée : rien n’a été communiqué.',
    en: 'Disclosure denied: nothing was released.',
  },
  outcome_pending: {
    fr: 'En attente : le détenteur doit approuver avant toute communication.',
    en: 'Pending: the holder must approve before anything is released.',
  },
  basisSentence: { fr: 'Fondement invoqué : {basis}.', en: 'Basis claimed: {basis}.' },
  purposeSentence: { fr: 'Fin poursuivie : {purpose}.', en: 'Purpose: {purpose}.' },
  requester: { fr: 'Organisme demandeur', en: 'Requesting agency' },
  requesterSubject: { fr: 'Demandé par (identifiant)', en: 'Asked by (id)' },
  holders: { fr: 'Organismes détenteurs', en: 'Holding agencies' },
  decidedAt: { fr: 'Décidée le', en: 'Decided at' },
  bundleThen: {
    fr: 'Paquet de politiques en vigueur à ce moment',
    en: 'Policy bundle in force at the time',
  },
  bundleMissing: {
    fr: 'Ce paquet n’est plus disponible : les règles sont nommées par leur code seulement.',
    en: 'This bundle is no longer available: rules are named by their code only.',
  },
  ownPart: {
    fr: 'Votre organisme est détenteur : seule sa part de la décision est montrée.',
    en: 'Your agency is a holder: only its part of the decision is shown.',
  },
  dryRun: {
    fr: 'Essai à blanc : rien n’a été communiqué.',
    en: 'Dry run: nothing was released.',
  },
  released: { fr: 'Ce qui a été communiqué', en: 'What was released' },
  releasedCaption: {
    fr: 'Renseignements communiqués, avec les champs retenus et pourquoi',
    en: 'Information released, with the fields withheld and why',
  },
  nothingReleased: { fr: 'Rien n’a été communiqué.', en: 'Nothing was released.' },
  category: { fr: 'Catégorie', en: 'Category' },
  fieldsReleased: { fr: 'Champs communiqués', en: 'Fields released' },
  fieldsWithheld: { fr: 'Champs retenus et pourquoi', en: 'Fields withheld and why' },
  releasedBasis: { fr: 'Fondement appliqué', en: 'Basis applied' },
  item: { fr: 'Renseignement', en: 'Item' },
  withheld: { fr: 'Ce qui a été retenu et pourquoi', en: 'What was withheld and why' },
  nothingWithheld: { fr: 'Rien n’a été retenu.', en: 'Nothing was withheld.' },
  withheldItems: {
    fr: 'Renseignements retenus, un par un (trace)',
    en: 'Items withheld, one by one (trace)',
  },
  pending: {
    fr: 'En attente de l’approbation du détenteur',
    en: "Waiting for the holder's approval",
  },
  reliedOn: { fr: 'Ce sur quoi la décision s’appuie', en: 'What the decision relied on' },
  consentVersions: { fr: 'Consentements (identifiant@version)', en: 'Consents (id@version)' },
  agreementVersions: { fr: 'Ententes (identifiant@version)', en: 'Agreements (id@version)' },
  noneUsed: { fr: 'aucun', en: 'none' },
  obligation: { fr: 'Obligation légale invoquée', en: 'Legal duty invoked' },
  attestation: { fr: 'L’attestation de l’exception', en: 'The exception attestation' },
  attestationCaption: {
    fr: 'Critères attestés par le demandeur',
    en: 'Criteria attested by the requester',
  },
  criterion: { fr: 'Critère', en: 'Criterion' },
  attested: { fr: 'Attesté', en: 'Attested' },
  yes: { fr: 'oui', en: 'yes' },
  no: { fr: 'non', en: 'no' },
  attestedBy: { fr: 'Attesté par (identifiant)', en: 'Attested by (id)' },
  attestedAt: { fr: 'Attesté le', en: 'Attested at' },
  tests: { fr: 'Test du régime du détenteur', en: "The holder regime's test" },
  noAttestation: {
    fr: 'Aucune attestation n’est jointe à cette décision.',
    en: 'No attestation is attached to this decision.',
  },
  rules: { fr: 'Les règles appliquées et leur verdict', en: 'The rules applied and their verdict' },
  rulesCaption: {
    fr: 'Trace de la décision : chaque règle évaluée',
    en: 'Decision trace: every rule evaluated',
  },
  rule: { fr: 'Règle', en: 'Rule' },
  requires: { fr: 'Ce que la règle exige', en: 'What the rule requires' },
  citation: { fr: 'Source', en: 'Source' },
  scope: { fr: 'Portée', en: 'Scope' },
  verdict: { fr: 'Verdict', en: 'Verdict' },
  scope_request: { fr: 'la demande', en: 'the request' },
  noTrace: {
    fr: 'La trace complète est réservée aux responsables de la protection des renseignements et aux juristes de l’organisme coordonnateur.',
    en: "The full trace is for the coordinating agency's privacy officers and legal reviewers.",
  },
  obligations: { fr: 'Obligations et suites', en: 'Obligations and follow-up' },
  noRedisclosure: {
    fr: 'Le destinataire ne peut pas communiquer ces renseignements à son tour.',
    en: 'The recipient may not disclose this information onward.',
  },
  retainUntil: {
    fr: 'À conserver au plus tard jusqu’au {date}.',
    en: 'To be kept until {date} at most.',
  },
  notifyOnChange: {
    fr: 'Le destinataire est avisé de tout changement.',
    en: 'The recipient is told of any change.',
  },
  review: {
    fr: 'Une révision juridique est requise ({reasons}).',
    en: 'A legal review is required ({reasons}).',
  },
  // Receipt and proof.
  receipt: { fr: 'Le reçu', en: 'The receipt' },
  receiptIntro: {
    fr: 'Le reçu signé par Filet atteste la place de l’enregistrement dans le journal ; toute partie peut le vérifier avec les clés publiques de Filet.',
    en: "Filet's signed receipt attests the record's place in the log; anyone can check it with Filet's public keys.",
  },
  leafHash: { fr: 'Empreinte de feuille (SHA-256, base64)', en: 'Leaf hash (SHA-256, base64)' },
  signedReceipt: { fr: 'Reçu signé (JWS)', en: 'Signed receipt (JWS)' },
  copy: { fr: 'Copier le reçu', en: 'Copy the receipt' },
  proof: { fr: 'Preuve d’inclusion', en: 'Inclusion proof' },
  proofIntro: {
    fr: 'Filet calcule la preuve que cet enregistrement figure dans l’arbre du dernier point de contrôle signé, recalcule la racine à partir de l’empreinte de feuille et du chemin, et vérifie la signature du point de contrôle avec ses clés publiées.',
    en: 'Filet computes the proof that this record is in the tree of the latest signed checkpoint, recomputes the root from the leaf hash and the audit path, and checks the checkpoint signature with its published keys.',
  },
  check: { fr: 'Vérifier l’inclusion', en: 'Check inclusion' },
  verified: {
    fr: 'Vérifié : l’enregistrement est inclus dans le journal signé.',
    en: 'Verified: the record is included in the signed log.',
  },
  treeSize: { fr: 'Taille de l’arbre', en: 'Tree size' },
  rootHash: { fr: 'Racine (base64)', en: 'Root hash (base64)' },
  checkpointAt: { fr: 'Point de contrôle émis le', en: 'Checkpoint issued at' },
  keyId: { fr: 'Clé de signature', en: 'Signing key' },
  pathLength: { fr: 'Longueur du chemin', en: 'Path length' },
  uncovered: {
    fr: 'Pas encore couvert : aucun point de contrôle signé n’inclut encore cet enregistrement.',
    en: 'Not yet covered: no signed checkpoint includes this record yet.',
  },
  issueHint: {
    fr: 'Émettez un point de contrôle sur la page Intégrité, puis vérifiez de nouveau.',
    en: 'Issue a checkpoint on the Log integrity page, then check again.',
  },
  integrityLink: { fr: 'Page Intégrité', en: 'Log integrity page' },
  failed: { fr: 'Échec de la vérification : {why}.', en: 'Verification failed: {why}.' },
  fail_leaf: {
    fr: 'l’empreinte de la preuve n’est pas celle de l’enregistrement',
    en: 'the proof’s leaf hash is not the record’s',
  },
  fail_path: {
    fr: 'la racine recalculée ne correspond pas à la racine signée',
    en: 'the recomputed root does not match the signed root',
  },
  fail_signature: {
    fr: 'la signature du point de contrôle ne se vérifie pas avec les clés publiées',
    en: 'the checkpoint signature does not verify with the published keys',
  },
  fail_claims: {
    fr: 'le point de contrôle signé ne dit pas la même taille, la même racine ou le même journal',
    en: 'the signed checkpoint does not state the same size, root or log',
  },
});

/** The decision as `DisclosuresService.get` gives it (what the caller may see of it). */
export interface DecisionView {
  readonly decisionId: string;
  readonly requesterAgencyId: string;
  readonly dryRun?: boolean;
  readonly request?: {
    readonly subject?: string;
    readonly categories?: readonly string[];
    readonly purpose?: string;
    readonly basis?: string;
    readonly obligationId?: string;
    readonly attestation?: {
      readonly criteria: Readonly<Record<string, boolean>>;
      readonly attestedAt: string;
    };
  };
  readonly outcome: string;
  readonly released: readonly {
    readonly itemId: string;
    readonly itemVersion?: number;
    readonly holderAgencyId: string;
    readonly category: string;
    readonly fields?: readonly string[];
    readonly withheldFields?: readonly string[];
    readonly basis?: string;
  }[];
  readonly withheld?: readonly { readonly category: string; readonly reasons: readonly string[] }[];
  readonly pending: readonly {
    readonly itemId: string;
    readonly holderAgencyId: string;
    readonly category: string;
  }[];
  readonly obligations?: {
    readonly noRedisclosure: boolean;
    readonly retainUntil: string | null;
    readonly notifyOnChange: boolean;
  };
  readonly duties?: { readonly reviewRequired: boolean; readonly reviewReasons: readonly string[] };
  readonly agreementVersions?: readonly string[];
  readonly consentVersions?: readonly string[];
  readonly policyBundleHash?: string;
  readonly decidedAt: string;
  readonly trace?: readonly {
    readonly rule: string;
    readonly verdict: string;
    readonly scope: string;
  }[];
}

export type ProofCheck =
  | {
      readonly kind: 'verified';
      readonly treeSize: number;
      readonly rootHash: string;
      readonly issuedAt: string;
      readonly keyId: string;
      readonly pathLength: number;
    }
  | { readonly kind: 'uncovered' }
  | { readonly kind: 'failed'; readonly why: 'leaf' | 'path' | 'signature' | 'claims' };

export interface RecordPageData {
  readonly record: RecordView;
  readonly leafHashMatches: boolean;
  readonly directory: Directory;
  readonly bundle: PolicyBundle | undefined;
  /** Undefined: no decision; null: one the caller may not see. */
  readonly decision: DecisionView | null | undefined;
  readonly receipt: string;
  readonly proof: ProofCheck | undefined;
}

interface RecordLeaf extends Leaf {
  actor?: { agencyId?: string | null; subject?: string | null; roles?: string[] };
  parties?: string[];
  purpose?: string;
  categories?: string[];
  reasonCodes?: string[];
  policyBundleHash?: string;
  agreementVersion?: string;
  consentVersions?: string[];
  payloadSha256?: string;
  targets?: Leaf['targets'] & { personIds?: string[]; decisionId?: string };
}

function categoryLabel(
  lang: Language,
  bundle: PolicyBundle | undefined,
  category: string,
): HtmlValue {
  const label = bundle?.taxonomy.categories[category]?.label[lang];
  return label ? html`${label} <code>${category}</code>` : html`<code>${category}</code>`;
}

function fieldLabel(
  lang: Language,
  bundle: PolicyBundle | undefined,
  category: string,
  field: string,
): string {
  return bundle?.taxonomy.categories[category]?.fields[field]?.label[lang] ?? field;
}

/** A rule id with its plain words and source, from the bundle in force at the time. */
function ruleText(lang: Language, bundle: PolicyBundle | undefined, code: string): SafeHtml {
  const rule = bundle?.rules[code] ?? bundle?.fieldRules.find((r) => r.id === code);
  return rule
    ? html`<code>${code}</code> — ${rule.description[lang]} <small>[${rule.citation}]</small>`
    : html`<code>${code}</code>`;
}

function scopeText(
  lang: Language,
  bundle: PolicyBundle | undefined,
  scope: string,
  itemCategories: ReadonlyMap<string, string>,
): HtmlValue {
  if (scope === 'request') return d(lang, 'scope_request');
  if (scope.startsWith('category:')) return categoryLabel(lang, bundle, scope.slice(9));
  if (scope.startsWith('item:')) {
    const id = scope.slice(5);
    const category = itemCategories.get(id);
    return html`${d(lang, 'item')} <code>${id}</code>${
      category ? html` (${categoryLabel(lang, bundle, category)})` : ''
    }`;
  }
  return html`<code>${scope}</code>`;
}

function verdictBadge(lang: Language, verdict: string): SafeHtml {
  const kind = verdict === 'pass' ? 'ok' : verdict === 'fail' ? 'bad' : 'pending';
  const key = verdict === 'pass' || verdict === 'fail' ? verdict : 'not_applicable';
  return badge(kind, VERDICT_LABELS[key][lang]);
}

/** Why a released item's field stayed back: the field rule that holds it for this recipient. */
function fieldReason(
  lang: Language,
  bundle: PolicyBundle | undefined,
  category: string,
  field: string,
  recipientSector: string | undefined,
): SafeHtml {
  const rules = (bundle?.fieldRules ?? []).filter(
    (r) => r.category === category && (r.fields === '*' || r.fields.includes(field)),
  );
  const rule =
    rules.find(
      (r) => recipientSector !== undefined && r.recipientSectors.includes(recipientSector as never),
    ) ?? rules[0];
  return rule ? ruleText(lang, bundle, rule.id) : ruleText(lang, bundle, 'R-FIELD-RULES');
}

/** The basis that allowed an item (`consent`, `life_safety:<test>`…), with the bundle's words. */
function releasedBasis(lang: Language, bundle: PolicyBundle | undefined, basis: string): HtmlValue {
  const [kind, detail] = basis.split(':');
  const label = LOG_BASIS_LABELS[kind]?.[lang];
  const source = detail
    ? kind === 'legal_obligation'
      ? bundle?.obligations[detail]
      : bundle?.exceptions.tests[detail]
    : undefined;
  return html`${label ?? ''} <code>${basis}</code>${
    source ? html`<br /><small>${source.description[lang]} [${source.citation}]</small>` : ''
  }`;
}

function list(values: readonly HtmlValue[]): HtmlValue {
  return values.length
    ? html`<ul class="plain">
        ${values.map((value) => html`<li>${value}</li>`)}
      </ul>`
    : '—';
}

function decisionSection(v: View, data: RecordPageData, leaf: RecordLeaf): HtmlValue {
  const lang = v.lang;
  const decision = data.decision;
  if (decision === undefined) return '';
  if (decision === null) {
    return html`<h2>${d(lang, 'explained')}</h2>
      <p>${d(lang, 'hidden')}</p>`;
  }
  const bundle = data.bundle;
  const directory = data.directory;
  const request = decision.request;
  const basis = request?.basis ?? leaf.basis;
  const purpose = request?.purpose ?? leaf.purpose;
  const outcomeKey = (['permit', 'partial', 'deny', 'pending'] as const).find(
    (o) => o === decision.outcome,
  );
  const holders = [
    ...new Set([...decision.released, ...decision.pending].map((r) => r.holderAgencyId)),
  ];
  const recipientSector = directory.get(decision.requesterAgencyId.toLowerCase())?.sector;
  const itemCategories = new Map<string, string>([
    ...decision.released.map((r) => [r.itemId, r.category] as [string, string]),
    ...decision.pending.map((p) => [p.itemId, p.category] as [string, string]),
  ]);
  // Items the trace shows held back by an item-level rule, with those rules.
  const failedItems = new Map<string, string[]>();
  for (const entry of decision.trace ?? []) {
    if (entry.verdict !== 'fail' || !entry.scope.startsWith('item:')) continue;
    const id = entry.scope.slice(5);
    if (decision.released.some((r) => r.itemId === id)) continue;
    failedItems.set(id, [...new Set([...(failedItems.get(id) ?? []), entry.rule])]);
  }

  const summary = html`${outcomeKey ? html`<p>${outcomeBadge(lang, decision.outcome)} ${d(lang, `outcome_${outcomeKey}`)}</p>` : ''}
    ${decision.dryRun ? html`<p>${d(lang, 'dryRun')}</p>` : ''}
    ${
      basis
        ? html`<p>${d(lang, 'basisSentence', { basis: pick(lang, LOG_BASIS_LABELS, basis) })}</p>`
        : ''
    }
    ${
      purpose
        ? html`<p>${d(lang, 'purposeSentence', { purpose: pick(lang, LOG_PURPOSE_LABELS, purpose) })}</p>`
        : ''
    }
    ${request === undefined ? html`<p>${d(lang, 'ownPart')}</p>` : ''}
    <dl class="facts">
      <dt>${d(lang, 'requester')}</dt>
      <dd>${agencyName(lang, directory, decision.requesterAgencyId)}</dd>
      ${
        request?.subject
          ? html`<dt>${d(lang, 'requesterSubject')}</dt>
            <dd><code>${request.subject}</code></dd>`
          : ''
      }
      <dt>${d(lang, 'holders')}</dt>
      <dd>${list(holders.map((h) => agencyName(lang, directory, h)))}</dd>
      ${
        request?.categories
          ? html`<dt>${d(lang, 'categories')}</dt>
            <dd>${list(request.categories.map((c) => categoryLabel(lang, bundle, c)))}</dd>`
          : ''
      }
      <dt>${d(lang, 'decidedAt')}</dt>
      <dd>${formatDateTime(v, decision.decidedAt)}</dd>
      <dt>${d(lang, 'bundleThen')}</dt>
      <dd>
        <code>${decision.policyBundleHash ?? leaf.policyBundleHash ?? '—'}</code>
        ${bundle ? '' : html`<br /><small>${d(lang, 'bundleMissing')}</small>`}
      </dd>
    </dl>`;

  const released = decision.released.length
    ? html`<table>
        <caption>
          ${d(lang, 'releasedCaption')}
        </caption>
        <thead>
          <tr>
            <th scope="col">${d(lang, 'category')}</th>
            <th scope="col">${d(lang, 'holder')}</th>
            <th scope="col">${d(lang, 'fieldsReleased')}</th>
            <th scope="col">${d(lang, 'fieldsWithheld')}</th>
            <th scope="col">${d(lang, 'releasedBasis')}</th>
          </tr>
        </thead>
        <tbody>
          ${decision.released.map(
            (r) => html`<tr>
              <td>
                ${categoryLabel(lang, bundle, r.category)}<br /><small
                  >${d(lang, 'item')} <code>${r.itemId}</code></small
                >
              </td>
              <td>${agencyName(lang, directory, r.holderAgencyId)}</td>
              <td>${list((r.fields ?? []).map((f) => fieldLabel(lang, bundle, r.category, f)))}</td>
              <td>
                ${list(
                  (r.withheldFields ?? []).map(
                    (f) =>
                      html`<strong>${fieldLabel(lang, bundle, r.category, f)}</strong> :
                        ${fieldReason(lang, bundle, r.category, f, recipientSector)}`,
                  ),
                )}
              </td>
              <td>${r.basis ? releasedBasis(lang, bundle, r.basis) : '—'}</td>
            </tr>`,
          )}
        </tbody>
      </table>`
    : html`<p>${d(lang, 'nothingReleased')}</p>`;

  const withheldList = decision.withheld ?? [];
  const withheld = html`<h3>${d(lang, 'withheld')}</h3>
    ${
      withheldList.length
        ? html`<ul class="plain">
          ${withheldList.map(
            (w) =>
              html`<li>
                <strong>${categoryLabel(lang, bundle, w.category)}</strong>
                ${list(w.reasons.map((code) => ruleText(lang, bundle, code)))}
              </li>`,
          )}
        </ul>`
        : decision.withheld
          ? html`<p>${d(lang, 'nothingWithheld')}</p>`
          : ''
    }
    ${
      failedItems.size
        ? html`<h4>${d(lang, 'withheldItems')}</h4>
          <ul class="plain">
            ${[...failedItems].map(
              ([id, rules]) =>
                html`<li>
                  ${d(lang, 'item')} <code>${id}</code>
                  ${list(rules.map((code) => ruleText(lang, bundle, code)))}
                </li>`,
            )}
          </ul>`
        : ''
    }`;

  const pending = decision.pending.length
    ? html`<h3>${d(lang, 'pending')}</h3>
        <ul class="plain">
          ${decision.pending.map(
            (p) =>
              html`<li>
                ${categoryLabel(lang, bundle, p.category)} —
                ${agencyName(lang, directory, p.holderAgencyId)} (${d(lang, 'item')}
                <code>${p.itemId}</code>)
              </li>`,
          )}
        </ul>`
    : '';

  const obligation = request?.obligationId ? bundle?.obligations[request.obligationId] : undefined;
  const reliedOn =
    decision.consentVersions || decision.agreementVersions || request?.obligationId
      ? html`<h3>${d(lang, 'reliedOn')}</h3>
          <dl class="facts">
            <dt>${d(lang, 'consentVersions')}</dt>
            <dd>
              ${
                decision.consentVersions?.length
                  ? list(decision.consentVersions.map((c) => html`<code>${c}</code>`))
                  : d(lang, 'noneUsed')
              }
            </dd>
            <dt>${d(lang, 'agreementVersions')}</dt>
            <dd>
              ${
                decision.agreementVersions?.length
                  ? list(decision.agreementVersions.map((a) => html`<code>${a}</code>`))
                  : d(lang, 'noneUsed')
              }
            </dd>
            ${
              request?.obligationId
                ? html`<dt>${d(lang, 'obligation')}</dt>
                  <dd>
                    <code>${request.obligationId}</code>
                    ${
                      obligation
                        ? html` — ${obligation.description[lang]}
                          <small>[${obligation.citation}]</small>`
                        : ''
                    }
                  </dd>`
                : ''
            }
          </dl>`
      : '';

  let attestation: HtmlValue = '';
  if (basis === 'life_safety' && request) {
    const given = request.attestation;
    const tests = [
      ...new Set(
        holders
          .map((h) => directory.get(h.toLowerCase())?.privacyRegime)
          .map((regime) => (regime ? bundle?.regimes[regime]?.exception : undefined))
          .filter((id): id is string => typeof id === 'string'),
      ),
    ];
    attestation = html`<h3>${d(lang, 'attestation')}</h3>
      ${
        given
          ? html`<table>
              <caption>
                ${d(lang, 'attestationCaption')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${d(lang, 'criterion')}</th>
                  <th scope="col">${d(lang, 'attested')}</th>
                </tr>
              </thead>
              <tbody>
                ${Object.entries(given.criteria).map(
                  ([criterion, value]) =>
                    html`<tr>
                      <td>
                        ${bundle?.exceptions.criteria[criterion]?.[lang] ?? ''}
                        <code>${criterion}</code>
                      </td>
                      <td>
                        ${
                          value === true ? badge('ok', d(lang, 'yes')) : badge('bad', d(lang, 'no'))
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
            <dl class="facts">
              <dt>${d(lang, 'attestedBy')}</dt>
              <dd><code>${request.subject ?? '—'}</code></dd>
              <dt>${d(lang, 'attestedAt')}</dt>
              <dd>${formatDateTime(v, given.attestedAt)}</dd>
              ${
                tests.length
                  ? html`<dt>${d(lang, 'tests')}</dt>
                    <dd>
                      ${list(
                        tests.map((id) => {
                          const test = bundle?.exceptions.tests[id];
                          return test
                            ? html`${test.description[lang]} <small>[${test.citation}]</small>`
                            : html`<code>${id}</code>`;
                        }),
                      )}
                    </dd>`
                  : ''
              }
            </dl>`
          : html`<p>${d(lang, 'noAttestation')}</p>`
      }`;
  }

  const rules = html`<h3>${d(lang, 'rules')}</h3>
    ${
      decision.trace
        ? html`<table>
          <caption>
            ${d(lang, 'rulesCaption')}
          </caption>
          <thead>
            <tr>
              <th scope="col">${d(lang, 'rule')}</th>
              <th scope="col">${d(lang, 'requires')}</th>
              <th scope="col">${d(lang, 'citation')}</th>
              <th scope="col">${d(lang, 'scope')}</th>
              <th scope="col">${d(lang, 'verdict')}</th>
            </tr>
          </thead>
          <tbody>
            ${decision.trace.map((entry) => {
              const rule = bundle?.rules[entry.rule];
              return html`<tr>
                <td><code>${entry.rule}</code></td>
                <td>${rule ? rule.description[lang] : '—'}</td>
                <td>${rule ? rule.citation : '—'}</td>
                <td>${scopeText(lang, bundle, entry.scope, itemCategories)}</td>
                <td>${verdictBadge(lang, entry.verdict)}</td>
              </tr>`;
            })}
          </tbody>
        </table>`
        : html`<p>${d(lang, 'noTrace')}</p>`
    }`;

  const obligations = decision.obligations;
  const duties = decision.duties;
  const follow =
    obligations || duties
      ? html`<h3>${d(lang, 'obligations')}</h3>
          <ul class="plain">
            ${obligations?.noRedisclosure ? html`<li>${d(lang, 'noRedisclosure')}</li>` : ''}
            ${
              obligations?.retainUntil
                ? html`<li>
                  ${d(lang, 'retainUntil', { date: formatDateTime(v, obligations.retainUntil) })}
                </li>`
                : ''
            }
            ${obligations?.notifyOnChange ? html`<li>${d(lang, 'notifyOnChange')}</li>` : ''}
            ${
              duties?.reviewRequired
                ? html`<li>
                  ${d(lang, 'review', { reasons: duties.reviewReasons.join(', ') })}
                </li>`
                : ''
            }
          </ul>`
      : '';

  return html`<h2>${d(lang, 'explained')}</h2>
    ${summary}
    <h3>${d(lang, 'released')}</h3>
    ${released} ${withheld} ${pending} ${reliedOn} ${attestation} ${rules} ${follow}`;
}

function proofSection(v: View, data: RecordPageData): SafeHtml {
  const lang = v.lang;
  const seq = data.record.seq;
  const proof = data.proof;
  let result: HtmlValue = '';
  if (proof?.kind === 'verified') {
    result = html`<div class="notice-box ok" role="status">
      <p>${badge('ok', d(lang, 'verified'))}</p>
      <dl class="facts">
        <dt>${d(lang, 'treeSize')}</dt>
        <dd>${formatNumber(lang, proof.treeSize)}</dd>
        <dt>${d(lang, 'rootHash')}</dt>
        <dd><code>${proof.rootHash}</code></dd>
        <dt>${d(lang, 'checkpointAt')}</dt>
        <dd>${formatDateTime(v, proof.issuedAt)}</dd>
        <dt>${d(lang, 'keyId')}</dt>
        <dd><code>${proof.keyId}</code></dd>
        <dt>${d(lang, 'pathLength')}</dt>
        <dd>${formatNumber(lang, proof.pathLength)}</dd>
      </dl>
    </div>`;
  } else if (proof?.kind === 'uncovered') {
    result = html`<div class="notice-box warn" role="status">
      <p>${badge('warn', d(lang, 'uncovered'))}</p>
      <p>
        ${d(lang, 'issueHint')}
        <a href="/console/integrity">${d(lang, 'integrityLink')}</a>
      </p>
    </div>`;
  } else if (proof?.kind === 'failed') {
    result = html`<div class="notice-box bad" role="alert">
      <p>${badge('bad', d(lang, 'failed', { why: d(lang, `fail_${proof.why}`) }))}</p>
    </div>`;
  }
  return html`<h2>${d(lang, 'proof')}</h2>
    <p>${d(lang, 'proofIntro')}</p>
    <form method="get" action="/console/audit/records/${seq}" class="actions">
      <input type="hidden" name="check" value="proof" />
      <button type="submit">${d(lang, 'check')}</button>
    </form>
    ${result}`;
}

export function recordPage(v: View, data: RecordPageData): SafeHtml {
  const lang = v.lang;
  const { record, directory, bundle } = data;
  const leaf = record.record as RecordLeaf;
  const targets = leaf.targets ?? {};
  const reasonCodes = leaf.reasonCodes ?? [];
  const fact = (label: string, value: HtmlValue, show = true): HtmlValue =>
    show
      ? html`<dt>${label}</dt>
          <dd>${value}</dd>`
      : '';
  return html`<h2>${d(lang, 'record')}</h2>
    <dl class="facts">
      ${fact(d(lang, 'seq'), formatNumber(lang, record.seq))}
      ${fact(d(lang, 'recordedAt'), formatDateTime(v, record.recordedAt))}
      ${fact(d(lang, 'action'), actionLabel(lang, leaf.action))}
      ${fact(d(lang, 'outcome'), leaf.outcome ? outcomeBadge(lang, leaf.outcome) : '—')}
      ${fact(
        d(lang, 'actor'),
        html`${agencyName(lang, directory, leaf.actor?.agencyId)}
        ${
          leaf.actor?.subject
            ? html`<br /><small>${d(lang, 'actorSubject')} <code>${leaf.actor.subject}</code></small>`
            : ''
        }`,
      )}
      ${fact(
        d(lang, 'holder'),
        agencyName(lang, directory, targets.holderAgencyId),
        Boolean(targets.holderAgencyId),
      )}
      ${fact(
        d(lang, 'recipient'),
        agencyName(lang, directory, targets.recipientAgencyId),
        Boolean(targets.recipientAgencyId),
      )}
      ${fact(
        d(lang, 'parties'),
        list((leaf.parties ?? []).map((p) => agencyName(lang, directory, p))),
        Boolean(leaf.parties?.length),
      )}
      ${fact(d(lang, 'basis'), pick(lang, LOG_BASIS_LABELS, leaf.basis ?? ''), Boolean(leaf.basis))}
      ${fact(
        d(lang, 'purpose'),
        pick(lang, LOG_PURPOSE_LABELS, leaf.purpose ?? ''),
        Boolean(leaf.purpose),
      )}
      ${fact(
        d(lang, 'categories'),
        list((leaf.categories ?? []).map((c) => categoryLabel(lang, bundle, c))),
        Boolean(leaf.categories?.length),
      )}
      ${fact(
        d(lang, 'case'),
        html`<a href="/console/audit${query({ caseId: targets.caseId })}"
          ><code>${targets.caseId}</code></a
        >`,
        Boolean(targets.caseId),
      )}
      ${fact(
        d(lang, 'persons'),
        list((targets.personIds ?? []).map((p) => html`<code>${p}</code>`)),
        Boolean(targets.personIds?.length),
      )}
      ${fact(d(lang, 'decision'), html`<code>${targets.decisionId}</code>`, Boolean(targets.decisionId))}
      ${fact(
        d(lang, 'reasons'),
        list(
          reasonCodes.map((c) =>
            bundle?.rules[c] || bundle?.fieldRules.some((r) => r.id === c)
              ? ruleText(lang, bundle, c)
              : releasedBasis(lang, bundle, c),
          ),
        ),
        reasonCodes.length > 0,
      )}
      ${fact(d(lang, 'bundle'), html`<code>${leaf.policyBundleHash}</code>`, Boolean(leaf.policyBundleHash))}
      ${fact(d(lang, 'agreement'), html`<code>${leaf.agreementVersion}</code>`, Boolean(leaf.agreementVersion))}
      ${fact(
        d(lang, 'consents'),
        list((leaf.consentVersions ?? []).map((c) => html`<code>${c}</code>`)),
        Boolean(leaf.consentVersions?.length),
      )}
      ${fact(d(lang, 'payload'), html`<code>${leaf.payloadSha256}</code>`, Boolean(leaf.payloadSha256))}
    </dl>
    <details>
      <summary>${d(lang, 'leafJson')}</summary>
      <pre class="leaf"><code>${JSON.stringify(record.record, null, 2)}</code></pre>
      <p>
        ${
          data.leafHashMatches
            ? badge('ok', d(lang, 'leafHashOk'))
            : badge('bad', d(lang, 'leafHashBad'))
        }
      </p>
    </details>
    ${decisionSection(v, data, leaf)}
    <h2>${d(lang, 'receipt')}</h2>
    <p>${d(lang, 'receiptIntro')}</p>
    <dl class="facts">
      <dt>${d(lang, 'seq')}</dt>
      <dd>${record.seq}</dd>
      <dt>${d(lang, 'leafHash')}</dt>
      <dd><code>${record.leafHash}</code></dd>
      <dt>${d(lang, 'recordedAt')}</dt>
      <dd>${formatDateTime(v, record.recordedAt)} <small><code>${record.recordedAt}</code></small></dd>
      <dt>${d(lang, 'signedReceipt')}</dt>
      <dd>
        <code id="receipt-jws" class="receipt">${data.receipt}</code>
        <button type="button" class="secondary" data-copy="receipt-jws" hidden>
          ${d(lang, 'copy')}
        </button>
      </dd>
    </dl>
    ${proofSection(v, data)}`;
}
