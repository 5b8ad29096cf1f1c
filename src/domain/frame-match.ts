/**
 * Finding the same recording in two fingerprints, and grouping recordings: pure functions, no
 * IO. The database finds candidate frame pairs through the band index (see `bands`); here
 * they become offset hypotheses, each hypothesis is checked frame by frame over both
 * fingerprints, and the pairs that hold become clusters.
 */
import { hamming } from './phash.ts';

/**
 * Hashes within this Hamming distance are always found by the index. The 64 bits are cut into
 * four 16-bit bands; two hashes that differ in at most 7 bits differ in at most one bit in some
 * band (pigeonhole: four bands with two or more differing bits make at least 8), so probing each
 * band with its value and its 16 one-bit neighbours finds them all.
 */
export const INDEX_RADIUS = 7;

/** Where each band sits in the hash, as the index expressions of migration 0007 cut it. */
export const BAND_SHIFTS = [48, 32, 16, 0] as const;

/** The four 16-bit bands of a hash, most significant first. */
export function bands(h: bigint): [number, number, number, number] {
  const u = BigInt.asUintN(64, h);
  const band = (shift: number): number => Number((u >> BigInt(shift)) & 0xffffn);
  return [band(48), band(32), band(16), band(0)];
}

/** A band's value and its 16 one-bit neighbours: what the index is probed with. */
export function probes(band: number): number[] {
  return [band, ...Array.from({ length: 16 }, (_, bit) => band ^ (1 << bit))];
}

/** A hashed window of a video: its start (seconds) and its hash. */
export interface TrackFrame {
  readonly t: number;
  readonly h: bigint;
}

/** A video's fingerprint: its informative frames in time order, sampled `rate` times a second. */
export interface Track {
  readonly rate: number;
  readonly frames: readonly TrackFrame[];
}

/** Two frames the index found within INDEX_RADIUS of each other. */
export interface CandidatePair {
  readonly ta: number;
  readonly tb: number;
  readonly distance: number;
}

export interface MatchOptions {
  /** Frames at this distance or less count as the same picture when a hypothesis is checked. */
  readonly verifyRadius: number;
  /** Distinct frames of `a` that must vote for an offset before it is checked. */
  readonly minVotes: number;
  /** How many offsets are checked, best voted first. */
  readonly hypotheses: number;
  /** Matching frames a run needs. */
  readonly minMatched: number;
  /** The shortest run, in seconds. */
  readonly minSeconds: number;
  /** The share of comparable frames in the run that must match. */
  readonly minDensity: number;
  /** A longer stretch without a matching frame ends a run (seconds). */
  readonly maxGapSeconds: number;
}

/**
 * Defaults measured on the fixture set (docs/fingerprints.md). Copies differ by 0–4 bits,
 * a watermark or another frame rate by up to 12–16 on fast motion; different pictures by 14
 * or more, mostly above 20. The index radius finds a few frames of a copy; checking the
 * offset with the looser radius then counts most of them.
 */
export const MATCH_DEFAULTS: MatchOptions = {
  verifyRadius: 12,
  minVotes: 3,
  hypotheses: 4,
  minMatched: 10,
  minSeconds: 5,
  minDensity: 0.5,
  maxGapSeconds: 3,
};

/** A run of matching frames: b's time = a's time + offsetSeconds, for a's aStart..aEnd. */
export interface FrameMatch {
  readonly offsetSeconds: number;
  readonly aStart: number;
  readonly aEnd: number;
  readonly bStart: number;
  readonly bEnd: number;
  /** Frames of `a` in the run that match. */
  readonly matched: number;
  /** Frames of `a` in the run that had an informative frame of `b` to compare with. */
  readonly compared: number;
  readonly meanDistance: number;
  /** matched / compared × (1 − meanDistance / 32): 1 for an exact copy, 0.3 at the limits. */
  readonly score: number;
}

/** An offset in whole sampling steps (b's step = a's step + steps) and its votes. */
export interface OffsetHypothesis {
  readonly steps: number;
  readonly votes: number;
}

const gridIndex = (t: number, rate: number): number => Math.round(t * rate);

/**
 * Votes for offsets: each frame of `a` votes once for each offset (in steps) at which the index
 * found it a twin in `b`. A true offset that falls between two steps splits its votes over two
 * neighbouring steps, so a step's votes are the distinct frames voting for it or a neighbour.
 * The best steps come first; a neighbour of a step already taken is not taken again (checking
 * a hypothesis looks one step either side anyway).
 */
export function offsetHypotheses(
  candidates: readonly CandidatePair[],
  rate: number,
  options: Pick<MatchOptions, 'minVotes' | 'hypotheses'> = MATCH_DEFAULTS,
): OffsetHypothesis[] {
  const voters = new Map<number, Set<number>>();
  for (const c of candidates) {
    const step = gridIndex(c.tb, rate) - gridIndex(c.ta, rate);
    let set = voters.get(step);
    if (set === undefined) voters.set(step, (set = new Set()));
    set.add(gridIndex(c.ta, rate));
  }
  const scored = [...voters.keys()].map((steps) => {
    const near = new Set<number>();
    for (const s of [steps - 1, steps, steps + 1]) for (const v of voters.get(s) ?? []) near.add(v);
    return { steps, votes: near.size, own: voters.get(steps)?.size ?? 0 };
  });
  // Deterministic order: most votes, then most votes of its own, then the smaller offset.
  scored.sort(
    (x, y) =>
      y.votes - x.votes ||
      y.own - x.own ||
      Math.abs(x.steps) - Math.abs(y.steps) ||
      x.steps - y.steps,
  );
  const taken: OffsetHypothesis[] = [];
  for (const s of scored) {
    if (taken.length >= options.hypotheses || s.votes < options.minVotes) break;
    if (taken.some((t) => Math.abs(t.steps - s.steps) <= 1)) continue;
    taken.push({ steps: s.steps, votes: s.votes });
  }
  return taken;
}

interface Compared {
  readonly t: number;
  readonly distance: number;
  /** Which b frame matched best: −1, 0 or +1 step from the hypothesis. */
  readonly shift: number;
}

/**
 * Checks one offset over the whole overlap: each frame of `a` is compared with the frames of
 * `b` at the offset and one step either side (two videos are never sampled at the same
 * instants). Matching frames with no gap over maxGapSeconds form runs; returns the run with the
 * most matching frames among those that meet the options' minimums, or null.
 */
export function checkOffset(
  a: Track,
  b: Track,
  steps: number,
  options: MatchOptions = MATCH_DEFAULTS,
): FrameMatch | null {
  const bAt = new Map<number, bigint>();
  for (const f of b.frames) bAt.set(gridIndex(f.t, b.rate), f.h);
  const compared: Compared[] = [];
  for (const f of a.frames) {
    const at = gridIndex(f.t, a.rate) + steps;
    let best: Compared | null = null;
    // 0 first: on a tie the frame at the offset itself wins.
    for (const shift of [0, -1, 1]) {
      const h = bAt.get(at + shift);
      if (h === undefined) continue;
      const distance = hamming(f.h, h);
      if (best === null || distance < best.distance) best = { t: f.t, distance, shift };
    }
    if (best !== null) compared.push(best);
  }
  // Runs: indexes into `compared` of their first and last matching frame.
  const runs: { from: number; to: number }[] = [];
  for (const [i, c] of compared.entries()) {
    if (c.distance > options.verifyRadius) continue;
    const run = runs.at(-1);
    const last = run === undefined ? undefined : compared[run.to];
    if (run !== undefined && last !== undefined && c.t - last.t <= options.maxGapSeconds)
      run.to = i;
    else runs.push({ from: i, to: i });
  }
  let best: FrameMatch | null = null;
  for (const run of runs) {
    const m = finishRun(compared.slice(run.from, run.to + 1), steps, a.rate, options);
    if (
      m !== null &&
      (best === null ||
        m.matched > best.matched ||
        (m.matched === best.matched && m.meanDistance < best.meanDistance))
    )
      best = m;
  }
  return best;
}

/** A run's offset, ranges and score, or null when it falls short of the minimums. */
function finishRun(
  run: readonly Compared[],
  steps: number,
  rate: number,
  options: MatchOptions,
): FrameMatch | null {
  const twins = run.filter((c) => c.distance <= options.verifyRadius);
  const meanShift = (): number =>
    twins.reduce((sum, c) => sum + c.shift, 0) / Math.max(1, twins.length);
  // At the ends of a shared stretch, a frame can match the neighbour of its missing twin
  // (the first frame of a cut matches the window before the cut in the original): such a
  // frame lies a whole step off the offset. Trim those, so ranges end where the sharing does.
  const off = (c: Compared | undefined): boolean =>
    c !== undefined && Math.abs(c.shift - meanShift()) > 0.75;
  while (off(twins[0])) twins.shift();
  while (off(twins.at(-1))) twins.pop();
  const first = twins[0];
  const last = twins.at(-1);
  if (first === undefined || last === undefined) return null;
  const compared = run.filter((c) => c.t >= first.t && c.t <= last.t).length;
  const matched = twins.length;
  const step = 1 / rate;
  const aStart = first.t;
  const aEnd = last.t + step;
  const density = matched / compared;
  if (
    matched < options.minMatched ||
    aEnd - aStart < options.minSeconds ||
    density < options.minDensity
  )
    return null;
  // The offset between steps: the mean of where each matching frame found its best twin.
  const offsetSeconds = (steps + meanShift()) * step;
  const meanDistance = twins.reduce((sum, c) => sum + c.distance, 0) / matched;
  return {
    offsetSeconds,
    aStart,
    aEnd,
    bStart: Math.max(0, aStart + offsetSeconds),
    bEnd: Math.max(0, aEnd + offsetSeconds),
    matched,
    compared,
    meanDistance,
    score: Math.max(0, density * (1 - meanDistance / 32)),
  };
}

/**
 * The best run shared by two fingerprints, from the index's candidate pairs (a's frame at ta
 * near b's frame at tb), or null. Symmetric up to orientation: callers pass the pair in a fixed
 * order (the smaller item id as `a`) so that either item's job computes the same row.
 */
export function matchTracks(
  a: Track,
  b: Track,
  candidates: readonly CandidatePair[],
  options: MatchOptions = MATCH_DEFAULTS,
): FrameMatch | null {
  if (a.rate !== b.rate) throw new RangeError('fingerprints sampled at different rates');
  let best: FrameMatch | null = null;
  for (const h of offsetHypotheses(candidates, a.rate, options)) {
    const m = checkOffset(a, b, h.steps, options);
    if (m === null) continue;
    if (
      best === null ||
      m.matched > best.matched ||
      (m.matched === best.matched && m.score > best.score)
    )
      best = m;
  }
  return best;
}

/** The same candidates seen from b's side (ta and tb swapped). */
export function swapSides(candidates: readonly CandidatePair[]): CandidatePair[] {
  return candidates.map((c) => ({ ta: c.tb, tb: c.ta, distance: c.distance }));
}

/**
 * Connected components by union-find: every node maps to its component's smallest id (string
 * order, which for lowercase UUIDs is PostgreSQL's uuid order), so every member of a cluster
 * reports the same id whichever job computed it.
 */
export function clusterComponents(
  nodes: Iterable<string>,
  edges: Iterable<readonly [string, string]>,
): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    for (let p = parent.get(root); p !== undefined && p !== root; p = parent.get(root)) root = p;
    // Path compression: point everything on the way straight at the root.
    for (let y = x, p = parent.get(y); p !== undefined && p !== root; p = parent.get(y)) {
      parent.set(y, root);
      y = p;
    }
    return root;
  };
  const add = (x: string): void => {
    if (!parent.has(x)) parent.set(x, x);
  };
  for (const n of nodes) add(n);
  for (const [x, y] of edges) {
    add(x);
    add(y);
    const rx = find(x);
    const ry = find(y);
    // The smaller id becomes the root, so the root is the component's smallest id.
    if (rx < ry) parent.set(ry, rx);
    else if (ry < rx) parent.set(rx, ry);
  }
  const out = new Map<string, string>();
  for (const n of parent.keys()) out.set(n, find(n));
  return out;
}

/** How one item relates to another it shares a run with. */
export type Relation = 'copy' | 'cut-of' | 'contains-cut' | 'overlap';

/**
 * A range covers a span (the stretch of a video that has informative frames) when it misses at
 * most `tolerance` seconds at either end: the first or last window of a copy may fail to match.
 * - copy: each range covers its whole video;
 * - cut-of: this whole video is a part of the other (this is 04:10–04:40 of it);
 * - contains-cut: the other whole video is a part of this one;
 * - overlap: each shares only a part of itself (two cuts that overlap).
 */
export function relationOf(
  thisRange: readonly [number, number],
  thisSpan: readonly [number, number],
  otherRange: readonly [number, number],
  otherSpan: readonly [number, number],
  tolerance = 2.5,
): Relation {
  const covers = (r: readonly [number, number], s: readonly [number, number]): boolean =>
    r[0] <= s[0] + tolerance && r[1] >= s[1] - tolerance;
  const thisWhole = covers(thisRange, thisSpan);
  const otherWhole = covers(otherRange, otherSpan);
  if (thisWhole && otherWhole) return 'copy';
  if (thisWhole) return 'cut-of';
  if (otherWhole) return 'contains-cut';
  return 'overlap';
}
