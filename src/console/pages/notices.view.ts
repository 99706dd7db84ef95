import type { Language, Localized } from '../../common/i18n/language.js';
import { SEND_MEANS } from '../../notices/dto/notice-input.dto.js';
import { NOTICE_STATUSES } from '../../notices/notice.entity.js';
import type { NoticeView } from '../../notices/notices.service.js';
import type { PolicyBundle } from '../../policy/bundle.types.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { defineMessages, formatDateTime, formatNumber } from '../i18n.js';
import { csrfField, type View } from '../layout.js';
import { REVIEW_BASIS_LABELS, REVIEW_PURPOSE_LABELS } from './disclosure-labels.js';
import {
  badge,
  checkboxFilter,
  doneBox,
  offsetPager,
  pick,
  query,
  type AgencyNames,
} from './page-kit.js';
import { actor, agencyName, categoryLabel, dueCell, labelled } from './reviews.view.js';

export const t = defineMessages({
  listTitle: { fr: 'Avis retenus', en: 'Held notices' },
  detailTitle: { fr: 'Avis à la personne concernée', en: 'Notice to the person concerned' },
  intro: {
    fr: 'Certains régimes (LPRPDE, lois ontariennes) exigent d’aviser la personne d’une communication faite sans son consentement. Filet retient chaque avis et ne l’envoie jamais : le responsable de l’organisme détenteur l’autorise à l’envoi, ou le retient pour la sécurité — la personne avisée peut être celle qui pose le risque —, avec motifs, puis inscrit l’envoi.',
    en: 'Some regimes (PIPEDA, Ontario statutes) require telling the person of a disclosure made without consent. Filet holds every such notice and never sends it: the holder agency’s privacy officer clears it to send, or withholds it for safety — the person told may be the one posing the risk —, with reasons, then records that it was sent.',
  },
  filters: { fr: 'Filtrer les avis', en: 'Filter notices' },
  state: { fr: 'État', en: 'State' },
  any: { fr: 'Tous', en: 'All' },
  overdueOnly: { fr: 'Retenus en retard seulement', en: 'Held past their deadline only' },
  apply: { fr: 'Filtrer', en: 'Filter' },
  caption: {
    fr: 'Avis, échéance la plus proche d’abord ({n})',
    en: 'Notices, earliest deadline first ({n})',
  },
  holder: { fr: 'Organisme détenteur', en: 'Holder agency' },
  recipient: { fr: 'Organisme destinataire', en: 'Recipient agency' },
  decision: { fr: 'Décision', en: 'Decision' },
  person: { fr: 'Personne concernée (identifiant)', en: 'Person concerned (id)' },
  dueAt: { fr: 'Échéance', en: 'Deadline' },
  overdue: { fr: 'En retard', en: 'Overdue' },
  openNotice: { fr: 'Ouvrir l’avis de la décision', en: 'Open the notice of decision' },
  none: { fr: 'Aucun avis ne correspond à ces filtres.', en: 'No notice matches these filters.' },
  // Detail
  back: { fr: 'Retour aux avis', en: 'Back to the notices' },
  theNotice: { fr: 'L’avis', en: 'The notice' },
  caseId: { fr: 'Dossier', en: 'Case' },
  reviewsOf: { fr: 'révisions de cette décision', en: 'reviews of this decision' },
  regime: { fr: 'Régime qui impose l’avis', en: 'Regime requiring the notice' },
  rule: { fr: 'Règle', en: 'Rule' },
  createdAt: { fr: 'Retenu le', en: 'Held since' },
  disclosure: {
    fr: 'La communication dont la personne serait avisée',
    en: 'The disclosure the person would be told of',
  },
  basis: { fr: 'Fondement', en: 'Basis' },
  purpose: { fr: 'Fin', en: 'Purpose' },
  categories: {
    fr: 'Catégories communiquées par ce détenteur',
    en: 'Categories this holder disclosed',
  },
  decidedAt: { fr: 'Décidée le', en: 'Decided' },
  history: { fr: 'Historique', en: 'History' },
  historyCaption: {
    fr: 'Chaque étape de l’avis, dans l’ordre',
    en: 'Each step of the notice, in order',
  },
  when: { fr: 'Quand', en: 'When' },
  step: { fr: 'Étape', en: 'Step' },
  reasons: { fr: 'Motifs', en: 'Reasons' },
  means: { fr: 'Moyen d’envoi', en: 'Sent by' },
  who: { fr: 'Qui', en: 'Who' },
  filet: { fr: 'Filet, avec la communication', en: 'Filet, with the disclosure' },
  actions: { fr: 'Décider de l’avis', en: 'Decide the notice' },
  withhold: { fr: 'Retenir pour la sécurité', en: 'Withhold for safety' },
  withholdLabel: {
    fr: 'Pourquoi aviser la personne créerait un danger (obligatoire)',
    en: 'Why telling the person would create a danger (required)',
  },
  clear: { fr: 'Autoriser l’envoi', en: 'Clear to send' },
  clearLabel: {
    fr: 'Pourquoi l’envoi est maintenant sans danger (obligatoire)',
    en: 'Why sending it is now safe (required)',
  },
  sent: { fr: 'Inscrire l’envoi', en: 'Record as sent' },
  meansLabel: { fr: 'Envoyé par', en: 'Sent by' },
  sentAtLabel: {
    fr: 'Envoyé le (heure de la table : {zone} ; vide : maintenant)',
    en: 'Sent on (table time: {zone}; empty: now)',
  },
  sentHint: {
    fr: 'Filet n’envoie jamais l’avis : l’organisme détenteur l’envoie lui-même, puis l’inscrit ici.',
    en: 'Filet never sends the notice: the holder agency sends it itself, then records it here.',
  },
  confirmWithhold: {
    fr: 'Retenir cet avis pour la sécurité ? / Withhold this notice for safety?',
    en: 'Withhold this notice for safety? / Retenir cet avis pour la sécurité ?',
  },
  confirmClear: {
    fr: 'Autoriser l’envoi de cet avis ? / Clear this notice to send?',
    en: 'Clear this notice to send? / Autoriser l’envoi de cet avis ?',
  },
  confirmSent: {
    fr: 'Inscrire que cet avis a été envoyé ? / Record this notice as sent?',
    en: 'Record this notice as sent? / Inscrire que cet avis a été envoyé ?',
  },
  oversightOnly: {
    fr: 'L’organisme coordonnateur supervise tous les avis ; seul le responsable de l’organisme détenteur en décide.',
    en: 'The coordinating agency oversees every notice; only the holder agency’s privacy officer decides it.',
  },
  sentDone: {
    fr: 'Cet avis a été envoyé ; il n’y a plus rien à décider.',
    en: 'This notice was sent; nothing is left to decide.',
  },
  doneWithhold: {
    fr: 'L’avis est retenu pour la sécurité.',
    en: 'The notice is withheld for safety.',
  },
  doneClear: { fr: 'L’avis est autorisé à l’envoi.', en: 'The notice is cleared to send.' },
  doneSent: { fr: 'L’envoi de l’avis est inscrit.', en: 'The notice is recorded as sent.' },
});

export const STATUS_LABELS: Readonly<Record<string, Localized>> = {
  held: { fr: 'Retenu, en attente de décision', en: 'Held, awaiting a decision' },
  withheld_for_safety: { fr: 'Retenu pour la sécurité', en: 'Withheld for safety' },
  cleared_to_send: { fr: 'Autorisé à l’envoi', en: 'Cleared to send' },
  sent: { fr: 'Envoyé', en: 'Sent' },
};
const STATUS_BADGES: Readonly<Record<string, string>> = {
  held: 'pending',
  withheld_for_safety: 'warn',
  cleared_to_send: 'ok',
  sent: 'success',
};

export const MEANS_LABELS: Readonly<Record<string, Localized>> = {
  mail: { fr: 'Courrier', en: 'Mail' },
  in_person: { fr: 'En personne', en: 'In person' },
  phone: { fr: 'Téléphone', en: 'Phone' },
  email: { fr: 'Courriel', en: 'Email' },
  secure_message: { fr: 'Messagerie sécurisée', en: 'Secure message' },
};

function statusBadge(lang: Language, status: string): SafeHtml {
  return badge(STATUS_BADGES[status] ?? 'pending', pick(lang, STATUS_LABELS, status));
}

export interface NoticeListQuery {
  readonly status?: string;
  readonly overdue?: 'true';
  readonly offset?: number;
}

export function listBody(
  view: View,
  data: {
    readonly items: readonly NoticeView[];
    readonly names: AgencyNames;
    readonly query: NoticeListQuery;
  },
): SafeHtml {
  const lang = view.lang;
  const { items, names, query: q } = data;
  const offset = q.offset ?? 0;
  const link = (o: number) =>
    `/console/notices${query({ status: q.status, overdue: q.overdue, offset: o || undefined })}`;
  return html`<p>${t(lang, 'intro')}</p>
    <form class="filters" method="get" action="/console/notices" aria-label="${t(lang, 'filters')}">
      <div class="field">
        <label for="status">${t(lang, 'state')}</label>
        <select id="status" name="status">
          <option value="" ${q.status ? '' : html` selected`}>${t(lang, 'any')}</option>
          ${NOTICE_STATUSES.map(
            (s) =>
              html`<option value="${s}" ${q.status === s ? html` selected` : ''}>
                ${pick(lang, STATUS_LABELS, s)}
              </option>`,
          )}
        </select>
      </div>
      ${checkboxFilter('overdue', 'true', t(lang, 'overdueOnly'), Boolean(q.overdue))}
      <button type="submit">${t(lang, 'apply')}</button>
    </form>
    ${
      items.length
        ? html`<table>
            <caption>
              ${t(lang, 'caption', { n: formatNumber(lang, items.length) })}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t(lang, 'decision')}</th>
                <th scope="col">${t(lang, 'holder')}</th>
                <th scope="col">${t(lang, 'person')}</th>
                <th scope="col">${t(lang, 'dueAt')}</th>
                <th scope="col">${t(lang, 'state')}</th>
              </tr>
            </thead>
            <tbody>
              ${items.map(
                (n) =>
                  html`<tr>
                    <td>
                      <a href="/console/notices/${n.id}"
                        ><span class="visually-hidden">${t(lang, 'openNotice')} </span
                        ><code>${n.decisionId}</code></a
                      >
                    </td>
                    <td>${agencyName(lang, names, n.holderAgencyId)}</td>
                    <td><code>${n.personId}</code></td>
                    <td>${dueCell(view, n.dueAt, n.overdue, t(lang, 'overdue'))}</td>
                    <td>${statusBadge(lang, n.status)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p>${t(lang, 'none')}</p>`
    }
    ${offsetPager(lang, { offset, rows: items.length }, link)}`;
}

export interface NoticeDetailData {
  readonly notice: NoticeView;
  readonly names: AgencyNames;
  readonly bundle: PolicyBundle;
  /** The caller is the holder's privacy officer (shown only; the service checks again). */
  readonly mayDecide: boolean;
  readonly done: 'withhold' | 'clear' | 'sent' | undefined;
}

function reasonsForm(
  view: View,
  options: {
    id: string;
    action: 'withhold' | 'clear';
    title: string;
    label: string;
    confirm: string;
  },
): SafeHtml {
  const field = `${options.action}-reasons`;
  return html`<form
    method="post"
    action="/console/notices/${options.id}/${options.action}"
    data-confirm="${options.confirm}"
  >
    ${csrfField(view)}
    <h3>${options.title}</h3>
    <label for="${field}">${options.label}</label>
    <textarea id="${field}" name="reasons" required maxlength="4000"></textarea>
    <button type="submit">${options.title}</button>
  </form>`;
}

function sentForm(view: View, id: string): SafeHtml {
  const lang = view.lang;
  return html`<form
    method="post"
    action="/console/notices/${id}/sent"
    data-confirm="${t(lang, 'confirmSent')}"
  >
    ${csrfField(view)}
    <h3>${t(lang, 'sent')}</h3>
    <p>${t(lang, 'sentHint')}</p>
    <label for="sent-means">${t(lang, 'meansLabel')}</label>
    <select id="sent-means" name="means" required>
      ${SEND_MEANS.map((m) => html`<option value="${m}">${pick(lang, MEANS_LABELS, m)}</option>`)}
    </select>
    <label for="sent-at">${t(lang, 'sentAtLabel', { zone: view.timeZone })}</label>
    <input type="datetime-local" id="sent-at" name="sentAt" />
    <button type="submit">${t(lang, 'sent')}</button>
  </form>`;
}

function actionsSection(view: View, data: NoticeDetailData): HtmlValue {
  const lang = view.lang;
  const n = data.notice;
  if (n.status === 'sent')
    return html`<h2>${t(lang, 'actions')}</h2>
      <p>${t(lang, 'sentDone')}</p>`;
  if (!data.mayDecide)
    return html`<h2>${t(lang, 'actions')}</h2>
      <p>${t(lang, 'oversightOnly')}</p>`;
  const withhold = reasonsForm(view, {
    id: n.id,
    action: 'withhold',
    title: t(lang, 'withhold'),
    label: t(lang, 'withholdLabel'),
    confirm: t(lang, 'confirmWithhold'),
  });
  const clear = reasonsForm(view, {
    id: n.id,
    action: 'clear',
    title: t(lang, 'clear'),
    label: t(lang, 'clearLabel'),
    confirm: t(lang, 'confirmClear'),
  });
  // The forms the state allows (NoticesService.move): held → withhold or clear; withheld → clear;
  // cleared → record as sent.
  const forms =
    n.status === 'held'
      ? [withhold, clear]
      : n.status === 'withheld_for_safety'
        ? [clear]
        : n.status === 'cleared_to_send'
          ? [sentForm(view, n.id)]
          : [];
  return html`<h2>${t(lang, 'actions')}</h2>
    <div class="actions">${forms}</div>`;
}

export function detailBody(view: View, data: NoticeDetailData): SafeHtml {
  const lang = view.lang;
  const { notice: n, names, bundle } = data;
  const done = data.done
    ? t(
        lang,
        data.done === 'withhold'
          ? 'doneWithhold'
          : data.done === 'clear'
            ? 'doneClear'
            : 'doneSent',
      )
    : undefined;
  const regime = (bundle.regimes as Readonly<Record<string, { label: Localized } | undefined>>)[
    n.regime
  ];
  return html`${doneBox(done)}
    <p><a href="/console/notices">${t(lang, 'back')}</a></p>
    <h2>${t(lang, 'theNotice')}</h2>
    <dl class="facts">
      <dt>${t(lang, 'state')}</dt>
      <dd>${statusBadge(lang, n.status)}</dd>
      <dt>${t(lang, 'holder')}</dt>
      <dd>${agencyName(lang, names, n.holderAgencyId)}</dd>
      <dt>${t(lang, 'recipient')}</dt>
      <dd>${agencyName(lang, names, n.recipientAgencyId)}</dd>
      <dt>${t(lang, 'decision')}</dt>
      <dd>
        <code>${n.decisionId}</code>
        (<a href="/console/reviews${query({ decisionId: n.decisionId })}">${t(lang, 'reviewsOf')}</a
        >)
      </dd>
      <dt>${t(lang, 'caseId')}</dt>
      <dd><code>${n.caseId}</code></dd>
      <dt>${t(lang, 'person')}</dt>
      <dd><code>${n.personId}</code></dd>
      <dt>${t(lang, 'regime')}</dt>
      <dd>
        ${regime ? html`${regime.label[lang]} (<code>${n.regime}</code>)` : html`<code>${n.regime}</code>`}
      </dd>
      <dt>${t(lang, 'rule')}</dt>
      <dd>${n.rule.description[lang]} (${n.rule.citation})</dd>
      <dt>${t(lang, 'createdAt')}</dt>
      <dd>${formatDateTime(view, n.createdAt)}</dd>
      <dt>${t(lang, 'dueAt')}</dt>
      <dd>${dueCell(view, n.dueAt, n.overdue, t(lang, 'overdue'))}</dd>
    </dl>
    <h2>${t(lang, 'disclosure')}</h2>
    <dl class="facts">
      <dt>${t(lang, 'basis')}</dt>
      <dd>${labelled(lang, REVIEW_BASIS_LABELS, n.disclosure.basis)}</dd>
      <dt>${t(lang, 'purpose')}</dt>
      <dd>${labelled(lang, REVIEW_PURPOSE_LABELS, n.disclosure.purpose)}</dd>
      <dt>${t(lang, 'categories')}</dt>
      <dd>
        ${n.disclosure.categories.length ? n.disclosure.categories.map((c) => html`${categoryLabel(lang, bundle, c)} `) : '—'}
      </dd>
      <dt>${t(lang, 'decidedAt')}</dt>
      <dd>${formatDateTime(view, n.disclosure.decidedAt)}</dd>
    </dl>
    <h2>${t(lang, 'history')}</h2>
    <table>
      <caption>
        ${t(lang, 'historyCaption')}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t(lang, 'when')}</th>
          <th scope="col">${t(lang, 'step')}</th>
          <th scope="col">${t(lang, 'reasons')}</th>
          <th scope="col">${t(lang, 'means')}</th>
          <th scope="col">${t(lang, 'who')}</th>
        </tr>
      </thead>
      <tbody>
        ${(n.history ?? []).map(
          (h) =>
            html`<tr>
              <td>${formatDateTime(view, h.at)}</td>
              <td>${statusBadge(lang, h.status)}</td>
              <td>${h.reasons ?? '—'}</td>
              <td>${h.means ? labelled(lang, MEANS_LABELS, h.means) : '—'}</td>
              <td>
                ${h.actorAgencyId || h.actorSubject ? actor(lang, names, h.actorAgencyId, h.actorSubject) : t(lang, 'filet')}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${actionsSection(view, data)}`;
}
