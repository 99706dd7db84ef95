import { type PipeTransform } from '@nestjs/common';
import { CommonProblems } from '../errors/common.problems.js';
import { DomainError } from '../errors/domain-error.js';
import { UUID } from './patterns.js';

/** A uuid path parameter, lower-cased; anything else is a 400 problem naming the parameter. */
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) {
      throw new DomainError(CommonProblems.invalidRequest, {
        errors: [{ property: 'path', constraints: ['isUuid'] }],
      });
    }
    return value.toLowerCase();
  }
}
