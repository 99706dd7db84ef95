import type { PipeTransform } from '@nestjs/common';
import { CommonProblems } from '../common/errors/common.problems.js';
import { DomainError, type FieldProblem } from '../common/errors/domain-error.js';

/**
 * A request that takes no input: no body, or `{}`. Anything else is a 400 naming what was sent
 * (as `whitelistValidation`, like any undeclared property), never its value. A DTO class cannot
 * say this: the global pipe refuses an object of a class without any declared property.
 */
export class EmptyBodyPipe implements PipeTransform<unknown, Record<string, never>> {
  transform(value: unknown): Record<string, never> {
    if (value === undefined) return {};
    const isPlainObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    const errors: FieldProblem[] = !isPlainObject
      ? [{ property: '(body)', constraints: ['isEmptyObject'] }]
      : Object.keys(value).map((property) => ({
          property,
          constraints: ['whitelistValidation'],
        }));
    if (errors.length === 0) return {};
    throw new DomainError(CommonProblems.invalidRequest, { errors: errors.slice(0, 50) });
  }
}
