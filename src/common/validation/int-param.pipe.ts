import { type PipeTransform } from '@nestjs/common';
import { CommonProblems } from '../errors/common.problems.js';
import { DomainError } from '../errors/domain-error.js';

/** A non-negative integer path parameter (e.g. a sequence number); anything else is a 400 problem. */
export class NonNegativeIntPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,15}$/.test(value)) {
      throw new DomainError(CommonProblems.invalidRequest, {
        errors: [{ property: 'path', constraints: ['isNonNegativeInteger'] }],
      });
    }
    return Number(value);
  }
}
