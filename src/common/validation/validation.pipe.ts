import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { CommonProblems } from '../errors/common.problems.js';
import { DomainError, type FieldProblem } from '../errors/domain-error.js';

function flatten(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const property = prefix ? `${prefix}.${error.property}` : error.property;
    const own: FieldProblem[] = error.constraints
      ? [{ property, constraints: Object.keys(error.constraints).sort() }]
      : [];
    return [...own, ...flatten(error.children ?? [], property)];
  });
}

function invalid(fields: readonly FieldProblem[]): DomainError {
  return new DomainError(CommonProblems.invalidRequest, {
    errors: fields,
    detail: {
      fr: `Propriétés invalides : ${fields.map((f) => f.property).join(', ') || '(corps)'}.`,
      en: `Invalid properties: ${fields.map((f) => f.property).join(', ') || '(body)'}.`,
    },
  });
}

/** Deeper than any input of the API; far below what would overflow the transformer's recursion. */
const MAX_BODY_DEPTH = 32;
/**
 * Names every object inherits (`__proto__`, `constructor`, `toString`, `valueOf`…) and `prototype`.
 * class-transformer drops such keys without a word, so they would slip past the whitelist; they are
 * refused like any undeclared property, wherever they are.
 */
const INHERITED_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Walks a parsed body without recursion. class-transformer copies a body recursively, so a body
 * nested some thousands deep (a few KiB of brackets) would overflow the stack and answer 500.
 */
function shapeProblem(body: unknown): FieldProblem | undefined {
  const stack: { value: unknown; depth: number; path: string }[] = [
    { value: body, depth: 0, path: '' },
  ];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { property: path, constraints: ['maxDepth'] };
    for (const key of Object.keys(value)) {
      const property = path ? `${path}.${key}` : key;
      if (INHERITED_KEYS.has(key)) return { property, constraints: ['whitelistValidation'] };
      stack.push({
        value: (value as Record<string, unknown>)[key],
        depth: depth + 1,
        path: property,
      });
    }
  }
  return undefined;
}

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      const problem = shapeProblem(value);
      if (problem) throw invalid([problem]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Strict global validation: only declared properties, of the declared types, within their bounds.
 * The problem names the offending properties and constraints, never the values sent.
 */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalid(flatten(errors).slice(0, 50)),
  });
}
