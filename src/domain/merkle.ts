import { createHash } from 'node:crypto';

/**
 * The custody log as an RFC 9162 (Certificate Transparency v2) Merkle tree: leaf i is event
 * seq i+1. A checkpoint signs the tree head; an inclusion proof shows that one event is in the
 * sealed log with log2(n) hashes and without showing any other event, which is what lets an
 * export prove its events while keeping every other item's events private.
 *
 * Hashing (SHA-256) is computation, not IO, so it lives here with the rules.
 */

/** A perfect subtree on the right edge of a tree, with its hash in base64. */
export interface Frontier {
  readonly start: number;
  readonly size: number;
  readonly hash: string;
}

/** A subtree: leaves [start, start + size). */
export interface Range {
  readonly start: number;
  readonly size: number;
}

function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

/** Leaf hash of an event: SHA-256(0x00 ‖ the event's 32-byte hash). */
export function leafHash(eventHashHex: string): Buffer {
  return sha256(LEAF, Buffer.from(eventHashHex, 'hex'));
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE, left, right);
}

/** Largest power of two strictly below n (n ≥ 2): RFC 9162's split point. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The subtrees whose hashes make up the inclusion proof of leaf `index` in a tree of `size`
 * leaves, in proof order (nearest the leaf first): RFC 9162 §2.1.3.1 PATH(m, D[n]).
 */
export function inclusionRanges(index: number, size: number): Range[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} not in tree of ${size}`);
  const path: Range[] = [];
  let lo = 0;
  let n = size;
  let m = index;
  while (n > 1) {
    const k = split(n);
    if (m < k) {
      path.push({ start: lo + k, size: n - k });
      n = k;
    } else {
      path.push({ start: lo, size: k });
      lo += k;
      m -= k;
      n -= k;
    }
  }
  return path.reverse();
}

/**
 * A range of the RFC recursion as the perfect (power-of-two, aligned) subtrees it is made of,
 * largest first: those are exactly the subtrees a left-to-right builder completes.
 */
export function perfectPieces(range: Range): Range[] {
  const pieces: Range[] = [];
  let start = range.start;
  let rest = range.size;
  while (rest > 0) {
    let p = 1;
    while (p * 2 <= rest) p *= 2;
    pieces.push({ start, size: p });
    start += p;
    rest -= p;
  }
  return pieces;
}

/** Hash of a range from its perfect pieces (right to left, as MTH nests them). */
function foldPieces(hashes: readonly Buffer[]): Buffer {
  let acc = hashes.at(-1);
  if (acc === undefined) throw new RangeError('empty range');
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i] as Buffer, acc);
  return acc;
}

/**
 * Builds the tree head from leaves pushed in order, holding only log2(n) hashes. It can tell
 * every completed perfect subtree to a listener, which is how proofs are gathered in one pass.
 */
export class TreeBuilder {
  readonly #stack: { start: number; size: number; hash: Buffer }[] = [];
  #size = 0;
  readonly #onSubtree: ((r: Range, hash: Buffer) => void) | undefined;

  constructor(onSubtree?: (r: Range, hash: Buffer) => void) {
    this.#onSubtree = onSubtree;
  }

  /**
   * Continues a tree from its frontier (the perfect subtrees of its right edge, as saved with a
   * checkpoint), so sealing reads only the events written since.
   */
  static resume(frontier: readonly Frontier[]): TreeBuilder {
    const b = new TreeBuilder();
    let expected = 0;
    for (const f of frontier) {
      if (f.start !== expected || f.size <= 0 || (f.size & (f.size - 1)) !== 0)
        throw new RangeError('not a tree frontier');
      b.#stack.push({ start: f.start, size: f.size, hash: Buffer.from(f.hash, 'base64') });
      expected += f.size;
    }
    b.#size = expected;
    return b;
  }

  frontier(): Frontier[] {
    return this.#stack.map((s) => ({
      start: s.start,
      size: s.size,
      hash: s.hash.toString('base64'),
    }));
  }

  get size(): number {
    return this.#size;
  }

  push(leaf: Buffer): void {
    let top = { start: this.#size, size: 1, hash: leaf };
    this.#onSubtree?.(top, leaf);
    this.#size += 1;
    for (;;) {
      const below = this.#stack.at(-1);
      if (below?.size !== top.size) break;
      this.#stack.pop();
      top = { start: below.start, size: below.size * 2, hash: nodeHash(below.hash, top.hash) };
      this.#onSubtree?.(top, top.hash);
    }
    this.#stack.push(top);
  }

  /** RFC 9162 MTH of the leaves so far; the empty tree's head is SHA-256 of nothing. */
  root(): Buffer {
    if (this.#stack.length === 0) return sha256();
    return foldPieces(this.#stack.map((s) => s.hash));
  }
}

/**
 * Gathers inclusion proofs for chosen leaves in one streaming pass over all leaves of a tree
 * of `size`: memory grows with the number of proofs, never with the size of the log.
 */
export class ProofCollector {
  readonly #size: number;
  readonly #wanted = new Map<string, Buffer | null>();
  readonly #paths = new Map<number, Range[][]>();
  readonly builder: TreeBuilder;

  constructor(size: number, indexes: Iterable<number>) {
    this.#size = size;
    for (const index of indexes) {
      const pieces = inclusionRanges(index, size).map(perfectPieces);
      this.#paths.set(index, pieces);
      for (const r of pieces.flat()) this.#wanted.set(key(r), null);
    }
    this.builder = new TreeBuilder((r, hash) => {
      if (this.#wanted.has(key(r))) this.#wanted.set(key(r), hash);
    });
  }

  /** The proof for a leaf, once all `size` leaves have been pushed. */
  proof(index: number): Buffer[] {
    if (this.builder.size !== this.#size) throw new Error('not all leaves pushed yet');
    const pieces = this.#paths.get(index);
    if (pieces === undefined) throw new RangeError(`no proof was asked for leaf ${index}`);
    return pieces.map((range) =>
      foldPieces(
        range.map((r) => {
          const h = this.#wanted.get(key(r));
          if (h == null) throw new Error(`subtree ${key(r)} was never completed`);
          return h;
        }),
      ),
    );
  }
}

function key(r: Range): string {
  return `${r.start}:${r.size}`;
}

/** RFC 9162 §2.1.3.2: does `proof` show that `leaf` is at `index` in the tree with `root`? */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Buffer,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}
