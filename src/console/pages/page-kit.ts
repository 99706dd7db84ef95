import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AgencyDirectoryEntryDto } from '../../agencies/dto/agency-view.dto.js';
import type { Language, Localized } from '../../common/i18n/language.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { defineMessages } from '../i18n.js';
import { page, viewOf, type Section, type View } from '../layout.js';

const t = defineMessages({
  pages: { fr: 'Pages', en: 'Pages' },
  previous: { fr: 'Page précédente', en: 'Previous page' },
  next: { fr: 'Page suivante', en: 'Next page' },
});

/** Sends a whole console page. */
export function sendPage(
  reply: FastifyReply,
  view: View,
  options: { title: string; section?: Section; body: HtmlValue },
): void {
  void reply.header('content-type', 'text/html; charset=utf-8').send(page(view, options));
}

/** Post/redirect/get: after a form, back to a page (with `?done=<what>` to say what was done). */
export function seeOther(reply: FastifyReply, location: string): void {
  void reply.code(303).header('location', location).header('content-length', '0').send();
}

export function view(request: FastifyRequest, timeZone: string): View {
  return viewOf(request, timeZone);
}

/** A status word in a coloured pill (never colour alone: the word is the information). */
export function badge(kind: string, label: string): SafeHtml {
  return html`<span class="badge ${kind.replace(/[^a-z_]/g, '')}">${label}</span>`;
}

/** A confirmation after a form: a live region, so screen readers announce it. */
export function doneBox(message: string | undefined): HtmlValue {
  return message ? html`<div class="notice-box ok" role="status"><p>${message}</p></div>` : '';
}

/** Query string from fields, leaving out empty ones. */
export function query(
  fields: Readonly<Record<string, string | number | undefined | null>>,
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A code in words from a table of words (never an entry inherited from Object), or the code. */
export function pick<T extends string>(
  lang: Language,
  labels: Readonly<Record<T, Localized>>,
  key: string,
): string {
  return Object.hasOwn(labels, key) ? (labels as Record<string, Localized>)[key][lang] : key;
}

/** Agency names by id, from the directory every signed-in agency may read (GET /v1/agencies). */
export type AgencyNames = ReadonlyMap<string, Localized>;

export function agencyNames(directory: readonly AgencyDirectoryEntryDto[]): AgencyNames {
  return new Map(directory.map((a) => [a.id, a.names]));
}

/** The rows of one page of a work queue (reviews, held notices). */
export const PAGE_SIZE = 50;

/** A filter that is a single checkbox (`name=value` when ticked). */
export function checkboxFilter(
  name: string,
  value: string,
  label: string,
  checked: boolean,
): SafeHtml {
  return html`<div class="field">
    <span>
      <input
        type="checkbox"
        id="${name}"
        name="${name}"
        value="${value}"
        ${checked ? html` checked` : ''}
      />
      <label for="${name}">${label}</label>
    </span>
  </div>`;
}

/**
 * Previous and next links over a list read `PAGE_SIZE` rows at a time from `offset`: a next page
 * when this one is full. `link` gives the address of the page at an offset.
 */
export function offsetPager(
  lang: Language,
  page: { offset: number; rows: number },
  link: (offset: number) => string,
): HtmlValue {
  const { offset, rows } = page;
  return offset > 0 || rows === PAGE_SIZE
    ? html`<nav class="pager" aria-label="${t(lang, 'pages')}">
        ${offset > 0 ? html`<a href="${link(Math.max(0, offset - PAGE_SIZE))}">${t(lang, 'previous')}</a>` : ''}
        ${rows === PAGE_SIZE ? html`<a href="${link(offset + PAGE_SIZE)}">${t(lang, 'next')}</a>` : ''}
      </nav>`
    : '';
}
