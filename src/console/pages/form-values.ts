import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  Max,
  Min,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { isTimestamp } from '../../common/validation/is-timestamp.js';

/**
 * What the console's forms send, read as the services take it: empty fields, page offsets, and
 * dates and times typed in the table's time zone (`FILET_TIME_ZONE`).
 */

// ---------------------------------------------------------------------------------------------
// Empty fields and page offsets.
// ---------------------------------------------------------------------------------------------

/** An empty form field is an absent one (a filter left blank, a textarea left empty). */
export const blankToUndefined = ({ value }: { value: unknown }): unknown =>
  value === '' ? undefined : value;

/** An empty form field is an absent one. */
export const Blank = (): PropertyDecorator => Transform(blankToUndefined);

/** Where a page of a list starts (`?offset=`); empty: the first page. */
export const PageOffset = (): PropertyDecorator =>
  applyDecorators(
    IsOptional(),
    Transform(({ value }: { value: unknown }) => (value === '' ? undefined : Number(value))),
    IsInt(),
    Min(0),
    Max(1_000_000),
  );

// ---------------------------------------------------------------------------------------------
// Wall-clock times of the table's time zone.
// ---------------------------------------------------------------------------------------------

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** What people type as a period bound: a date and time, `T` or a space between, seconds optional. */
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;
/** What a browser's `<input type="datetime-local">` sends. */
export const DATETIME_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** Milliseconds since the epoch of a UTC date and time (years below 100 too, unlike Date.UTC). */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** Milliseconds the zone is ahead of UTC at an instant. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  // Year 1 BC is shown as "1" with its era.
  const year =
    parts.find((p) => p.type === 'era')?.value === 'BC' ? 1 - part('year') : part('year');
  const wall = utc(
    year,
    part('month'),
    part('day'),
    part('hour') % 24,
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock time of `timeZone` names (the later one, twice a year, is not chosen).
 * Days past the end of the month roll over to the next.
 */
function zonedInstant(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): Date {
  const wall = utc(year, month, day, hour, minute, second);
  let instant = wall - offsetAt(wall, timeZone);
  // Once more at the instant found: the offset may differ there (a change of time that night).
  instant = wall - offsetAt(instant, timeZone);
  return new Date(instant);
}

// ---------------------------------------------------------------------------------------------
// Period bounds: a date (the whole day in the table's time zone), a local date-time, or RFC 3339.
// ---------------------------------------------------------------------------------------------

export function isPeriodBound(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 40) return false;
  if (isTimestamp(value)) return true;
  const local = LOCAL_DATE_TIME.exec(value);
  return local !== null && isTimestamp(`${local[1]}-${local[2]}-${local[3]}`);
}

/** A date, a date-time without offset (the table's time), or an RFC 3339 date-time. */
export function IsPeriodBound(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPeriodBound',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: { validate: isPeriodBound },
    });
}

/**
 * The bound as the service takes it (RFC 3339). A date alone means the whole day in the table's
 * time zone: from its start, or, as an end, up to the start of the next day. An RFC 3339 instant
 * is passed as is (as the API takes it).
 */
export function periodBound(value: string, timeZone: string, end: boolean): string {
  const date = DATE_ONLY.exec(value);
  if (date) {
    const [y, m, d] = date.slice(1).map(Number);
    return zonedInstant(timeZone, y, m, d + (end ? 1 : 0)).toISOString();
  }
  const local = LOCAL_DATE_TIME.exec(value);
  if (local) {
    const [y, m, d, h, mi] = local.slice(1, 6).map(Number);
    return zonedInstant(timeZone, y, m, d, h, mi, Number(local[6] ?? 0)).toISOString();
  }
  return value;
}

/**
 * A period as the service takes it (see `periodBound`), for a table that reads only PostgreSQL's
 * calendar: past it (before year 1, after 9999), a bound excludes nothing.
 */
export function periodBounds(
  from: string | undefined,
  to: string | undefined,
  timeZone: string,
): { from?: string; to?: string } {
  const inCalendar = (instant: string | undefined): string | undefined =>
    instant && /^(?!0000)\d{4}-/.test(instant) ? instant : undefined;
  return {
    from: inCalendar(from && periodBound(from, timeZone, false)),
    to: inCalendar(to && periodBound(to, timeZone, true)),
  };
}

/**
 * A browser's date-time field (`DATETIME_LOCAL`), a wall-clock time of the table's zone, as an
 * instant (RFC 3339, UTC); undefined if there is no such day, or for a year before 1970 or after
 * 9998 (a typo, for a date of this system; PostgreSQL has no year 0).
 */
export function localToInstant(local: string, timeZone: string): string | undefined {
  const m = DATETIME_LOCAL.exec(local);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  if (y < 1970 || y > 9998) return undefined;
  const day = new Date(utc(y, mo, d, h, mi));
  if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d || h > 23 || mi > 59) return undefined;
  return zonedInstant(timeZone, y, mo, d, h, mi).toISOString();
}
