import {
  demuxerFor,
  fitWithin,
  fittedSize,
  PROXY,
  SAFE_DEMUXERS,
  type CommandOptions,
} from './ffmpeg-commands.ts';
import { normalizeSpec, type Mask, type MaskKeyframe, type RedactionSpec } from './redaction.ts';

/**
 * Pure ffmpeg command builders for a redacted copy of a video and for the watermarked copy a
 * recipient downloads. No IO: the runner (src/adapters/ffmpeg.ts) writes the filter scripts,
 * adds the time and memory limits and owns the output files. See docs/redaction.md.
 */

/** How masks are cut into overlays of a fixed size (see maskChunks). */
export const MASK_CHUNK = {
  /** Keyframes per overlay at most: its position expressions stay short and quick. */
  maxKeyframes: 24,
  /** A box growing by more than this within one overlay starts a new one (less over-cover). */
  maxGrowth: 1.3,
  /** Pixels added on every side: ffmpeg rounds positions down to even pixels (chroma). */
  padPixels: 2,
} as const;

/** Audio frame length used to switch mute and tone on and off (seconds): the over-mute at most. */
export const AUDIO_STEP = 0.01;
const AUDIO_RATE = PROXY.audioRate;
const STEP_SAMPLES = Math.round(AUDIO_STEP * AUDIO_RATE);
const BLEEP_HZ = 1000;

/** What one render needs: the decisions and the facts about the original that shape them. */
export interface RedactPlan {
  readonly spec: RedactionSpec;
  /** The rendered picture: the displayed size fitted like the proxy's, in pixels. */
  readonly width: number;
  readonly height: number;
  /**
   * How long one frame of the original shows (seconds): a mask also covers the frame that is
   * on screen when it starts, which began up to this long before.
   */
  readonly frameSeconds: number;
  /** The original's first audio stream (its channel count, when known), or null: no sound. */
  readonly audio: { readonly channels: number | null } | null;
  /** The original's length, when known: it sets the runner's time limit and the progress. */
  readonly durationSeconds: number | null;
  readonly container?: string | null | undefined;
  readonly threads?: number | undefined;
}

/** What the plan needs to know about the original (from its probe). */
export interface PlanSource {
  /** The picture as displayed (see displayedSize). */
  readonly display: { readonly width: number; readonly height: number };
  readonly audio: RedactPlan['audio'];
  readonly durationSeconds: number | null;
  readonly frameRate: number | null;
  readonly container?: string | null | undefined;
}

/** The plan for a spec on an original. */
export function redactPlan(
  spec: RedactionSpec,
  source: PlanSource,
  options: Pick<CommandOptions, 'threads'> = {},
): RedactPlan {
  const { width, height } = fittedSize(source.display.width, source.display.height, PROXY.maxSide);
  const rate = source.frameRate;
  // Unknown or absurd rates: assume a slow DVR's 12.5 frames a second (over-covering is safe).
  const frameSeconds = rate !== null && rate >= 1 && rate <= 1000 ? 1 / rate : 0.08;
  return {
    spec: normalizeSpec(spec),
    width,
    height,
    frameSeconds,
    audio: source.audio,
    durationSeconds: source.durationSeconds,
    container: source.container,
    threads: options.threads,
  };
}

/** How long the render is (seconds): the cut's length, within the original's; null: unknown. */
export function renderedSeconds(plan: Pick<RedactPlan, 'spec' | 'durationSeconds'>): number | null {
  const d = plan.durationSeconds;
  const cut = plan.spec.cut;
  if (cut === null) return d;
  const end = d === null ? cut.end : Math.min(cut.end, d);
  return Math.max(0, end - cut.start);
}

/** The part of the original that is rendered, on its timeline (seconds). */
export function renderWindow(spec: RedactionSpec): { start: number; end: number } {
  return spec.cut === null
    ? { start: 0, end: Number.POSITIVE_INFINITY }
    : { start: spec.cut.start, end: spec.cut.end };
}

/**
 * One overlay of a mask: a box of a fixed size (`w`×`h` pixels) whose centre follows the
 * mask's interpolated centre from `start` to `end`. Times are on the render's timeline (the
 * original's less the cut's start), as ffmpeg's `t` is in the filters.
 */
export interface MaskChunk {
  readonly fill: Mask['fill'];
  readonly start: number;
  readonly end: number;
  readonly w: number;
  readonly h: number;
  /** The centres (fractions of the frame) at the chunk's keyframes, in time order. */
  readonly centres: readonly { readonly t: number; readonly cx: number; readonly cy: number }[];
}

/**
 * Cuts a mask into chunks. ffmpeg's overlay moves a picture per frame but cannot resize it, so
 * each chunk is as large as the largest box among its keyframes and centred on the
 * interpolated centre: between two keyframes the box's centre and size are linear in time, so
 * its size never exceeds the larger end and the chunk always covers it. Over-covering is safe;
 * under-covering would be a leak. A chunk ends after MASK_CHUNK.maxKeyframes keyframes or when
 * the box grows by more than maxGrowth, so the over-cover stays small; consecutive chunks share
 * their boundary keyframe and both show at that instant, leaving no gap. `lead` (seconds)
 * starts the first chunk that much earlier, for the frame already on screen at the start.
 */
export function maskChunks(
  mask: Mask,
  frame: { readonly width: number; readonly height: number },
  window: { readonly start: number; readonly end: number },
  lead = 0,
): MaskChunk[] {
  const groups = groupKeyframes(mask.keyframes);
  const from = Math.max(mask.start - lead, window.start);
  const to = Math.min(mask.end, window.end);
  const chunks: MaskChunk[] = [];
  groups.forEach((group, i) => {
    const first = group[0];
    const last = group[group.length - 1];
    if (first === undefined || last === undefined) return;
    const start = i === 0 ? from : Math.max(from, first.t);
    const end = Math.min(to, i === groups.length - 1 ? to : last.t);
    if (!(end >= start)) return;
    const pad = 2 * MASK_CHUNK.padPixels;
    chunks.push({
      fill: mask.fill,
      start: start - window.start,
      end: end - window.start,
      w: even(Math.ceil(Math.max(...group.map((k) => k.w)) * frame.width) + pad),
      h: even(Math.ceil(Math.max(...group.map((k) => k.h)) * frame.height) + pad),
      centres: group.map((k) => ({ t: k.t - window.start, cx: k.x + k.w / 2, cy: k.y + k.h / 2 })),
    });
  });
  return chunks;
}

function groupKeyframes(keyframes: readonly MaskKeyframe[]): MaskKeyframe[][] {
  const groups: MaskKeyframe[][] = [];
  let group: MaskKeyframe[] = [];
  for (const k of keyframes) {
    const next = [...group, k];
    if (group.length >= 2 && (next.length > MASK_CHUNK.maxKeyframes || grows(next))) {
      groups.push(group);
      group = [group[group.length - 1] ?? k, k];
    } else group = next;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

function grows(group: readonly MaskKeyframe[]): boolean {
  const ratio = (values: number[]): number =>
    Math.max(...values) / Math.max(1e-6, Math.min(...values));
  return (
    ratio(group.map((k) => k.w)) > MASK_CHUNK.maxGrowth ||
    ratio(group.map((k) => k.h)) > MASK_CHUNK.maxGrowth
  );
}

/**
 * Where ffmpeg puts a chunk at render time `t`, in pixels of a `width`×`height` frame: the same
 * arithmetic as the filter expressions (for tests and the editor's preview).
 */
export function chunkRect(
  chunk: MaskChunk,
  t: number,
  frame: { readonly width: number; readonly height: number },
): { x: number; y: number; w: number; h: number } {
  const cx = interpolate(chunk.centres, t, (c) => c.cx);
  const cy = interpolate(chunk.centres, t, (c) => c.cy);
  return {
    x: 2 * Math.floor((frame.width * cx - chunk.w / 2) / 2),
    y: 2 * Math.floor((frame.height * cy - chunk.h / 2) / 2),
    w: chunk.w,
    h: chunk.h,
  };
}

type Centre = MaskChunk['centres'][number];

function interpolate(centres: readonly Centre[], t: number, value: (c: Centre) => number): number {
  const first = centres[0];
  if (first === undefined) return 0;
  if (t <= first.t) return value(first);
  for (let i = 1; i < centres.length; i++) {
    const a = centres[i - 1];
    const b = centres[i];
    if (a === undefined || b === undefined || t >= b.t || b.t <= a.t) continue;
    return value(a) + (t - a.t) * ((value(b) - value(a)) / (b.t - a.t));
  }
  return value(centres[centres.length - 1] ?? first);
}

/**
 * The same piecewise-linear function as an ffmpeg expression of `t`: nested ifs over the
 * segments, holding the first value before the first keyframe and the last after the last.
 */
function piecewise(centres: readonly Centre[], value: (c: Centre) => number): string {
  const first = centres[0];
  const last = centres[centres.length - 1];
  if (first === undefined || last === undefined) return '0';
  if (centres.every((c) => value(c) === value(first))) return num(value(first));
  let expr = num(value(last));
  for (let i = centres.length - 2; i >= 0; i--) {
    const a = centres[i];
    const b = centres[i + 1];
    if (a === undefined || b === undefined || b.t <= a.t) continue;
    const slope = (value(b) - value(a)) / (b.t - a.t);
    expr = `if(lt(t,${num(b.t)}),${num(value(a))}+(t-${num(a.t)})*${num(slope)},${expr})`;
  }
  return `if(lte(t,${num(first.t)}),${num(value(first))},${expr})`;
}

/** The chunk's left (or top) edge in pixels, rounded down to even as chunkRect does. */
function edge(size: string, centre: string, span: number): string {
  return `2*floor((${size}*(${centre})-${String(span / 2)})/2)`;
}

const between = (a: number, b: number): string => `between(t,${num(a)},${num(b)})`;

/**
 * The video filter script: deinterlace and scale exactly as the proxy, then every chunk of
 * every mask. Blurred chunks come first and filled ones last, so where they overlap the
 * filled box wins. A filled chunk is a black `color` picture overlaid per frame; the picture
 * starts a second early (timestamps of a 1 fps source round to whole seconds) and ends two
 * after. A blurred chunk crops the same place out of the frame, blurs it and puts it back;
 * crop and overlay compute the same even position and are clipped to the frame alike.
 *
 * When a chunk shows is decided in overlay's own x, evaluated for each MAIN frame at its time:
 * off the frame (x = W) outside the chunk's time. Not with `enable`: on a filter with two
 * inputs ffmpeg evaluates it at the time of whichever input's frame arrived last, and the
 * 1 fps source's frames arrive ahead, so the first and last frames of a mask went unmasked.
 */
export function videoGraph(plan: RedactPlan): string {
  const window = renderWindow(plan.spec);
  const frame = { width: plan.width, height: plan.height };
  const chunks = plan.spec.masks.flatMap((m) => maskChunks(m, frame, window, plan.frameSeconds));
  const ordered = [
    ...chunks.filter((c) => c.fill === 'blur'),
    ...chunks.filter((c) => c.fill === 'opaque'),
  ];
  const base = `yadif=mode=send_frame:deint=interlaced,${fitWithin(PROXY.maxSide)},format=yuv420p`;
  if (ordered.length === 0) return base;
  const lines = [`${base}[v0]`];
  ordered.forEach((chunk, i) => {
    const out = i === ordered.length - 1 ? '' : `[v${String(i + 1)}]`;
    lines.push(...chunkFilters(chunk, `v${String(i)}`, String(i), frame, out));
  });
  return lines.join(';\n');
}

function chunkFilters(
  c: MaskChunk,
  input: string,
  id: string,
  frame: { readonly width: number; readonly height: number },
  out: string,
): string[] {
  const cx = piecewise(c.centres, (k) => k.cx);
  const cy = piecewise(c.centres, (k) => k.cy);
  const shown = (x: string): string => `if(${between(c.start, c.end)},${x},W)`;
  if (c.fill === 'opaque') {
    const from = Math.floor(c.start) - 1;
    const seconds = Math.ceil(c.end) - from + 2;
    return [
      `color=c=black:s=${String(c.w)}x${String(c.h)}:r=1:d=${String(seconds)},setpts=PTS${from < 0 ? '-' : '+'}${String(Math.abs(from))}/TB[c${id}]`,
      `[${input}][c${id}]overlay=x='${shown(edge('W', cx, c.w))}':y='${edge('H', cy, c.h)}':eval=frame:eof_action=pass${out}`,
    ];
  }
  // Never larger than the frame: crop cannot cut more than there is.
  const w = Math.min(c.w, even(frame.width));
  const h = Math.min(c.h, even(frame.height));
  const x = (size: string, room: string): string => `clip(${edge(size, cx, w)},0,${room})`;
  const y = (size: string, room: string): string => `clip(${edge(size, cy, h)},0,${room})`;
  return [
    `[${input}]split[m${id}][s${id}]`,
    `[s${id}]crop=w='min(${String(w)},iw)':h='min(${String(h)},ih)':x='${x('iw', 'iw-ow')}':y='${y('ih', 'ih-oh')}',` +
      // A single input: here `enable` is evaluated on this frame, and skips the work.
      `boxblur=luma_radius='min(w,h)/3':luma_power=3:chroma_radius='min(cw,ch)/3':chroma_power=3:enable='${between(c.start, c.end)}'[p${id}]`,
    `[m${id}][p${id}]overlay=x='${shown(x('W', 'W-w'))}':y='${y('H', 'H-h')}':eval=frame${out}`,
  ];
}

/**
 * The audio filter script, or null when the render has no sound. Every range is silenced
 * (volume 0); a bleep range also gets a 1 kHz tone that plays only there. Both switch per
 * 10 ms frame, on for any frame that overlaps a range, so a range is silenced whole and at most
 * 10 ms around it with it. Resampled to 48 kHz as the proxy; more than two channels become two.
 */
export function audioGraph(plan: RedactPlan): string | null {
  if (plan.audio === null) return null;
  const window = renderWindow(plan.spec);
  const shifted = plan.spec.audio
    .map((r) => ({
      mode: r.mode,
      start: Math.max(r.start, window.start) - window.start,
      end: Math.min(r.end, window.end) - window.start,
    }))
    .filter((r) => r.end > r.start);
  const layout = (plan.audio.channels ?? 3) > 2 ? ',aformat=channel_layouts=stereo' : '';
  const base = `aresample=${String(AUDIO_RATE)}:async=1${layout}`;
  if (shifted.length === 0) return base;
  const inside = (ranges: typeof shifted): string =>
    ranges.map((r) => between(r.start - AUDIO_STEP, r.end)).join('+');
  const muted = `${base},asetnsamples=n=${String(STEP_SAMPLES)}:p=0,volume=0:enable='${inside(shifted)}'`;
  const bleeps = shifted.filter((r) => r.mode === 'bleep');
  if (bleeps.length === 0) return muted;
  return [
    `${muted}[a]`,
    `sine=frequency=${String(BLEEP_HZ)}:sample_rate=${String(AUDIO_RATE)}:samples_per_frame=${String(STEP_SAMPLES)},volume=0:enable='not(${inside(bleeps)})'[tone]`,
    `[a][tone]amix=inputs=2:normalize=0:duration=first`,
  ].join(';\n');
}

/** Files holding the filter scripts (a long video's masks are too long for one argument). */
export interface RedactScripts {
  readonly video: string;
  readonly audio: string | null;
}

/**
 * The redacted copy: one H.264 video stream (the original's first, as the proxy scales it,
 * masks drawn in) and at most one AAC stream, nothing else. No metadata, chapters, subtitles,
 * data or attachments; bit-exact flags keep library versions out; x264's SEI message (its
 * settings string) is dropped. A cut seeks accurately (`-ss`/`-to` on the input), after which
 * the filters' `t` starts at 0: every time in the scripts is shifted by the cut's start.
 *
 * @param scripts the files the runner wrote videoGraph(plan) and audioGraph(plan) into
 */
export function redactArgs(
  input: string,
  output: string,
  plan: RedactPlan,
  scripts: RedactScripts,
): string[] {
  const threads = String(threadCount(plan.threads));
  const cut = plan.spec.cut;
  const audio =
    plan.audio === null || scripts.audio === null
      ? ['-an']
      : [
          ...['-map', '0:a:0', '-filter_script:a', `file:${scripts.audio}`],
          ...['-c:a', 'aac', '-b:a', PROXY.audioBitrate],
        ];
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-progress', 'pipe:1', '-y'],
    ...['-filter_threads', threads],
    ...(cut === null ? [] : ['-ss', num(cut.start), '-to', num(cut.end)]),
    ...inputArgs(input, plan.container, threads),
    ...['-map', '0:V:0', '-filter_script:v', `file:${scripts.video}`],
    ...x264Args(),
    ...audio,
    ...strippedOutput(),
    ...['-threads', threads, '-max_muxing_queue_size', '1024', '-movflags', '+faststart'],
    ...['-f', 'mp4', `file:${output}`],
  ];
}

/** Paths that need no quoting inside a filter option (ours: temporary files and the font). */
const PLAIN_PATH = /^\/[A-Za-z0-9_./-]+$/;

/**
 * A rendered redaction re-encoded with `text` drawn over it twice, top left and bottom right,
 * white on a half-transparent box, so a copy that travels on names its recipient. The text is
 * read from a file with expansion off: a recipient's name is never parsed as filter syntax or
 * `%{…}` expansions. Fragmented MP4 on stdout (streamed as it is made); audio copied.
 */
export function watermarkArgs(
  input: string,
  textFile: string,
  fontFile: string,
  options: Pick<CommandOptions, 'threads'> = {},
): string[] {
  if (!PLAIN_PATH.test(textFile) || !PLAIN_PATH.test(fontFile))
    throw new RangeError('watermark files must have plain absolute paths');
  const threads = String(threadCount(options.threads));
  const text = (x: string, y: string): string =>
    [
      `drawtext=fontfile=${fontFile}:textfile=${textFile}:expansion=none`,
      `fontsize='max(12,h/24)':fontcolor=white@0.85:box=1:boxcolor=black@0.5:boxborderw=8`,
      `x='${x}':y='${y}'`,
    ].join(':');
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-filter_threads', threads],
    ...inputArgs(input, 'mov', threads),
    ...['-map', '0:V:0', '-map', '0:a:0?'],
    ...['-vf', `${text('w*0.03', 'h*0.04')},${text('w-tw-w*0.03', 'h-th-h*0.04')}`],
    ...x264Args(),
    ...['-c:a', 'copy'],
    ...strippedOutput(),
    // delay_moov: the header waits for the first fragment, so it can carry the edit list that
    // keeps B-frame delay out of the timeline (without it the picture runs 80 ms late).
    ...['-threads', threads, '-movflags', 'frag_keyframe+empty_moov+delay_moov+default_base_moof'],
    ...['-f', 'mp4', 'pipe:1'],
  ];
}

/**
 * The watermark's text as drawn: control characters (a crafted name could carry any) become
 * spaces, lines are kept, at most 200 characters. Never empty: a copy always names someone.
 */
export function watermarkText(text: string): string {
  const clean = Array.from(text, (ch) => (invisible(ch.codePointAt(0) ?? 0) ? ' ' : ch))
    .slice(0, 200)
    .join('')
    .trim();
  return clean === '' ? '?' : clean;
}

/** Control and format characters (not the newline): they draw nothing, or reorder the text. */
function invisible(code: number): boolean {
  if (code === 0x0a) return false;
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x206f) ||
    code === 0xfeff
  );
}

/** The proxy's encoder settings: same timeline, same quality, keyframes every 2 s. */
function x264Args(): string[] {
  return [
    ...['-fps_mode', 'vfr', '-enc_time_base:v', '-1'],
    ...['-c:v', 'libx264', '-preset', PROXY.preset, '-crf', String(PROXY.crf)],
    ...['-pix_fmt', 'yuv420p'],
    ...['-force_key_frames', `expr:gte(t,n_forced*${String(PROXY.keyframeEverySeconds)})`],
    // x264 writes its version and every setting into an SEI message: drop all SEI units.
    ...['-bsf:v', 'filter_units=remove_types=6'],
  ];
}

/** Nothing of the original but its pictures and sound: no tags, chapters or other streams. */
function strippedOutput(): string[] {
  return [
    ...['-sn', '-dn', '-map_metadata', '-1', '-map_chapters', '-1'],
    ...['-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact'],
  ];
}

/** As ffmpeg-commands' input: local files only, safe demuxers, `file:` before the name. */
function inputArgs(input: string, container: string | null | undefined, threads: string): string[] {
  const demuxer = demuxerFor(container);
  return [
    ...['-protocol_whitelist', 'file', '-format_whitelist', SAFE_DEMUXERS.join(',')],
    ...(demuxer === null ? [] : ['-f', demuxer]),
    ...['-threads', threads, '-i', `file:${input}`],
  ];
}

function threadCount(threads: number | undefined): number {
  const n = threads ?? 2;
  return Number.isFinite(n) ? Math.min(64, Math.max(1, Math.floor(n))) : 2;
}

function even(n: number): number {
  return Math.max(2, 2 * Math.ceil(n / 2));
}

/** A number as ffmpeg's expressions read it: plain decimal, never an exponent. */
function num(n: number): string {
  const r = Number(n.toFixed(7));
  return Object.is(r, -0) ? '0' : r.toString();
}
