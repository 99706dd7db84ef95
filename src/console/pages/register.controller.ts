import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AgenciesService } from '../../agencies/agencies.service.js';
import { Audit } from '../../audit/audit-context.js';
import { AuditViewsService, type CommunicationEntry } from '../../audit/audit-views.service.js';
import type { AuditContext } from '../../audit/audit.types.js';
import { registerCsv, registerCsvHeaders } from '../../audit/register-csv.js';
import { ConsoleAccess } from '../../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../../common/auth/principal.js';
import type { Language } from '../../common/i18n/language.js';
import { IsTimestamp } from '../../common/validation/is-timestamp.js';
import { DATE_ONLY } from '../../common/validation/patterns.js';
import type { AppConfig } from '../../config/app-config.js';
import { InjectConfig } from '../../config/config.provider.js';
import type { PolicyBundle } from '../../policy/bundle.types.js';
import { PolicyService } from '../../policy/policy.service.js';
import { html, type SafeHtml } from '../html.js';
import { defineMessages, formatDate, formatDateTime, formatNumber } from '../i18n.js';
import type { View } from '../layout.js';
import {
  BASIS_LABELS,
  categoryLabel,
  label,
  PURPOSE_LABELS,
  reasonLabel,
} from './disclosure-labels.js';
import { Blank, periodBounds } from './form-values.js';
import { agencyNames, query, sendPage, view, type AgencyNames } from './page-kit.js';

const t = defineMessages({
  title: { fr: 'Registre des communications', en: 'Register of communications' },
  intro: {
    fr: "Chaque communication de renseignements personnels faite par l'organisme détenteur par l'entremise de Filet : à qui, quand, quoi, dans quel but et sur quelle base. La loi exige de les inscrire à un registre (RLRQ c. A-2.1, art. 67.3).",
    en: 'Every communication of personal information the holder agency made through Filet: to whom, when, what, for which purpose and on which basis. The law requires them to be entered in a register (CQLR c. A-2.1, s. 67.3).',
  },
  filters: { fr: 'Choisir le registre', en: 'Choose the register' },
  holder: { fr: 'Organisme détenteur', en: 'Holder agency' },
  from: { fr: 'Du (inclus)', en: 'From (included)' },
  to: { fr: 'Au (inclus)', en: 'To (included)' },
  show: { fr: 'Afficher', en: 'Show' },
  csv: {
    fr: 'Télécharger le registre en CSV (le même fichier que l’API)',
    en: 'Download the register as CSV (the same file as the API)',
  },
  caption: {
    fr: 'Registre de {holder} — {period} — {count} communication(s)',
    en: 'Register of {holder} — {period} — {count} communication(s)',
  },
  allTime: { fr: 'depuis le début', en: 'since the beginning' },
  since: { fr: 'depuis le {from}', en: 'since {from}' },
  until: { fr: "jusqu'au {to}", en: 'until {to}' },
  between: { fr: 'du {from} au {to}', en: 'from {from} to {to}' },
  empty: {
    fr: 'Aucune communication inscrite pour cet organisme et cette période.',
    en: 'No communication recorded for this agency and period.',
  },
  date: { fr: 'Date', en: 'Date' },
  recipient: { fr: 'Destinataire', en: 'Recipient' },
  categories: { fr: 'Catégories', en: 'Categories' },
  purpose: { fr: 'Fin', en: 'Purpose' },
  basis: { fr: 'Base', en: 'Basis' },
  reasons: { fr: 'Motifs', en: 'Reason codes' },
  case: { fr: 'Dossier', en: 'Case' },
  record: { fr: 'Entrée au journal', en: 'Log record' },
  recordLink: { fr: 'Entrée nº {seq}', en: 'Record #{seq}' },
  unknownAgency: { fr: 'organisme inconnu', en: 'unknown agency' },
});

export class RegisterPageQueryDto {
  /** The holder agency (default: the caller's own). */
  @IsOptional()
  @Blank()
  @IsUUID()
  holder?: string;

  /** A day (`YYYY-MM-DD`, from its start in the table's time zone) or an instant, included. */
  @IsOptional()
  @Blank()
  @IsTimestamp()
  from?: string;

  /** A day (included, to its end in the table's time zone) or an instant (excluded). */
  @IsOptional()
  @Blank()
  @IsTimestamp()
  to?: string;
}

export function agencyName(
  lang: Language,
  names: AgencyNames,
  id: string | null | undefined,
): string {
  if (!id) return '—';
  return names.get(id)?.[lang] ?? t(lang, 'unknownAgency');
}

/** Reason codes as `<code>` next to their plain-language label. */
export function reasonList(
  lang: Language,
  bundle: PolicyBundle,
  codes: readonly string[],
): SafeHtml {
  return html`<ul class="plain">
    ${codes.map((code) => {
      const words = reasonLabel(lang, bundle, code);
      return html`<li><code>${code}</code>${words ? html` — ${words}` : ''}</li>`;
    })}
  </ul>`;
}

export function categoryList(
  lang: Language,
  bundle: PolicyBundle,
  codes: readonly string[],
): string {
  return codes.map((c) => categoryLabel(lang, bundle, c)).join(', ');
}

function periodText(v: View, from: string | undefined, to: string | undefined): string {
  const day = (value: string): string =>
    DATE_ONLY.test(value)
      ? formatDate({ lang: v.lang, timeZone: 'UTC' }, `${value}T12:00:00Z`)
      : formatDateTime(v, value);
  if (from && to) return t(v.lang, 'between', { from: day(from), to: day(to) });
  if (from) return t(v.lang, 'since', { from: day(from) });
  if (to) return t(v.lang, 'until', { to: day(to) });
  return t(v.lang, 'allTime');
}

/**
 * The register of communications (DESIGN §4): the same service, the same rule on who reads which
 * holder's register, and the same CSV as `GET /v1/audit/register`.
 */
@ApiExcludeController()
@Controller('console')
export class RegisterPageController {
  constructor(
    private readonly views: AuditViewsService,
    private readonly agencies: AgenciesService,
    private readonly policy: PolicyService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get('register')
  @ConsoleAccess('privacy_officer')
  async register(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Query() q: RegisterPageQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const v = view(request, this.config.timeZone);
    const lang = v.lang;
    const holder = (q.holder ?? caller.agencyId).toLowerCase();
    const bounds = periodBounds(q.from, q.to, this.config.timeZone);
    const entries = await this.views.register(caller, ctx, holder, bounds.from, bounds.to);
    const directory = await this.agencies.listDirectory();
    const names = agencyNames(directory);
    const bundle = this.policy.current();
    const sorted = [...directory].sort((a, b) => a.names[lang].localeCompare(b.names[lang], lang));
    const dateValue = (value: string | undefined): string =>
      value && DATE_ONLY.test(value) ? value : '';
    const csvHref = `/console/register.csv${query({ holder, from: q.from, to: q.to })}`;

    const body = html`<p>${t(lang, 'intro')}</p>
      <form
        method="get"
        action="/console/register"
        class="filters"
        aria-label="${t(lang, 'filters')}"
      >
        <div class="field">
          <label for="register-holder">${t(lang, 'holder')}</label>
          <select id="register-holder" name="holder">
            ${sorted.map(
              (a) =>
                html`<option value="${a.id}" ${a.id === holder ? html`selected` : ''}>
                  ${a.names[lang]}
                </option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="register-from">${t(lang, 'from')}</label>
          <input id="register-from" name="from" type="date" value="${dateValue(q.from)}" />
        </div>
        <div class="field">
          <label for="register-to">${t(lang, 'to')}</label>
          <input id="register-to" name="to" type="date" value="${dateValue(q.to)}" />
        </div>
        <button type="submit">${t(lang, 'show')}</button>
      </form>
      <p><a href="${csvHref}" download>${t(lang, 'csv')}</a></p>
      ${
        entries.length === 0
          ? html`<p role="status">${t(lang, 'empty')}</p>`
          : this.table(v, bundle, names, holder, entries, periodText(v, q.from, q.to))
      }`;
    sendPage(reply, v, { title: t(lang, 'title'), section: 'register', body });
  }

  /** Byte for byte the API's `format=csv` for the same holder and period. */
  @Get('register.csv')
  @ConsoleAccess('privacy_officer')
  async csv(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Query() q: RegisterPageQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const holder = q.holder ?? caller.agencyId;
    const bounds = periodBounds(q.from, q.to, this.config.timeZone);
    const entries = await this.views.register(caller, ctx, holder, bounds.from, bounds.to);
    void reply.headers(registerCsvHeaders(holder)).send(registerCsv(entries));
  }

  private table(
    v: View,
    bundle: PolicyBundle,
    names: AgencyNames,
    holder: string,
    entries: readonly CommunicationEntry[],
    period: string,
  ): SafeHtml {
    const lang = v.lang;
    return html`<table>
      <caption>
        ${t(lang, 'caption', {
          holder: agencyName(lang, names, holder),
          period,
          count: formatNumber(lang, entries.length),
        })}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t(lang, 'date')}</th>
          <th scope="col">${t(lang, 'holder')}</th>
          <th scope="col">${t(lang, 'recipient')}</th>
          <th scope="col">${t(lang, 'categories')}</th>
          <th scope="col">${t(lang, 'purpose')}</th>
          <th scope="col">${t(lang, 'basis')}</th>
          <th scope="col">${t(lang, 'reasons')}</th>
          <th scope="col">${t(lang, 'case')}</th>
          <th scope="col">${t(lang, 'record')}</th>
        </tr>
      </thead>
      <tbody>
        ${entries.map(
          (e) =>
            html`<tr>
              <td>${formatDateTime(v, e.date)}</td>
              <td>${agencyName(lang, names, e.holderAgencyId)}</td>
              <td>${agencyName(lang, names, e.recipientAgencyId)}</td>
              <td>${categoryList(lang, bundle, e.categories)}</td>
              <td>${label(lang, PURPOSE_LABELS, e.purpose)}</td>
              <td>${label(lang, BASIS_LABELS, e.basis)}</td>
              <td>${reasonList(lang, bundle, e.reasonCodes)}</td>
              <td>${e.caseId ? html`<code>${e.caseId}</code>` : '—'}</td>
              <td>
                <a href="/console/audit/records/${e.seq}"
                  >${t(lang, 'recordLink', { seq: e.seq })}</a
                >
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}
