import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '../../common/i18n/language.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { page, viewOf, type Section, type View } from '../layout.js';

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

export function pick<T extends string>(
  lang: Language,
  labels: Readonly<Record<T, { fr: string; en: string }>>,
  key: string,
): string {
  return (labels as Record<string, { fr: string; en: string } | undefined>)[key]?.[lang] ?? key;
}
