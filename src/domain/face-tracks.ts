/**
 * Links faces detected in sampled frames into tracks: one track per face for as long as it is
 * seen, the input to redaction. Recall matters more than precision here (a face left out of a
 * track is a face left unblurred), so the rules lean towards keeping: every detection the
 * detector reports (from score 0.2) can extend a track, a face missed for up to a second stays
 * one track with the gap filled by interpolation, and a track is dropped only when the detector
 * was unsure of it throughout (its best score under 0.5, or its average under 0.4): what the
 * benchmark shows such tracks to be is clutter, not faces.
 */

/** A box as fractions of the frame's width and height. */
export interface FaceRect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface ScoredFace extends FaceRect {
  /** The detector's confidence, 0..1. */
  readonly score: number;
}

/** The faces found in one sampled frame, at `t` seconds. */
export interface FaceSample {
  readonly t: number;
  readonly faces: readonly ScoredFace[];
}

/**
 * [t, x, y, w, h, score]: a box at a sample time, x..h as fractions of the frame. A score of 0
 * marks a box interpolated across samples where the detector missed the face.
 */
export type TrackBox = readonly [number, number, number, number, number, number];

export interface FaceTrack {
  /** 0, 1, 2, … in order of first appearance (then left to right); people count from 1. */
  readonly track: number;
  /** Time of the first and last box (a face may be visible up to one sample interval beyond). */
  readonly start: number;
  readonly end: number;
  readonly boxes: readonly TrackBox[];
}

export interface TrackOptions {
  /** Samples per second (the sampling rate of the frames). */
  readonly rate: number;
  /**
   * How long a face may go undetected and still be the same track (default 1 s, at least two
   * samples): a turned head, a hand or a passer-by in front of the face.
   */
  readonly maxGapSeconds?: number;
  /**
   * A track is kept when its best detection scored at least this (default 0.5): so a face seen
   * in one sample only is kept when the detector was fairly sure of it.
   */
  readonly minBestScore?: number;
  /**
   * …and its detections scored this on average (default 0.4). Clutter the detector half
   * believes in (a jacket on a chair, scoring 0.2 to 0.5 for seconds) is left out; a face, even
   * one that turns away for a while, averages far higher.
   */
  readonly minMeanScore?: number;
}

/** Added to a match's cost per sample the track has gone unseen. */
const STALE_COST = 0.25;

interface Detection extends ScoredFace {
  readonly t: number;
}

interface OpenTrack {
  readonly detections: Detection[];
  readonly boxes: TrackBox[];
  /** Sample times since the last detection, to be interpolated if the face comes back. */
  missed: number[];
}

/** Intersection over union of two boxes (0 when they do not touch). */
export function boxIou(a: FaceRect, b: FaceRect): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.w * a.h + b.w * b.h - inter);
}

/**
 * Follows faces from sample to sample. Feed samples in time order with push(), then finish():
 * memory holds the tracks, never frames.
 */
export class FaceTracker {
  readonly #maxMissed: number;
  readonly #minBest: number;
  readonly #minMean: number;
  readonly #open: OpenTrack[] = [];
  readonly #closed: OpenTrack[] = [];
  #lastT = -Infinity;

  constructor(options: TrackOptions) {
    if (!(options.rate > 0)) throw new RangeError('rate must be positive');
    this.#maxMissed = Math.max(2, Math.round((options.maxGapSeconds ?? 1) * options.rate));
    this.#minBest = options.minBestScore ?? 0.5;
    this.#minMean = options.minMeanScore ?? 0.4;
  }

  push(sample: FaceSample): void {
    const { t } = sample;
    if (!(t > this.#lastT)) throw new RangeError('samples must come in increasing time order');
    this.#lastT = t;
    const faces = sample.faces.filter(isUsable);
    // Every plausible (track, face) pair, best first; each track and face is used once.
    const pairs: { track: OpenTrack; face: number; cost: number }[] = [];
    for (const track of this.#open) {
      const predicted = predict(track.detections, t);
      faces.forEach((face, i) => {
        const cost = matchCost(predicted, face);
        // A track seen in the last sample beats one lost for a while: a stray detection next
        // to a face must not take the face over from its own track when it reappears.
        if (cost !== null)
          pairs.push({ track, face: i, cost: cost + STALE_COST * track.missed.length });
      });
    }
    pairs.sort((a, b) => a.cost - b.cost);
    const matched = new Set<OpenTrack>();
    const used = new Set<number>();
    for (const p of pairs) {
      if (matched.has(p.track) || used.has(p.face)) continue;
      matched.add(p.track);
      used.add(p.face);
      const face = faces[p.face];
      if (face !== undefined) extend(p.track, { ...face, t });
    }
    for (let i = this.#open.length - 1; i >= 0; i--) {
      const track = this.#open[i];
      if (track === undefined || matched.has(track)) continue;
      track.missed.push(t);
      if (track.missed.length > this.#maxMissed) {
        this.#open.splice(i, 1);
        this.#closed.push(track);
      }
    }
    faces.forEach((face, i) => {
      if (used.has(i)) return;
      const track: OpenTrack = { detections: [], boxes: [], missed: [] };
      extend(track, { ...face, t });
      this.#open.push(track);
    });
  }

  /** The tracks the detector was sure enough of, numbered in order of appearance. */
  finish(): FaceTrack[] {
    const all = [...this.#closed, ...this.#open].filter((track) => {
      const scores = track.detections.map((d) => d.score);
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      return Math.max(...scores) >= this.#minBest && mean >= this.#minMean;
    });
    const first = (track: OpenTrack): TrackBox => track.boxes[0] ?? [0, 0, 0, 0, 0, 0];
    all.sort((a, b) => first(a)[0] - first(b)[0] || first(a)[1] - first(b)[1]);
    return all.map((track, i) => ({
      track: i,
      start: first(track)[0],
      end: (track.boxes.at(-1) ?? first(track))[0],
      boxes: track.boxes,
    }));
  }
}

/** Links a whole video's samples at once (see FaceTracker). */
export function linkFaceTracks(samples: readonly FaceSample[], options: TrackOptions): FaceTrack[] {
  const tracker = new FaceTracker(options);
  for (const s of samples) tracker.push(s);
  return tracker.finish();
}

function isUsable(f: ScoredFace): boolean {
  return [f.x, f.y, f.w, f.h, f.score].every(Number.isFinite) && f.w > 0 && f.h > 0;
}

/** Adds a detection, filling the samples it was missed in by linear interpolation. */
function extend(track: OpenTrack, d: Detection): void {
  const last = track.detections.at(-1);
  if (last !== undefined)
    for (const t of track.missed) {
      const k = (t - last.t) / (d.t - last.t);
      const at = (a: number, b: number): number => a + (b - a) * k;
      track.boxes.push(
        rounded(t, at(last.x, d.x), at(last.y, d.y), at(last.w, d.w), at(last.h, d.h), 0),
      );
    }
  track.missed = [];
  track.detections.push(d);
  track.boxes.push(rounded(d.t, d.x, d.y, d.w, d.h, d.score));
}

/** Times to the millisecond, boxes to 1/10,000 of the frame (0.2 px at 1920), scores to 1/100. */
function rounded(t: number, x: number, y: number, w: number, h: number, s: number): TrackBox {
  const r = (n: number, f: number): number => Math.round(n * f) / f;
  return [r(t, 1000), r(x, 10_000), r(y, 10_000), r(w, 10_000), r(h, 10_000), r(s, 100)];
}

/**
 * Where the face should be at `t`: the last box moved on at the speed between the last two
 * detections (so two faces crossing keep their own tracks), by at most two box sizes, and
 * growing or shrinking at half their pace (detector boxes jitter in size more than in place).
 */
function predict(detections: readonly Detection[], t: number): FaceRect {
  const last = detections.at(-1);
  if (last === undefined) throw new Error('a track without detections');
  const before = detections.at(-2);
  if (before === undefined || last.t - before.t <= 0) return last;
  const dt = t - last.t;
  const per = (now: number, then: number): number => ((now - then) / (last.t - before.t)) * dt;
  const clamp = (v: number, size: number): number => Math.max(-2 * size, Math.min(2 * size, v));
  const cx = last.x + last.w / 2 + clamp(per(last.x + last.w / 2, before.x + before.w / 2), last.w);
  const cy = last.y + last.h / 2 + clamp(per(last.y + last.h / 2, before.y + before.h / 2), last.h);
  const w = Math.max(last.w / 2, last.w + per(last.w, before.w) / 2);
  const h = Math.max(last.h / 2, last.h + per(last.h, before.h) / 2);
  return { x: cx - w / 2, y: cy - h / 2, w, h };
}

/**
 * How unlike the predicted box a face is (lower is better), or null when it cannot be the same
 * face: its centre more than one box size away (measured per axis in box sizes, so the frame's
 * aspect does not matter) and no overlap, or a size more than twice or half as large.
 */
function matchCost(predicted: FaceRect, face: FaceRect): number | null {
  const iou = boxIou(predicted, face);
  const dx =
    (face.x + face.w / 2 - (predicted.x + predicted.w / 2)) / Math.max(face.w, predicted.w);
  const dy =
    (face.y + face.h / 2 - (predicted.y + predicted.h / 2)) / Math.max(face.h, predicted.h);
  const distance = Math.hypot(dx, dy);
  const scale = Math.sqrt((face.w * face.h) / (predicted.w * predicted.h));
  if (scale > 2 || scale < 0.5) return null;
  if (iou < 0.1 && distance > 1) return null;
  return 1 - iou + distance;
}
