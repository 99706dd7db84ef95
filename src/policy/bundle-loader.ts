import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { PRIVACY_REGIMES, SECTORS } from '../agencies/agency.types.js';
import { canonicalSha256 } from '../audit/core/canonical-json.js';
import { ROLES } from '../common/auth/roles.js';
import { BASES, CASE_STAGES, PERSON_ROLES, PURPOSES, SIDES } from './facts.js';
import { FIELD_TYPES, POLICY_FILES, type PolicyBundle } from './bundle.types.js';

/** One thing wrong in a bundle, located for the policy author. */
export interface BundleProblem {
  readonly file: string;
  readonly line: number;
  readonly path: string;
  readonly message: string;
}

export class PolicyBundleError extends Error {
  constructor(readonly problems: readonly BundleProblem[]) {
    super(
      `Politiques invalides / invalid policies:\n${problems
        .map((p) => `  ${p.file}:${p.line} ${p.path}: ${p.message}`)
        .join('\n')}`,
    );
    this.name = 'PolicyBundleError';
  }
}

type Path = readonly (string | number)[];

interface ParsedFile {
  readonly name: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly data: Record<string, unknown>;
}

/** Collects problems with their file and line; every check returns whether it held. */
class Checker {
  readonly problems: BundleProblem[] = [];
  constructor(private readonly files: ReadonlyMap<string, ParsedFile>) {}

  fail(file: string, path: Path, message: string): false {
    const parsed = this.files.get(file);
    let line = 1;
    if (parsed) {
      // The deepest node that exists along the path gives the line.
      for (let depth = path.length; depth >= 0; depth--) {
        const node = parsed.doc.getIn(path.slice(0, depth), true) as
          { range?: [number, number, number] } | undefined;
        if (node && typeof node === 'object' && node.range) {
          line = parsed.lines.linePos(node.range[0]).line;
          break;
        }
      }
    }
    this.problems.push({ file, line, path: path.join('.') || '(root)', message });
    return false;
  }

  object(file: string, path: Path, value: unknown): value is Record<string, unknown> {
    return (
      (typeof value === 'object' && value !== null && !Array.isArray(value)) ||
      this.fail(file, path, 'expected a mapping')
    );
  }

  string(file: string, path: Path, value: unknown): value is string {
    return (
      (typeof value === 'string' && value.length > 0) ||
      this.fail(file, path, 'expected a non-empty string')
    );
  }

  localized(file: string, path: Path, value: unknown): boolean {
    if (!this.object(file, path, value)) return false;
    return (
      this.string(file, [...path, 'fr'], value.fr) && this.string(file, [...path, 'en'], value.en)
    );
  }

  positiveInt(file: string, path: Path, value: unknown): value is number {
    return (
      (Number.isInteger(value) && (value as number) > 0) ||
      this.fail(file, path, 'expected a positive integer')
    );
  }

  boolean(file: string, path: Path, value: unknown): value is boolean {
    return typeof value === 'boolean' || this.fail(file, path, 'expected true or false');
  }

  oneOf(
    file: string,
    path: Path,
    value: unknown,
    allowed: readonly string[],
    what: string,
  ): boolean {
    return (
      (typeof value === 'string' && allowed.includes(value)) ||
      this.fail(file, path, `unknown ${what} "${String(value)}"`)
    );
  }

  listOf(
    file: string,
    path: Path,
    value: unknown,
    allowed: readonly string[],
    what: string,
  ): value is string[] {
    if (!Array.isArray(value)) return this.fail(file, path, `expected a list of ${what}`);
    return value.map((v, i) => this.oneOf(file, [...path, i], v, allowed, what)).every(Boolean);
  }
}

/** One file's text parsed, or the problem that stops it (syntax, or not a mapping). */
function parseText(name: string, text: string): ParsedFile | BundleProblem {
  const lines = new LineCounter();
  let doc: Document;
  let data: unknown;
  try {
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    const error = doc.errors[0];
    if (error)
      return {
        file: name,
        line: lines.linePos(error.pos[0]).line,
        path: '(syntax)',
        message: error.message.split('\n')[0],
      };
    if (!isMap(doc.contents) && !isSeq(doc.contents))
      return { file: name, line: 1, path: '(root)', message: 'expected a mapping' };
    data = doc.toJS();
  } catch {
    // The parser's own limits (alias expansion, nesting deeper than its recursion): a problem of the
    // file, never a crash of whoever validates it.
    return { file: name, line: 1, path: '(syntax)', message: 'the YAML cannot be read' };
  }
  return { name, doc, lines, data: data as Record<string, unknown> };
}

/**
 * The first value JSON cannot carry exactly (YAML's `.inf` and `.nan`, lone surrogates, NUL, which
 * PostgreSQL's jsonb refuses): the bundle is hashed canonically and stored as jsonb.
 */
function unrepresentable(value: unknown): Path | undefined {
  const stack: { value: unknown; path: Path }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path: at } = stack.pop()!;
    if (typeof v === 'number' && !Number.isFinite(v)) return at;
    if (typeof v === 'string' && /\0|\p{Cs}/u.test(v)) return at;
    if (typeof v === 'object' && v !== null) {
      if (!Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) return at;
      for (const [key, child] of Object.entries(v)) {
        if (/\0|\p{Cs}/u.test(key)) return [...at, key];
        stack.push({ value: child, path: [...at, Array.isArray(v) ? Number(key) : key] });
      }
    }
  }
  return undefined;
}

function validate(files: ReadonlyMap<string, ParsedFile>, c: Checker): void {
  const get = (file: string): Record<string, unknown> => files.get(file)?.data ?? {};
  const taxonomy = get('taxonomy.yaml');
  const categories = taxonomy.categories;
  const categoryNames: string[] = [];
  if (c.object('taxonomy.yaml', ['categories'], categories)) {
    for (const [name, def] of Object.entries(categories)) {
      const at = ['categories', name];
      if (!/^[a-z_]+(\.[a-z_]+)?$/.test(name))
        c.fail('taxonomy.yaml', at, 'category names are lower_snake_case, optionally dotted');
      categoryNames.push(name);
      if (!c.object('taxonomy.yaml', at, def)) continue;
      c.localized('taxonomy.yaml', [...at, 'label'], def.label);
      c.oneOf('taxonomy.yaml', [...at, 'stage'], def.stage, CASE_STAGES, 'stage');
      c.boolean('taxonomy.yaml', [...at, 'planning'], def.planning);
      if (!Array.isArray(def.sensitivity))
        c.fail('taxonomy.yaml', [...at, 'sensitivity'], 'expected a list');
      if (!c.object('taxonomy.yaml', [...at, 'fields'], def.fields)) continue;
      for (const [field, fdef] of Object.entries(def.fields)) {
        const fat = [...at, 'fields', field];
        if (!c.object('taxonomy.yaml', fat, fdef)) continue;
        c.oneOf('taxonomy.yaml', [...fat, 'type'], fdef.type, FIELD_TYPES, 'field type');
        c.localized('taxonomy.yaml', [...fat, 'label'], fdef.label);
        if (fdef.type === 'enum' && (!Array.isArray(fdef.values) || fdef.values.length === 0)) {
          c.fail('taxonomy.yaml', [...fat, 'values'], 'an enum field lists its values');
        }
      }
    }
  }
  const fieldsOf = (category: string): string[] =>
    Object.keys(
      ((categories as Record<string, { fields?: object }>)?.[category]?.fields ?? {}) as object,
    );

  const sectors = get('sectors.yaml');
  c.listOf('sectors.yaml', ['requesterRoles'], sectors.requesterRoles, ROLES, 'role');
  if (c.object('sectors.yaml', ['sectors'], sectors.sectors)) {
    for (const sector of SECTORS) {
      const def = sectors.sectors[sector];
      if (c.object('sectors.yaml', ['sectors', sector], def)) {
        c.listOf(
          'sectors.yaml',
          ['sectors', sector, 'purposes'],
          def.purposes,
          PURPOSES,
          'purpose',
        );
      }
    }
    for (const name of Object.keys(sectors.sectors))
      c.oneOf('sectors.yaml', ['sectors', name], name, SECTORS, 'sector');
  }

  const thresholds = get('thresholds.yaml').thresholds;
  if (c.object('thresholds.yaml', ['thresholds'], thresholds)) {
    for (const tool of ['odara', 'danger_assessment', 'dash']) {
      const def = thresholds[tool];
      if (!c.object('thresholds.yaml', ['thresholds', tool], def)) continue;
      c.positiveInt('thresholds.yaml', ['thresholds', tool, 'min'], def.min);
      c.positiveInt('thresholds.yaml', ['thresholds', tool, 'max'], def.max);
      c.string('thresholds.yaml', ['thresholds', tool, 'citation'], def.citation);
      if ((def.min as number) > (def.max as number))
        c.fail('thresholds.yaml', ['thresholds', tool], 'min above max');
    }
  }

  const exceptions = get('exceptions.yaml');
  const criteria = c.object('exceptions.yaml', ['criteria'], exceptions.criteria)
    ? Object.keys(exceptions.criteria)
    : [];
  for (const [name, text] of Object.entries((exceptions.criteria as object) ?? {}))
    c.localized('exceptions.yaml', ['criteria', name], text);
  c.listOf('exceptions.yaml', ['coreCriteria'], exceptions.coreCriteria, criteria, 'criterion');
  const tests = c.object('exceptions.yaml', ['tests'], exceptions.tests) ? exceptions.tests : {};
  for (const [name, def] of Object.entries(tests)) {
    const at = ['tests', name];
    if (!c.object('exceptions.yaml', at, def)) continue;
    c.localized('exceptions.yaml', [...at, 'description'], def.description);
    c.string('exceptions.yaml', [...at, 'citation'], def.citation);
    c.listOf('exceptions.yaml', [...at, 'criteria'], def.criteria, criteria, 'criterion');
    c.listOf(
      'exceptions.yaml',
      [...at, 'recipientSectors'],
      def.recipientSectors,
      SECTORS,
      'sector',
    );
    c.listOf('exceptions.yaml', [...at, 'categories'], def.categories, categoryNames, 'category');
    c.positiveInt('exceptions.yaml', [...at, 'durationHours'], def.durationHours);
    // A misspelt key would silently switch a protection off: only known keys are accepted.
    for (const key of Object.keys(def)) {
      if (!EXCEPTION_TEST_KEYS.includes(key))
        c.fail('exceptions.yaml', [...at, key], `unknown key "${key}"`);
    }
    if (def.specialCategoryRequiresIncapacity !== undefined) {
      c.boolean(
        'exceptions.yaml',
        [...at, 'specialCategoryRequiresIncapacity'],
        def.specialCategoryRequiresIncapacity,
      );
    }
  }

  const regimes = get('regimes.yaml').regimes;
  if (c.object('regimes.yaml', ['regimes'], regimes)) {
    for (const regime of PRIVACY_REGIMES) {
      const def = regimes[regime];
      const at = ['regimes', regime];
      if (!c.object('regimes.yaml', at, def)) continue;
      c.localized('regimes.yaml', [...at, 'label'], def.label);
      c.oneOf(
        'regimes.yaml',
        [...at, 'exception'],
        def.exception,
        Object.keys(tests),
        'exception test',
      );
      c.boolean('regimes.yaml', [...at, 'perpetratorProtection'], def.perpetratorProtection);
      if (c.object('regimes.yaml', [...at, 'approval'], def.approval)) {
        c.boolean('regimes.yaml', [...at, 'approval', 'required'], def.approval.required);
        c.listOf(
          'regimes.yaml',
          [...at, 'approval', 'waivedFor'],
          def.approval.waivedFor,
          BASES,
          'basis',
        );
      }
      if (c.object('regimes.yaml', [...at, 'duties'], def.duties)) {
        c.boolean('regimes.yaml', [...at, 'duties', 'register'], def.duties.register);
        c.boolean('regimes.yaml', [...at, 'duties', 'notice'], def.duties.notice);
      }
    }
  }

  const rules = get('rules.yaml');
  if (c.object('rules.yaml', ['rules'], rules.rules)) {
    for (const [id, def] of Object.entries(rules.rules)) {
      if (!/^R-[A-Z-]+$/.test(id))
        c.fail('rules.yaml', ['rules', id], 'rule ids look like R-SOME-RULE');
      if (c.object('rules.yaml', ['rules', id], def)) {
        c.localized('rules.yaml', ['rules', id, 'description'], def.description);
        c.string('rules.yaml', ['rules', id, 'citation'], def.citation);
      }
    }
    for (const id of ENGINE_RULES)
      if (!(id in rules.rules))
        c.fail('rules.yaml', ['rules'], `rule ${id} is evaluated by the engine but not described`);
  }
  if (c.object('rules.yaml', ['obligations'], rules.obligations)) {
    for (const [id, def] of Object.entries(rules.obligations)) {
      const at = ['obligations', id];
      if (!c.object('rules.yaml', at, def)) continue;
      c.localized('rules.yaml', [...at, 'description'], def.description);
      c.string('rules.yaml', [...at, 'citation'], def.citation);
      c.listOf('rules.yaml', [...at, 'recipientSectors'], def.recipientSectors, SECTORS, 'sector');
      c.listOf('rules.yaml', [...at, 'personRoles'], def.personRoles, PERSON_ROLES, 'person role');
      c.listOf('rules.yaml', [...at, 'categories'], def.categories, categoryNames, 'category');
    }
  }
  for (const key of ['childProtection', 'perpetratorProtection'] as const) {
    const def = rules[key];
    if (!c.object('rules.yaml', [key], def)) continue;
    c.listOf('rules.yaml', [key, 'categories'], def.categories, categoryNames, 'category');
    if (key === 'childProtection')
      c.listOf('rules.yaml', [key, 'recipientSectors'], def.recipientSectors, SECTORS, 'sector');
    else c.listOf('rules.yaml', [key, 'purposes'], def.purposes, PURPOSES, 'purpose');
  }
  if (Array.isArray(rules.fieldRules)) {
    rules.fieldRules.forEach((rule: unknown, i: number) => {
      const at = ['fieldRules', i];
      if (!c.object('rules.yaml', at, rule)) return;
      c.string('rules.yaml', [...at, 'id'], rule.id);
      c.localized('rules.yaml', [...at, 'description'], rule.description);
      c.string('rules.yaml', [...at, 'citation'], rule.citation);
      if (
        c.oneOf('rules.yaml', [...at, 'category'], rule.category, categoryNames, 'category') &&
        rule.fields !== '*'
      ) {
        c.listOf(
          'rules.yaml',
          [...at, 'fields'],
          rule.fields,
          fieldsOf(rule.category as string),
          'field',
        );
      }
      c.listOf('rules.yaml', [...at, 'recipientSectors'], rule.recipientSectors, SECTORS, 'sector');
      c.listOf('rules.yaml', [...at, 'recipientSides'], rule.recipientSides, SIDES, 'side');
    });
  } else c.fail('rules.yaml', ['fieldRules'], 'expected a list');
  if (c.object('rules.yaml', ['separationOfDuties'], rules.separationOfDuties)) {
    for (const side of SIDES) {
      const def = rules.separationOfDuties[side];
      if (c.object('rules.yaml', ['separationOfDuties', side], def)) {
        c.listOf(
          'rules.yaml',
          ['separationOfDuties', side, 'deniedHolderSectors'],
          def.deniedHolderSectors,
          SECTORS,
          'sector',
        );
      }
    }
  }
  if (c.object('rules.yaml', ['obligationsOnRelease'], rules.obligationsOnRelease)) {
    c.positiveInt(
      'rules.yaml',
      ['obligationsOnRelease', 'defaultRetentionDays'],
      rules.obligationsOnRelease.defaultRetentionDays,
    );
    c.positiveInt(
      'rules.yaml',
      ['obligationsOnRelease', 'lifeSafetyRetentionDays'],
      rules.obligationsOnRelease.lifeSafetyRetentionDays,
    );
  }
  validateWorkflows(get('workflows.yaml'), c);
}

export const REVIEW_REASONS = [
  'life_safety_exception',
  'no_agreement',
  'legal_obligation',
  'flagged',
] as const;

/** workflows.yaml: review and notice deadlines, risk-change kinds and recipients, retention. */
function validateWorkflows(w: Record<string, unknown>, c: Checker): void {
  const file = 'workflows.yaml';
  if (c.object(file, ['reviews'], w.reviews)) {
    const days = w.reviews.deadlineDays;
    if (c.object(file, ['reviews', 'deadlineDays'], days)) {
      for (const reason of REVIEW_REASONS)
        c.positiveInt(file, ['reviews', 'deadlineDays', reason], days[reason]);
      for (const key of Object.keys(days))
        if (!(REVIEW_REASONS as readonly string[]).includes(key))
          c.fail(file, ['reviews', 'deadlineDays', key], `unknown review reason "${key}"`);
    }
    c.string(file, ['reviews', 'citation'], w.reviews.citation);
  }
  if (c.object(file, ['notices'], w.notices)) {
    c.positiveInt(file, ['notices', 'deadlineDays'], w.notices.deadlineDays);
    c.localized(file, ['notices', 'description'], w.notices.description);
    c.string(file, ['notices', 'citation'], w.notices.citation);
  }
  const rc = w.riskChanges;
  if (c.object(file, ['riskChanges'], rc)) {
    if (c.object(file, ['riskChanges', 'kinds'], rc.kinds)) {
      if (Object.keys(rc.kinds).length === 0)
        c.fail(file, ['riskChanges', 'kinds'], 'expected at least one kind');
      for (const [kind, def] of Object.entries(rc.kinds)) {
        const at = ['riskChanges', 'kinds', kind];
        if (!/^[a-z_]+$/.test(kind)) c.fail(file, at, 'kinds are lower_snake_case');
        if (!c.object(file, at, def)) continue;
        c.boolean(file, [...at, 'urgent'], def.urgent);
        c.localized(file, [...at, 'label'], def.label);
      }
    }
    if (c.object(file, ['riskChanges', 'recipients'], rc.recipients)) {
      c.boolean(
        file,
        ['riskChanges', 'recipients', 'receivedInformation'],
        rc.recipients.receivedInformation,
      );
      c.boolean(
        file,
        ['riskChanges', 'recipients', 'assignedAgencies'],
        rc.recipients.assignedAgencies,
      );
      c.listOf(
        file,
        ['riskChanges', 'recipients', 'sectors'],
        rc.recipients.sectors,
        SECTORS,
        'sector',
      );
    }
    const withheld = rc.reporterWithheld;
    if (c.object(file, ['riskChanges', 'reporterWithheld'], withheld)) {
      for (const key of ['reporterSectors', 'recipientSectors'] as const)
        c.listOf(file, ['riskChanges', 'reporterWithheld', key], withheld[key], SECTORS, 'sector');
      c.localized(file, ['riskChanges', 'reporterWithheld', 'contactNote'], withheld.contactNote);
    }
    c.positiveInt(file, ['riskChanges', 'escalationMinutes'], rc.escalationMinutes);
    c.positiveInt(file, ['riskChanges', 'summaryMaxLength'], rc.summaryMaxLength);
    c.localized(file, ['riskChanges', 'description'], rc.description);
    c.string(file, ['riskChanges', 'citation'], rc.citation);
  }
  if (c.object(file, ['consentWithdrawal'], w.consentWithdrawal)) {
    const o = w.consentWithdrawal.obligation;
    if (c.object(file, ['consentWithdrawal', 'obligation'], o)) {
      c.string(file, ['consentWithdrawal', 'obligation', 'code'], o.code);
      c.localized(file, ['consentWithdrawal', 'obligation', 'description'], o.description);
      c.string(file, ['consentWithdrawal', 'obligation', 'citation'], o.citation);
    }
  }
  if (c.object(file, ['retention'], w.retention)) {
    c.positiveInt(file, ['retention', 'alertContentDays'], w.retention.alertContentDays);
    c.string(file, ['retention', 'citation'], w.retention.citation);
  }
}

const EXCEPTION_TEST_KEYS = [
  'description',
  'citation',
  'criteria',
  'recipientSectors',
  'categories',
  'durationHours',
  'specialCategoryRequiresIncapacity',
];

/** The rule ids the engine evaluates; each must be described in rules.yaml. */
export const ENGINE_RULES = [
  'R-DEFAULT-DENY',
  'R-AGENCY-ACTIVE',
  'R-ROLE',
  'R-PURPOSE-SECTOR',
  'R-STAGE',
  'R-PLANNING-ASSIGNED',
  'R-BASIS-CONSENT',
  'R-VICTIM-CONSENT',
  'R-PERPETRATOR-PROTECTION',
  'R-CHILD-PROTECTION',
  'R-BASIS-LIFE-SAFETY',
  'R-SPECIAL-CATEGORY',
  'R-BASIS-LEGAL-OBLIGATION',
  'R-AGREEMENT',
  'R-EXCLUDED-ITEM',
  'R-FIELD-RULES',
  'R-SEPARATION-OF-DUTIES',
  'R-HOLDER-APPROVAL',
] as const;
export type EngineRule = (typeof ENGINE_RULES)[number];

/** The bundle's content as hashed: every file's data, canonical (RFC 8785). */
export function bundleHash(content: Record<string, unknown>): string {
  return canonicalSha256(content);
}

/**
 * Reads and validates the policy bundle in `dir`. Refuses with every problem found, each with its
 * file and line, so the broker never runs on a half-valid bundle.
 */
export async function loadPolicyBundle(dir: string): Promise<PolicyBundle> {
  return fromContent(await loadPolicyContent(dir));
}

/** The validated content of the bundle in `dir`, file by file, as stored for replay. */
export async function loadPolicyContent(dir: string): Promise<Record<string, unknown>> {
  const texts: Record<string, string> = {};
  for (const name of POLICY_FILES) {
    try {
      texts[name] = await readFile(join(dir, name), 'utf8');
    } catch {
      // Left out: reported below as a missing file, with every other problem.
    }
  }
  return validatePolicyTexts(texts);
}

/**
 * Validates a bundle given as the texts of its files (a directory read, or a bundle a legal
 * reviewer uploads) and returns its content, file by file. Refuses with every problem found, each
 * with its file and line; a file name the bundle does not have is a problem too.
 */
export function validatePolicyTexts(
  texts: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const files = new Map<string, ParsedFile>();
  const problems: BundleProblem[] = [];
  for (const name of Object.keys(texts)
    .filter((n) => !isPolicyFile(n))
    .sort()) {
    problems.push({
      file: name,
      line: 1,
      path: '(file)',
      message: `unknown file (a bundle has ${POLICY_FILES.join(', ')})`,
    });
  }
  for (const name of POLICY_FILES) {
    const text = Object.hasOwn(texts, name) ? texts[name] : undefined;
    const parsed =
      typeof text === 'string'
        ? parseText(name, text)
        : { file: name, line: 1, path: '(file)', message: 'file missing' };
    if ('doc' in parsed) files.set(name, parsed);
    else problems.push(parsed);
  }
  const checker = new Checker(files);
  for (const [name, file] of files) {
    const at = unrepresentable(file.data);
    if (at) checker.fail(name, at, 'value not representable in JSON (.inf, .nan, NUL…)');
  }
  if (problems.length === 0 && checker.problems.length === 0) {
    try {
      validate(files, checker);
    } catch {
      checker.fail('(bundle)', [], 'the bundle cannot be validated: its structure is unexpected');
    }
  }
  problems.push(...checker.problems);
  if (problems.length > 0) throw new PolicyBundleError(problems);
  return Object.fromEntries([...files].map(([name, file]) => [name, file.data]));
}

function isPolicyFile(name: string): name is (typeof POLICY_FILES)[number] {
  return (POLICY_FILES as readonly string[]).includes(name);
}

/** A bundle from its content (as loaded, or as stored by hash for replay). */
export function fromContent(content: Record<string, unknown>): PolicyBundle {
  const f = (name: string): Record<string, never> => content[name] as Record<string, never>;
  const bundle = {
    hash: bundleHash(content),
    taxonomy: { categories: f('taxonomy.yaml').categories },
    requesterRoles: f('sectors.yaml').requesterRoles,
    sectors: f('sectors.yaml').sectors,
    thresholds: f('thresholds.yaml').thresholds,
    regimes: f('regimes.yaml').regimes,
    exceptions: f('exceptions.yaml'),
    rules: f('rules.yaml').rules,
    obligations: f('rules.yaml').obligations,
    childProtection: f('rules.yaml').childProtection,
    perpetratorProtection: f('rules.yaml').perpetratorProtection,
    fieldRules: f('rules.yaml').fieldRules,
    separationOfDuties: f('rules.yaml').separationOfDuties,
    obligationsOnRelease: f('rules.yaml').obligationsOnRelease,
    workflows: f('workflows.yaml'),
  };
  return Object.freeze(bundle as unknown as PolicyBundle);
}
