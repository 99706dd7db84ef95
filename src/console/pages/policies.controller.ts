import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { Audit } from '../../audit/audit-context.js';
import type { AuditContext } from '../../audit/audit.types.js';
import { ConsoleAccess } from '../../common/auth/access.decorator.js';
import {
  hasRole,
  isTableOversight,
  Principal,
  type PrincipalContext,
} from '../../common/auth/principal.js';
import type { Language, Localized } from '../../common/i18n/language.js';
import type { AppConfig } from '../../config/app-config.js';
import { InjectConfig } from '../../config/config.provider.js';
import { POLICY_FILES, type PolicyBundle } from '../../policy/bundle.types.js';
import { PolicyService } from '../../policy/policy.service.js';
import type { DecisionSide } from '../../policy/replay.js';
import { ReplayService, type ReplayResponse } from '../../replay/replay.service.js';
import { ReplayFormDto, ReplayPageQueryDto } from '../dto/policies.dto.js';
import { html, type SafeHtml } from '../html.js';
import { defineMessages, formatDateTime, type Locale } from '../i18n.js';
import { csrfField, type View } from '../layout.js';
import { REPLAY_OUTCOME_LABELS, VERDICT_LABELS } from './disclosure-labels.js';
import { badge, sendPage, view } from './page-kit.js';

const t = defineMessages({
  title: { fr: 'Politiques en vigueur', en: 'Policies in force' },
  bundle: { fr: 'Paquet de politiques', en: 'Policy bundle' },
  hash: { fr: 'Empreinte (SHA-256)', en: 'Hash (SHA-256)' },
  since: { fr: 'En vigueur depuis', en: 'In force since' },
  files: { fr: 'Fichiers', en: 'Files' },
  intro: {
    fr: "Chaque décision de Filet nomme les règles ci-dessous dans sa trace, avec leur verdict. Les textes sont ceux du paquet en vigueur ; une décision passée s'explique par le paquet en vigueur à son moment (voir la relecture).",
    en: 'Every Filet decision names the rules below in its trace, with their verdict. These texts are those of the bundle in force; a past decision is explained by the bundle in force at its time (see replay).',
  },
  rules: { fr: 'Règles de décision', en: 'Decision rules' },
  rule: { fr: 'Règle', en: 'Rule' },
  description: { fr: 'Ce que la règle exige', en: 'What the rule requires' },
  citation: { fr: 'Source', en: 'Source' },
  exceptions: { fr: 'Exception de vie ou de sécurité', en: 'Life or safety exception' },
  criteria: { fr: 'Critères à attester', en: 'Criteria to attest' },
  core: { fr: 'toujours exigé', en: 'always required' },
  tests: { fr: 'Critères propres à chaque régime', en: "Each regime's own test" },
  test: { fr: 'Test', en: 'Test' },
  hours: { fr: 'Durée de validité : {n} h', en: 'Valid for {n} h' },
  regimes: { fr: 'Régimes de protection des renseignements', en: 'Privacy regimes' },
  regime: { fr: 'Régime', en: 'Regime' },
  duties: { fr: 'Obligations', en: 'Duties' },
  register: { fr: 'inscription au registre', en: 'register entry' },
  notice: { fr: 'avis à la personne', en: 'notice to the person' },
  approval: { fr: 'approbation du détenteur', en: "holder's approval" },
  obligations: { fr: 'Obligations du destinataire', en: "Recipient's obligations" },
  fieldRules: { fr: 'Règles par champ', en: 'Field rules' },
  categories: { fr: 'Catégories de renseignements', en: 'Categories of information' },
  category: { fr: 'Catégorie', en: 'Category' },
  stage: { fr: 'Étape minimale', en: 'Earliest stage' },
  planning: { fr: 'planification (organismes assignés)', en: 'planning (assigned agencies)' },
  workflows: { fr: 'Après la décision', en: 'After the decision' },
  reviewDeadline: {
    fr: 'Révision juridique : {a} jours (exception), {b} jours (obligation légale), {c} jours (sans entente), {d} jours (signalée).',
    en: 'Legal review: {a} days (exception), {b} days (legal obligation), {c} days (no agreement), {d} days (flagged).',
  },
  noticeDeadline: {
    fr: 'Avis retenus : décision dans les {n} jours.',
    en: 'Held notices: decided within {n} days.',
  },
  escalation: {
    fr: 'Alerte urgente non lue : transmise à la coordination après {n} minutes.',
    en: 'Unread urgent alert: sent up to the coordination after {n} minutes.',
  },
  alertRetention: {
    fr: 'Texte libre des alertes effacé après {n} jours.',
    en: 'Alert free text cleared after {n} days.',
  },
  replayLink: {
    fr: "Relire une décision sous d'autres politiques",
    en: 'Replay a decision under other policies',
  },
  // Replay
  replayTitle: { fr: 'Relecture d’une décision', en: 'Replay a decision' },
  replayIntro: {
    fr: "La relecture décide à nouveau une demande passée, à partir de ses données conservées et à l'instant où elle a été décidée : sous le paquet alors en vigueur (elle doit retrouver la même décision) ou sous un autre paquet, pour voir ce qu'un changement de politique aurait changé. Rien n'est communiqué ; la relecture est inscrite au journal.",
    en: 'Replay decides a past request again, from its stored inputs and at the instant it was decided: under the bundle then in force (it must reproduce the decision) or under another bundle, to see what a policy change would have changed. Nothing is disclosed; the replay is recorded.',
  },
  decisionId: { fr: 'Identifiant de la décision', en: 'Decision id' },
  under: { fr: 'Sous quelles politiques ?', en: 'Under which policies?' },
  then: {
    fr: 'Celles en vigueur au moment de la décision',
    en: 'Those in force when it was decided',
  },
  byHash: {
    fr: 'Un paquet déjà en vigueur ou une proposition, par son empreinte',
    en: 'A bundle once in force or a proposal, by its hash',
  },
  proposal: {
    fr: 'Une proposition : le paquet en vigueur avec un fichier modifié (juristes seulement)',
    en: 'A proposal: the bundle in force with one file changed (legal reviewers only)',
  },
  bundleHash: { fr: 'Empreinte du paquet', en: 'Bundle hash' },
  file: { fr: 'Fichier modifié', en: 'Changed file' },
  content: { fr: 'Nouveau contenu du fichier (YAML)', en: 'New content of the file (YAML)' },
  contentHint: {
    fr: 'Laissez vide pour partir du fichier en vigueur, affiché ci-dessous après le choix du fichier.',
    en: 'Leave empty to start from the file in force, shown below once the file is chosen.',
  },
  run: { fr: 'Relire', en: 'Replay' },
  load: { fr: 'Afficher ce fichier', en: 'Show this file' },
  result: { fr: 'Résultat', en: 'Result' },
  reproduced: {
    fr: 'La décision est retrouvée à l’identique.',
    en: 'The decision is reproduced exactly.',
  },
  differs: {
    fr: 'La décision serait différente sous ces politiques.',
    en: 'The decision would differ under these policies.',
  },
  source: { fr: 'Paquet utilisé', en: 'Bundle used' },
  sourceThen: { fr: 'en vigueur lors de la décision', en: 'in force at the decision' },
  sourceStored: { fr: 'déjà en vigueur', en: 'once in force' },
  sourceProposal: { fr: 'proposition', en: 'proposal' },
  proposalHash: {
    fr: 'Proposition conservée sous l’empreinte {hash} : nommez-la pour d’autres relectures.',
    en: 'Proposal stored under hash {hash}: name it in further replays.',
  },
  side: { fr: 'Aspect', en: 'Aspect' },
  original: { fr: 'Décision d’origine', en: 'Original decision' },
  replayed: { fr: 'Relecture', en: 'Replay' },
  outcome: { fr: 'Résultat', en: 'Outcome' },
  released: { fr: 'Renseignements communiqués', en: 'Information released' },
  withheld: { fr: 'Catégories retenues', en: 'Categories withheld' },
  changedRules: { fr: 'Règles dont le verdict change', en: 'Rules whose verdict changes' },
  scope: { fr: 'Portée', en: 'Scope' },
  before: { fr: 'Avant', en: 'Before' },
  after: { fr: 'Après', en: 'After' },
  noChange: { fr: 'Aucune règle ne change de verdict.', en: 'No rule changes its verdict.' },
  notEvaluated: { fr: 'non évaluée', en: 'not evaluated' },
  items: { fr: '{n} élément(s)', en: '{n} item(s)' },
  none: { fr: 'aucune', en: 'none' },
});

function label(
  lang: Language,
  table: Readonly<Record<string, Localized>>,
  key: string | null,
): string {
  if (key === null) return t(lang, 'notEvaluated');
  return table[key]?.[lang] ?? key;
}

function ruleDescription(bundle: PolicyBundle, lang: Language, id: string): string {
  return (
    bundle.rules[id]?.description[lang] ??
    bundle.fieldRules.find((r) => r.id === id)?.description[lang] ??
    bundle.obligations[id]?.description[lang] ??
    ''
  );
}

/** A rule, a test or a duty of the bundle: what it requires, and its source. */
interface Cited {
  readonly description: Localized;
  readonly citation: string;
}

/**
 * A table of rules, tests or duties by id, named by the heading `labelledBy` points to; `anchor`
 * gives a row its own id (for links to it), `note` a line under its description.
 */
function citedTable<T extends Cited>(
  lang: Language,
  labelledBy: string,
  idHeader: string,
  entries: readonly (readonly [string, T])[],
  options: { anchor?: (id: string) => string; note?: (entry: T) => string } = {},
): SafeHtml {
  return html`<table aria-labelledby="${labelledBy}">
    <thead>
      <tr>
        <th scope="col">${idHeader}</th>
        <th scope="col">${t(lang, 'description')}</th>
        <th scope="col">${t(lang, 'citation')}</th>
      </tr>
    </thead>
    <tbody>
      ${entries.map(
        ([id, entry]) =>
          html`<tr${options.anchor ? html` id="${options.anchor(id)}"` : ''}>
            <td><code>${id}</code></td>
            <td>${entry.description[lang]}${options.note ? html`<br /><small>${options.note(entry)}</small>` : ''}</td>
            <td>${entry.citation}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function bundlePage(
  lang: Language,
  locale: Locale,
  bundle: PolicyBundle,
  since: Date | null,
  canReplay: boolean,
): SafeHtml {
  const wf = bundle.workflows;
  return html` <p>${t(lang, 'intro')}</p>
    <h2>${t(lang, 'bundle')}</h2>
    <dl class="facts">
      <dt>${t(lang, 'hash')}</dt>
      <dd><code id="bundle-hash">${bundle.hash}</code></dd>
      <dt>${t(lang, 'since')}</dt>
      <dd>${formatDateTime(locale, since)}</dd>
      <dt>${t(lang, 'files')}</dt>
      <dd>${POLICY_FILES.join(', ')}</dd>
    </dl>
    ${canReplay ? html`<p><a href="/console/policies/replay">${t(lang, 'replayLink')}</a></p>` : ''}

    <h2 id="rules">${t(lang, 'rules')}</h2>
    ${citedTable(lang, 'rules', t(lang, 'rule'), Object.entries(bundle.rules), {
      anchor: (id) => `rule-${id}`,
    })}

    <h2 id="exception">${t(lang, 'exceptions')}</h2>
    <h3>${t(lang, 'criteria')}</h3>
    <ul class="plain">
      ${Object.entries(bundle.exceptions.criteria).map(
        ([id, text]) =>
          html`<li>
            <code>${id}</code> —
            ${text[lang]}${bundle.exceptions.coreCriteria.includes(id) ? html` <em>(${t(lang, 'core')})</em>` : ''}
          </li>`,
      )}
    </ul>
    <h3 id="tests">${t(lang, 'tests')}</h3>
    ${citedTable(lang, 'tests', t(lang, 'test'), Object.entries(bundle.exceptions.tests), {
      note: (test) => t(lang, 'hours', { n: test.durationHours }),
    })}

    <h2 id="regimes">${t(lang, 'regimes')}</h2>
    <table aria-labelledby="regimes">
      <thead>
        <tr>
          <th scope="col">${t(lang, 'regime')}</th>
          <th scope="col">${t(lang, 'test')}</th>
          <th scope="col">${t(lang, 'duties')}</th>
        </tr>
      </thead>
      <tbody>
        ${Object.entries(bundle.regimes).map(
          ([id, regime]) =>
            html`<tr>
              <td><code>${id}</code><br />${regime.label[lang]}</td>
              <td><code>${regime.exception}</code></td>
              <td>
                ${
                  [
                    regime.duties.register ? t(lang, 'register') : '',
                    regime.duties.notice ? t(lang, 'notice') : '',
                    regime.approval.required ? t(lang, 'approval') : '',
                  ]
                    .filter(Boolean)
                    .join(', ') || t(lang, 'none')
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>

    <h2 id="obligations">${t(lang, 'obligations')}</h2>
    ${citedTable(lang, 'obligations', t(lang, 'rule'), Object.entries(bundle.obligations))}

    <h2 id="field-rules">${t(lang, 'fieldRules')}</h2>
    ${citedTable(
      lang,
      'field-rules',
      t(lang, 'rule'),
      bundle.fieldRules.map((r) => [r.id, r] as const),
    )}

    <h2 id="categories">${t(lang, 'categories')}</h2>
    <table aria-labelledby="categories">
      <thead>
        <tr>
          <th scope="col">${t(lang, 'category')}</th>
          <th scope="col">${t(lang, 'stage')}</th>
        </tr>
      </thead>
      <tbody>
        ${Object.entries(bundle.taxonomy.categories).map(
          ([id, c]) =>
            html`<tr>
              <td>${c.label[lang]} <code>${id}</code></td>
              <td><code>${c.stage}</code>${c.planning ? html` — ${t(lang, 'planning')}` : ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>

    ${
      wf
        ? html`<h2>${t(lang, 'workflows')}</h2>
            <ul class="plain">
              <li>
                ${t(lang, 'reviewDeadline', {
                  a: wf.reviews.deadlineDays.life_safety_exception,
                  b: wf.reviews.deadlineDays.legal_obligation,
                  c: wf.reviews.deadlineDays.no_agreement,
                  d: wf.reviews.deadlineDays.flagged,
                })}
              </li>
              <li>
                ${t(lang, 'noticeDeadline', { n: wf.notices.deadlineDays })}
                ${wf.notices.description[lang]}
              </li>
              <li>${t(lang, 'escalation', { n: wf.riskChanges.escalationMinutes })}</li>
              <li>${t(lang, 'alertRetention', { n: wf.retention.alertContentDays })}</li>
              <li>
                <code>${wf.consentWithdrawal.obligation.code}</code> —
                ${wf.consentWithdrawal.obligation.description[lang]}
              </li>
            </ul>`
        : ''
    }`;
}

function sideSummary(lang: Language, side: DecisionSide): string {
  return `${label(lang, REPLAY_OUTCOME_LABELS, side.outcome)} — ${t(lang, 'items', { n: side.released.length })}`;
}

function replayResult(lang: Language, result: ReplayResponse, bundle: PolicyBundle): SafeHtml {
  const source = {
    decision: t(lang, 'sourceThen'),
    policy_bundle: t(lang, 'sourceStored'),
    proposal: t(lang, 'sourceProposal'),
  } as Record<string, string>;
  const withheld = (side: DecisionSide): string =>
    [
      ...new Set(
        side.withheld.map((w) => bundle.taxonomy.categories[w.category]?.label[lang] ?? w.category),
      ),
    ].join(', ') || t(lang, 'none');
  return html`<section aria-labelledby="result">
    <h2 id="result">${t(lang, 'result')}</h2>
    <div class="notice-box ${result.reproduced ? 'ok' : 'warn'}" role="status">
      <p>${result.reproduced ? t(lang, 'reproduced') : t(lang, 'differs')}</p>
    </div>
    <dl class="facts">
      <dt>${t(lang, 'decisionId')}</dt>
      <dd><code>${result.decisionId}</code></dd>
      <dt>${t(lang, 'source')}</dt>
      <dd>
        ${source[result.bundle.source] ?? result.bundle.source} — <code>${result.bundle.hash}</code>
      </dd>
    </dl>
    ${result.proposalHash ? html`<p>${t(lang, 'proposalHash', { hash: result.proposalHash })}</p>` : ''}
    <table>
      <caption>
        ${t(lang, 'outcome')}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t(lang, 'side')}</th>
          <th scope="col">${t(lang, 'original')}</th>
          <th scope="col">${t(lang, 'replayed')}</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">${t(lang, 'outcome')}</th>
          <td>${badge(result.original.outcome, label(lang, REPLAY_OUTCOME_LABELS, result.original.outcome))}</td>
          <td>${badge(result.replayed.outcome, label(lang, REPLAY_OUTCOME_LABELS, result.replayed.outcome))}</td>
        </tr>
        <tr>
          <th scope="row">${t(lang, 'released')}</th>
          <td>${sideSummary(lang, result.original)}</td>
          <td>${sideSummary(lang, result.replayed)}</td>
        </tr>
        <tr>
          <th scope="row">${t(lang, 'withheld')}</th>
          <td>${withheld(result.original)}</td>
          <td>${withheld(result.replayed)}</td>
        </tr>
      </tbody>
    </table>
    ${
      result.changes.rules.length
        ? html`<table>
            <caption>
              ${t(lang, 'changedRules')}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t(lang, 'rule')}</th>
                <th scope="col">${t(lang, 'scope')}</th>
                <th scope="col">${t(lang, 'before')}</th>
                <th scope="col">${t(lang, 'after')}</th>
              </tr>
            </thead>
            <tbody>
              ${result.changes.rules.map(
                (c) =>
                  html`<tr>
                    <td>
                      <code>${c.rule}</code><br /><small
                        >${ruleDescription(bundle, lang, c.rule)}</small
                      >
                    </td>
                    <td><code>${c.scope}</code></td>
                    <td>${label(lang, VERDICT_LABELS, c.from)}</td>
                    <td>${label(lang, VERDICT_LABELS, c.to)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p>${t(lang, 'noChange')}</p>`
    }
  </section>`;
}

/**
 * The policies in force in plain language (DESIGN §3.4), for everyone signed in, like
 * `GET /v1/policies`; and decision replay for the table's oversight, like
 * `POST /v1/decisions/{id}/replay` (same service, same checks, recorded).
 */
@ApiExcludeController()
@Controller('console')
export class PoliciesPageController {
  constructor(
    private readonly policies: PolicyService,
    private readonly replays: ReplayService,
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get('policies')
  @ConsoleAccess()
  async policiesPage(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const v = view(request, this.config.timeZone);
    const bundle = this.policies.current();
    const rows = (await this.dataSource.query(
      `SELECT first_loaded_at FROM policy_bundle WHERE hash = $1`,
      [bundle.hash],
    )) as { first_loaded_at: Date }[];
    sendPage(reply, v, {
      title: t(v.lang, 'title'),
      section: 'policies',
      body: bundlePage(
        v.lang,
        v,
        bundle,
        rows[0]?.first_loaded_at ?? null,
        isTableOversight(caller),
      ),
    });
  }

  @Get('policies/replay')
  @ConsoleAccess('privacy_officer', 'legal_reviewer')
  async replayPage(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Query() query: ReplayPageQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const v = view(request, this.config.timeZone);
    const file = query.file ?? undefined;
    const content = file ? await readFile(join(this.config.policiesDir, file), 'utf8') : '';
    sendPage(reply, v, {
      title: t(v.lang, 'replayTitle'),
      section: 'policies',
      body: this.replayForm(v, caller, {
        decisionId: query.decisionId ?? '',
        mode: file ? 'proposal' : query.bundleHash ? 'hash' : 'then',
        bundleHash: query.bundleHash ?? '',
        file: file ?? '',
        content,
      }),
    });
  }

  /** Runs the replay and shows it: a read with a record, so the result page answers the POST. */
  @Post('policies/replay')
  @HttpCode(200)
  @ConsoleAccess('privacy_officer', 'legal_reviewer')
  async replay(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Body() body: ReplayFormDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const v = view(request, this.config.timeZone);
    let input: Parameters<ReplayService['replay']>[3] = {};
    if (body.mode === 'hash') input = { bundleHash: body.bundleHash ?? '' };
    if (body.mode === 'proposal') {
      const files: Record<string, string> = {};
      for (const name of POLICY_FILES)
        files[name] = await readFile(join(this.config.policiesDir, name), 'utf8');
      if (body.file && body.content) files[body.file] = body.content.replace(/\r\n/g, '\n');
      input = { bundle: { files } };
    }
    const result = await this.replays.replay(caller, ctx, body.decisionId, input);
    // The rules' words from the bundle replayed under when it was once in force; a proposal's
    // (not stored as a bundle in force) from the bundle in force now.
    const bundle = (await this.policies.byHash(result.bundle.hash)) ?? this.policies.current();
    sendPage(reply, v, {
      title: t(v.lang, 'replayTitle'),
      section: 'policies',
      body: html`${replayResult(v.lang, result, bundle)}
      ${this.replayForm(v, caller, {
        decisionId: body.decisionId,
        mode: body.mode,
        bundleHash: body.bundleHash ?? '',
        file: body.file ?? '',
        content: body.content ?? '',
      })}`,
    });
  }

  private replayForm(
    v: View,
    caller: PrincipalContext,
    values: { decisionId: string; mode: string; bundleHash: string; file: string; content: string },
  ): SafeHtml {
    const lang = v.lang;
    const canUpload = hasRole(caller, 'legal_reviewer');
    const radio = (mode: string, text: string): SafeHtml =>
      html`<div>
        <input
          type="radio"
          id="mode-${mode}"
          name="mode"
          value="${mode}"
          ${values.mode === mode ? html` checked` : ''}
        />
        <label for="mode-${mode}">${text}</label>
      </div>`;
    return html`<p>${t(lang, 'replayIntro')}</p>
      <form method="post" action="/console/policies/replay" class="actions">
        ${csrfField(v)}
        <div class="field">
          <label for="decisionId">${t(lang, 'decisionId')}</label>
          <input
            id="decisionId"
            name="decisionId"
            required
            size="40"
            value="${values.decisionId}"
            pattern="[0-9a-fA-F-]{36}"
          />
        </div>
        <fieldset>
          <legend>${t(lang, 'under')}</legend>
          ${radio('then', t(lang, 'then'))} ${radio('hash', t(lang, 'byHash'))}
          <div class="field">
            <label for="bundleHash">${t(lang, 'bundleHash')}</label>
            <input id="bundleHash" name="bundleHash" size="70" value="${values.bundleHash}" />
          </div>
          ${
            canUpload
              ? html`${radio('proposal', t(lang, 'proposal'))}
                  <div class="field">
                    <label for="file">${t(lang, 'file')}</label>
                    <select id="file" name="file">
                      <option value=""></option>
                      ${POLICY_FILES.map(
                        (f) =>
                          html`<option value="${f}" ${values.file === f ? html` selected` : ''}>
                            ${f}
                          </option>`,
                      )}
                    </select>
                  </div>
                  <div class="field">
                    <label for="content">${t(lang, 'content')}</label>
                    <textarea
                      id="content"
                      name="content"
                      rows="16"
                      cols="90"
                      aria-describedby="content-hint"
                    >
${values.content}</textarea>
                    <small id="content-hint">${t(lang, 'contentHint')}</small>
                  </div>`
              : ''
          }
        </fieldset>
        <div><button type="submit">${t(lang, 'run')}</button></div>
      </form>
      ${
        canUpload
          ? html`<form method="get" action="/console/policies/replay" class="filters">
              <input type="hidden" name="decisionId" value="${values.decisionId}" />
              <div class="field">
                <label for="load-file">${t(lang, 'file')}</label>
                <select id="load-file" name="file">
                  ${POLICY_FILES.map(
                    (f) =>
                      html`<option value="${f}" ${values.file === f ? html` selected` : ''}>
                        ${f}
                      </option>`,
                  )}
                </select>
              </div>
              <button type="submit" class="secondary">${t(lang, 'load')}</button>
            </form>`
          : ''
      }`;
  }
}
