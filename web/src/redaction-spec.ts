/**
 * The editor's changes to a redaction's decisions, as pure functions (the same rules as
 * src/domain/redaction.ts: boxes are fractions of the displayed picture, times are seconds on
 * the original's timeline, a mask holds its first box before its first keyframe and its last
 * after the last one, and moves linearly in between).
 */
import type { Keyframe, Mask, RedactionSpec } from './releases-api.ts';

/** Two keyframes closer than this (seconds) are the same moment: a new one replaces the old. */
export const SAME_MOMENT = 0.02;
/** The smallest box a drag makes (a fraction of the picture's side): smaller is a click. */
export const MIN_SIDE = 0.01;

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const round = (n: number, scale: number): number => Math.round(n * scale) / scale;
export const roundTime = (t: number): number => round(t, 1000);

/** The mask's box at `t`, or null when it is not shown then. */
export function maskBoxAt(mask: Mask, t: number): Box | null {
  if (t < mask.start || t > mask.end) return null;
  const frames = mask.keyframes;
  const first = frames[0];
  const last = frames[frames.length - 1];
  if (first === undefined || last === undefined) return null;
  if (t <= first.t) return first;
  if (t >= last.t) return last;
  for (let i = 1; i < frames.length; i++) {
    const a = frames[i - 1] as Keyframe;
    const b = frames[i] as Keyframe;
    if (t > b.t) continue;
    const f = b.t === a.t ? 1 : (t - a.t) / (b.t - a.t);
    const lerp = (p: number, q: number): number => p + (q - p) * f;
    return { x: lerp(a.x, b.x), y: lerp(a.y, b.y), w: lerp(a.w, b.w), h: lerp(a.h, b.h) };
  }
  return last;
}

/** A box kept inside the picture, at least MIN_SIDE wide and high, rounded like the server's. */
export function clampBox(b: Box): Box {
  const w = Math.min(1, Math.max(MIN_SIDE, b.w));
  const h = Math.min(1, Math.max(MIN_SIDE, b.h));
  const x = Math.min(1 - w, Math.max(0, b.x));
  const y = Math.min(1 - h, Math.max(0, b.y));
  const r = (n: number): number => round(n, 10_000);
  return { x: r(x), y: r(y), w: r(w), h: r(h) };
}

/** The next free id of a hand-drawn mask: m1, m2, … */
export function nextMaskId(masks: readonly Mask[]): string {
  const taken = new Set(masks.map((m) => m.id));
  let n = 1;
  while (taken.has(`m${String(n)}`)) n++;
  return `m${String(n)}`;
}

/** A new opaque mask drawn at `t`, shown from `t` to `end`. */
export function newMask(masks: readonly Mask[], t: number, end: number, box: Box): Mask {
  const start = roundTime(Math.max(0, Math.min(t, end - 0.1)));
  return {
    id: nextMaskId(masks),
    fill: 'opaque',
    start,
    end: roundTime(Math.max(end, start + 0.1)),
    keyframes: [{ t: roundTime(t), ...clampBox(box) }],
  };
}

/** Sets the box at `t`: replaces a keyframe at the same moment, or adds one in time order. */
export function setKeyframe(mask: Mask, t: number, box: Box): Mask {
  const at = roundTime(t);
  const frame: Keyframe = { t: at, ...clampBox(box) };
  const others = mask.keyframes.filter((k) => Math.abs(k.t - at) >= SAME_MOMENT);
  return { ...mask, keyframes: [...others, frame].sort((a, b) => a.t - b.t) };
}

/** Removes the keyframe at index `i` (never the last one left). */
export function deleteKeyframe(mask: Mask, i: number): Mask {
  if (mask.keyframes.length <= 1) return mask;
  return { ...mask, keyframes: mask.keyframes.filter((_, j) => j !== i) };
}

export function replaceMask(spec: RedactionSpec, mask: Mask): RedactionSpec {
  return { ...spec, masks: spec.masks.map((m) => (m.id === mask.id ? mask : m)) };
}

/** Why a spec cannot be saved as it is (the first problem, as a message key), or null. */
export function specProblem(
  spec: RedactionSpec,
): { key: 'mask'; id: string } | { key: 'audio'; n: number } | { key: 'cut' } | null {
  for (const m of spec.masks) if (!(m.end > m.start)) return { key: 'mask', id: m.id };
  for (const [i, a] of spec.audio.entries())
    if (!(a.end > a.start)) return { key: 'audio', n: i + 1 };
  if (spec.cut !== null && !(spec.cut.end > spec.cut.start)) return { key: 'cut' };
  return null;
}
