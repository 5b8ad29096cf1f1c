import type { FaceTrack } from './face-tracks.ts';

/**
 * What a redaction decides, as data: boxes that hide parts of the picture over time, audio
 * ranges that are silenced or bleeped, and an optional cut. Pure: the render (ffmpeg filter
 * graph) and the editor both read it, and it is written to the custody log as the decisions
 * behind a derivative.
 *
 * Coordinates are fractions (0..1) of the picture as displayed (rotation and pixel aspect
 * applied), like face tracks; times are seconds on the original's timeline, also when the
 * redaction is cut to a segment.
 */

/**
 * Opaque is the default: blur and pixelation can be undone by machine learning, a filled box
 * cannot. Blur is there for context shots where nothing identifying is left under it.
 */
export type MaskFill = 'opaque' | 'blur';

/** Where a box is at one moment. Between keyframes the box moves and resizes linearly. */
export interface MaskKeyframe {
  readonly t: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface Mask {
  /** Stable within the redaction (the editor's handle): `m1`, `m2`, … or `face-3`. */
  readonly id: string;
  readonly fill: MaskFill;
  /** Shown from `start` to `end` (seconds); before the first keyframe it holds the first box. */
  readonly start: number;
  readonly end: number;
  /** At least one, sorted by time. */
  readonly keyframes: readonly MaskKeyframe[];
  /** The face track it was made from, when it was pre-filled. */
  readonly track?: number | undefined;
}

export type AudioMode = 'mute' | 'bleep';

export interface AudioRange {
  readonly start: number;
  readonly end: number;
  readonly mode: AudioMode;
}

export interface RedactionSpec {
  readonly masks: readonly Mask[];
  readonly audio: readonly AudioRange[];
  /** Keep only this part of the original (seconds); null: the whole video. */
  readonly cut: { readonly start: number; readonly end: number } | null;
}

export const EMPTY_SPEC: RedactionSpec = { masks: [], audio: [], cut: null };

/**
 * How much a pre-filled face box grows on each side (as a fraction of its size): the detector's
 * box is tight around eyes, nose and mouth; ears, hair and the jaw identify a person too.
 */
export const FACE_MARGIN = 0.25;

/** The box of a mask at time `t` (interpolated), or null when the mask is not shown then. */
export function boxAt(mask: Mask, t: number): MaskKeyframe | null {
  if (t < mask.start || t > mask.end || mask.keyframes.length === 0) return null;
  const frames = mask.keyframes;
  const first = frames[0];
  const last = frames[frames.length - 1];
  if (first === undefined || last === undefined) return null;
  if (t <= first.t) return { ...first, t };
  if (t >= last.t) return { ...last, t };
  for (let i = 1; i < frames.length; i++) {
    const b = frames[i];
    const a = frames[i - 1];
    if (a === undefined || b === undefined || t > b.t) continue;
    const f = b.t === a.t ? 1 : (t - a.t) / (b.t - a.t);
    const lerp = (p: number, q: number): number => p + (q - p) * f;
    return { t, x: lerp(a.x, b.x), y: lerp(a.y, b.y), w: lerp(a.w, b.w), h: lerp(a.h, b.h) };
  }
  return { ...last, t };
}

/** A box grown by `margin` of its size on every side, kept inside the frame. */
export function grow<B extends MaskKeyframe>(box: B, margin: number): B {
  const x = Math.max(0, box.x - box.w * margin);
  const y = Math.max(0, box.y - box.h * margin);
  const right = Math.min(1, box.x + box.w * (1 + margin));
  const bottom = Math.min(1, box.y + box.h * (1 + margin));
  return { ...box, x, y, w: right - x, h: bottom - y };
}

/**
 * Masks pre-filled from face tracks: one opaque mask per track, its boxes grown by
 * FACE_MARGIN, shown from one sample interval before the first detection to one after the last
 * (a face may be visible up to a sample interval beyond the samples that saw it).
 */
export function masksFromTracks(
  tracks: readonly FaceTrack[],
  sampleRate: number,
  durationSeconds: number | null,
): Mask[] {
  const pad = sampleRate > 0 ? 1 / sampleRate : 0.5;
  const end = durationSeconds ?? Number.POSITIVE_INFINITY;
  return tracks.map((track) => ({
    id: `face-${String(track.track + 1)}`,
    fill: 'opaque',
    start: Math.max(0, track.start - pad),
    end: Math.min(end, track.end + pad),
    track: track.track,
    keyframes: track.boxes.map(([t, x, y, w, h]) =>
      grow({ t: round3(t), x: round4(x), y: round4(y), w: round4(w), h: round4(h) }, FACE_MARGIN),
    ),
  }));
}

/** Mask and audio times kept within [0, duration] and the cut; empty ranges dropped. */
export function normalizeSpec(spec: RedactionSpec): RedactionSpec {
  const masks = spec.masks
    .map((m) => ({ ...m, keyframes: [...m.keyframes].sort((a, b) => a.t - b.t) }))
    .filter((m) => m.end > m.start && m.keyframes.length > 0);
  const audio = [...spec.audio].filter((a) => a.end > a.start).sort((a, b) => a.start - b.start);
  return { masks, audio, cut: spec.cut };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
