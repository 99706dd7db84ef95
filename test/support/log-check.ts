import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { personalDataForms } from './personal-data.js';

export interface LogCheckReport {
  readonly files: number;
  readonly lines: number;
  readonly requestLines: number;
}

/** Written by a test file when it starts a broker whose lines go to `<file>`. */
export const STARTED_SUFFIX = '.started';

/**
 * Reads every log line the run's brokers wrote (see `ENV_LOG_DIR`) and fails naming each line that
 * holds seeded personal data. Also fails when the capture looks broken, which would leave the check
 * empty: a test file started a broker (it leaves a marker) and none of its lines arrived (a broker
 * always logs its start), or no broker of the run logged a single request.
 */
export async function checkCapturedLogs(dir: string): Promise<LogCheckReport> {
  const forms = personalDataForms();
  const all = (await readdir(dir)).sort();
  const names = all.filter((name) => !name.endsWith(STARTED_SUFFIX));
  const leaks: string[] = [];
  let lines = 0;
  let requestLines = 0;
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      lines += 1;
      if (line.includes('"event":"request"')) requestLines += 1;
      const found = forms.filter((form) => line.includes(form));
      if (found.length) leaks.push(`${name}: ${JSON.stringify(found)} in ${line.slice(0, 500)}`);
    }
  }
  const uncaptured = all
    .filter((name) => name.endsWith(STARTED_SUFFIX))
    .map((marker) => marker.slice(0, -STARTED_SUFFIX.length))
    .filter((name) => !names.includes(name));
  const problems = [
    ...leaks.map((leak) => `personal data in a broker log line — ${leak}`),
    ...uncaptured.map((name) => `a broker started, nothing captured in ${name}: capture broken?`),
    // Spawned brokers log at the level their test sets (often warn); in-process ones at info.
    ...(names.some((name) => !name.startsWith('spawned-')) && requestLines === 0
      ? ['no request line captured from any broker: is the log capture broken?']
      : []),
  ];
  if (problems.length) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
    throw new Error(`log check failed:\n${shown.join('\n')}`);
  }
  return { files: names.length, lines, requestLines };
}
