import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { EXPORT_FORMAT, type ExportLine } from '../audit/audit-export.js';
import type { PublishedKey } from '../audit/broker-keys.js';
import { LogVerifier } from '../audit/core/log-verifier.js';
import { VERIFY_PROBLEM_LABELS } from '../audit/verify-problem-labels.js';

const USAGE = `Usage: npm run audit:verify -- <export.ndjson> --trust <keys.json> [--checkpoint <jws>]... [--receipt <jws>]... [--receipts <file>]
  Vérifie hors ligne un export du journal d'audit : chaque feuille, chaque point de contrôle signé, les reçus.
  Verifies an audit log export offline: every leaf, every signed checkpoint, any receipts.
  --trust       the broker's public keys (the JSON of GET /v1/audit/keys), obtained separately.
                Required: the keys inside an export prove nothing (a forger replaces them too);
                --insecure-trust-export uses them anyway, for a quick look only.
  --checkpoint  a checkpoint you kept yourself (e.g. from GET /v1/audit/checkpoints/latest): the
                log must reach it and agree with it. Records after the last checkpoint are not yet
                protected by any signature; the summary says how many.`;

function keysFrom(json: unknown): PublishedKey[] {
  const keys = (json as { keys?: unknown }).keys ?? json;
  if (!Array.isArray(keys))
    throw new Error('--trust: expected {"keys": [...]} or an array of keys');
  return keys as PublishedKey[];
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        trust: { type: 'string' },
        'insecure-trust-export': { type: 'boolean' },
        checkpoint: { type: 'string', multiple: true },
        receipt: { type: 'string', multiple: true },
        receipts: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const receipts = [...(values.receipt ?? [])];
  if (values.receipts)
    receipts.push(...(await readFile(values.receipts, 'utf8')).split(/\s+/).filter(Boolean));
  if (!values.trust && !values['insecure-trust-export']) {
    console.error(`--trust est requis / --trust is required\n\n${USAGE}`);
    return 2;
  }
  const trusted = values.trust
    ? keysFrom(JSON.parse(await readFile(values.trust, 'utf8')))
    : undefined;

  const lines = createInterface({
    input: createReadStream(positionals[0], 'utf8'),
    crlfDelay: Infinity,
  });
  let header: Extract<ExportLine, { type: typeof EXPORT_FORMAT }> | undefined;
  const exportKeys: PublishedKey[] = [];
  const checkpoints: string[] = [...(values.checkpoint ?? [])];
  let verifier: LogVerifier | undefined;
  let lineNo = 0;
  for await (const text of lines) {
    lineNo++;
    if (!text.trim()) continue;
    const line = JSON.parse(text) as ExportLine;
    if (lineNo === 1) {
      if (line.type !== EXPORT_FORMAT) throw new Error('not a Filet audit export (first line)');
      header = line;
    } else if (line.type === 'key') {
      const { type: _type, ...key } = line;
      exportKeys.push(key);
    } else if (line.type === 'checkpoint') {
      // The verifier is built with every checkpoint before the first record: one that comes after
      // would otherwise go unchecked.
      if (verifier)
        throw new Error(`line ${lineNo}: checkpoint after the records (not an export of Filet)`);
      checkpoints.push(line.jws);
    } else if (line.type === 'record') {
      verifier ??= await LogVerifier.create({
        trusted: trusted ?? exportKeys,
        checkpoints,
        receipts,
        log: header?.log,
      });
      if (!verifier.addRecord(line.seq, line.leaf, line.leafHash)) break;
    }
  }
  verifier ??= await LogVerifier.create({
    trusted: trusted ?? exportKeys,
    checkpoints,
    receipts,
    log: header?.log,
  });
  const report = verifier.finish(header?.treeSize);

  if (!trusted) {
    console.warn(
      'Attention : clés prises dans l’export lui-même (--trust absent). / Warning: keys taken from the export itself (no --trust).',
    );
  }
  if (report.ok) {
    console.log(
      `OK — ${report.recordsChecked} enregistrements, ${report.checkpointsChecked} points de contrôle, ${report.receiptsChecked} reçus vérifiés. / ` +
        `${report.recordsChecked} records, ${report.checkpointsChecked} checkpoints, ${report.receiptsChecked} receipts verified.`,
    );
    if (report.unanchoredRecords > 0) {
      console.log(
        `${report.unanchoredRecords} enregistrements après le dernier point de contrôle (taille ${report.lastCheckpointSize}) ne sont pas encore protégés par une signature. / ` +
          `${report.unanchoredRecords} records after the last checkpoint (size ${report.lastCheckpointSize}) are not yet protected by a signature.`,
      );
    }
    return 0;
  }
  const problem = report.firstProblem!;
  const where = [
    problem.seq !== undefined ? `seq ${problem.seq}` : '',
    problem.treeSize !== undefined ? `treeSize ${problem.treeSize}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const message = VERIFY_PROBLEM_LABELS[problem.code];
  console.error(`ÉCHEC / FAILED: ${problem.code} (${where}) — ${message.fr} / ${message.en}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Erreur / error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
