import type { MediaSummary } from './media-summary.ts';

/**
 * Pure ffmpeg command builders for the derivatives the web app shows: a browser-playable proxy,
 * a poster frame and a contact sheet of keyframes, and the reader of the progress they report.
 * No IO here: the runner (src/adapters/ffmpeg.ts) adds the time and memory limits and owns the
 * output files.
 *
 * Every command treats the evidence as hostile input (DESIGN rule 4): local files only, a
 * whitelist of demuxers (a forced one where ffprobe already named it), `file:` prefixes so a
 * name cannot be read as a protocol or an option, and no reading of stdin.
 */

/**
 * Demuxers allowed to read evidence. Everything else is refused by ffmpeg itself
 * (`-format_whitelist`), above all playlist-like formats (hls, concat, dash, image2 patterns)
 * that would make ffmpeg open other local files named inside a crafted "video".
 */
export const SAFE_DEMUXERS: readonly string[] = [
  'mov', // mp4, m4v, 3gp, mov
  'matroska', // mkv, webm
  'mpegts',
  'mpeg', // program streams: many DVRs write these under a .mp4 name
  'mpegvideo',
  'avi',
  'asf', // wmv
  'flv',
  'dhav', // Dahua DVR
  'h264',
  'hevc',
  'm4v',
  'ogg',
  'wav',
  'mp3',
  'aac',
  'flac',
  'amr',
];

/** The proxy: what a browser plays everywhere, small enough to stream, same timeline. */
export const PROXY = {
  maxSide: 1280,
  crf: 23,
  preset: 'veryfast',
  audioBitrate: '128k',
  audioRate: 48_000,
  /** A keyframe at least this often (seconds), so seeking in the browser stays quick. */
  keyframeEverySeconds: 2,
} as const;

export const POSTER = { maxSide: 640, fraction: 0.1, shortSeconds: 2, quality: 3 } as const;

export const CONTACT_SHEET = {
  columns: 4,
  rows: 4,
  tileSide: 320,
  padding: 4,
  margin: 4,
  quality: 4,
} as const;

/** Settings shared by every command. */
export interface CommandOptions {
  /** ffprobe's `format_name` for the input; its demuxer is forced when it is a safe one. */
  readonly container?: string | null;
  /** Threads for decoding, filtering and encoding (default 2): a worker runs several jobs. */
  readonly threads?: number;
}

/** What the proxy builder needs to know about the source (a `MediaSummary` will do). */
export type ProxySource = Pick<MediaSummary, 'container' | 'videoCodec' | 'audioCodec' | 'streams'>;

export interface ContactSheetOptions extends CommandOptions {
  /** The source's length; the tiles are spread over it. Null: every keyframe, from the start. */
  readonly durationSeconds: number | null;
  readonly columns?: number;
  readonly rows?: number;
  /** The longer side of each tile, in pixels. */
  readonly tileSide?: number;
}

/** The demuxer to force for ffprobe's `format_name` ("mov,mp4,m4a,…" → "mov"), or null. */
export function demuxerFor(container: string | null | undefined): string | null {
  const first = container?.split(',')[0]?.trim() ?? '';
  return SAFE_DEMUXERS.includes(first) ? first : null;
}

/**
 * H.264/AAC MP4 proxy whose timeline is the original's: a frame shown at 04:10 in the proxy is
 * the original's frame at 04:10 (its presentation time less the file's start time, which is
 * what players show). Hence: no frame-rate conversion (`-fps_mode vfr` passes every frame with
 * its own timestamp and drops only exact duplicates), the encoder keeps the demuxer's time base
 * (the default, 1/frame-rate, rounds variable-rate timestamps onto a grid and moves frames), and
 * audio gaps are filled with silence rather than closed up (which would pull sound earlier).
 *
 * @param input the original, a local file (passed as `file:`)
 * @param output a fresh temporary file of ours: it is overwritten (`-y`)
 * @example proxyArgs('/blobs/ab/cd/abcd…', '/derived/.p.tmp', summary)
 */
export function proxyArgs(
  input: string,
  output: string,
  summary: ProxySource,
  options: Pick<CommandOptions, 'threads'> = {},
): string[] {
  const threads = threadCount(options.threads);
  const video =
    summary.videoCodec === null
      ? ['-vn']
      : [
          '-map',
          '0:V:0', // capital V: a real video stream, never cover art
          // Interlaced DVR footage combs in a browser; frame for frame, so timing is unchanged.
          '-vf',
          `yadif=mode=send_frame:deint=interlaced,${fitWithin(PROXY.maxSide)},format=yuv420p`,
          '-fps_mode',
          'vfr',
          // Never with cfr: a constant rate at a 1/90000 time base means 90,000 frames a second.
          '-enc_time_base:v',
          '-1',
          '-c:v',
          'libx264',
          '-preset',
          PROXY.preset,
          '-crf',
          String(PROXY.crf),
          '-pix_fmt',
          'yuv420p',
          // By time, not frame count: variable-rate sources have no fixed frames per second.
          '-force_key_frames',
          `expr:gte(t,n_forced*${PROXY.keyframeEverySeconds})`,
        ];
  const firstAudio = summary.streams.find((s) => s.type === 'audio');
  const audio =
    summary.audioCodec === null
      ? ['-an']
      : [
          '-map',
          '0:a:0',
          // async=1 keeps each sample at its timestamp: silence fills gaps, overlaps are cut.
          '-af',
          `aresample=${PROXY.audioRate}:async=1`,
          '-c:a',
          'aac',
          '-b:a',
          PROXY.audioBitrate,
          ...((firstAudio?.channels ?? 0) > 2 ? ['-ac', '2'] : []),
        ];
  return [
    ...globalArgs(threads),
    ...inputArgs(input, summary.container, threads),
    ...video,
    ...audio,
    '-sn',
    '-dn',
    // The proxy is a viewing copy: the original keeps the metadata, as evidence.
    '-map_metadata',
    '-1',
    '-map_chapters',
    '-1',
    '-threads',
    String(threads),
    '-max_muxing_queue_size',
    '1024',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    `file:${output}`,
  ];
}

/**
 * One JPEG frame, fitted in 640×640, at `atSeconds` on the original's timeline. `-ss` before
 * the input seeks to the keyframe before that time and decodes from there, so it costs a few
 * frames, not the whole video, and still lands on the exact frame.
 */
export function posterArgs(
  input: string,
  output: string,
  atSeconds: number,
  options: CommandOptions = {},
): string[] {
  const threads = threadCount(options.threads);
  return [
    ...globalArgs(threads),
    '-ss',
    seconds(atSeconds),
    ...inputArgs(input, options.container, threads),
    '-map',
    '0:V:0',
    '-frames:v',
    '1',
    '-vf',
    fitWithin(POSTER.maxSide),
    '-q:v',
    String(POSTER.quality),
    ...jpegOutput(output),
  ];
}

/** Where the poster is taken: 10% in, or the first frame of a very short (or unknown) video. */
export function posterSecond(durationSeconds: number | null): number {
  if (durationSeconds === null || !Number.isFinite(durationSeconds)) return 0;
  if (durationSeconds < POSTER.shortSeconds) return 0;
  return Math.round(durationSeconds * POSTER.fraction * 1000) / 1000;
}

/**
 * A grid of keyframes spread over the video, as one JPEG. `-skip_frame nokey` makes the decoder
 * drop every other frame unread, so this costs about what decoding the keyframes alone costs;
 * `select` keeps the first keyframe of each slot of duration/(columns×rows) seconds, and the
 * grid is written as soon as it is full. A video with fewer keyframes gives a partly empty grid.
 */
export function contactSheetArgs(
  input: string,
  output: string,
  opts: ContactSheetOptions,
): string[] {
  const threads = threadCount(opts.threads);
  const columns = whole(opts.columns ?? CONTACT_SHEET.columns, 1, 16);
  const rows = whole(opts.rows ?? CONTACT_SHEET.rows, 1, 16);
  const side = whole(opts.tileSide ?? CONTACT_SHEET.tileSide, 16, 1920);
  const d = opts.durationSeconds;
  const step = d !== null && Number.isFinite(d) && d > 0 ? d / (columns * rows) : 0;
  const { padding, margin } = CONTACT_SHEET;
  const select = `select='isnan(prev_selected_t)+gte(t-prev_selected_t,${seconds(step)})'`;
  return [
    ...globalArgs(threads),
    '-skip_frame',
    'nokey',
    ...inputArgs(input, opts.container, threads),
    '-map',
    '0:V:0',
    '-vf',
    `${select},${fitWithin(side)},tile=${columns}x${rows}:padding=${padding}:margin=${margin}`,
    '-fps_mode',
    'passthrough',
    '-frames:v',
    '1',
    '-q:v',
    String(CONTACT_SHEET.quality),
    ...jpegOutput(output),
  ];
}

/**
 * Options before the input. `-progress pipe:1` is the runner's protocol: key=value blocks on
 * stdout every half second (time reached, speed), which the UI turns into a percentage.
 */
function globalArgs(threads: number): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-v',
    'error',
    '-progress',
    'pipe:1',
    '-y', // outputs are always our own fresh temporary files
    '-filter_threads',
    String(threads),
  ];
}

function inputArgs(input: string, container: string | null | undefined, threads: number): string[] {
  const demuxer = demuxerFor(container);
  return [
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    SAFE_DEMUXERS.join(','),
    ...(demuxer === null ? [] : ['-f', demuxer]),
    '-threads',
    String(threads),
    '-i',
    `file:${input}`,
  ];
}

/** A single image: `-update 1` takes the name literally (image2 would expand `%d` in it). */
function jpegOutput(output: string): string[] {
  return [
    '-an',
    '-sn',
    '-dn',
    '-map_metadata',
    '-1',
    '-f',
    'image2',
    '-update',
    '1',
    `file:${output}`,
  ];
}

/**
 * Fits the picture as displayed (non-square pixels and rotation applied: ffmpeg rotates before
 * the filters) in a `max`×`max` box, never enlarging it, with even sides for yuv420p, and square
 * pixels. Written as scale expressions, so it holds whatever the stream turns out to contain.
 */
export function fitWithin(max: number): string {
  const w = `if(gte(dar,1),min(${max},iw*sar),min(${max},ih)*dar)`;
  const h = `if(gte(dar,1),min(${max},iw*sar)/dar,min(${max},ih))`;
  // The 0.0001 keeps 767.99999… (704 × 12/11 in floating point) from losing two pixels.
  return `scale=w='max(2,2*trunc(${w}/2+0.0001))':h='max(2,2*trunc(${h}/2+0.0001))',setsar=1`;
}

/** The box a `fitWithin(max)` frame ends up in, for a displayed size (for tests and layout). */
export function fittedSize(
  displayWidth: number,
  displayHeight: number,
  max: number,
): { width: number; height: number } {
  const even = (n: number): number => Math.max(2, 2 * Math.trunc(n / 2 + 0.0001));
  const dar = displayWidth / displayHeight;
  if (dar >= 1) {
    const w = Math.min(max, displayWidth);
    return { width: even(w), height: even(w / dar) };
  }
  const h = Math.min(max, displayHeight);
  return { width: even(h * dar), height: even(h) };
}

function threadCount(threads: number | undefined): number {
  return whole(threads ?? 2, 1, 64);
}

function whole(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.floor(n))) : min;
}

/** Seconds as ffmpeg reads them: plain decimal, millisecond precision, never negative. */
function seconds(s: number): string {
  return Number.isFinite(s) && s > 0 ? (Math.round(s * 1000) / 1000).toString() : '0';
}

/** Where a running command has got to, for a progress bar (outTimeSeconds ÷ duration). */
export interface FfmpegProgress {
  /** How far along the original's timeline the output has got, in seconds; never decreases. */
  readonly outTimeSeconds: number;
  /** Seconds of media per second of work (2 = twice realtime); null until ffmpeg knows. */
  readonly speed: number | null;
}

/**
 * Reads ffmpeg's `-progress` output: blocks of key=value lines, each closed by
 * `progress=continue` or `progress=end`.
 */
export class ProgressParser {
  #partial = '';
  #block = new Map<string, string>();
  #reached = 0;
  /** Video frames written so far. */
  frames = 0;
  /** Whether ffmpeg reported the end (it does so only when it finished normally). */
  ended = false;

  /** Feeds a piece of stdout; returns the reports that this piece completed. */
  push(chunk: string): FfmpegProgress[] {
    const lines = (this.#partial + chunk).split('\n');
    this.#partial = lines.pop() ?? '';
    if (this.#partial.length > 4096) this.#partial = '';
    const reports: FfmpegProgress[] = [];
    for (const line of lines) {
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (key !== 'progress') {
        this.#block.set(key, value);
        continue;
      }
      const report = this.#close(value);
      if (report !== null) reports.push(report);
    }
    return reports;
  }

  #close(state: string): FfmpegProgress | null {
    const block = this.#block;
    this.#block = new Map();
    if (state === 'end') this.ended = true;
    const frames = Number(block.get('frame'));
    if (Number.isFinite(frames)) this.frames = Math.max(this.frames, frames);
    const micros = Number(block.get('out_time_us')); // "N/A" before the first packet
    if (!Number.isFinite(micros)) return null;
    this.#reached = Math.max(this.#reached, micros / 1e6);
    const speed = Number.parseFloat(block.get('speed') ?? ''); // "2.51x", or "N/A"
    return {
      outTimeSeconds: this.#reached,
      speed: Number.isFinite(speed) && speed >= 0 ? speed : null,
    };
  }
}

/** Raw frames for analysis: what to decode, and into what. */
export interface FrameArgsOptions extends CommandOptions {
  /** Frames per second, sampled from the start (ffmpeg's fps filter). Without it, every frame. */
  readonly rate?: number | undefined;
  /** Seek here first (accurate: decodes from the keyframe before), in seconds. */
  readonly fromSeconds?: number | undefined;
  /** Stop after this many frames. */
  readonly maxFrames?: number | undefined;
  /** Cut this rectangle out of the displayed picture (pixels) before scaling. */
  readonly crop?: {
    readonly x: number;
    readonly y: number;
    readonly w: number;
    readonly h: number;
  };
  /** The size of each output frame: the picture is stretched to it (aspect is not kept). */
  readonly width: number;
  readonly height: number;
  readonly pixelFormat: 'gray' | 'rgb24';
  /** Decode only keyframes (the cheapest decode there is). */
  readonly keyframesOnly?: boolean | undefined;
}

/**
 * Decodes the first video stream into raw frames of a fixed size on stdout, for perceptual
 * hashes, OCR and face detection: no file is written, nothing but pixels comes out.
 */
export function frameArgs(input: string, options: FrameArgsOptions): string[] {
  const threads = threadCount(options.threads);
  const filters = [
    ...(options.crop === undefined
      ? []
      : [
          `crop=${whole(options.crop.w, 1, 1 << 15)}:${whole(options.crop.h, 1, 1 << 15)}:${whole(options.crop.x, 0, 1 << 15)}:${whole(options.crop.y, 0, 1 << 15)}`,
        ]),
    ...(options.rate === undefined ? [] : [`fps=${String(options.rate)}`]),
    `scale=${whole(options.width, 1, 1 << 14)}:${whole(options.height, 1, 1 << 14)}:flags=area`,
    `format=${options.pixelFormat}`,
  ];
  return [
    '-nostdin',
    '-hide_banner',
    '-nostats',
    '-v',
    'error',
    '-filter_threads',
    String(threads),
    ...(options.keyframesOnly === true ? ['-skip_frame', 'nokey'] : []),
    ...(options.fromSeconds === undefined ? [] : ['-ss', seconds(options.fromSeconds)]),
    ...inputArgs(input, options.container, threads),
    '-map',
    '0:V:0',
    '-an',
    '-sn',
    '-dn',
    ...(options.maxFrames === undefined
      ? []
      : ['-frames:v', String(whole(options.maxFrames, 1, 1e9))]),
    '-vf',
    filters.join(','),
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}
