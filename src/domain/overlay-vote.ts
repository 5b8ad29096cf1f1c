import {
  clockWall,
  formatWall,
  inRange,
  parseDevice,
  wallFields,
  type ClockFields,
  type OverlayText,
} from './overlay.ts';

/**
 * Turning what several frames said into one reading. The clock in a frame at video time t
 * shows floor(S + φ + t), where S is the second shown at video time 0 (what is stored) and φ
 * in [0, 1) is how far into that second the clock was: one unknown the frames share. So a
 * candidate (S, φ) predicts every frame's digits, and the candidate whose predictions match
 * most digits read wins: a frame that misread its year still votes with its other 12 digits,
 * and a frame that misread everything is simply outvoted.
 */

/** One frame read: its time in the video (s) and what its text said. */
export interface FrameReading extends OverlayText {
  readonly t: number;
}

export interface OverlayVerdict {
  /** The wall-clock second at video time 0, 'YYYY-MM-DD HH:MM:SS', or null. */
  readonly start: string | null;
  readonly device: string | null;
  /** 0..1: the weaker of the two fields' agreement (a field not read is left out). */
  readonly confidence: number;
  /**
   * True when the frames leave the start second undecided between two neighbours (the clock
   * ticked too close to video time 0 to tell): the reading is ±1 s.
   */
  readonly ambiguous: boolean;
}

/** A field is believed when the frames that agree with it add up to this many frames' worth. */
const MIN_SUPPORT = 1.5;
const DIGITS = 14;

export interface StartEstimate {
  /** Wall-clock seconds of the second shown at video time 0. */
  readonly start: number;
  /** The digits read that the estimate predicts, in frames' worth (14 digits a frame). */
  readonly support: number;
  /** Another second explains the digits as well (±1 s). */
  readonly ambiguous: boolean;
}

/**
 * The start second that best explains the date-times read at their video times (see the
 * module comment). Candidates come from every frame whose reading is a real date-time and from
 * a field-by-field majority of all readings (so no single frame needs to be read in full).
 */
export function decideStart(frames: readonly FrameReading[]): StartEstimate | null {
  const read = frames.flatMap((f) => (f.clock === null ? [] : [{ t: f.t, clock: f.clock }]));
  if (read.length === 0) return null;
  const starts = new Set<number>();
  for (const r of read) {
    const wall = clockWall(r.clock);
    if (wall !== null) for (const d of [-1, 0, 1]) starts.add(wall - Math.floor(r.t) + d);
  }
  for (const s of majorityStarts(read)) starts.add(s);
  const phases = phaseIntervals(read.map((r) => r.t));
  let best: { start: number; score: number; measure: number } | null = null;
  const scored: { start: number; score: number; measure: number }[] = [];
  for (const start of starts) {
    let top = -1;
    let measure = 0;
    for (const { phase, length } of phases) {
      let score = 0;
      for (const r of read) score += matches(wallFields(start + Math.floor(phase + r.t)), r.clock);
      if (score > top) [top, measure] = [score, length];
      else if (score === top) measure += length;
    }
    const candidate = { start, score: top, measure };
    scored.push(candidate);
    if (
      best === null ||
      candidate.score > best.score ||
      (candidate.score === best.score && candidate.measure > best.measure)
    )
      best = candidate;
  }
  if (best === null) return null;
  const support = best.score / DIGITS;
  if (support < MIN_SUPPORT) return null;
  const winner = best;
  return {
    start: winner.start,
    support,
    ambiguous: scored.some((c) => c.start !== winner.start && c.score === winner.score),
  };
}

/**
 * Digits OCR confuses with each other (in the fonts cameras use): a confused digit is half a
 * match, so of 09, 19 and 29 a day read as "69" is 09.
 */
const CONFUSED = new Set(['06', '08', '09', '38', '39', '56', '58', '68', '89', '17']);

/** How well `read` matches `expected`, field by field, digit by digit, short fields aligned right. */
function matches(expected: ClockFields, read: ClockFields): number {
  let n = 0;
  for (let f = 0; f < 6; f++) {
    const e = expected[f] ?? '';
    const r = read[f] ?? '';
    for (let i = 1; i <= Math.min(e.length, r.length); i++) {
      const a = e[e.length - i] ?? '';
      const b = r[r.length - i] ?? '';
      if (a === b) n += 1;
      else if (CONFUSED.has(a < b ? a + b : b + a)) n += 0.5;
    }
  }
  return n;
}

/**
 * The phase values where some frame's displayed second changes split [0, 1) into intervals
 * within which every candidate predicts the same digits: one representative each, with its
 * length (how much of the possible phase it stands for).
 */
function phaseIntervals(times: readonly number[]): { phase: number; length: number }[] {
  const cuts = [
    ...new Set([0, 1, ...times.map((t) => (1 - (t - Math.floor(t))) % 1)].map(round9)),
  ].sort((a, b) => a - b);
  const out: { phase: number; length: number }[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i] ?? 0;
    const b = cuts[i + 1] ?? 1;
    if (b > a) out.push({ phase: (a + b) / 2, length: b - a });
  }
  return out;
}

const round9 = (x: number): number => Math.round(x * 1e9) / 1e9;

/**
 * Starts from the most common reading of each field: the date, hour and minute rarely change
 * within a video, so their majority is right even when no frame has them all right. A field
 * whose majority is out of range (day 69) is tried with each one-digit change that brings it
 * into range; each frame's own seconds then place the start (±1 for the unknown phase).
 */
function majorityStarts(read: readonly { t: number; clock: ClockFields }[]): number[] {
  const options = [0, 1, 2, 3, 4].map((f) => {
    const count = new Map<string, number>();
    for (const r of read) {
      const v = r.clock[f] ?? '';
      if (v.length === (f === 0 ? 4 : 2)) count.set(v, (count.get(v) ?? 0) + 1);
    }
    const common = [...count.entries()].reduce((a, b) => (b[1] > a[1] ? b : a), ['', 0])[0];
    return inRange(f, common) ? [common] : oneDigitRepairs(f, common);
  });
  const out: number[] = [];
  for (const fields of product(options))
    for (const r of read) {
      const [y = '', mo = '', d = '', h = '', mi = ''] = fields;
      const wall = clockWall([y, mo, d, h, mi, r.clock[5]]);
      if (wall !== null) for (const dd of [-1, 0, 1]) out.push(wall - Math.floor(r.t) + dd);
    }
  return out;
}

function oneDigitRepairs(field: number, value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i++)
    for (let d = 0; d <= 9; d++) {
      const v = value.slice(0, i) + String(d) + value.slice(i + 1);
      if (inRange(field, v)) out.push(v);
    }
  return out;
}

function product(options: readonly (readonly string[])[]): string[][] {
  return options.reduce<string[][]>(
    (acc, values) => acc.flatMap((prefix) => values.map((v) => [...prefix, v])),
    [[]],
  );
}

/**
 * The device id that the frames' readings are most alike to: every distinct reading, and a
 * character-by-character vote among readings of the most common length, is a candidate; its
 * score is its similarity (1 − edit distance ÷ length) summed over the frames read.
 */
export function decideDevice(
  readings: readonly (string | null)[],
): { readonly device: string; readonly support: number } | null {
  const read = readings.filter((r): r is string => r !== null);
  if (read.length === 0) return null;
  const candidates = new Set(read);
  const voted = characterVote(read);
  if (voted !== null && parseDevice(voted) === voted) candidates.add(voted);
  let best: { device: string; support: number } | null = null;
  for (const c of candidates) {
    const support = read.reduce((sum, r) => sum + similarity(c, r), 0);
    if (best === null || support > best.support) best = { device: c, support };
  }
  return best !== null && best.support >= MIN_SUPPORT ? best : null;
}

function characterVote(read: readonly string[]): string | null {
  const byLength = new Map<number, string[][]>();
  for (const r of read) {
    const chars = Array.from(r);
    byLength.set(chars.length, [...(byLength.get(chars.length) ?? []), chars]);
  }
  const group = [...byLength.values()].reduce((a, b) => (b.length > a.length ? b : a));
  const length = group[0]?.length ?? 0;
  const out: string[] = [];
  for (let i = 0; i < length; i++) {
    const count = new Map<string, number>();
    for (const r of group) count.set(r[i] ?? '', (count.get(r[i] ?? '') ?? 0) + 1);
    out.push([...count.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0]);
  }
  return length === 0 ? null : out.join('');
}

function similarity(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  const longest = Math.max(x.length, y.length);
  return longest === 0 ? 1 : 1 - editDistance(x, y) / longest;
}

/** Levenshtein distance between two strings of characters. */
export function editDistance(a: readonly string[], b: readonly string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The overlay as the frames tell it. Each field's confidence is its support as a share of the
 * frames read (digits predicted for the start, similarity for the device); an ambiguous start
 * counts three quarters. The reading's confidence is the weaker field's.
 */
export function decideOverlay(frames: readonly FrameReading[]): OverlayVerdict {
  const n = Math.max(frames.length, 1);
  const start = decideStart(frames);
  const device = decideDevice(frames.map((f) => f.device));
  const scores: number[] = [];
  if (start !== null) scores.push(Math.min(1, start.support / n) * (start.ambiguous ? 0.75 : 1));
  if (device !== null) scores.push(Math.min(1, device.support / n));
  return {
    start: start === null ? null : formatWall(start.start),
    device: device?.device ?? null,
    confidence: scores.length === 0 ? 0 : Math.round(Math.min(...scores) * 1000) / 1000,
    ambiguous: start?.ambiguous ?? false,
  };
}

/**
 * Video times to read, `count` of them spread over the video, each on a frame (when the frame
 * rate is known) and with its fraction of a second stepping by 1/count: the overlay's second
 * ticks at one unknown phase, and frames at spread phases pin it to within 1/count s.
 */
export function readingTimes(
  durationSeconds: number | null,
  frameRate: number | null,
  count: number,
): number[] {
  const duration = durationSeconds ?? count;
  const fps = frameRate !== null && frameRate > 0 && frameRate <= 240 ? frameRate : null;
  const last = Math.max(0, duration - (fps === null ? 0.1 : 1 / fps));
  const times = new Set<number>();
  for (let i = 0; i < count; i++) {
    const base = Math.floor((duration * (i + 0.5)) / count);
    let t = Math.min(base + i / count, last);
    if (fps !== null) t = Math.floor(t * fps + 1e-6) / fps;
    times.add(Math.round(Math.max(0, t) * 1e6) / 1e6);
  }
  return [...times].sort((a, b) => a - b);
}
