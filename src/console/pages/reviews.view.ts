import type { Language, Localized } from '../../common/i18n/language.js';
import type { PolicyBundle } from '../../policy/bundle.types.js';
import { REVIEW_OUTCOMES } from '../../reviews/review.entity.js';
import type { ReviewSummary } from '../../reviews/reviews.service.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { defineMessages, formatDateTime, formatNumber } from '../i18n.js';
import { csrfField, type View } from '../layout.js';
import {
  REVIEW_BASIS_LABELS,
  REVIEW_DECISION_OUTCOME_LABELS,
  REVIEW_PURPOSE_LABELS,
  REVIEW_VERDICT_LABELS,
} from './disclosure-labels.js';
import {
  badge,
  checkboxFilter,
  doneBox,
  offsetPager,
  pick,
  query,
  type AgencyNames,
} from './page-kit.js';

export const t = defineMessages({
  listTitle: { fr: 'Révisions juridiques', en: 'Legal reviews' },
  detailTitle: { fr: 'Révision d’une décision', en: 'Review of a decision' },
  intro: {
    fr: 'Chaque recours à l’exception de protection, chaque communication imposée par la loi et chaque exception sans entente ouvre une révision ; un responsable peut aussi en signaler une. Les réviseurs juridiques de l’organisme coordonnateur la tranchent, avec motifs, avant l’échéance.',
    en: 'Every use of the protection exception, every disclosure required by law and every exception without an agreement opens a review; a privacy officer may also flag one. The coordinating agency’s legal reviewers decide it, with reasons, before its deadline.',
  },
  openCount: { fr: 'Révisions ouvertes', en: 'Open reviews' },
  overdueCount: { fr: 'En retard', en: 'Overdue' },
  filters: { fr: 'Filtrer les révisions', en: 'Filter reviews' },
  status: { fr: 'État', en: 'Status' },
  any: { fr: 'Toutes', en: 'All' },
  open: { fr: 'Ouverte', en: 'Open' },
  openPlural: { fr: 'Ouvertes', en: 'Open' },
  decided: { fr: 'Tranchée', en: 'Decided' },
  decidedPlural: { fr: 'Tranchées', en: 'Decided' },
  overdueOnly: { fr: 'En retard seulement', en: 'Overdue only' },
  apply: { fr: 'Filtrer', en: 'Filter' },
  ofDecision: { fr: 'Révisions de la décision {id}.', en: 'Reviews of decision {id}.' },
  allDecisions: { fr: 'Toutes les décisions', en: 'All decisions' },
  caption: {
    fr: 'Révisions, échéance la plus proche d’abord ({n})',
    en: 'Reviews, earliest deadline first ({n})',
  },
  decision: { fr: 'Décision', en: 'Decision' },
  reasons: { fr: 'Motifs d’ouverture', en: 'Why it opened' },
  openedAt: { fr: 'Ouverte le', en: 'Opened' },
  dueAt: { fr: 'Échéance', en: 'Due' },
  overdue: { fr: 'En retard', en: 'Overdue' },
  none: {
    fr: 'Aucune révision ne correspond à ces filtres.',
    en: 'No review matches these filters.',
  },
  openReview: { fr: 'ouvrir sa révision', en: 'open its review' },
  // Detail
  summary: { fr: 'La révision', en: 'The review' },
  caseId: { fr: 'Dossier', en: 'Case' },
  openedBy: { fr: 'Ouverte par', en: 'Opened by' },
  broker: {
    fr: 'Filet, d’après les obligations de la décision',
    en: 'Filet, from the decision’s duties',
  },
  note: { fr: 'Note du signalement', en: 'Note with the flag' },
  follows: { fr: 'Fait suite à la révision', en: 'Follows the review' },
  outcome: { fr: 'Résultat', en: 'Outcome' },
  outcomeReasons: { fr: 'Motifs du résultat', en: 'Reasons for the outcome' },
  remediation: { fr: 'Mesure corrective demandée', en: 'Remediation asked for' },
  decidedBy: { fr: 'Tranchée par', en: 'Decided by' },
  decidedAt: { fr: 'Tranchée le', en: 'Decided' },
  partyNote: {
    fr: 'Votre organisme est partie à cette décision : vous voyez où en est la révision et son résultat. La trace, l’attestation et les motifs des réviseurs sont réservés à la supervision de la table.',
    en: 'Your agency is a party to this decision: you see where the review stands and its outcome. The trace, the attestation and the reviewers’ reasons are for the table’s oversight.',
  },
  theDecision: { fr: 'La décision révisée', en: 'The decision under review' },
  requester: { fr: 'Demandée par', en: 'Requested by' },
  person: { fr: 'Personne concernée (identifiant)', en: 'Person concerned (id)' },
  decisionOutcome: { fr: 'Issue de la décision', en: 'Decision outcome' },
  basis: { fr: 'Fondement', en: 'Basis' },
  purpose: { fr: 'Fin', en: 'Purpose' },
  categories: { fr: 'Catégories demandées', en: 'Categories requested' },
  obligation: { fr: 'Obligation légale invoquée', en: 'Statutory duty invoked' },
  decidedOn: { fr: 'Décidée le', en: 'Decided' },
  bundle: { fr: 'Paquet de politiques alors en vigueur', en: 'Policy bundle then in force' },
  bundleMissing: {
    fr: 'Le paquet de politiques de cette décision est introuvable : les règles sont nommées sans leur description.',
    en: 'This decision’s policy bundle cannot be found: rules are named without their description.',
  },
  replay: { fr: 'Relire cette décision', en: 'Replay this decision' },
  auditRecord: {
    fr: 'Voir l’inscription de la décision au journal (n° {seq})',
    en: 'See the decision’s record in the audit log (no. {seq})',
  },
  released: { fr: 'Ce qui a été communiqué', en: 'What was disclosed' },
  releasedCaption: {
    fr: 'Renseignements communiqués, par détenteur (noms des champs seulement)',
    en: 'Information disclosed, by holder (field names only)',
  },
  holder: { fr: 'Détenteur', en: 'Holder' },
  category: { fr: 'Catégorie', en: 'Category' },
  fieldsReleased: { fr: 'Champs communiqués', en: 'Fields disclosed' },
  fieldsWithheld: { fr: 'Champs retenus', en: 'Fields held back' },
  releasedBasis: { fr: 'Fondement appliqué', en: 'Basis applied' },
  nothingReleased: { fr: 'Rien n’a été communiqué.', en: 'Nothing was disclosed.' },
  withheld: { fr: 'Ce qui a été retenu', en: 'What was withheld' },
  withheldCaption: {
    fr: 'Catégories retenues et règles en cause',
    en: 'Categories withheld and the rules why',
  },
  why: { fr: 'Pourquoi', en: 'Why' },
  attestation: { fr: 'Attestation de l’exception', en: 'Attestation of the exception' },
  criterion: { fr: 'Critère', en: 'Criterion' },
  attested: { fr: 'Attesté', en: 'Attested' },
  criteriaCaption: {
    fr: 'Critères attestés par la personne qui demande',
    en: 'Criteria attested by the requester',
  },
  yes: { fr: 'oui', en: 'yes' },
  no: { fr: 'non', en: 'no' },
  attestedAt: { fr: 'Attestée le', en: 'Attested' },
  justification: { fr: 'Justification', en: 'Justification' },
  noAttestation: {
    fr: 'Aucune attestation : la demande n’invoquait pas l’exception de protection.',
    en: 'No attestation: the request did not invoke the protection exception.',
  },
  trace: { fr: 'Trace de la décision', en: 'Decision trace' },
  traceCaption: {
    fr: 'Chaque règle évaluée, dans l’ordre, avec son verdict ({n})',
    en: 'Each rule evaluated, in order, with its verdict ({n})',
  },
  rule: { fr: 'Règle', en: 'Rule' },
  scope: { fr: 'Sur quoi', en: 'On what' },
  verdict: { fr: 'Verdict', en: 'Verdict' },
  citation: { fr: 'Source', en: 'Source' },
  facts: { fr: 'Faits utilisés', en: 'Facts used' },
  scopeRequest: { fr: 'la demande', en: 'the request' },
  scopeCategory: { fr: 'catégorie', en: 'category' },
  scopeItem: { fr: 'renseignement', en: 'item' },
  history: { fr: 'Historique', en: 'History' },
  historyCaption: {
    fr: 'Ouverture, commentaires, révisions liées et résultat, dans l’ordre',
    en: 'Opening, comments, related reviews and outcome, in order',
  },
  when: { fr: 'Quand', en: 'When' },
  what: { fr: 'Quoi', en: 'What' },
  who: { fr: 'Qui', en: 'Who' },
  details: { fr: 'Détails', en: 'Details' },
  eventOpened: { fr: 'Révision ouverte', en: 'Review opened' },
  eventComment: { fr: 'Commentaire', en: 'Comment' },
  eventDecided: { fr: 'Résultat enregistré', en: 'Outcome recorded' },
  eventEarlierOpened: { fr: 'Révision antérieure ouverte', en: 'Earlier review opened' },
  eventEarlierDecided: { fr: 'Révision antérieure tranchée', en: 'Earlier review decided' },
  eventLaterOpened: { fr: 'Nouvelle révision ouverte', en: 'New review opened' },
  eventLaterDecided: { fr: 'Nouvelle révision tranchée', en: 'New review decided' },
  seeReview: { fr: 'voir cette révision', en: 'see that review' },
  addComment: { fr: 'Ajouter un commentaire', en: 'Add a comment' },
  commentLabel: { fr: 'Commentaire', en: 'Comment' },
  commentHint: {
    fr: 'Visible des réviseurs et responsables de votre organisme et de la supervision de la table. Pas de renseignements personnels inutiles.',
    en: 'Seen by your agency’s reviewers and privacy officers and by the table’s oversight. No personal information that is not needed.',
  },
  send: { fr: 'Publier le commentaire', en: 'Post the comment' },
  decide: { fr: 'Trancher la révision', en: 'Decide the review' },
  decideHint: {
    fr: 'Le résultat est définitif : une fois enregistré, il ne change plus. Un nouvel examen se fait par une nouvelle révision qui fait suite à celle-ci.',
    en: 'The outcome is final: once recorded it never changes. A new look is a new review that follows this one.',
  },
  outcomeLegend: { fr: 'Résultat de la révision', en: 'Outcome of the review' },
  reasonsLabel: { fr: 'Motifs (obligatoires)', en: 'Reasons (required)' },
  remediationLabel: {
    fr: 'Mesure corrective demandée (obligatoire si une mesure corrective est requise)',
    en: 'Remediation asked for (required when remediation is required)',
  },
  record: { fr: 'Enregistrer le résultat', en: 'Record the outcome' },
  confirm: {
    fr: 'Enregistrer ce résultat ? Il sera définitif. / Record this outcome? It will be final.',
    en: 'Record this outcome? It will be final. / Enregistrer ce résultat ? Il sera définitif.',
  },
  decidedBox: {
    fr: 'Cette révision est tranchée : {outcome}. Le résultat est définitif.',
    en: 'This review is decided: {outcome}. The outcome is final.',
  },
  onlyTable: {
    fr: 'Seuls les réviseurs juridiques de l’organisme coordonnateur tranchent une révision.',
    en: 'Only the coordinating agency’s legal reviewers decide a review.',
  },
  doneComment: { fr: 'Votre commentaire est publié.', en: 'Your comment is posted.' },
  doneDecision: {
    fr: 'Le résultat est enregistré et inscrit au journal.',
    en: 'The outcome is recorded, and entered in the audit log.',
  },
  back: { fr: 'Retour aux révisions', en: 'Back to the reviews' },
});

export const REASON_LABELS: Readonly<Record<string, Localized>> = {
  life_safety_exception: {
    fr: 'Exception de protection (vie ou sécurité)',
    en: 'Life or safety exception',
  },
  legal_obligation: { fr: 'Obligation légale', en: 'Legal obligation' },
  no_agreement: { fr: 'Sans entente de partage', en: 'No sharing agreement' },
  flagged: { fr: 'Signalée par un responsable', en: 'Flagged by an officer' },
};

export const OUTCOME_LABELS: Readonly<Record<string, Localized>> = {
  upheld: { fr: 'Confirmée (justifiée)', en: 'Upheld (justified)' },
  not_justified: { fr: 'Non justifiée', en: 'Not justified' },
  remediation_required: { fr: 'Mesure corrective requise', en: 'Remediation required' },
};

const OUTCOME_BADGES: Readonly<Record<string, string>> = {
  upheld: 'ok',
  not_justified: 'bad',
  remediation_required: 'warn',
};

const VERDICT_BADGES: Readonly<Record<string, string>> = {
  pass: 'ok',
  fail: 'bad',
  not_applicable: 'pending',
};

/** A label from a dictionary, with its code beside it so officers can search the log. */
export function labelled(
  lang: Language,
  labels: Readonly<Record<string, Localized>>,
  code: string,
): SafeHtml {
  const label = pick(lang, labels, code);
  return label === code ? html`<code>${code}</code>` : html`${label} (<code>${code}</code>)`;
}

export function categoryLabel(
  lang: Language,
  bundle: PolicyBundle | undefined,
  code: string,
): SafeHtml {
  const label = bundle?.taxonomy.categories[code]?.label[lang];
  return label ? html`${label} (<code>${code}</code>)` : html`<code>${code}</code>`;
}

export function agencyName(
  lang: Language,
  names: AgencyNames,
  id: string | null | undefined,
): HtmlValue {
  if (!id) return '—';
  const name = names.get(id)?.[lang];
  return name ? html`${name}` : html`<code>${id}</code>`;
}

/** Who did something: the agency's name and the person's subject id (never more). */
export function actor(
  lang: Language,
  names: AgencyNames,
  agencyId: string | null | undefined,
  subject: string | null | undefined,
): HtmlValue {
  if (!agencyId && !subject) return '—';
  return html`${agencyName(lang, names, agencyId)}${subject ? html` — <code>${subject}</code>` : ''}`;
}

export function statusBadge(
  lang: Language,
  review: Pick<ReviewSummary, 'status' | 'outcome'>,
): SafeHtml {
  if (review.status === 'decided' && review.outcome)
    return html`${badge('success', t(lang, 'decided'))}
    ${badge(OUTCOME_BADGES[review.outcome] ?? 'pending', pick(lang, OUTCOME_LABELS, review.outcome))}`;
  return badge('pending', t(lang, 'open'));
}

/** The deadline, with "overdue" in words (never by colour alone). */
export function dueCell(view: View, at: string, overdue: boolean, word: string): SafeHtml {
  return html`${formatDateTime(view, at)}${overdue ? html` ${badge('bad', word)}` : ''}`;
}

function reasonsList(lang: Language, reasons: readonly string[]): SafeHtml {
  return html`<ul class="plain tight">
    ${reasons.map((r) => html`<li>${labelled(lang, REASON_LABELS, r)}</li>`)}
  </ul>`;
}

// ---------------------------------------------------------------------------------------------
// The queue

export interface ListQuery {
  readonly status?: 'open' | 'decided';
  readonly overdue?: 'true';
  readonly decisionId?: string;
  readonly offset?: number;
}

/** The service's largest page: counts at or past it read "200+". */
export const COUNT_LIMIT = 200;

function countText(lang: Language, n: number): string {
  return n >= COUNT_LIMIT ? `${formatNumber(lang, COUNT_LIMIT)}+` : formatNumber(lang, n);
}

export function listBody(
  view: View,
  data: {
    readonly items: readonly ReviewSummary[];
    readonly openCount: number;
    readonly overdueCount: number;
    readonly query: ListQuery;
  },
): SafeHtml {
  const lang = view.lang;
  const { items, query: q } = data;
  const offset = q.offset ?? 0;
  const link = (o: number) =>
    `/console/reviews${query({ status: q.status, overdue: q.overdue, decisionId: q.decisionId, offset: o || undefined })}`;
  const selected = (v: string | undefined) => (q.status === v ? html` selected` : '');
  return html`<p>${t(lang, 'intro')}</p>
    <div class="cards">
      <div class="card">
        <div class="value">${countText(lang, data.openCount)}</div>
        <div>${t(lang, 'openCount')}</div>
      </div>
      <div class="card">
        <div class="value">${countText(lang, data.overdueCount)}</div>
        <div>${t(lang, 'overdueCount')}</div>
      </div>
    </div>
    <form class="filters" method="get" action="/console/reviews" aria-label="${t(lang, 'filters')}">
      ${q.decisionId ? html`<input type="hidden" name="decisionId" value="${q.decisionId}" />` : ''}
      <div class="field">
        <label for="status">${t(lang, 'status')}</label>
        <select id="status" name="status">
          <option value="" ${selected(undefined)}>${t(lang, 'any')}</option>
          <option value="open" ${selected('open')}>${t(lang, 'openPlural')}</option>
          <option value="decided" ${selected('decided')}>${t(lang, 'decidedPlural')}</option>
        </select>
      </div>
      ${checkboxFilter('overdue', 'true', t(lang, 'overdueOnly'), Boolean(q.overdue))}
      <button type="submit">${t(lang, 'apply')}</button>
    </form>
    ${
      q.decisionId
        ? html`<p>
            ${t(lang, 'ofDecision', { id: q.decisionId })}
            <a href="/console/reviews${query({ status: q.status, overdue: q.overdue })}"
              >${t(lang, 'allDecisions')}</a
            >
          </p>`
        : ''
    }
    ${
      items.length
        ? html`<table>
            <caption>
              ${t(lang, 'caption', { n: formatNumber(lang, items.length) })}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t(lang, 'decision')}</th>
                <th scope="col">${t(lang, 'reasons')}</th>
                <th scope="col">${t(lang, 'openedAt')}</th>
                <th scope="col">${t(lang, 'dueAt')}</th>
                <th scope="col">${t(lang, 'status')}</th>
              </tr>
            </thead>
            <tbody>
              ${items.map(
                (r) =>
                  html`<tr>
                    <td>
                      <a href="/console/reviews/${r.id}"
                        ><code>${r.decisionId}</code
                        ><span class="visually-hidden"> — ${t(lang, 'openReview')}</span></a
                      >
                    </td>
                    <td>${reasonsList(lang, r.reasons)}</td>
                    <td>${formatDateTime(view, r.openedAt)}</td>
                    <td>${dueCell(view, r.dueAt, r.overdue, t(lang, 'overdue'))}</td>
                    <td>${statusBadge(lang, r)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p>${t(lang, 'none')}</p>`
    }
    ${offsetPager(lang, { offset, rows: items.length }, link)}`;
}

// ---------------------------------------------------------------------------------------------
// One review

interface Comment {
  readonly id: string;
  readonly authorAgencyId: string;
  readonly authorSubject: string;
  readonly text: string;
  readonly createdAt: string;
}

interface TraceEntry {
  readonly rule: string;
  readonly verdict: string;
  readonly scope: string;
  readonly facts?: Readonly<Record<string, unknown>>;
}

interface DecisionView {
  readonly decisionId: string;
  readonly requesterAgencyId?: string;
  readonly requesterSubject?: string;
  readonly caseId?: string;
  readonly personId?: string;
  readonly outcome?: string;
  readonly request?: {
    readonly basis?: string;
    readonly purpose?: string;
    readonly categories?: readonly string[];
    readonly obligationId?: string;
  };
  readonly attestation?: Readonly<Record<string, unknown>> | null;
  readonly released?: readonly {
    readonly holderAgencyId: string;
    readonly category: string;
    /** Stored as the names of the fields released (their values are never kept with the decision). */
    readonly fields?: readonly string[] | Readonly<Record<string, unknown>>;
    readonly withheldFields?: readonly string[];
    readonly basis?: string;
  }[];
  readonly withheld?: readonly { readonly category: string; readonly reasons: readonly string[] }[];
  readonly trace?: readonly TraceEntry[];
  readonly policyBundleHash?: string;
  readonly decidedAt?: string;
}

/** What `ReviewsService.get` answers: the summary, comments, history, and for oversight the decision. */
export type ReviewDetail = ReviewSummary & {
  readonly comments: readonly Comment[];
  readonly history: readonly ReviewSummary[];
  readonly decision?: DecisionView;
};

export interface DetailData {
  readonly review: ReviewDetail;
  readonly names: AgencyNames;
  /** The bundle in force at the decision (oversight only). */
  readonly bundle: PolicyBundle | undefined;
  /** The caller may record the outcome (shown only; the service checks again). */
  readonly mayDecide: boolean;
  /** The decision's audit record, for a caller who can open it. */
  readonly auditSeq: number | undefined;
  readonly done: 'comment' | 'decision' | undefined;
}

function facts(entries: readonly [string, HtmlValue][]): SafeHtml {
  return html`<dl class="facts">
    ${entries.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${v}</dd>`,
    )}
  </dl>`;
}

function reviewFacts(view: View, data: DetailData): SafeHtml {
  const lang = view.lang;
  const r = data.review;
  const rows: [string, HtmlValue][] = [
    [t(lang, 'decision'), html`<code>${r.decisionId}</code>`],
    [t(lang, 'caseId'), html`<code>${r.caseId}</code>`],
    [t(lang, 'reasons'), reasonsList(lang, r.reasons)],
    [t(lang, 'status'), statusBadge(lang, r)],
    [t(lang, 'openedAt'), formatDateTime(view, r.openedAt)],
    [
      t(lang, 'openedBy'),
      r.openedBy
        ? actor(lang, data.names, r.openedBy.agencyId, r.openedBy.subject)
        : t(lang, 'broker'),
    ],
    [t(lang, 'dueAt'), dueCell(view, r.dueAt, r.overdue, t(lang, 'overdue'))],
  ];
  if (r.note) rows.push([t(lang, 'note'), r.note]);
  if (r.followsReviewId)
    rows.push([
      t(lang, 'follows'),
      html`<a href="/console/reviews/${r.followsReviewId}"><code>${r.followsReviewId}</code></a>`,
    ]);
  if (r.outcome) rows.push([t(lang, 'outcome'), labelled(lang, OUTCOME_LABELS, r.outcome)]);
  if (r.outcomeReasons) rows.push([t(lang, 'outcomeReasons'), r.outcomeReasons]);
  if (r.remediation) rows.push([t(lang, 'remediation'), r.remediation]);
  if (r.decidedBy)
    rows.push([
      t(lang, 'decidedBy'),
      actor(lang, data.names, r.decidedBy.agencyId, r.decidedBy.subject),
    ]);
  if (r.decidedAt) rows.push([t(lang, 'decidedAt'), formatDateTime(view, r.decidedAt)]);
  return facts(rows);
}

function ruleText(lang: Language, bundle: PolicyBundle | undefined, rule: string): SafeHtml {
  const def = bundle?.rules[rule];
  return def ? html`<code>${rule}</code> — ${def.description[lang]}` : html`<code>${rule}</code>`;
}

function scopeText(lang: Language, bundle: PolicyBundle | undefined, scope: string): HtmlValue {
  if (scope === 'request') return t(lang, 'scopeRequest');
  if (scope.startsWith('category:'))
    return html`${t(lang, 'scopeCategory')} : ${categoryLabel(lang, bundle, scope.slice(9))}`;
  if (scope.startsWith('item:'))
    return html`${t(lang, 'scopeItem')} <code>${scope.slice(5)}</code>`;
  return html`<code>${scope}</code>`;
}

function factsText(factsOf: Readonly<Record<string, unknown>> | undefined): HtmlValue {
  const entries = Object.entries(factsOf ?? {});
  if (!entries.length) return '—';
  return html`<ul class="plain tight">
    ${entries.map(([k, v]) => {
      const value = Array.isArray(v)
        ? v.map(String).join(', ')
        : v === null
          ? '—'
          : String(v as string);
      return html`<li><code>${k}</code> : <code>${value}</code></li>`;
    })}
  </ul>`;
}

function fieldNames(
  fields: readonly string[] | Readonly<Record<string, unknown>> | undefined,
): string[] {
  if (!fields) return [];
  return Array.isArray(fields) ? fields.map(String) : Object.keys(fields);
}

/** A basis as applied to one item, e.g. `life_safety:on-compelling`: the basis in words, the code. */
function basisLabel(lang: Language, basis: string): SafeHtml {
  const label = pick(lang, REVIEW_BASIS_LABELS, basis.split(':')[0]);
  return label === basis.split(':')[0]
    ? html`<code>${basis}</code>`
    : html`${label} (<code>${basis}</code>)`;
}

function decisionSection(view: View, data: DetailData, decision: DecisionView): SafeHtml {
  const lang = view.lang;
  const bundle = data.bundle;
  const request = decision.request ?? {};
  const rows: [string, HtmlValue][] = [
    [t(lang, 'decision'), html`<code>${decision.decisionId}</code>`],
    [
      t(lang, 'requester'),
      actor(lang, data.names, decision.requesterAgencyId, decision.requesterSubject),
    ],
    [t(lang, 'person'), decision.personId ? html`<code>${decision.personId}</code>` : '—'],
    [
      t(lang, 'decisionOutcome'),
      decision.outcome ? labelled(lang, REVIEW_DECISION_OUTCOME_LABELS, decision.outcome) : '—',
    ],
    [t(lang, 'basis'), request.basis ? labelled(lang, REVIEW_BASIS_LABELS, request.basis) : '—'],
    [
      t(lang, 'purpose'),
      request.purpose ? labelled(lang, REVIEW_PURPOSE_LABELS, request.purpose) : '—',
    ],
    [
      t(lang, 'categories'),
      request.categories?.length
        ? html`<ul class="plain tight">
            ${request.categories.map((c) => html`<li>${categoryLabel(lang, bundle, c)}</li>`)}
          </ul>`
        : '—',
    ],
  ];
  if (request.obligationId) {
    const def = bundle?.obligations[request.obligationId];
    rows.push([
      t(lang, 'obligation'),
      def
        ? html`<code>${request.obligationId}</code> — ${def.description[lang]} (${def.citation})`
        : html`<code>${request.obligationId}</code>`,
    ]);
  }
  rows.push([t(lang, 'decidedOn'), formatDateTime(view, decision.decidedAt)]);
  rows.push([t(lang, 'bundle'), html`<code>${decision.policyBundleHash ?? '—'}</code>`]);
  const released = decision.released ?? [];
  const withheld = decision.withheld ?? [];
  return html`<h2>${t(lang, 'theDecision')}</h2>
    ${facts(rows)}
    <ul class="plain tight">
      <li>
        <a href="/console/policies/replay${query({ decisionId: decision.decisionId })}"
          >${t(lang, 'replay')}</a
        >
      </li>
      ${
        data.auditSeq !== undefined
          ? html`<li>
              <a href="/console/audit/records/${data.auditSeq}"
                >${t(lang, 'auditRecord', { seq: data.auditSeq })}</a
              >
            </li>`
          : ''
      }
    </ul>
    <h3>${t(lang, 'released')}</h3>
    ${
      released.length
        ? html`<table>
            <caption>
              ${t(lang, 'releasedCaption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t(lang, 'holder')}</th>
                <th scope="col">${t(lang, 'category')}</th>
                <th scope="col">${t(lang, 'fieldsReleased')}</th>
                <th scope="col">${t(lang, 'fieldsWithheld')}</th>
                <th scope="col">${t(lang, 'releasedBasis')}</th>
              </tr>
            </thead>
            <tbody>
              ${released.map(
                (item) =>
                  html`<tr>
                    <td>${agencyName(lang, data.names, item.holderAgencyId)}</td>
                    <td>${categoryLabel(lang, bundle, item.category)}</td>
                    <td>${fieldNames(item.fields).map((f) => html`<code>${f}</code> `)}</td>
                    <td>
                      ${item.withheldFields?.length ? item.withheldFields.map((f) => html`<code>${f}</code> `) : '—'}
                    </td>
                    <td>${item.basis ? basisLabel(lang, item.basis) : '—'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p>${t(lang, 'nothingReleased')}</p>`
    }
    ${
      withheld.length
        ? html`<h3>${t(lang, 'withheld')}</h3>
            <table>
              <caption>
                ${t(lang, 'withheldCaption')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${t(lang, 'category')}</th>
                  <th scope="col">${t(lang, 'why')}</th>
                </tr>
              </thead>
              <tbody>
                ${withheld.map(
                  (w) =>
                    html`<tr>
                      <td>${categoryLabel(lang, bundle, w.category)}</td>
                      <td>
                        <ul class="plain tight">
                          ${w.reasons.map((rule) => html`<li>${ruleText(lang, bundle, rule)}</li>`)}
                        </ul>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : ''
    }`;
}

function attestationSection(view: View, data: DetailData, decision: DecisionView): SafeHtml {
  const lang = view.lang;
  const attestation = decision.attestation;
  if (!attestation)
    return html`<h2>${t(lang, 'attestation')}</h2>
      <p>${t(lang, 'noAttestation')}</p>`;
  const criteria = (attestation.criteria ?? {}) as Readonly<Record<string, unknown>>;
  const labels = data.bundle?.exceptions.criteria ?? {};
  const extra = Object.entries(attestation).filter(
    ([k, v]) => k !== 'criteria' && k !== 'attestedAt' && typeof v === 'string',
  ) as [string, string][];
  return html`<h2>${t(lang, 'attestation')}</h2>
    <table>
      <caption>
        ${t(lang, 'criteriaCaption')}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t(lang, 'criterion')}</th>
          <th scope="col">${t(lang, 'attested')}</th>
        </tr>
      </thead>
      <tbody>
        ${Object.entries(criteria).map(
          ([id, value]) =>
            html`<tr>
              <td>
                ${labels[id] ? html`${labels[id][lang]} (<code>${id}</code>)` : html`<code>${id}</code>`}
              </td>
              <td>${value === true ? badge('ok', t(lang, 'yes')) : badge('bad', t(lang, 'no'))}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${facts([
      [t(lang, 'attestedAt'), formatDateTime(view, attestation.attestedAt as string | undefined)],
      ...extra.map(([k, v]): [string, HtmlValue] => [
        k === 'justification' ? t(lang, 'justification') : k,
        v,
      ]),
    ])}`;
}

function traceSection(view: View, data: DetailData, decision: DecisionView): SafeHtml {
  const lang = view.lang;
  const trace = decision.trace ?? [];
  const bundle = data.bundle;
  return html`<h2>${t(lang, 'trace')}</h2>
    ${bundle ? '' : html`<div class="notice-box warn"><p>${t(lang, 'bundleMissing')}</p></div>`}
    <table>
      <caption>
        ${t(lang, 'traceCaption', { n: formatNumber(lang, trace.length) })}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t(lang, 'rule')}</th>
          <th scope="col">${t(lang, 'scope')}</th>
          <th scope="col">${t(lang, 'verdict')}</th>
          <th scope="col">${t(lang, 'citation')}</th>
          <th scope="col">${t(lang, 'facts')}</th>
        </tr>
      </thead>
      <tbody>
        ${trace.map(
          (entry) =>
            html`<tr>
              <td>${ruleText(lang, bundle, entry.rule)}</td>
              <td>${scopeText(lang, bundle, entry.scope)}</td>
              <td>
                ${badge(VERDICT_BADGES[entry.verdict] ?? 'pending', pick(lang, REVIEW_VERDICT_LABELS, entry.verdict))}
              </td>
              <td>${bundle?.rules[entry.rule]?.citation ?? '—'}</td>
              <td>${factsText(entry.facts)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

interface HistoryEvent {
  readonly at: string;
  readonly order: number;
  readonly what: HtmlValue;
  readonly who: HtmlValue;
  readonly details: HtmlValue;
}

function historyEvents(lang: Language, data: DetailData): HistoryEvent[] {
  const r = data.review;
  const names = data.names;
  const events: HistoryEvent[] = [];
  const opener = (s: ReviewSummary) =>
    s.openedBy ? actor(lang, names, s.openedBy.agencyId, s.openedBy.subject) : t(lang, 'broker');
  const outcomeDetails = (s: ReviewSummary) =>
    html`${s.outcome ? labelled(lang, OUTCOME_LABELS, s.outcome) : ''}${s.outcomeReasons ? html`<br />${s.outcomeReasons}` : ''}${
      s.remediation ? html`<br />${t(lang, 'remediation')} : ${s.remediation}` : ''
    }`;
  for (const other of r.history) {
    if (other.id === r.id) continue;
    const earlier = other.openedAt < r.openedAt;
    const link = html` — <a href="/console/reviews/${other.id}">${t(lang, 'seeReview')}</a>`;
    events.push({
      at: other.openedAt,
      order: 0,
      what: html`${t(lang, earlier ? 'eventEarlierOpened' : 'eventLaterOpened')}${link}`,
      who: opener(other),
      details: reasonsList(lang, other.reasons),
    });
    if (other.decidedAt)
      events.push({
        at: other.decidedAt,
        order: 2,
        what: html`${t(lang, earlier ? 'eventEarlierDecided' : 'eventLaterDecided')}${link}`,
        who: other.decidedBy
          ? actor(lang, names, other.decidedBy.agencyId, other.decidedBy.subject)
          : '—',
        details: outcomeDetails(other),
      });
  }
  events.push({
    at: r.openedAt,
    order: 0,
    what: t(lang, 'eventOpened'),
    who: opener(r),
    details: html`${reasonsList(lang, r.reasons)}${r.note ? html`<p>${r.note}</p>` : ''}`,
  });
  for (const c of r.comments)
    events.push({
      at: c.createdAt,
      order: 1,
      what: t(lang, 'eventComment'),
      who: actor(lang, names, c.authorAgencyId, c.authorSubject),
      details: c.text,
    });
  if (r.decidedAt)
    events.push({
      at: r.decidedAt,
      order: 2,
      what: t(lang, 'eventDecided'),
      who: r.decidedBy ? actor(lang, names, r.decidedBy.agencyId, r.decidedBy.subject) : '—',
      details: outcomeDetails(r),
    });
  return events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.order - b.order);
}

function historySection(view: View, data: DetailData): SafeHtml {
  const lang = view.lang;
  return html`<h2>${t(lang, 'history')}</h2>
    <table>
      <caption>
        ${t(lang, 'historyCaption')}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t(lang, 'when')}</th>
          <th scope="col">${t(lang, 'what')}</th>
          <th scope="col">${t(lang, 'who')}</th>
          <th scope="col">${t(lang, 'details')}</th>
        </tr>
      </thead>
      <tbody>
        ${historyEvents(lang, data).map(
          (e) =>
            html`<tr>
              <td>${formatDateTime(view, e.at)}</td>
              <td>${e.what}</td>
              <td>${e.who}</td>
              <td>${e.details}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

function commentForm(view: View, id: string): SafeHtml {
  const lang = view.lang;
  return html`<h2>${t(lang, 'addComment')}</h2>
    <form method="post" action="/console/reviews/${id}/comments">
      ${csrfField(view)}
      <div class="field">
        <label for="comment-text">${t(lang, 'commentLabel')}</label>
        <textarea
          id="comment-text"
          name="text"
          required
          maxlength="4000"
          aria-describedby="comment-hint"
        ></textarea>
        <p id="comment-hint">${t(lang, 'commentHint')}</p>
      </div>
      <button type="submit">${t(lang, 'send')}</button>
    </form>`;
}

function decisionForm(view: View, id: string): SafeHtml {
  const lang = view.lang;
  return html`<h2>${t(lang, 'decide')}</h2>
    <p>${t(lang, 'decideHint')}</p>
    <form
      method="post"
      action="/console/reviews/${id}/decision"
      data-confirm="${t(lang, 'confirm')}"
    >
      ${csrfField(view)}
      <fieldset class="choices">
        <legend>${t(lang, 'outcomeLegend')}</legend>
        ${REVIEW_OUTCOMES.map(
          (o) =>
            html`<div>
              <input type="radio" id="outcome-${o}" name="outcome" value="${o}" required />
              <label for="outcome-${o}">${pick(lang, OUTCOME_LABELS, o)}</label>
            </div>`,
        )}
      </fieldset>
      <div class="field">
        <label for="outcome-reasons">${t(lang, 'reasonsLabel')}</label>
        <textarea id="outcome-reasons" name="reasons" required maxlength="4000"></textarea>
      </div>
      <div class="field">
        <label for="outcome-remediation">${t(lang, 'remediationLabel')}</label>
        <textarea id="outcome-remediation" name="remediation" maxlength="4000"></textarea>
      </div>
      <button type="submit">${t(lang, 'record')}</button>
    </form>`;
}

export function detailBody(view: View, data: DetailData): SafeHtml {
  const lang = view.lang;
  const r = data.review;
  const decision = r.decision;
  const done =
    data.done === 'comment'
      ? t(lang, 'doneComment')
      : data.done === 'decision'
        ? t(lang, 'doneDecision')
        : undefined;
  return html`${doneBox(done)}
    <p><a href="/console/reviews">${t(lang, 'back')}</a></p>
    ${
      r.status === 'decided' && r.outcome
        ? html`<div class="notice-box ok">
            <p>${t(lang, 'decidedBox', { outcome: pick(lang, OUTCOME_LABELS, r.outcome) })}</p>
          </div>`
        : ''
    }
    <h2>${t(lang, 'summary')}</h2>
    ${reviewFacts(view, data)}
    ${decision ? html`${decisionSection(view, data, decision)}${attestationSection(view, data, decision)}${traceSection(view, data, decision)}` : html`<p>${t(lang, 'partyNote')}</p>`}
    ${historySection(view, data)} ${commentForm(view, r.id)}
    ${
      r.status === 'open'
        ? data.mayDecide
          ? decisionForm(view, r.id)
          : html`<h2>${t(lang, 'decide')}</h2>
              <p>${t(lang, 'onlyTable')}</p>`
        : ''
    }`;
}
