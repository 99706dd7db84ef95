import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Audit } from '../../audit/audit-context.js';
import type { AuditContext } from '../../audit/audit.types.js';
import { ConsoleAccess } from '../../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../../common/auth/principal.js';
import type { Language, Localized } from '../../common/i18n/language.js';
import type { AppConfig } from '../../config/app-config.js';
import { InjectConfig } from '../../config/config.provider.js';
import type { Outcome } from '../../policy/decision.types.js';
import type { Basis } from '../../policy/facts.js';
import {
  DASHBOARD_DAYS,
  DashboardService,
  OUTCOMES,
  type DashboardDays,
  type DashboardFigures,
} from '../dashboard.service.js';
import { html, type SafeHtml } from '../html.js';
import { defineMessages, formatNumber } from '../i18n.js';
import { sectionsFor } from '../layout.js';
import { longDay, stackedBarChart, type ChartSeries, type Swatch, type Texture } from './charts.js';
import { sendPage, view } from './page-kit.js';

const t = defineMessages({
  title: { fr: 'Tableau de bord', en: 'Dashboard' },
  period: { fr: 'Période', en: 'Period' },
  lastDays: { fr: '{days} derniers jours', en: 'Last {days} days' },
  show: { fr: 'Afficher', en: 'Show' },
  scopeTable: {
    fr: 'Toute la table : les décisions et révisions de chaque organisme (vous les lisez toutes), les alertes de votre organisme. Ce sont des nombres seulement, sans personne ni dossier.',
    en: "The whole table: every agency's decisions and reviews (you read them all), your agency's alerts. Counts only, no person and no case.",
  },
  scopeAgency: {
    fr: "La part de votre organisme seulement : les décisions qu'il a demandées, les recours à l'exception qui l'ont touché, les révisions de ses décisions (si votre rôle les lit) et ses propres alertes. Ce sont des nombres seulement, sans personne ni dossier.",
    en: "Your agency's part only: the decisions it requested, the exception uses that involved it, the reviews of its decisions (if your role reads them) and its own alerts. Counts only, no person and no case.",
  },
  glance: { fr: 'En bref', en: 'At a glance' },
  decisions: { fr: 'Décisions de communication', en: 'Disclosure decisions' },
  decisionsDetail: {
    fr: '{permit} permise(s), {partial} partielle(s), {deny} refusée(s), {pending} en attente, sur {days} jours',
    en: '{permit} permitted, {partial} partial, {deny} refused, {pending} pending, over {days} days',
  },
  exceptions: {
    fr: "Recours à l'exception vie ou sécurité",
    en: 'Uses of the life or safety exception',
  },
  exceptionsDetail: {
    fr: 'communications faites sans consentement pour protéger une personne, sur {days} jours',
    en: 'disclosures made without consent to protect someone, over {days} days',
  },
  reviews: { fr: 'Révisions ouvertes', en: 'Open reviews' },
  reviewsDetail: { fr: 'dont {overdue} en retard', en: '{overdue} of them overdue' },
  alerts: { fr: 'Alertes non confirmées', en: 'Unacknowledged alerts' },
  alertsDetail: {
    fr: 'changements de risque non pris en compte, dont {urgent} urgente(s)',
    en: 'risk changes not yet acknowledged, {urgent} of them urgent',
  },
  reviewsLink: { fr: 'Voir les révisions', en: 'See the reviews' },
  byBasis: { fr: 'Décisions par jour, selon la base', en: 'Decisions per day, by basis' },
  byBasisDesc: {
    fr: 'Barres empilées, une par jour du {first} au {last}. {total} décision(s) : {parts}.',
    en: 'Stacked bars, one per day from {first} to {last}. {total} decision(s): {parts}.',
  },
  byOutcome: { fr: 'Décisions par jour, selon le résultat', en: 'Decisions per day, by outcome' },
  byOutcomeDesc: {
    fr: 'Barres empilées, une par jour du {first} au {last}. {total} décision(s) : {parts}.',
    en: 'Stacked bars, one per day from {first} to {last}. {total} decision(s): {parts}.',
  },
  exceptionsChart: {
    fr: "Recours à l'exception vie ou sécurité, par jour",
    en: 'Uses of the life or safety exception, per day',
  },
  exceptionsDesc: {
    fr: 'Barres, une par jour du {first} au {last} : {total} recours.',
    en: 'Bars, one per day from {first} to {last}: {total} use(s).',
  },
  xLabel: { fr: 'Jour', en: 'Day' },
  yDecisions: { fr: 'Décisions', en: 'Decisions' },
  yUses: { fr: 'Recours', en: 'Uses' },
  caption: { fr: '{chart} — chiffres par jour', en: '{chart} — figures per day' },
  dryRuns: {
    fr: 'Les simulations (dry-run) ne sont pas comptées. Les jours suivent le fuseau horaire de la table ({zone}).',
    en: 'Dry runs are not counted. Days follow the table’s time zone ({zone}).',
  },
  uses: { fr: 'Recours', en: 'Uses' },
});

const BASIS_SERIES: Readonly<
  Record<Basis, { label: Localized; swatch: Swatch; texture: Texture }>
> = {
  consent: { label: { fr: 'Consentement', en: 'Consent' }, swatch: 1, texture: 'plain' },
  life_safety: {
    label: { fr: 'Exception vie ou sécurité', en: 'Life or safety exception' },
    swatch: 2,
    texture: 'hatch',
  },
  legal_obligation: {
    label: { fr: 'Obligation légale', en: 'Legal obligation' },
    swatch: 3,
    texture: 'dots',
  },
};

const OUTCOME_SERIES: Readonly<
  Record<Outcome, { label: Localized; swatch: Swatch; texture: Texture }>
> = {
  permit: { label: { fr: 'Permise', en: 'Permitted' }, swatch: 0, texture: 'plain' },
  partial: { label: { fr: 'Partielle', en: 'Partial' }, swatch: 3, texture: 'hatch' },
  deny: { label: { fr: 'Refusée', en: 'Refused' }, swatch: 2, texture: 'dots' },
  pending: { label: { fr: 'En attente', en: 'Pending' }, swatch: 5, texture: 'plain' },
};

export class DashboardQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsIn(DASHBOARD_DAYS)
  days?: DashboardDays;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function card(id: string, title: string, value: string, detail: string): SafeHtml {
  return html`<div class="card" id="card-${id}">
    <h3>${title}</h3>
    <p class="value">${value}</p>
    <p>${detail}</p>
  </div>`;
}

/**
 * The table's dashboard (DESIGN §4): disclosures by basis and outcome, exception uses, open reviews
 * and unacknowledged alerts — counts only, scoped as `DashboardService` says, drawn as SVG with the
 * same figures in tables.
 */
@ApiExcludeController()
@Controller('console')
export class DashboardPageController {
  constructor(
    private readonly dashboard: DashboardService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get('dashboard')
  @ConsoleAccess('coordinator', 'privacy_officer')
  async page(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Query() q: DashboardQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const v = view(request, this.config.timeZone);
    const lang = v.lang;
    const days = q.days ?? 30;
    const figures = await this.dashboard.figures(caller, ctx, days, this.config.timeZone);
    const n = (value: number): string => formatNumber(lang, value);
    const total = sum(Object.values(figures.byOutcome).map(sum));
    const outcomeTotals = Object.fromEntries(
      OUTCOMES.map((o) => [o, n(sum(figures.byOutcome[o]))]),
    ) as Record<Outcome, string>;
    const seesReviews = sectionsFor(caller.roles).some((s) => s.section === 'reviews');

    const body = html`<form
        method="get"
        action="/console/dashboard"
        class="filters"
        aria-label="${t(lang, 'period')}"
      >
        <div class="field">
          <label for="dashboard-days">${t(lang, 'period')}</label>
          <select id="dashboard-days" name="days">
            ${DASHBOARD_DAYS.map(
              (d) =>
                html`<option value="${d}" ${d === days ? html`selected` : ''}>
                  ${t(lang, 'lastDays', { days: d })}
                </option>`,
            )}
          </select>
        </div>
        <button type="submit">${t(lang, 'show')}</button>
      </form>
      <p>${t(lang, figures.wholeTable ? 'scopeTable' : 'scopeAgency')}</p>
      <h2>${t(lang, 'glance')}</h2>
      <div class="cards">
        ${card(
          'decisions',
          t(lang, 'decisions'),
          n(total),
          t(lang, 'decisionsDetail', { ...outcomeTotals, days }),
        )}
        ${card(
          'exceptions',
          t(lang, 'exceptions'),
          n(sum(figures.exceptionUses)),
          t(lang, 'exceptionsDetail', { days }),
        )}
        ${
          figures.reviews
            ? card(
                'reviews',
                t(lang, 'reviews'),
                n(figures.reviews.open),
                t(lang, 'reviewsDetail', { overdue: n(figures.reviews.overdue) }),
              )
            : ''
        }
        ${card(
          'alerts',
          t(lang, 'alerts'),
          n(figures.alerts.unacknowledged),
          t(lang, 'alertsDetail', { urgent: n(figures.alerts.urgent) }),
        )}
      </div>
      ${seesReviews ? html`<p><a href="/console/reviews">${t(lang, 'reviewsLink')}</a></p>` : ''}
      <p>${t(lang, 'dryRuns', { zone: this.config.timeZone })}</p>
      ${this.charts(lang, figures)}`;
    sendPage(reply, v, { title: t(lang, 'title'), section: 'dashboard', body });
  }

  private charts(lang: Language, figures: DashboardFigures): SafeHtml {
    const n = (value: number): string => formatNumber(lang, value);
    const first = figures.days.length ? longDay(lang, figures.days[0]) : '—';
    const last = figures.days.length ? longDay(lang, figures.days[figures.days.length - 1]) : '—';
    const colon = lang === 'fr' ? ' : ' : ': ';
    const describe = (series: readonly ChartSeries[]): string =>
      series.map((s) => `${s.label}${colon}${n(sum(s.values))}`).join(', ');
    const byBasis: ChartSeries[] = (Object.keys(BASIS_SERIES) as Basis[]).map((b) => ({
      key: b,
      label: BASIS_SERIES[b].label[lang],
      swatch: BASIS_SERIES[b].swatch,
      texture: BASIS_SERIES[b].texture,
      values: figures.byBasis[b],
    }));
    const byOutcome: ChartSeries[] = OUTCOMES.map((o) => ({
      key: o,
      label: OUTCOME_SERIES[o].label[lang],
      swatch: OUTCOME_SERIES[o].swatch,
      texture: OUTCOME_SERIES[o].texture,
      values: figures.byOutcome[o],
    }));
    const exceptions: ChartSeries[] = [
      {
        key: 'life_safety',
        label: t(lang, 'uses'),
        swatch: 4,
        texture: 'plain',
        values: figures.exceptionUses,
      },
    ];
    const decisionsTotal = n(sum(byOutcome.map((s) => sum(s.values))));
    return html`<h2 id="by-basis">${t(lang, 'byBasis')}</h2>
      ${stackedBarChart({
        id: 'chart-basis',
        lang,
        title: t(lang, 'byBasis'),
        description: t(lang, 'byBasisDesc', {
          first,
          last,
          total: decisionsTotal,
          parts: describe(byBasis),
        }),
        xLabel: t(lang, 'xLabel'),
        yLabel: t(lang, 'yDecisions'),
        days: figures.days,
        series: byBasis,
        caption: t(lang, 'caption', { chart: t(lang, 'byBasis') }),
      })}
      <h2 id="by-outcome">${t(lang, 'byOutcome')}</h2>
      ${stackedBarChart({
        id: 'chart-outcome',
        lang,
        title: t(lang, 'byOutcome'),
        description: t(lang, 'byOutcomeDesc', {
          first,
          last,
          total: decisionsTotal,
          parts: describe(byOutcome),
        }),
        xLabel: t(lang, 'xLabel'),
        yLabel: t(lang, 'yDecisions'),
        days: figures.days,
        series: byOutcome,
        caption: t(lang, 'caption', { chart: t(lang, 'byOutcome') }),
      })}
      <h2 id="exceptions">${t(lang, 'exceptionsChart')}</h2>
      ${stackedBarChart({
        id: 'chart-exceptions',
        lang,
        title: t(lang, 'exceptionsChart'),
        description: t(lang, 'exceptionsDesc', {
          first,
          last,
          total: n(sum(figures.exceptionUses)),
        }),
        xLabel: t(lang, 'xLabel'),
        yLabel: t(lang, 'yUses'),
        days: figures.days,
        series: exceptions,
        caption: t(lang, 'caption', { chart: t(lang, 'exceptionsChart') }),
      })}`;
  }
}
