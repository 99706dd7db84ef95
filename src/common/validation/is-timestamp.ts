import { registerDecorator, type ValidationOptions } from 'class-validator';

// RFC 3339: a date, or a date-time with an explicit offset. Nothing PostgreSQL would read otherwise.
// Offsets as PostgreSQL takes them: at most ±15:59 (larger ones are refused there, not here).
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})(T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-](0\d|1[0-5]):[0-5]\d))?$/;

export function isTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = RFC3339.exec(value);
  if (!match || Number.isNaN(Date.parse(value))) return false;
  // Date.parse rolls 2024-02-31 over to March: the calendar date must survive the round trip.
  const [, y, m, d] = match.map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/** An RFC 3339 date or date-time (with offset) that is a real calendar date. */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isTimestamp',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: { validate: isTimestamp },
    });
}
