// An agency system's round trip with Filet: refer a case, ask for a decision, read it, then check
// its audit receipt and prove the record into a signed checkpoint. Runnable against the demo broker:
//
//   node examples/disclosure-client.mjs var/keys/police-vsl.json
//
// Environment: FILET_URL (default http://127.0.0.1:3000), FILET_AUDIENCE (default urn:filet:broker),
// LANG (fr… for French answers, else English). Needs only `jose` and Node's own crypto.
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { compactVerify, importJWK, SignJWT } from 'jose';

const keyFile = process.argv[2];
if (!keyFile) {
  console.error(
    'usage: node examples/disclosure-client.mjs <key file, e.g. var/keys/police-vsl.json>',
  );
  process.exit(2);
}
const { agencyId, kid, alg, privateJwk } = JSON.parse(await readFile(keyFile, 'utf8'));
const broker = process.env.FILET_URL ?? 'http://127.0.0.1:3000';
const audience = process.env.FILET_AUDIENCE ?? 'urn:filet:broker';
const lang = (process.env.LANG ?? '').toLowerCase().startsWith('fr') ? 'fr' : 'en';
const signingKey = await importJWK(privateJwk, alg);

/** One token per request: `jti` is single use. */
async function token(roles) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles })
    .setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setIssuer(agencyId)
    .setSubject('case-worker-042')
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(randomUUID())
    .sign(signingKey);
}

/** Calls the API; stops on a problem document, printing its code, title and request id. */
async function call(method, path, body, roles = ['agency_user']) {
  const response = await fetch(`${broker}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await token(roles)}`,
      'accept-language': lang,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json();
  if (!response.ok) {
    console.error(
      `${method} ${path}: ${response.status} ${json.code}: ${json.title} (request ${json.requestId})`,
    );
    process.exit(1);
  }
  // One receipt per audit record the request wrote, comma-separated; the first is the action's own.
  const receipts = (response.headers.get('filet-audit-receipt') ?? '')
    .split(',')
    .map((r) => r.trim());
  return { body: json, receipt: receipts[0] || undefined };
}

// 1. A referral: a de-identified case (reason codes only, never a narrative) and its victim.
const today = new Date().toISOString().slice(0, 10);
const kase = await call('POST', '/v1/cases', { reason: 'threat_to_kill', incidentDate: today });
const person = await call('POST', `/v1/cases/${kase.body.id}/persons`, {
  role: 'victim',
  capacity: 'capable',
  minor: false,
});
console.log(`case ${kase.body.id} (${kase.body.stage}), person ${person.body.id}`);

// 2. A decision. A dry run decides without releasing; POST /v1/disclosures has the same answer,
//    with the released fields' values.
const { body: decision, receipt } = await call('POST', '/v1/disclosures/dry-run', {
  caseId: kase.body.id,
  personId: person.body.id,
  categories: ['identity', 'risk_assessment'],
  purpose: 'risk_assessment',
  basis: 'consent',
});
console.log(
  `decision ${decision.decisionId}: ${decision.outcome} (policy bundle ${decision.policyBundleHash.slice(0, 12)}…)`,
);
for (const item of decision.released)
  console.log(
    `  released ${item.category}: ${item.fieldNames.join(', ')} (withheld fields: ${item.withheldFields.join(', ') || 'none'})`,
  );
for (const { category, reasons } of decision.withheld)
  for (const reason of reasons)
    console.log(
      `  withheld ${category}: ${reason.code} — ${reason.description[lang]} [${reason.citation}]`,
    );
const stored = await call('GET', `/v1/decisions/${decision.decisionId}`);
console.log(`  read back: ${stored.body.outcome}, decided at ${stored.body.decidedAt}`);

// 3. The receipt: a JWS by the broker's audit key over {seq, leafHash, recordedAt}. Verify it with the
//    broker's published keys (in production, keep a copy of GET /v1/audit/keys obtained separately).
const { body: published } = await call('GET', '/v1/audit/keys');
async function verifyJws(jws, typ) {
  const header = JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString('utf8'));
  const key = published.keys.find((k) => k.kid === header.kid);
  if (!key || header.typ !== typ) throw new Error(`${typ}: unknown key or wrong type`);
  const { payload } = await compactVerify(jws, await importJWK(key.publicJwk, 'EdDSA'), {
    algorithms: ['EdDSA'],
  });
  return JSON.parse(Buffer.from(payload).toString('utf8'));
}
if (receipt !== decision.receipt)
  throw new Error('the header and the body carry different receipts');
const claims = await verifyJws(receipt, 'filet-audit-receipt+jws');
console.log(
  `receipt: record #${claims.seq}, leaf ${claims.leafHash}, recorded ${claims.recordedAt} — signature OK`,
);

// 4. The proof: the record is leaf #seq of the log's Merkle tree (RFC 6962). Ask for an inclusion proof
//    into the latest signed checkpoint; if none covers the record yet (they come every
//    FILET_CHECKPOINT_EVERY_SECONDS), a privacy officer may have one signed now.
let { body: proof } = await call('GET', `/v1/audit/records/${claims.seq}/proof`);
if (!proof.checkpoint) {
  await call('POST', '/v1/audit/checkpoints', undefined, ['privacy_officer']);
  ({ body: proof } = await call('GET', `/v1/audit/records/${claims.seq}/proof`));
}
const checkpoint = await verifyJws(proof.checkpoint.jws, 'filet-checkpoint+jws');
if (
  checkpoint.log !== audience ||
  checkpoint.treeSize !== proof.treeSize ||
  checkpoint.rootHash !== proof.rootHash
)
  throw new Error('the proof is not against that checkpoint');

const sha256 = (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
/** RFC 9162 §2.1.3.2: does the audit path lead from the leaf at `index` to `root`? */
function verifyInclusion(leaf, index, treeSize, path, root) {
  if (index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = sha256(Buffer.from([1]), p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
    } else {
      r = sha256(Buffer.from([1]), r, p);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && r.equals(root);
}
const b64 = (s) => Buffer.from(s, 'base64');
const included = verifyInclusion(
  b64(claims.leafHash),
  claims.seq,
  proof.treeSize,
  proof.proof.map(b64),
  b64(proof.rootHash),
);
if (!included) {
  console.error(
    `record #${claims.seq} is NOT in the signed checkpoint of ${proof.treeSize} records`,
  );
  process.exit(1);
}
console.log(
  `proof: record #${claims.seq} is in the checkpoint of ${proof.treeSize} records signed ${checkpoint.issuedAt} — OK`,
);
