import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AgenciesService } from '../../agencies/agencies.service.js';
import { Audit } from '../../audit/audit-context.js';
import {
  AuditViewsService,
  COMMUNICATION_ACTION,
  type CommunicationEntry,
  type HoldView,
} from '../../audit/audit-views.service.js';
import { HOLD_REASONS, type HoldReason } from '../../audit/audit.entities.js';
import type { AuditContext } from '../../audit/audit.types.js';
import { ConsoleAccess } from '../../common/auth/access.decorator.js';
import {
  isCoordinationPrivacyOfficer,
  Principal,
  type PrincipalContext,
} from '../../common/auth/principal.js';
import { UuidPipe } from '../../common/validation/uuid-param.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { InjectConfig } from '../../config/config.provider.js';
import type { PolicyBundle } from '../../policy/bundle.types.js';
import { PolicyService } from '../../policy/policy.service.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { defineMessages, formatDateTime, formatNumber } from '../i18n.js';
import { csrfField, type View } from '../layout.js';
import { BASIS_LABELS, HOLD_REASON_LABELS, label, PURPOSE_LABELS } from './disclosure-labels.js';
import { Blank } from './form-values.js';
import {
  agencyNames,
  doneBox,
  query,
  seeOther,
  sendPage,
  view,
  type AgencyNames,
} from './page-kit.js';
import { agencyName, categoryList, reasonList } from './register.controller.js';

const t = defineMessages({
  title: { fr: "Demandes d'accès", en: 'Subject access' },
  intro: {
    fr: "Une personne demande à qui ses renseignements ont été communiqués. Entrez l'identifiant de la personne dans Filet : le rapport liste qui a reçu quoi à son sujet, quand et sur quelle base. Les entrées retenues pour la sécurité en sont exclues.",
    en: 'A person asks who received their information. Enter the person’s id in Filet: the report lists who received what about them, when and on which basis. Entries held for safety are left out.',
  },
  lookup: { fr: 'Rechercher une personne', en: 'Look up a person' },
  personId: { fr: 'Identifiant de la personne (uuid)', en: 'Person id (uuid)' },
  show: { fr: 'Produire le rapport', en: 'Produce the report' },
  reportHeading: {
    fr: 'Communications à déclarer à la personne',
    en: 'Communications to report to the person',
  },
  generated: {
    fr: 'Rapport produit le {date} pour la personne {person} : {count} communication(s).',
    en: 'Report produced on {date} for person {person}: {count} communication(s).',
  },
  none: {
    fr: "Aucune communication à déclarer : Filet n'a inscrit aucune communication de renseignements sur cette personne (ou toutes sont retenues).",
    en: 'Nothing to report: Filet recorded no communication of information about this person (or all are held).',
  },
  line: {
    fr: 'Le {date}, {holder} a communiqué à {recipient} : {categories}.',
    en: 'On {date}, {holder} communicated to {recipient}: {categories}.',
  },
  purpose: { fr: 'Fin : {purpose}.', en: 'Purpose: {purpose}.' },
  basis: { fr: 'Base : {basis}.', en: 'Basis: {basis}.' },
  reasons: { fr: 'Motifs', en: 'Reason codes' },
  recordLink: { fr: 'Entrée nº {seq} du journal', en: 'Log record #{seq}' },
  holdLegend: { fr: 'Retenir cette ligne', en: 'Hold this line' },
  holdReason: { fr: 'Motif', en: 'Reason' },
  holdButton: { fr: 'Retenir cette ligne', en: 'Hold this line' },
  officerHeading: {
    fr: 'Pour la ou le responsable seulement (ne fait pas partie de la réponse)',
    en: 'For the privacy officer only (not part of the answer)',
  },
  heldCount: {
    fr: '{count} entrée(s) sur cette personne sont retenues et exclues du rapport.',
    en: '{count} entry(ies) about this person are held out of the report.',
  },
  heldHeading: { fr: 'Entrées retenues sur cette personne', en: 'Held entries about this person' },
  heldCaption: {
    fr: 'Entrées retenues sur cette personne (exclues du rapport)',
    en: 'Held entries about this person (left out of the report)',
  },
  holdsHeading: { fr: 'Retenues de sécurité actives', en: 'Active safety holds' },
  holdsCaption: {
    fr: 'Retenues de sécurité actives que vous pouvez lever',
    en: 'Active safety holds you may release',
  },
  noHolds: { fr: 'Aucune retenue active.', en: 'No active hold.' },
  date: { fr: 'Date', en: 'Date' },
  holder: { fr: 'Détenteur', en: 'Holder' },
  recipient: { fr: 'Destinataire', en: 'Recipient' },
  categories: { fr: 'Catégories', en: 'Categories' },
  record: { fr: 'Entrée', en: 'Record' },
  reason: { fr: 'Motif de la retenue', en: 'Reason for the hold' },
  heldBy: { fr: 'Retenue par', en: 'Held by' },
  heldAt: { fr: 'Retenue le', en: 'Held on' },
  action: { fr: 'Action', en: 'Action' },
  release: { fr: 'Lever la retenue', en: 'Release' },
  releaseNamed: {
    fr: "Lever la retenue de l'entrée nº {seq}",
    en: 'Release the hold on record #{seq}',
  },
  releaseConfirm: {
    fr: "Lever cette retenue? L'entrée figurera de nouveau au rapport remis à la personne.",
    en: 'Release this hold? The entry will appear again in the report given to the person.',
  },
  held: {
    fr: 'La ligne est retenue : elle ne figure plus au rapport. La retenue est inscrite au journal.',
    en: 'The line is held: it no longer appears in the report. The hold is recorded in the log.',
  },
  released: {
    fr: 'La retenue est levée : la ligne figure de nouveau au rapport. La levée est inscrite au journal.',
    en: 'The hold is released: the line appears in the report again. The release is recorded in the log.',
  },
});

export class AccessPageQueryDto {
  @IsOptional()
  @Blank()
  @IsUUID()
  personId?: string;

  @IsOptional()
  @IsIn(['held', 'released'])
  done?: 'held' | 'released';
}

export class HoldFormDto {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  seq: number;

  @IsIn(HOLD_REASONS)
  reason: HoldReason;

  /** The report to come back to. */
  @IsOptional()
  @Blank()
  @IsUUID()
  personId?: string;
}

export class ReleaseFormDto {
  /** The report to come back to. */
  @IsOptional()
  @Blank()
  @IsUUID()
  personId?: string;
}

function backTo(personId: string | undefined, done: 'held' | 'released'): string {
  return `/console/access${query({ personId: personId?.toLowerCase(), done })}`;
}

/**
 * Subject access (DESIGN §4): the report a privacy officer answers a person with, and the safety
 * holds that keep an entry out of it — the same service methods as `GET
 * /v1/persons/{id}/disclosure-report` and `/v1/audit/holds`, recorded the same way.
 */
@ApiExcludeController()
@Controller('console')
export class SubjectAccessPageController {
  constructor(
    private readonly views: AuditViewsService,
    private readonly agencies: AgenciesService,
    private readonly policy: PolicyService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get('access')
  @ConsoleAccess('privacy_officer')
  async access(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Query() q: AccessPageQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const v = view(request, this.config.timeZone);
    const lang = v.lang;
    const personId = q.personId?.toLowerCase();
    let report: HtmlValue = '';
    if (personId) {
      const result = await this.views.subjectReport(caller, ctx, personId);
      const holds = await this.views.holds(caller, ctx, true);
      // The held entries about this person, named only for the officer (the report counts them).
      const held =
        result.heldEntries > 0 && holds.length > 0
          ? (
              await this.views.search(caller, ctx, {
                personId,
                action: COMMUNICATION_ACTION,
                limit: 200,
              })
            ).items
          : [];
      const heldSeqs = new Set(holds.map((h) => h.seq));
      const heldHere = held
        .filter((r) => heldSeqs.has(r.seq))
        .map((r) => ({
          hold: holds.find((h) => h.seq === r.seq)!,
          recordedAt: r.recordedAt,
          record: r.record,
        }));
      const names = agencyNames(await this.agencies.listDirectory());
      const bundle = this.policy.current();
      // The hold form where the service would take it: the holder's line, or any for the table's officer.
      const mayHold = (e: CommunicationEntry): boolean =>
        isCoordinationPrivacyOfficer(caller) || e.holderAgencyId === caller.agencyId;
      report = html`${this.letter(v, bundle, names, personId, result, mayHold)}
        <h2>${t(lang, 'officerHeading')}</h2>
        <p>${t(lang, 'heldCount', { count: formatNumber(lang, result.heldEntries) })}</p>
        ${heldHere.length ? this.heldTable(v, bundle, names, personId, heldHere) : ''}
        <h3>${t(lang, 'holdsHeading')}</h3>
        ${this.holdsTable(v, names, personId, holds)}`;
    }
    const body = html`${doneBox(q.done ? t(lang, q.done) : undefined)}
      <p>${t(lang, 'intro')}</p>
      <form method="get" action="/console/access" class="filters" aria-label="${t(lang, 'lookup')}">
        <div class="field">
          <label for="access-person">${t(lang, 'personId')}</label>
          <input
            id="access-person"
            name="personId"
            type="text"
            inputmode="text"
            autocomplete="off"
            spellcheck="false"
            size="40"
            maxlength="36"
            pattern="[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
            required
            value="${personId ?? ''}"
          />
        </div>
        <button type="submit">${t(lang, 'show')}</button>
      </form>
      ${report}`;
    sendPage(reply, v, { title: t(lang, 'title'), section: 'access', body });
  }

  @Post('access/holds')
  @ConsoleAccess('privacy_officer')
  async hold(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Body() body: HoldFormDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.views.hold(caller, ctx, body.seq, body.reason);
    seeOther(reply, backTo(body.personId, 'held'));
  }

  @Post('access/holds/:id/release')
  @ConsoleAccess('privacy_officer')
  async release(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('id', UuidPipe) id: string,
    @Body() body: ReleaseFormDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.views.release(caller, ctx, id);
    seeOther(reply, backTo(body.personId, 'released'));
  }

  /** The list the officer answers the person with, one sentence per communication. */
  private letter(
    v: View,
    bundle: PolicyBundle,
    names: AgencyNames,
    personId: string,
    result: { generatedAt: string; entries: readonly CommunicationEntry[] },
    mayHold: (entry: CommunicationEntry) => boolean,
  ): SafeHtml {
    const lang = v.lang;
    return html`<h2>${t(lang, 'reportHeading')}</h2>
      <p>
        ${t(lang, 'generated', {
          date: formatDateTime(v, result.generatedAt),
          person: personId,
          count: formatNumber(lang, result.entries.length),
        })}
      </p>
      ${
        result.entries.length === 0
          ? html`<p>${t(lang, 'none')}</p>`
          : html`<ol class="letter">
              ${result.entries.map(
                (e) =>
                  html`<li id="line-${e.seq}">
                    <p>
                      ${t(lang, 'line', {
                        date: formatDateTime(v, e.date),
                        holder: agencyName(lang, names, e.holderAgencyId),
                        recipient: agencyName(lang, names, e.recipientAgencyId),
                        categories: categoryList(lang, bundle, e.categories),
                      })}
                      ${t(lang, 'purpose', { purpose: label(lang, PURPOSE_LABELS, e.purpose) })}
                      ${t(lang, 'basis', { basis: label(lang, BASIS_LABELS, e.basis) })}
                    </p>
                    <details>
                      <summary>${t(lang, 'reasons')}</summary>
                      ${reasonList(lang, bundle, e.reasonCodes)}
                      <p>
                        <a href="/console/audit/records/${e.seq}"
                          >${t(lang, 'recordLink', { seq: e.seq })}</a
                        >
                      </p>
                    </details>
                    ${mayHold(e) ? this.holdForm(v, personId, e.seq) : ''}
                  </li>`,
              )}
            </ol>`
      }`;
  }

  private holdForm(v: View, personId: string, seq: number): SafeHtml {
    const lang = v.lang;
    return html`<form method="post" action="/console/access/holds" class="hold-line">
      ${csrfField(v)}
      <input type="hidden" name="seq" value="${seq}" />
      <input type="hidden" name="personId" value="${personId}" />
      <fieldset>
        <legend>${t(lang, 'holdLegend')}</legend>
        <label for="hold-reason-${seq}">${t(lang, 'holdReason')}</label>
        <select id="hold-reason-${seq}" name="reason" required>
          ${HOLD_REASONS.map(
            (r) => html`<option value="${r}">${label(lang, HOLD_REASON_LABELS, r)}</option>`,
          )}
        </select>
        <button type="submit" class="secondary">${t(lang, 'holdButton')}</button>
      </fieldset>
    </form>`;
  }

  private releaseForm(v: View, personId: string | undefined, hold: HoldView): SafeHtml {
    const lang = v.lang;
    return html`<form
      method="post"
      action="/console/access/holds/${hold.id}/release"
      data-confirm="${t(lang, 'releaseConfirm')}"
    >
      ${csrfField(v)}
      ${personId ? html`<input type="hidden" name="personId" value="${personId}" />` : ''}
      <button
        type="submit"
        class="secondary"
        aria-label="${t(lang, 'releaseNamed', { seq: hold.seq })}"
      >
        ${t(lang, 'release')}
      </button>
    </form>`;
  }

  private heldTable(
    v: View,
    bundle: PolicyBundle,
    names: AgencyNames,
    personId: string,
    rows: readonly { hold: HoldView; recordedAt: string; record: Record<string, unknown> }[],
  ): SafeHtml {
    const lang = v.lang;
    return html`<table>
      <caption>
        ${t(lang, 'heldCaption')}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t(lang, 'record')}</th>
          <th scope="col">${t(lang, 'date')}</th>
          <th scope="col">${t(lang, 'holder')}</th>
          <th scope="col">${t(lang, 'recipient')}</th>
          <th scope="col">${t(lang, 'categories')}</th>
          <th scope="col">${t(lang, 'reason')}</th>
          <th scope="col">${t(lang, 'action')}</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(({ hold, recordedAt, record }) => {
          const targets = (record.targets ?? {}) as Record<string, unknown>;
          const text = (value: unknown): string | undefined =>
            typeof value === 'string' ? value : undefined;
          const categories = Array.isArray(record.categories)
            ? record.categories.filter((c): c is string => typeof c === 'string')
            : [];
          return html`<tr>
            <td>
              <a href="/console/audit/records/${hold.seq}"
                >${t(lang, 'recordLink', { seq: hold.seq })}</a
              >
            </td>
            <td>${formatDateTime(v, recordedAt)}</td>
            <td>${agencyName(lang, names, text(targets.holderAgencyId))}</td>
            <td>${agencyName(lang, names, text(targets.recipientAgencyId))}</td>
            <td>${categoryList(lang, bundle, categories)}</td>
            <td>${label(lang, HOLD_REASON_LABELS, hold.reason)}</td>
            <td>${this.releaseForm(v, personId, hold)}</td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }

  private holdsTable(
    v: View,
    names: AgencyNames,
    personId: string | undefined,
    holds: readonly HoldView[],
  ): SafeHtml {
    const lang = v.lang;
    if (holds.length === 0) return html`<p>${t(lang, 'noHolds')}</p>`;
    return html`<table>
      <caption>
        ${t(lang, 'holdsCaption')}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t(lang, 'record')}</th>
          <th scope="col">${t(lang, 'reason')}</th>
          <th scope="col">${t(lang, 'heldBy')}</th>
          <th scope="col">${t(lang, 'heldAt')}</th>
          <th scope="col">${t(lang, 'action')}</th>
        </tr>
      </thead>
      <tbody>
        ${holds.map(
          (h) =>
            html`<tr>
              <td>
                <a href="/console/audit/records/${h.seq}"
                  >${t(lang, 'recordLink', { seq: h.seq })}</a
                >
              </td>
              <td>${label(lang, HOLD_REASON_LABELS, h.reason)}</td>
              <td>${agencyName(lang, names, h.heldByAgencyId)}</td>
              <td>${formatDateTime(v, h.heldAt)}</td>
              <td>${this.releaseForm(v, personId, h)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}
