import type { Language } from '../../common/i18n/language.js';
import { html, type SafeHtml } from '../html.js';
import { defineMessages, formatNumber } from '../i18n.js';

/**
 * Charts drawn on the server as inline SVG: no script, no style attribute (the console's CSP), a
 * title and a description for assistive technology, a legend whose swatches are the console's
 * `.legend .swatch.sN` classes, a texture on every other series so that colour is never the only
 * difference, and the same figures in a table for exact values and screen readers.
 */

/** The fills of `.swatch.s0` … `.swatch.s5` in the console's style sheet (assets.ts). */
const PALETTE = ['#146c2e', '#0b4f8a', '#a4161a', '#8a4b00', '#5b3f8c', '#4a5460'] as const;

export type Swatch = 0 | 1 | 2 | 3 | 4 | 5;
export type Texture = 'plain' | 'hatch' | 'dots';

export interface ChartSeries {
  /** A code, used in ids and `data-series` (a–z, 0–9, `_`). */
  readonly key: string;
  readonly label: string;
  readonly swatch: Swatch;
  readonly texture?: Texture;
  /** One value per day, in the order of `days`. */
  readonly values: readonly number[];
}

export interface StackedBarChartOptions {
  /** Prefix of the chart's element ids (unique in the page). */
  readonly id: string;
  readonly lang: Language;
  readonly title: string;
  readonly description: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Days as `YYYY-MM-DD`, oldest first. */
  readonly days: readonly string[];
  readonly series: readonly ChartSeries[];
  /** The caption of the table of figures. */
  readonly caption: string;
}

const t = defineMessages({
  figures: { fr: 'Les chiffres (tableau)', en: 'The figures (table)' },
  day: { fr: 'Jour', en: 'Day' },
  total: { fr: 'Total', en: 'Total' },
  legend: { fr: 'Légende', en: 'Legend' },
});

const WIDTH = 720;
const HEIGHT = 250;
const LEFT = 56;
const RIGHT = 12;
const TOP = 14;
const BOTTOM = 50;

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** An axis maximum and its ticks: 1, 2 or 5 × 10ⁿ apart, at most 5 steps. */
export function niceScale(max: number): { top: number; ticks: number[] } {
  if (max <= 0) return { top: 1, ticks: [0, 1] };
  let magnitude = 1;
  while (max / (5 * magnitude) > 5) magnitude *= 10;
  const step = [1, 2, 5].map((m) => m * magnitude).find((s) => max / s <= 5) ?? 5 * magnitude;
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return { top, ticks };
}

/** A day `YYYY-MM-DD` as people read it, short: "3 mars", "Mar 3". */
export function shortDay(lang: Language, day: string): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-CA' : 'en-CA', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(new Date(`${day}T12:00:00Z`));
}

/** A day `YYYY-MM-DD` in full: "3 mars 2026", "Mar 3, 2026". */
export function longDay(lang: Language, day: string): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-CA' : 'en-CA', {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(new Date(`${day}T12:00:00Z`));
}

function textureDefs(id: string): SafeHtml {
  return html`<defs>
    <pattern
      id="${id}-hatch"
      width="6"
      height="6"
      patternUnits="userSpaceOnUse"
      patternTransform="rotate(45)"
    >
      <rect width="2" height="6" fill="#ffffff" fill-opacity="0.7" />
    </pattern>
    <pattern id="${id}-dots" width="5" height="5" patternUnits="userSpaceOnUse">
      <circle cx="2.5" cy="2.5" r="1.2" fill="#ffffff" fill-opacity="0.85" />
    </pattern>
  </defs>`;
}

/** Stacked bars, one per day, one segment per series; with its legend and its table of figures. */
export function stackedBarChart(options: StackedBarChartOptions): SafeHtml {
  const { id, lang, days, series } = options;
  const totals = days.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const { top, ticks } = niceScale(Math.max(0, ...totals));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const baseline = TOP + plotHeight;
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(1, slot * 0.7);
  const labelEvery = days.length <= 7 ? 1 : days.length <= 31 ? 5 : 15;
  const y = (value: number): number => round(baseline - (value / top) * plotHeight);

  const grid = ticks.map(
    (tick) =>
      html`<line
          x1="${LEFT}"
          x2="${WIDTH - RIGHT}"
          y1="${y(tick)}"
          y2="${y(tick)}"
          stroke="#c9d1da"
          stroke-width="1"
        />
        <text x="${LEFT - 6}" y="${y(tick) + 4}" text-anchor="end"
          >${formatNumber(lang, tick)}</text
        >`,
  );
  const bars = days.map((day, i) => {
    const x = round(LEFT + i * slot + (slot - barWidth) / 2);
    let stacked = 0;
    const segments = series.map((s) => {
      const value = s.values[i] ?? 0;
      if (value <= 0) return '';
      const from = y(stacked);
      stacked += value;
      const to = y(stacked);
      const height = round(from - to);
      const tip = `${longDay(lang, day)} — ${s.label}${lang === 'fr' ? ' :' : ':'} ${formatNumber(lang, value)}`;
      const texture = s.texture ?? 'plain';
      return html`<rect
          x="${x}"
          y="${to}"
          width="${round(barWidth)}"
          height="${height}"
          fill="${PALETTE[s.swatch]}"
          stroke="#ffffff"
          stroke-width="0.5"
        >
          <title>${tip}</title>
        </rect>
        ${
          texture === 'plain'
            ? ''
            : html`<rect
                x="${x}"
                y="${to}"
                width="${round(barWidth)}"
                height="${height}"
                fill="url(#${id}-${texture})"
              />`
        }`;
    });
    const tick =
      i % labelEvery === 0 || i === days.length - 1
        ? html`<text
            x="${round(LEFT + i * slot + slot / 2)}"
            y="${baseline + 16}"
            text-anchor="middle"
            >${shortDay(lang, day)}</text
          >`
        : '';
    return html`${segments}${tick}`;
  });

  const svg = html`<svg
    class="chart"
    role="img"
    aria-labelledby="${id}-title ${id}-desc"
    viewBox="0 0 ${WIDTH} ${HEIGHT}"
    width="${WIDTH}"
    height="${HEIGHT}"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title id="${id}-title">${options.title}</title>
    <desc id="${id}-desc">${options.description}</desc>
    ${textureDefs(id)} ${grid}
    <line
      x1="${LEFT}"
      x2="${LEFT}"
      y1="${TOP}"
      y2="${baseline}"
      stroke="#4a5460"
      stroke-width="1"
    />
    <line
      x1="${LEFT}"
      x2="${WIDTH - RIGHT}"
      y1="${baseline}"
      y2="${baseline}"
      stroke="#4a5460"
      stroke-width="1"
    />
    ${bars}
    <text x="${round(LEFT + plotWidth / 2)}" y="${HEIGHT - 8}" text-anchor="middle">
      ${options.xLabel}
    </text>
    <text x="${-round(TOP + plotHeight / 2)}" y="14" transform="rotate(-90)" text-anchor="middle">
      ${options.yLabel}
    </text>
  </svg>`;

  const seriesTotals = series.map((s) => s.values.reduce((a, b) => a + b, 0));
  const legend = html`<ul class="legend" aria-label="${t(lang, 'legend')}">
    ${series.map(
      (s, i) =>
        html`<li>
          <span class="swatch s${s.swatch} ${s.texture ?? 'plain'}" aria-hidden="true"></span
          >${s.label} (${formatNumber(lang, seriesTotals[i])})
        </li>`,
    )}
  </ul>`;

  const table = html`<details>
    <summary>${t(lang, 'figures')}</summary>
    <table id="${id}-table">
      <caption>
        ${options.caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t(lang, 'day')}</th>
          ${series.map((s) => html`<th scope="col" class="num">${s.label}</th>`)}
          <th scope="col" class="num">${t(lang, 'total')}</th>
        </tr>
      </thead>
      <tbody>
        ${days.map(
          (day, i) =>
            html`<tr>
              <th scope="row">${longDay(lang, day)}</th>
              ${series.map((s) => html`<td class="num">${formatNumber(lang, s.values[i] ?? 0)}</td>`)}
              <td class="num">${formatNumber(lang, totals[i])}</td>
            </tr>`,
        )}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">${t(lang, 'total')}</th>
          ${series.map(
            (s, i) =>
              html`<td class="num" data-series="${s.key}">
                ${formatNumber(lang, seriesTotals[i])}
              </td>`,
          )}
          <td class="num" data-series="total">
            ${formatNumber(
              lang,
              seriesTotals.reduce((a, b) => a + b, 0),
            )}
          </td>
        </tr>
      </tfoot>
    </table>
  </details>`;

  return html`<div class="chart-block">${svg} ${legend} ${table}</div>`;
}
