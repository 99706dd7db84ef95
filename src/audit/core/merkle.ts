/**
 * The audit log's Merkle tree: RFC 6962 §2.1 (= RFC 9162 §2.1) over SHA-256.
 *
 * Storage model. Every *perfect* node — a complete subtree of 2^level leaves starting at an aligned
 * leaf index — is immutable once its last leaf is appended, so the log stores it once and for all:
 * node (level, index) covers leaves [index·2^level, (index+1)·2^level), level 0 being the leaf
 * hashes. `appendLeaf` reports the nodes each append completes; proofs are then assembled from
 * stored perfect nodes only, since every subtree an RFC proof needs is either perfect or lies on
 * the tree's right edge, where it splits into a few perfect ones.
 *
 * Cost of a proof for a tree of n leaves: exactly one `PerfectNodeReader.nodes()` call (none when
 * the proof is empty), asking for at most 2·⌈log2 n⌉ nodes. At most one subtree of a proof lies
 * on the right edge (all the others are inside a perfect one), so it is one node per perfect
 * subtree plus popcount(width) for the right-edge one. At n = 1,000,000: an inclusion proof (≤ 20
 * hashes) reads at most 25 nodes, a consistency proof (≤ 21 hashes) at most 26; the root
 * (`subtreeHash(reader, 0, n)`) reads popcount(n) = 7.
 */
import { createHash } from 'node:crypto';

export const HASH_SIZE = 32;

/** A perfect node: level 0 = leaf hash; (level, index) covers leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  level: number;
  index: number;
}

/** Fetches stored perfect nodes, in request order. The log implements it with one SQL query. */
export interface PerfectNodeReader {
  nodes(requests: readonly NodeId[]): Promise<Buffer[]>;
}

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** RFC 6962 §2.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function leafHash(leaf: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, leaf);
}

/** RFC 6962 §2.1: SHA-256(0x01 || MTH(left) || MTH(right)). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/** RFC 6962 §2.1: the hash of an empty list is the hash of an empty string. */
export function emptyRoot(): Buffer {
  return sha256();
}

/** MTH(D[n]) by the RFC 6962 §2.1 recursion, over leaf hashes (not leaf inputs). O(n). */
export function rootOf(leafHashes: readonly Buffer[]): Buffer {
  const mth = (lo: number, hi: number): Buffer => {
    if (hi - lo === 1) return leafHashes[lo];
    const k = splitPoint(hi - lo);
    return nodeHash(mth(lo, lo + k), mth(lo + k, hi));
  };
  return leafHashes.length === 0 ? emptyRoot() : mth(0, leafHashes.length);
}

// ---------------------------------------------------------------------------------------------
// Incremental building: the frontier (a.k.a. compact range) of a tree of `size` leaves is the list
// of roots of the perfect subtrees that tile [0, size), largest (leftmost) first: one per set bit
// of `size`, so at most ⌊log2 size⌋ + 1 hashes.
// ---------------------------------------------------------------------------------------------

export interface AppendResult {
  frontier: Buffer[];
  /** The perfect nodes of level ≥ 1 this append completed, lowest first. */
  completed: (NodeId & { hash: Buffer })[];
}

/** Appends leaf number `size`; the inputs are not modified. */
export function appendLeaf(
  frontier: readonly Buffer[],
  size: number,
  leafHash: Buffer,
): AppendResult {
  assertFrontier(frontier, size);
  assertHash(leafHash, 'leafHash');
  const next = frontier.slice();
  const completed: AppendResult['completed'] = [];
  let hash = leafHash;
  // Each trailing 1 bit of `size` is a perfect subtree of the same height to the new node's left:
  // merge them, like carrying in binary addition.
  for (let level = 1, rest = size; rest % 2 === 1; level++) {
    hash = nodeHash(next.pop() as Buffer, hash);
    rest = Math.floor(rest / 2);
    completed.push({ level, index: rest, hash });
  }
  next.push(hash);
  return { frontier: next, completed };
}

/** MTH of the tree the frontier describes: fold right to left (RFC 6962 §2.1 recursion). */
export function rootFromFrontier(frontier: readonly Buffer[], size: number): Buffer {
  assertFrontier(frontier, size);
  return size === 0 ? emptyRoot() : foldRight(frontier);
}

/** Loads the frontier of a stored tree of `size` leaves (one `nodes()` call, popcount(size) nodes). */
export async function readFrontier(reader: PerfectNodeReader, size: number): Promise<Buffer[]> {
  assertSize(size, 'size');
  const ids = perfectNodes(0, size);
  return ids.length === 0 ? [] : fetchNodes(reader, ids);
}

// ---------------------------------------------------------------------------------------------
// Proof generation (RFC 6962 §2.1.1 and §2.1.2) from stored perfect nodes.
// ---------------------------------------------------------------------------------------------

type Range = readonly [start: number, end: number];

/**
 * MTH(D[start:end]) for a subtree of the RFC's tree: `start` must be a multiple of the smallest
 * power of two ≥ end − start, which holds for every subtree PATH and PROOF use. One `nodes()` call.
 */
export async function subtreeHash(
  reader: PerfectNodeReader,
  start: number,
  end: number,
): Promise<Buffer> {
  assertSize(start, 'start');
  assertSize(end, 'end');
  if (end <= start || start % ceilPowerOfTwo(end - start) !== 0) {
    throw new RangeError(`[${start}, ${end}) is not a subtree of an RFC 6962 Merkle tree`);
  }
  const [hash] = await hashRanges(reader, [[start, end]]);
  return hash;
}

/** RFC 6962 §2.1.1: PATH(index, D[treeSize]), the audit path, leaf-side sibling first. */
export async function inclusionProof(
  reader: PerfectNodeReader,
  index: number,
  treeSize: number,
): Promise<Buffer[]> {
  assertSize(index, 'index');
  assertSize(treeSize, 'treeSize');
  if (index >= treeSize) throw new RangeError(`index ${index} is not in a tree of ${treeSize}`);
  // PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])  if m < k
  //               = PATH(m − k, D[k:n]) : MTH(D[0:k])  otherwise
  // Walked top-down, so the siblings come out root-side first.
  const siblings: Range[] = [];
  for (let lo = 0, hi = treeSize; hi - lo > 1;) {
    const mid = lo + splitPoint(hi - lo);
    if (index < mid) {
      siblings.push([mid, hi]);
      hi = mid;
    } else {
      siblings.push([lo, mid]);
      lo = mid;
    }
  }
  return hashRanges(reader, siblings.reverse());
}

/** RFC 6962 §2.1.2: PROOF(size1, D[size2]) for 1 ≤ size1 ≤ size2 (empty when the sizes are equal). */
export async function consistencyProof(
  reader: PerfectNodeReader,
  size1: number,
  size2: number,
): Promise<Buffer[]> {
  assertSize(size1, 'size1');
  assertSize(size2, 'size2');
  if (size1 === 0 || size1 > size2) {
    throw new RangeError(`no consistency proof from ${size1} to ${size2} leaves`);
  }
  // SUBPROOF(m, D[n], b) = [] if m = n and b;  [MTH(D[n])] if m = n and not b
  //   = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])  if m ≤ k
  //   = SUBPROOF(m − k, D[k:n], false) : MTH(D[0:k])  otherwise
  // PROOF(m, D[n]) = SUBPROOF(m, D[n], true). Walked top-down, so reversed at the end.
  const ranges: Range[] = [];
  let lo = 0;
  let hi = size2;
  let b = true;
  while (hi !== size1) {
    const mid = lo + splitPoint(hi - lo);
    if (size1 <= mid) {
      ranges.push([mid, hi]);
      hi = mid;
    } else {
      ranges.push([lo, mid]);
      lo = mid;
      b = false;
    }
  }
  if (!b) ranges.push([lo, hi]);
  return hashRanges(reader, ranges.reverse());
}

/** MTH of each range, with all the perfect nodes they need fetched in a single `nodes()` call. */
async function hashRanges(reader: PerfectNodeReader, ranges: readonly Range[]): Promise<Buffer[]> {
  const plans = ranges.map(([start, end]) => perfectNodes(start, end));
  const ids = plans.flat();
  if (ids.length === 0) return [];
  const hashes = await fetchNodes(reader, ids);
  let offset = 0;
  return plans.map((plan) => {
    offset += plan.length;
    return foldRight(hashes.slice(offset - plan.length, offset));
  });
}

async function fetchNodes(reader: PerfectNodeReader, ids: readonly NodeId[]): Promise<Buffer[]> {
  const hashes = await reader.nodes(ids);
  if (hashes.length !== ids.length) {
    throw new Error(`node reader returned ${hashes.length} hashes for ${ids.length} requests`);
  }
  hashes.forEach((hash, i) => assertHash(hash, `node (${ids[i].level}, ${ids[i].index})`));
  return hashes;
}

/** Tiles [start, end) greedily with the largest aligned perfect nodes, left to right. */
function perfectNodes(start: number, end: number): NodeId[] {
  const ids: NodeId[] = [];
  while (start < end) {
    let level = 0;
    let width = 1;
    while (start % (2 * width) === 0 && start + 2 * width <= end) {
      level += 1;
      width *= 2;
    }
    ids.push({ level, index: start / width });
    start += width;
  }
  return ids;
}

/** hashes[0] ⊕ (hashes[1] ⊕ (… ⊕ hashes[last])), where a ⊕ b = nodeHash(a, b). */
function foldRight(hashes: readonly Buffer[]): Buffer {
  return hashes.reduceRight((right, left) => nodeHash(left, right));
}

// ---------------------------------------------------------------------------------------------
// Verification: the iterative algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2. They never throw:
// malformed input (sizes that are not safe integers, hashes that are not 32 bytes…) is `false`.
// ---------------------------------------------------------------------------------------------

export interface InclusionClaim {
  leafHash: Uint8Array;
  index: number;
  treeSize: number;
  proof: readonly Uint8Array[];
  root: Uint8Array;
}

/** RFC 9162 §2.1.3.2: does `proof` show leaf `index` of the tree with `root` hashes to `leafHash`? */
export function verifyInclusion({
  leafHash,
  index,
  treeSize,
  proof,
  root,
}: InclusionClaim): boolean {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return false;
  if (!isHash(leafHash) || !isHashList(proof)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && sameBytes(r, root);
}

export interface ConsistencyClaim {
  size1: number;
  size2: number;
  root1: Uint8Array;
  root2: Uint8Array;
  proof: readonly Uint8Array[];
}

/**
 * RFC 9162 §2.1.4.2: is the tree of `size2` leaves with `root2` an append-only extension of the one
 * of `size1` leaves with `root1`? The RFC algorithm covers 0 < size1 < size2; like the reference
 * vectors, equal sizes need an empty proof and equal roots, and size1 = 0 is always rejected (there
 * is nothing to prove about an empty tree: callers handle it before asking).
 */
export function verifyConsistency({
  size1,
  size2,
  root1,
  root2,
  proof,
}: ConsistencyClaim): boolean {
  if (!isSize(size1) || !isSize(size2) || size1 === 0 || size1 > size2) return false;
  if (!isHashList(proof)) return false;
  if (size1 === size2) return proof.length === 0 && sameBytes(root1, root2);
  if (proof.length === 0 || !isHash(root1)) return false;
  // 2. If size1 is an exact power of 2, its root is the first node of the path.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) [fn, sn] = [half(fn), half(sn)];
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && sameBytes(fr, root1) && sameBytes(sr, root2);
}

// ---------------------------------------------------------------------------------------------
// Arithmetic on sizes and indexes: plain division rather than bitwise operators, which would
// truncate to 32 bits; every size is a safe integer.
// ---------------------------------------------------------------------------------------------

/** RFC 6962 §2.1: the largest power of two smaller than n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (2 * k < n) k *= 2;
  return k;
}

function ceilPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && ceilPowerOfTwo(n) === n;
}

function popcount(n: number): number {
  let count = 0;
  for (let rest = n; rest > 0; rest = half(rest)) count += rest % 2;
  return count;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isSize(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

function isHash(hash: unknown): hash is Uint8Array {
  return hash instanceof Uint8Array && hash.length === HASH_SIZE;
}

function isHashList(hashes: unknown): hashes is readonly Uint8Array[] {
  return Array.isArray(hashes) && hashes.every(isHash);
}

function sameBytes(a: unknown, b: unknown): boolean {
  return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
}

function assertSize(n: number, name: string): void {
  if (!isSize(n)) throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
}

function assertHash(hash: Uint8Array, name: string): void {
  if (!isHash(hash)) throw new TypeError(`${name} must be a ${HASH_SIZE}-byte hash`);
}

function assertFrontier(frontier: readonly Buffer[], size: number): void {
  assertSize(size, 'size');
  if (frontier.length !== popcount(size)) {
    throw new RangeError(
      `a tree of ${size} leaves has ${popcount(size)} frontier hashes, not ${frontier.length}`,
    );
  }
}
