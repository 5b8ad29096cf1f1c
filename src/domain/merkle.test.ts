import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ProofCollector,
  TreeBuilder,
  inclusionRanges,
  leafHash,
  nodeHash,
  verifyInclusion,
} from './merkle.ts';

const sha = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const rawLeaf = (data: Uint8Array): Buffer => sha(Uint8Array.of(0), data);

/** RFC 9162 §2.1.1 MTH, written straight from the definition. */
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0] as Buffer;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** RFC 9162 §2.1.3.1 PATH, from the definition. */
function path(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

const eventHashes = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => sha(Buffer.from(`event ${i + 1}`)).toString('hex'));

describe('Merkle tree (RFC 9162)', () => {
  it('matches the Certificate Transparency test vector', () => {
    const inputs = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ].map((h) => rawLeaf(Buffer.from(h, 'hex')));
    const one = new TreeBuilder();
    one.push(inputs[0] as Buffer);
    expect(one.root().toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    const all = new TreeBuilder();
    for (const l of inputs) all.push(l);
    expect(all.root().toString('hex')).toBe(
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    );
  });

  it('builds the same head as the definition at every size', () => {
    const leaves = eventHashes(70).map(leafHash);
    const b = new TreeBuilder();
    expect(b.root()).toEqual(mth([]));
    for (let n = 1; n <= leaves.length; n++) {
      b.push(leaves[n - 1] as Buffer);
      expect(b.root()).toEqual(mth(leaves.slice(0, n)));
    }
  });

  it('collects, in one pass, the proofs the definition gives, and they verify', () => {
    for (const size of [1, 2, 3, 5, 8, 13, 31, 32, 33, 64, 70]) {
      const leaves = eventHashes(size).map(leafHash);
      const indexes = Array.from({ length: size }, (_, i) => i);
      const collector = new ProofCollector(size, indexes);
      for (const l of leaves) collector.builder.push(l);
      const root = collector.builder.root();
      for (const i of indexes) {
        const proof = collector.proof(i);
        expect(proof).toEqual(path(i, leaves));
        expect(proof.length).toBe(inclusionRanges(i, size).length);
        expect(verifyInclusion(i, size, leaves[i] as Buffer, proof, root)).toBe(true);
      }
    }
  });

  it('rejects a proof for another leaf, index, size or root', () => {
    const size = 21;
    const leaves = eventHashes(size).map(leafHash);
    const collector = new ProofCollector(size, [6]);
    for (const l of leaves) collector.builder.push(l);
    const root = collector.builder.root();
    const proof = collector.proof(6);
    const leaf = leaves[6] as Buffer;
    expect(verifyInclusion(6, size, leaf, proof, root)).toBe(true);
    expect(verifyInclusion(6, size, leaves[7] as Buffer, proof, root)).toBe(false);
    expect(verifyInclusion(7, size, leaf, proof, root)).toBe(false);
    expect(verifyInclusion(6, 8, leaf, proof, root)).toBe(false); // the proof is longer than a tree of 8 allows
    expect(verifyInclusion(6, size, leaf, proof, leaf)).toBe(false);
    expect(verifyInclusion(21, size, leaf, proof, root)).toBe(false);
    const bent = proof.map((p) => Buffer.from(p));
    (bent[1] as Buffer)[0] = ((bent[1] as Buffer)[0] as number) ^ 1;
    expect(verifyInclusion(6, size, leaf, bent, root)).toBe(false);
  });
});

describe('TreeBuilder.resume', () => {
  it('continues from a saved frontier to the same heads', () => {
    const leaves = eventHashes(45).map(leafHash);
    const whole = new TreeBuilder();
    for (const l of leaves) whole.push(l);
    for (const cut of [1, 2, 7, 16, 30, 44]) {
      const first = new TreeBuilder();
      for (const l of leaves.slice(0, cut)) first.push(l);
      const resumed = TreeBuilder.resume(first.frontier());
      expect(resumed.size).toBe(cut);
      expect(resumed.root()).toEqual(first.root());
      for (const l of leaves.slice(cut)) resumed.push(l);
      expect(resumed.root()).toEqual(whole.root());
    }
    expect(() => TreeBuilder.resume([{ start: 0, size: 3, hash: '' }])).toThrow(RangeError);
  });
});
