import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  appendLeaf,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  nodeHash,
  readFrontier,
  rootFromFrontier,
  rootOf,
  subtreeHash,
  verifyConsistency,
  verifyInclusion,
  type NodeId,
  type PerfectNodeReader,
} from './merkle.js';

// ----- Reference data: test/vectors/rfc6962 (transparency-dev/merkle, Apache-2.0) --------------

const VECTORS = fileURLToPath(new URL('../../../test/vectors/rfc6962/', import.meta.url));

interface ReferenceTree {
  leafInputsHex: string[];
  rootHashesHex: string[];
}
interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Every *.json under `folder` (recursively), as [path relative to the vectors, contents]. */
function vectors<T>(folder: string): [string, T][] {
  const files = readdirSync(join(VECTORS, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort();
  return files.map((file) => [join(folder, file), readJson<T>(join(VECTORS, folder, file))]);
}

const b64 = (text: string): Buffer => Buffer.from(text, 'base64');
const proofOf = (proof: string[] | null): Buffer[] => (proof ?? []).map(b64);

const reference = readJson<ReferenceTree>(join(VECTORS, 'reference-tree.json'));
const referenceLeaves = reference.leafInputsHex.map((hex) => leafHash(Buffer.from(hex, 'hex')));
const referenceRoots = reference.rootHashesHex.map((hex) => Buffer.from(hex, 'hex'));
const inclusionVectors = vectors<InclusionVector>('inclusion');
const consistencyVectors = vectors<ConsistencyVector>('consistency');

// ----- An in-memory log that stores what appendLeaf reports, as the database will ---------------

const key = ({ level, index }: NodeId): string => `${level}:${index}`;

/** A reader over the first `size` leaves of a log; counts its use and refuses nodes outside. */
class CountingReader implements PerfectNodeReader {
  calls = 0;
  requested = 0;
  constructor(
    private readonly size: number,
    private readonly lookup: (id: NodeId) => Buffer | undefined,
  ) {}

  async nodes(requests: readonly NodeId[]): Promise<Buffer[]> {
    this.calls += 1;
    this.requested += requests.length;
    return requests.map((id) => {
      const end = (id.index + 1) * 2 ** id.level;
      const hash = end <= this.size ? this.lookup(id) : undefined;
      if (!hash)
        throw new Error(`node ${key(id)} is not a perfect node of a ${this.size}-leaf tree`);
      return hash;
    });
  }
}

class MemoryLog {
  readonly leaves: Buffer[] = [];
  frontier: Buffer[] = [];
  private readonly stored = new Map<string, Buffer>();

  append(hash: Buffer): void {
    const { frontier, completed } = appendLeaf(this.frontier, this.leaves.length, hash);
    this.stored.set(key({ level: 0, index: this.leaves.length }), hash);
    for (const node of completed) this.stored.set(key(node), node.hash);
    this.leaves.push(hash);
    this.frontier = frontier;
  }

  reader(size = this.leaves.length): CountingReader {
    return new CountingReader(size, (id) => this.stored.get(key(id)));
  }
}

function logOf(leafHashes: readonly Buffer[]): MemoryLog {
  const log = new MemoryLog();
  for (const hash of leafHashes) log.append(hash);
  return log;
}

const syntheticLeaves = (n: number): Buffer[] =>
  Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`audit record ${i}`)));

// ----- The RFC 6962 §2.1.1 / §2.1.2 definitions, transcribed literally, to compare against -------

function splitPoint(n: number): number {
  let k = 1;
  while (2 * k < n) k *= 2;
  return k;
}

function referenceProofs(leaves: readonly Buffer[]) {
  const cache = new Map<string, Buffer>();
  const mth = (lo: number, hi: number): Buffer => {
    const id = `${lo}-${hi}`;
    if (!cache.has(id)) cache.set(id, rootOf(leaves.slice(lo, hi)));
    return cache.get(id) as Buffer;
  };
  // PATH(m, D[lo:hi]), m relative to lo.
  const path = (m: number, lo: number, hi: number): Buffer[] => {
    if (hi - lo <= 1) return [];
    const k = splitPoint(hi - lo);
    return m < k
      ? [...path(m, lo, lo + k), mth(lo + k, hi)]
      : [...path(m - k, lo + k, hi), mth(lo, lo + k)];
  };
  // SUBPROOF(m, D[lo:hi], b), m relative to lo.
  const subproof = (m: number, lo: number, hi: number, b: boolean): Buffer[] => {
    if (m === hi - lo) return b ? [] : [mth(lo, hi)];
    const k = splitPoint(hi - lo);
    return m <= k
      ? [...subproof(m, lo, lo + k, b), mth(lo + k, hi)]
      : [...subproof(m - k, lo + k, hi, false), mth(lo, lo + k)];
  };
  return {
    root: (n: number) => mth(0, n),
    path: (m: number, n: number) => path(m, 0, n),
    proof: (m: number, n: number) => subproof(m, 0, n, true),
  };
}

const log2ceil = (n: number): number => Math.ceil(Math.log2(n));
const hex = (hashes: readonly Buffer[]): string[] => hashes.map((h) => h.toString('hex'));

// ------------------------------------------------------------------------------------------------

describe('Merkle tree hashing (RFC 6962 §2.1)', () => {
  it('hashes leaves and nodes with the 0x00 / 0x01 domain separation', () => {
    expect(emptyRoot().toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(leafHash(new Uint8Array(0))).toEqual(referenceRoots[1]);
    expect(nodeHash(referenceLeaves[0], referenceLeaves[1])).toEqual(referenceRoots[2]);
  });

  it.each(referenceRoots.map((root, n) => [n, root.toString('hex')]))(
    'rootOf reproduces the reference root of the first %i leaves',
    (n, root) => {
      expect(rootOf(referenceLeaves.slice(0, n as number)).toString('hex')).toBe(root);
    },
  );

  it('the frontier reproduces every reference root and completed node, one append at a time', () => {
    let frontier: Buffer[] = [];
    expect(rootFromFrontier(frontier, 0)).toEqual(referenceRoots[0]);
    referenceLeaves.forEach((hash, size) => {
      const appended = appendLeaf(frontier, size, hash);
      frontier = appended.frontier;
      expect(rootFromFrontier(frontier, size + 1)).toEqual(referenceRoots[size + 1]);
      for (const { level, index, hash: node } of appended.completed) {
        const width = 2 ** level;
        expect(node).toEqual(rootOf(referenceLeaves.slice(index * width, (index + 1) * width)));
      }
    });
    expect(rootFromFrontier(frontier, 8)).toEqual(frontier[0]); // 8 leaves: one perfect subtree
  });

  it('reports exactly the perfect nodes each append completes, with their hashes', () => {
    const leaves = syntheticLeaves(70);
    const log = new MemoryLog();
    leaves.forEach((hash, size) => {
      const before = log.frontier;
      const { completed } = appendLeaf(before, size, hash);
      // The nodes whose last leaf is leaf `size`: levels 1..(trailing ones of size).
      const expected: NodeId[] = [];
      for (let level = 1; (size + 1) % 2 ** level === 0; level++) {
        expected.push({ level, index: (size + 1) / 2 ** level - 1 });
      }
      expect(completed.map(({ level, index }) => ({ level, index }))).toEqual(expected);
      for (const { level, index, hash: nodeHashValue } of completed) {
        const width = 2 ** level;
        expect(nodeHashValue).toEqual(rootOf(leaves.slice(index * width, (index + 1) * width)));
      }
      log.append(hash);
      expect(log.frontier.length).toBeLessThanOrEqual(Math.floor(Math.log2(size + 1)) + 1);
      expect(rootFromFrontier(log.frontier, size + 1)).toEqual(rootOf(leaves.slice(0, size + 1)));
    });
  });

  it('does not modify the frontier it is given', () => {
    const frontier = [referenceLeaves[0]];
    appendLeaf(frontier, 1, referenceLeaves[1]);
    expect(frontier).toEqual([referenceLeaves[0]]);
  });

  it('reloads the frontier from stored nodes in one read', async () => {
    const log = logOf(syntheticLeaves(70));
    for (const size of [0, 1, 2, 7, 8, 45, 64, 70]) {
      const reader = log.reader(size);
      const frontier = await readFrontier(reader, size);
      expect(rootFromFrontier(frontier, size)).toEqual(rootOf(log.leaves.slice(0, size)));
      expect(reader.calls).toBe(size === 0 ? 0 : 1);
    }
  });

  it('rejects a frontier that does not match the size', () => {
    expect(() => appendLeaf([], 1, referenceLeaves[0])).toThrow(RangeError);
    expect(() => rootFromFrontier([referenceLeaves[0]], 3)).toThrow(RangeError);
    expect(() => appendLeaf([], -1, referenceLeaves[0])).toThrow(RangeError);
    expect(() => appendLeaf([], 0, Buffer.alloc(31))).toThrow(TypeError);
  });
});

describe('RFC 6962 reference vectors', () => {
  it('are all there', () => {
    expect(inclusionVectors).toHaveLength(98);
    expect(consistencyVectors).toHaveLength(98);
  });

  it.each(inclusionVectors)('verifyInclusion: %s', (_file, v) => {
    const ok = verifyInclusion({
      leafHash: b64(v.leafHash),
      index: v.leafIdx,
      treeSize: v.treeSize,
      proof: proofOf(v.proof),
      root: b64(v.root),
    });
    expect(ok).toBe(!v.wantErr);
  });

  it.each(consistencyVectors)('verifyConsistency: %s', (_file, v) => {
    const ok = verifyConsistency({
      size1: v.size1,
      size2: v.size2,
      root1: b64(v.root1),
      root2: b64(v.root2),
      proof: proofOf(v.proof),
    });
    expect(ok).toBe(!v.wantErr);
  });

  const log = logOf(referenceLeaves);
  const isReferenceRoot = (root: string, size: number): boolean =>
    size < referenceRoots.length && b64(root).equals(referenceRoots[size]);

  const inclusionOfReferenceTree = inclusionVectors.filter(
    ([, v]) => !v.wantErr && isReferenceRoot(v.root, v.treeSize),
  );
  it.each(inclusionOfReferenceTree)('inclusionProof generates %s', async (_file, v) => {
    expect(b64(v.leafHash)).toEqual(referenceLeaves[v.leafIdx]);
    const proof = await inclusionProof(log.reader(v.treeSize), v.leafIdx, v.treeSize);
    expect(hex(proof)).toEqual(hex(proofOf(v.proof)));
  });

  const consistencyOfReferenceTree = consistencyVectors.filter(
    ([, v]) => !v.wantErr && isReferenceRoot(v.root1, v.size1) && isReferenceRoot(v.root2, v.size2),
  );
  it.each(consistencyOfReferenceTree)('consistencyProof generates %s', async (_file, v) => {
    const proof = await consistencyProof(log.reader(v.size2), v.size1, v.size2);
    expect(hex(proof)).toEqual(hex(proofOf(v.proof)));
  });

  it('generation is checked against the happy path of every numbered folder', () => {
    const happyPaths = ['0', '1', '2', '3', '4'].map((folder) => `${folder}/happy-path.json`);
    expect(inclusionOfReferenceTree.map(([file]) => file)).toEqual(
      happyPaths.map((file) => `inclusion/${file}`),
    );
    expect(consistencyOfReferenceTree.map(([file]) => file)).toEqual(
      happyPaths.map((file) => `consistency/${file}`),
    );
  });
});

describe('proofs from stored perfect nodes, exhaustively up to 70 leaves', () => {
  const N = 70;
  const leaves = syntheticLeaves(N);
  const log = logOf(leaves);
  const rfc = referenceProofs(leaves);

  it('inclusionProof is PATH(m, D[n]) for every 0 ≤ m < n ≤ 70, verifies, in one bounded read', async () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 0; m < n; m++) {
        const reader = log.reader(n);
        const proof = await inclusionProof(reader, m, n);
        expect(hex(proof)).toEqual(hex(rfc.path(m, n)));
        const root = rfc.root(n);
        expect(verifyInclusion({ leafHash: leaves[m], index: m, treeSize: n, proof, root })).toBe(
          true,
        );
        expect(reader.calls).toBe(proof.length === 0 ? 0 : 1);
        expect(reader.requested).toBeLessThanOrEqual(2 * log2ceil(n));
      }
    }
  });

  it('consistencyProof is PROOF(m, D[n]) for every 1 ≤ m ≤ n ≤ 70, verifies, in one bounded read', async () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 1; m <= n; m++) {
        const reader = log.reader(n);
        const proof = await consistencyProof(reader, m, n);
        expect(hex(proof)).toEqual(hex(rfc.proof(m, n)));
        const claim = { size1: m, size2: n, root1: rfc.root(m), root2: rfc.root(n), proof };
        expect(verifyConsistency(claim)).toBe(true);
        expect(reader.calls).toBe(proof.length === 0 ? 0 : 1);
        expect(reader.requested).toBeLessThanOrEqual(2 * log2ceil(n));
      }
    }
  });

  it('rejects a valid proof extended past the root, even with the roots rehashed to match', async () => {
    // Without RFC 9162's "if sn is 0, fail" step, one more hash c would prove the same leaf (or
    // prefix) under the forged root HASH(0x01 || c || root).
    const c = leaves[0];
    for (let n = 1; n <= N; n++) {
      for (let m = 0; m < n; m++) {
        const proof = [...(await inclusionProof(log.reader(n), m, n)), c];
        const root = nodeHash(c, rfc.root(n));
        expect(verifyInclusion({ leafHash: leaves[m], index: m, treeSize: n, proof, root })).toBe(
          false,
        );
      }
      for (let m = 1; m < n; m++) {
        const proof = [...(await consistencyProof(log.reader(n), m, n)), c];
        const [root1, root2] = [nodeHash(c, rfc.root(m)), nodeHash(c, rfc.root(n))];
        expect(verifyConsistency({ size1: m, size2: n, root1, root2, proof })).toBe(false);
      }
    }
  });

  it('subtreeHash computes MTH of every subtree the proofs use', async () => {
    for (let n = 1; n <= N; n++) {
      for (let width = 1; width < 2 * n; width *= 2) {
        for (let start = 0; start < n; start += width) {
          const end = Math.min(start + width, n);
          const reader = log.reader(n);
          expect(await subtreeHash(reader, start, end)).toEqual(rootOf(leaves.slice(start, end)));
          expect(reader.calls).toBe(1);
        }
      }
    }
  });

  it('refuses ranges and sizes it has no RFC proof for', async () => {
    const reader = log.reader();
    await expect(subtreeHash(reader, 1, 3)).rejects.toThrow(RangeError); // not aligned
    await expect(subtreeHash(reader, 4, 4)).rejects.toThrow(RangeError); // empty
    await expect(inclusionProof(reader, 5, 5)).rejects.toThrow(RangeError);
    await expect(inclusionProof(reader, -1, 5)).rejects.toThrow(RangeError);
    await expect(inclusionProof(reader, 0.5, 5)).rejects.toThrow(RangeError);
    await expect(consistencyProof(reader, 0, 5)).rejects.toThrow(RangeError);
    await expect(consistencyProof(reader, 6, 5)).rejects.toThrow(RangeError);
  });

  it('fails loudly when the reader returns the wrong number of nodes', async () => {
    const short: PerfectNodeReader = {
      nodes: async (requests) => requests.slice(1).map(() => leaves[0]),
    };
    await expect(inclusionProof(short, 0, 8)).rejects.toThrow('returned 2 hashes for 3 requests');
  });
});

describe('proofs over very large trees (arithmetic beyond 32 bits)', () => {
  // A tree whose leaves are all equal: every perfect node of a level has the same hash, so any size
  // can be served without storing anything.
  const levels = [leafHash(Buffer.from('same'))];
  for (let level = 1; level <= 53; level++)
    levels.push(nodeHash(levels[level - 1], levels[level - 1]));
  const uniformReader = (size: number) =>
    new CountingReader(size, ({ level, index }) =>
      Number.isSafeInteger(index) && index >= 0 ? levels[level] : undefined,
    );
  const uniformFrontier = (size: number): Buffer[] => {
    const frontier: Buffer[] = [];
    for (let level = 53; level >= 0; level--) {
      if (Math.floor(size / 2 ** level) % 2 === 1) frontier.push(levels[level]);
    }
    return frontier;
  };
  const uniformRoot = (size: number) => rootFromFrontier(uniformFrontier(size), size);

  it.each([1_000_000, 2 ** 32 + 3, 2 ** 40 - 1, Number.MAX_SAFE_INTEGER])(
    'at %i leaves: proofs take one read of O(log n) nodes and verify',
    async (size) => {
      for (const index of [0, 1, Math.floor(size / 3), size - 2, size - 1]) {
        const reader = uniformReader(size);
        const proof = await inclusionProof(reader, index, size);
        expect(reader.calls).toBe(1);
        expect(reader.requested).toBeLessThan(2 * log2ceil(size));
        const root = uniformRoot(size);
        expect(verifyInclusion({ leafHash: levels[0], index, treeSize: size, proof, root })).toBe(
          true,
        );
      }
      for (const size1 of [1, 3, 2 ** 19 + 1, Math.floor(size / 2) + 1, size - 1]) {
        const reader = uniformReader(size);
        const proof = await consistencyProof(reader, size1, size);
        expect(reader.calls).toBe(1);
        expect(reader.requested).toBeLessThan(2 * log2ceil(size));
        const claim = {
          size1,
          size2: size,
          root1: uniformRoot(size1),
          root2: uniformRoot(size),
          proof,
        };
        expect(verifyConsistency(claim)).toBe(true);
      }
    },
  );

  it('appends past 2^32 leaves', () => {
    const size = 2 ** 40 + 2 ** 35 - 1;
    const { frontier, completed } = appendLeaf(uniformFrontier(size), size, levels[0]);
    expect(frontier).toEqual([levels[40], levels[35]]);
    expect(completed).toHaveLength(35);
    expect(completed[34]).toEqual({ level: 35, index: 32, hash: levels[35] });
    expect(completed[0]).toEqual({ level: 1, index: Math.floor(size / 2), hash: levels[1] });
  });
});

describe('verification never throws on malformed input', () => {
  const good = {
    leafHash: referenceLeaves[0],
    index: 0,
    treeSize: 1,
    proof: [] as Uint8Array[],
    root: referenceLeaves[0],
  };
  it('accepts the well-formed single-leaf case', () => {
    expect(verifyInclusion(good)).toBe(true);
  });
  it.each<[string, Record<string, unknown>]>([
    ['negative index', { index: -1 }],
    ['fractional size', { treeSize: 1.5 }],
    ['NaN size', { treeSize: NaN }],
    ['size beyond 2^53', { treeSize: 2 ** 64, index: 2 ** 64 - 1 }],
    ['string index', { index: '0' }],
    ['null proof', { proof: null }],
    ['proof of strings', { proof: ['aa'] }],
    ['short proof hash', { treeSize: 2, proof: [Buffer.alloc(31)] }],
    ['null root', { root: null }],
    ['short leaf hash', { leafHash: Buffer.alloc(3), root: Buffer.alloc(3) }],
    ['proof too long', { proof: [referenceLeaves[1]] }],
  ])('inclusion: %s', (_name, change) => {
    const claim = { ...good, ...change } as unknown as Parameters<typeof verifyInclusion>[0];
    expect(verifyInclusion(claim)).toBe(false);
  });
  it.each<[string, Record<string, unknown>]>([
    ['negative size1', { size1: -1 }],
    ['fractional size2', { size2: 2.5 }],
    ['null proof', { proof: null }],
    ['proof with a non-hash', { proof: [{}] }],
    ['root1 not bytes', { root1: 'x', size2: 2, proof: [referenceLeaves[1]] }],
    ['root2 not bytes', { root2: 7 }],
  ])('consistency: %s', (_name, change) => {
    const claim = {
      size1: 1,
      size2: 1,
      root1: referenceRoots[1],
      root2: referenceRoots[1],
      proof: [],
      ...change,
    } as unknown as Parameters<typeof verifyConsistency>[0];
    expect(verifyConsistency(claim)).toBe(false);
  });
});

describe('properties (fast-check)', () => {
  const MAX = 300;
  const leaves = syntheticLeaves(MAX);
  const log = logOf(leaves);
  const rfc = referenceProofs(leaves);

  /** Flips one bit of one hash, or drops or duplicates one, or appends garbage: never still valid. */
  const tamper = fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.nat(),
      byte: fc.nat(31),
      bit: fc.nat(7),
    }),
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('append' as const), at: fc.nat() }),
  );
  type Tamper = typeof tamper extends fc.Arbitrary<infer T> ? T : never;
  function applyTamper(proof: Buffer[], t: Tamper): Buffer[] {
    const copy = proof.map((hash) => Buffer.from(hash));
    if (t.kind === 'append') return [...copy, leaves[t.at % MAX]];
    if (copy.length === 0) return [leaves[0]]; // nothing to flip or drop: add a hash instead
    const at = t.at % copy.length;
    if (t.kind === 'drop') copy.splice(at, 1);
    else copy[at][t.byte] ^= 1 << t.bit;
    return copy;
  }

  const sizeAndIndex = fc
    .integer({ min: 1, max: MAX })
    .chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.nat(n - 1)));

  it('inclusion proofs verify, and tampered ones or other indexes do not', async () => {
    await fc.assert(
      fc.asyncProperty(sizeAndIndex, tamper, async ([n, m, other], t) => {
        const reader = log.reader(n);
        const proof = await inclusionProof(reader, m, n);
        expect(reader.calls).toBeLessThanOrEqual(1);
        expect(reader.requested).toBeLessThanOrEqual(2 * log2ceil(n));
        const root = rfc.root(n);
        const claim = { leafHash: leaves[m], index: m, treeSize: n, proof, root };
        expect(verifyInclusion(claim)).toBe(true);
        expect(verifyInclusion({ ...claim, proof: applyTamper(proof, t) })).toBe(false);
        if (other !== m) {
          expect(verifyInclusion({ ...claim, index: other })).toBe(false);
          expect(verifyInclusion({ ...claim, leafHash: leaves[other] })).toBe(false);
        }
        expect(verifyInclusion({ ...claim, root: rfc.root(n === 1 ? 2 : n - 1) })).toBe(false);
      }),
    );
  });

  it('consistency proofs verify, and tampered ones or other sizes do not', async () => {
    const sizes = fc
      .integer({ min: 1, max: MAX })
      .chain((n) =>
        fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n), fc.integer({ min: 1, max: n })),
      );
    await fc.assert(
      fc.asyncProperty(sizes, tamper, async ([m, n, other], t) => {
        const reader = log.reader(n);
        const proof = await consistencyProof(reader, m, n);
        expect(reader.calls).toBeLessThanOrEqual(1);
        expect(reader.requested).toBeLessThanOrEqual(2 * log2ceil(n));
        const claim = { size1: m, size2: n, root1: rfc.root(m), root2: rfc.root(n), proof };
        expect(verifyConsistency(claim)).toBe(true);
        expect(verifyConsistency({ ...claim, proof: applyTamper(proof, t) })).toBe(false);
        if (other !== m) {
          expect(verifyConsistency({ ...claim, size1: other })).toBe(false);
          expect(verifyConsistency({ ...claim, root1: rfc.root(other) })).toBe(false);
        }
        if (m !== n)
          expect(verifyConsistency({ ...claim, root1: claim.root2, root2: claim.root1 })).toBe(
            false,
          );
      }),
    );
  });
});
