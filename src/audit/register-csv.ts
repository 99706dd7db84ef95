import type { CommunicationEntry } from './audit-views.service.js';

/** The register's CSV columns, in order (the first line of the file). */
export const REGISTER_CSV_COLUMNS: readonly (keyof CommunicationEntry)[] = [
  'seq',
  'date',
  'holderAgencyId',
  'recipientAgencyId',
  'categories',
  'purpose',
  'basis',
  'reasonCodes',
  'caseId',
  'decisionId',
];

function csvCell(value: unknown): string {
  const text = Array.isArray(value)
    ? value.join(' ')
    : value === null || value === undefined
      ? ''
      : String(value);
  // RFC 4180 quoting, and a leading quote so a spreadsheet never evaluates a cell as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * A holder's register of communications as CSV (RFC 4180, CRLF line ends): served by the API
 * (`GET /v1/audit/register?format=csv`) and by the console (`GET /console/register.csv`) alike.
 */
export function registerCsv(entries: readonly CommunicationEntry[]): string {
  const lines = [
    REGISTER_CSV_COLUMNS.join(','),
    ...entries.map((e) => REGISTER_CSV_COLUMNS.map((c) => csvCell(e[c])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** The download's headers: a CSV attachment named after the holder. */
export function registerCsvHeaders(holderAgencyId: string): Record<string, string> {
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="register-${holderAgencyId}.csv"`,
  };
}
