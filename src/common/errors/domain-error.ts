import type { Localized } from '../i18n/language.js';

/** One kind of problem a client can meet: a stable code, its HTTP status and its text in both languages. */
export interface ProblemDefinition {
  readonly code: string;
  readonly status: number;
  readonly title: Localized;
}

export interface FieldProblem {
  /** Dotted path of the offending property, e.g. `names.fr` or `keys.0.jwk`. */
  readonly property: string;
  /** Stable constraint names (class-validator's), never the rejected value. */
  readonly constraints: readonly string[];
}

export interface DomainErrorOptions {
  readonly detail?: Localized;
  readonly errors?: readonly FieldProblem[];
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * RFC 9457 extension members for what a client must see in structure (e.g. every problem of an
   * uploaded policy bundle with its file and line). Never values the client sent about people.
   */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** The underlying failure, kept for the server's log (its kind and stack, never its message). */
  readonly cause?: unknown;
}

/** Thrown by services; the problem filter turns it into an RFC 9457 response. */
export class DomainError extends Error {
  constructor(
    readonly problem: ProblemDefinition,
    readonly options: DomainErrorOptions = {},
  ) {
    super(problem.code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
  }
}

/** Declares a feature's problems in one place, so codes and statuses are reviewed together. */
export function defineProblems<K extends string>(
  defs: Record<K, ProblemDefinition>,
): Readonly<Record<K, ProblemDefinition>> {
  return Object.freeze(defs);
}
