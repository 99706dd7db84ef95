import { ValidationPipe, type ValidationError } from '@nestjs/common';
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

/**
 * Strict global validation: only declared properties, of the declared types, within their bounds.
 * The problem names the offending properties and constraints, never the values sent.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors).slice(0, 50);
      return new DomainError(CommonProblems.invalidRequest, {
        errors: fields,
        detail: {
          fr: `Propriétés invalides : ${fields.map((f) => f.property).join(', ') || '(corps)'}.`,
          en: `Invalid properties: ${fields.map((f) => f.property).join(', ') || '(body)'}.`,
        },
      });
    },
  });
}
