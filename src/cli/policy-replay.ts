import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { openDatabaseServer } from '../common/db/database-runtime.js';
import type { Language } from '../common/i18n/language.js';
import { isTimestamp } from '../common/validation/is-timestamp.js';
import { loadConfig } from '../config/app-config.js';
import { createDataSource } from '../database.js';
import { fromContent, loadPolicyContent, PolicyBundleError } from '../policy/bundle-loader.js';
import type { PolicyBundle } from '../policy/bundle.types.js';
import type { Outcome } from '../policy/decision.types.js';
import { PolicyService } from '../policy/policy.service.js';
import { replayDecision, ReplayFailure, type ReplayResult } from '../policy/replay.js';
import { ReplayRepository, type DecisionRecord } from '../replay/replay.repository.js';

const USAGE = `Usage: npm run policy:replay -- --bundle <dir> --since <date> [--until <date>] [--lang fr|en] [--json]
  Rejoue chaque décision de la période sous son propre paquet (qui doit la reproduire) et sous le
  paquet candidat, et affiche ce qui aurait changé. / Replays every decision of the period under its
  own bundle (which must reproduce it) and under the candidate bundle, and prints what would have
  changed. Dates: YYYY-MM-DD (UTC) or RFC 3339; --until is exclusive.
  Codes de sortie / exit codes: 0 done, 1 a decision its own bundle does not reproduce, 2 bad usage
  or invalid candidate bundle.`;

class UsageError extends Error {}

interface Options {
  readonly bundleDir: string;
  readonly since: Date;
  readonly until: Date | undefined;
  readonly lang: Language;
  readonly json: boolean;
}

function options(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      bundle: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      lang: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (!values.bundle) throw new UsageError('--bundle est requis / --bundle is required');
  const instant = (name: string, value: string | undefined): Date | undefined => {
    if (value === undefined) return undefined;
    if (!isTimestamp(value))
      throw new UsageError(`--${name} : date invalide / invalid date "${value}"`);
    return new Date(value);
  };
  const since = instant('since', values.since);
  if (!since) throw new UsageError('--since est requis / --since is required');
  const until = instant('until', values.until);
  if (until && until <= since)
    throw new UsageError('--until doit suivre --since / --until must come after --since');
  const lang = values.lang ?? 'fr';
  if (lang !== 'fr' && lang !== 'en') throw new UsageError('--lang fr|en');
  return { bundleDir: values.bundle, since, until, lang, json: values.json ?? false };
}

/** Why a decision's own bundle does not reproduce it. */
type IntegrityProblem = 'bundle_missing' | 'not_reproduced' | ReplayFailure['reason'];

const TEXT = {
  fr: {
    colon: ' :',
    candidate: 'Paquet candidat',
    period: 'Période',
    open: 'ouverte',
    none: 'Aucune décision ne changerait.',
    changedTitle: 'Décisions dont le résultat changerait',
    cols: ['décision', 'date', 'résultat avant → après', 'règles dont le verdict change'],
    dryRun: 'essai',
    notReplayable: 'non rejouable',
    integrityTitle: 'Problèmes d’intégrité (le paquet d’origine ne reproduit pas la décision)',
    integrity: {
      bundle_missing: 'paquet d’origine introuvable',
      not_reproduced: 'non reproduite',
      engine_failed: 'le moteur ne s’applique pas',
      stored_decision_unreadable: 'décision conservée illisible',
    },
    summary: 'Résumé',
    replayed: 'rejouées',
    unchanged: 'inchangées',
    changed: 'changées',
    failed: 'non rejouables sous le candidat',
    integrityCount: 'problèmes d’intégrité',
    byOutcome: 'Par résultat (avant → après)',
  },
  en: {
    colon: ':',
    candidate: 'Candidate bundle',
    period: 'Period',
    open: 'open',
    none: 'No decision would change.',
    changedTitle: 'Decisions whose result would change',
    cols: ['decision', 'date', 'outcome before → after', 'rules whose verdict changes'],
    dryRun: 'dry run',
    notReplayable: 'not replayable',
    integrityTitle: 'Integrity problems (the original bundle does not reproduce the decision)',
    integrity: {
      bundle_missing: 'original bundle not found',
      not_reproduced: 'not reproduced',
      engine_failed: 'the engine cannot run',
      stored_decision_unreadable: 'stored decision unreadable',
    },
    summary: 'Summary',
    replayed: 'replayed',
    unchanged: 'unchanged',
    changed: 'changed',
    failed: 'not replayable under the candidate',
    integrityCount: 'integrity problems',
    byOutcome: 'By outcome (before → after)',
  },
} as const;

function integrityOf(
  decision: DecisionRecord,
  own: PolicyBundle | undefined,
): IntegrityProblem | undefined {
  if (!own) return 'bundle_missing';
  try {
    return replayDecision(decision, own).reproduced ? undefined : 'not_reproduced';
  } catch (error) {
    if (!(error instanceof ReplayFailure)) throw error;
    return error.reason;
  }
}

type ChangedRow = Report['changed'][number];

interface Report {
  readonly candidate: { readonly hash: string };
  readonly period: { readonly since: string; readonly until: string | null };
  readonly summary: {
    readonly replayed: number;
    readonly unchanged: number;
    readonly changed: number;
    readonly notReplayable: number;
    readonly integrityProblems: number;
    /** `before→after` → count, for every decision replayed under the candidate. */
    readonly byOutcome: Readonly<Record<string, number>>;
  };
  readonly integrity: readonly { readonly decisionId: string; readonly reason: IntegrityProblem }[];
  readonly changed: readonly {
    readonly decisionId: string;
    readonly decidedAt: string;
    readonly dryRun: boolean;
    readonly outcome: { readonly from: Outcome; readonly to: Outcome | null };
    readonly rules: readonly string[];
    readonly changes?: ReplayResult['changes'];
    readonly failure?: ReplayFailure['reason'];
  }[];
}

/** The report, built one decision at a time: only changed decisions are kept. */
class ReportBuilder {
  private readonly byOutcome: Record<string, number> = {};
  private readonly changed: ChangedRow[] = [];
  private readonly integrity: { decisionId: string; reason: IntegrityProblem }[] = [];
  private replayed = 0;
  private unchanged = 0;
  private notReplayable = 0;

  constructor(
    private readonly candidate: PolicyBundle,
    private readonly opts: Options,
  ) {}

  add(decision: DecisionRecord, own: PolicyBundle | undefined): void {
    this.replayed++;
    const problem = integrityOf(decision, own);
    if (problem) this.integrity.push({ decisionId: decision.id, reason: problem });
    const from = decision.outcome as Outcome;
    const base = {
      decisionId: decision.id,
      decidedAt: decision.decidedAt.toISOString(),
      dryRun: decision.dryRun,
    };
    let result: ReplayResult;
    try {
      result = replayDecision(decision, this.candidate);
    } catch (error) {
      if (!(error instanceof ReplayFailure)) throw error;
      this.notReplayable++;
      this.count(`${from}→-`);
      this.changed.push({ ...base, outcome: { from, to: null }, rules: [], failure: error.reason });
      return;
    }
    const to = result.replayed.outcome;
    this.count(`${from}→${to}`);
    if (result.reproduced) this.unchanged++;
    else
      this.changed.push({
        ...base,
        outcome: { from, to },
        // Rule ids in the order they first changed; their scopes (item ids) are in `changes`.
        rules: [...new Set(result.changes.rules.map((r) => r.rule))],
        changes: result.changes,
      });
  }

  build(): Report {
    return {
      candidate: { hash: this.candidate.hash },
      period: {
        since: this.opts.since.toISOString(),
        until: this.opts.until?.toISOString() ?? null,
      },
      summary: {
        replayed: this.replayed,
        unchanged: this.unchanged,
        changed: this.changed.length - this.notReplayable,
        notReplayable: this.notReplayable,
        integrityProblems: this.integrity.length,
        byOutcome: this.byOutcome,
      },
      integrity: this.integrity,
      changed: this.changed,
    };
  }

  private count(key: string): void {
    this.byOutcome[key] = (this.byOutcome[key] ?? 0) + 1;
  }
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

function print(r: Report, lang: Language): void {
  const t = TEXT[lang];
  const lines = [
    `${t.candidate}${t.colon} ${r.candidate.hash}`,
    `${t.period}${t.colon} ${r.period.since} → ${r.period.until ?? t.open}`,
    '',
  ];
  if (r.changed.length === 0) lines.push(t.none);
  else {
    lines.push(`${t.changedTitle}${t.colon}`);
    lines.push(
      ...table([
        t.cols,
        ...r.changed.map((c) => [
          c.decisionId,
          `${c.decidedAt.slice(0, 19)}Z${c.dryRun ? ` (${t.dryRun})` : ''}`,
          `${c.outcome.from} → ${c.outcome.to ?? t.notReplayable}`,
          c.failure ? c.failure : c.rules.join(', ') || '—',
        ]),
      ]).map((l) => `  ${l}`),
    );
  }
  if (r.integrity.length > 0) {
    lines.push('', `${t.integrityTitle}${t.colon}`);
    for (const p of r.integrity) lines.push(`  ${p.decisionId}  ${t.integrity[p.reason]}`);
  }
  const s = r.summary;
  lines.push(
    '',
    `${t.summary}${t.colon} ${s.replayed} ${t.replayed}, ${s.unchanged} ${t.unchanged}, ${s.changed} ${t.changed}` +
      `${s.notReplayable ? `, ${s.notReplayable} ${t.failed}` : ''}, ${s.integrityProblems} ${t.integrityCount}`,
  );
  const outcomes = Object.entries(s.byOutcome).sort(([a], [b]) => a.localeCompare(b));
  if (outcomes.length > 0) {
    lines.push(`${t.byOutcome}${t.colon}`);
    for (const [key, count] of outcomes) {
      const [from, to] = key.split('→');
      lines.push(`  ${from} → ${to === '-' ? t.notReplayable : to}${t.colon} ${count}`);
    }
  }
  console.log(lines.join('\n'));
}

/**
 * `npm run policy:replay`: what a candidate policy bundle would have changed over a period — the
 * tool legal staff need before a policy change. Reads the decision store as the broker's role
 * (`filet_app`, SELECT only on what it reads); prints ids and codes, never personal data.
 */
async function main(argv: string[]): Promise<number> {
  let opts: Options | 'help';
  try {
    opts = options(argv);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    console.log(USAGE);
    return 0;
  }
  let candidate: PolicyBundle;
  try {
    candidate = fromContent(await loadPolicyContent(opts.bundleDir));
  } catch (error) {
    if (!(error instanceof PolicyBundleError)) throw error;
    console.error(opts.lang === 'fr' ? 'Paquet candidat invalide :' : 'Invalid candidate bundle:');
    for (const p of error.problems) console.error(`  ${p.file}:${p.line} ${p.path}: ${p.message}`);
    return 2;
  }
  const config = loadConfig();
  const server = await openDatabaseServer(config);
  const dataSource = createDataSource({
    url: server.url,
    poolSize: 1,
    applicationName: 'filet-policy-replay',
    role: config.dbRole || undefined,
  });
  try {
    await dataSource.initialize();
    const policies = new PolicyService(dataSource, config);
    const bundles = new Map<string, PolicyBundle | undefined>();
    const builder = new ReportBuilder(candidate, opts);
    for await (const decision of new ReplayRepository(dataSource).decidedBetween(
      opts.since,
      opts.until,
    )) {
      if (!bundles.has(decision.policyBundleHash))
        bundles.set(decision.policyBundleHash, await policies.byHash(decision.policyBundleHash));
      builder.add(decision, bundles.get(decision.policyBundleHash));
    }
    const result = builder.build();
    if (opts.json) console.log(JSON.stringify(result, null, 2));
    else print(result, opts.lang);
    return result.integrity.length > 0 ? 1 : 0;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await server.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
