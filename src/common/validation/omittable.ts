import { ValidateIf } from 'class-validator';

/**
 * Like `@IsOptional()`, except that only an absent property is skipped: `null` is a value like any
 * other and meets the property's rules (so it is refused), instead of being silently ignored.
 */
export const Omittable = (): PropertyDecorator =>
  ValidateIf((_object: unknown, value: unknown) => value !== undefined);
