import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { CustodyError, type ErrorCode } from '../core/errors.ts';
import {
  contactSheetArgs,
  posterArgs,
  posterSecond,
  ProgressParser,
  proxyArgs,
  type ContactSheetOptions,
  type FfmpegProgress,
} from '../domain/ffmpeg-commands.ts';
import type { MediaSummary } from '../domain/media-summary.ts';
import {
  audioGraph,
  redactArgs,
  renderedSeconds,
  videoGraph,
  watermarkArgs,
  watermarkText,
  type RedactPlan,
} from '../domain/redaction-commands.ts';

const MAX_STDERR = 64 << 10;
const ADDRESS_SPACE_LIMIT = 4 * 1024 ** 3;
/** Probed durations are untrusted: a file claiming a year must not buy a year of CPU. */
const MAX_MEDIA_SECONDS = 48 * 3600;

/** The watermark's font (Debian fonts-dejavu-core, installed by scripts/setup.sh). */
export const WATERMARK_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

const TRANSCODE_FAILED: ErrorCode = 'MEDIA.TRANSCODE_FAILED';
const TRANSCODE_TIMEOUT: ErrorCode = 'MEDIA.TRANSCODE_TIMEOUT';

export interface FfmpegRunnerOptions {
  /** Wall-clock limit of any one command, before the allowance for the media's length. */
  readonly timeoutMs: number;
  /** Added to the limit per second of media (default 2000 ms: slower than ½× realtime fails). */
  readonly timeoutMsPerMediaSecond?: number;
  /** A proxy whose output time has not moved for this long is killed as hung (default 120 s). */
  readonly stallMs?: number;
  readonly binary?: string;
  /** prlimit --as for ffmpeg (default 4 GiB). */
  readonly addressSpaceBytes?: number;
  /** Threads per command (default 2). */
  readonly threads?: number;
}

/** One command that makes one derivative file. */
export interface FfmpegJob {
  /** What is made, for messages: "proxy", "poster", "contact sheet". */
  readonly what: string;
  readonly input: string;
  /** The final file; written only by renaming a complete temporary file onto it. */
  readonly target: string;
  /** The command, given the temporary file it must write. */
  readonly args: (tempOutput: string) => string[];
  /** The media's length, which extends the time limit. */
  readonly mediaSeconds?: number | null | undefined;
  /** Fail when no video frame came out (ffmpeg exits 0 when a seek lands past the end). */
  readonly expectVideo?: boolean | undefined;
  readonly stallMs?: number | undefined;
  readonly onProgress?: ((progress: FfmpegProgress) => void) | undefined;
}

export interface Derivative {
  readonly size: number;
}

type Attempt =
  | { readonly ok: true; readonly size: number }
  | { readonly ok: false; readonly error: CustodyError; readonly noFrames: boolean };

/**
 * Runs Debian's ffmpeg on hostile media like FfprobeProber runs ffprobe: under prlimit (address
 * space, no core dumps), a wall-clock limit, an empty environment, no shell, capped stderr, and
 * messages that name no storage path. A crash, hang or garbage input fails this derivative only.
 */
export class FfmpegRunner {
  readonly #timeoutMs: number;
  readonly #perMediaSecondMs: number;
  readonly #stallMs: number;
  readonly #binary: string;
  readonly #addressSpace: number;
  readonly #threads: number;

  constructor(options: FfmpegRunnerOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#perMediaSecondMs = options.timeoutMsPerMediaSecond ?? 2000;
    this.#stallMs = options.stallMs ?? 120_000;
    this.#binary = options.binary ?? 'ffmpeg';
    this.#addressSpace = options.addressSpaceBytes ?? ADDRESS_SPACE_LIMIT;
    this.#threads = options.threads ?? 2;
  }

  /** The browser-playable proxy (see proxyArgs for why its timeline is the original's). */
  proxy(
    input: string,
    target: string,
    summary: MediaSummary,
    onProgress?: (progress: FfmpegProgress) => void,
  ): Promise<Derivative> {
    return this.run({
      what: 'proxy',
      input,
      target,
      args: (out) => proxyArgs(input, out, summary, { threads: this.#threads }),
      mediaSeconds: summary.durationSeconds,
      expectVideo: summary.videoCodec !== null,
      stallMs: this.#stallMs,
      onProgress,
    });
  }

  /** The poster frame, 10% in; from the first frame when 10% lies past the last one. */
  async poster(
    input: string,
    target: string,
    summary: MediaSummary,
  ): Promise<Derivative & { readonly atSeconds: number }> {
    const options = { container: summary.container, threads: this.#threads };
    const attempt = (at: number): Promise<Attempt> =>
      this.#attempt({
        what: 'poster',
        input,
        target,
        args: (out) => posterArgs(input, out, at, options),
        expectVideo: true,
      });
    const at = posterSecond(summary.durationSeconds);
    let result = await attempt(at);
    let used = at;
    // A truncated file's container may promise more than its frames deliver.
    if (!result.ok && result.noFrames && at > 0) {
      used = 0;
      result = await attempt(0);
    }
    if (!result.ok) throw result.error;
    return { size: result.size, atSeconds: used };
  }

  /** The contact sheet: a grid of keyframes spread over the video. */
  contactSheet(
    input: string,
    target: string,
    summary: MediaSummary,
    layout: Pick<ContactSheetOptions, 'columns' | 'rows' | 'tileSide'> = {},
  ): Promise<Derivative> {
    const options: ContactSheetOptions = {
      ...layout,
      container: summary.container,
      durationSeconds: summary.durationSeconds,
      threads: this.#threads,
    };
    return this.run({
      what: 'contact sheet',
      input,
      target,
      args: (out) => contactSheetArgs(input, out, options),
      mediaSeconds: summary.durationSeconds,
      expectVideo: true,
    });
  }

  /**
   * A redacted copy (see redactArgs). The filter scripts are written next to the target (so
   * error messages name them "output folder") and removed afterwards, whatever happens.
   */
  async redact(
    input: string,
    target: string,
    plan: RedactPlan,
    onProgress?: (progress: FfmpegProgress) => void,
  ): Promise<Derivative> {
    const stem = path.join(
      path.dirname(target),
      `.${path.basename(target)}.${randomBytes(6).toString('hex')}`,
    );
    const audio = audioGraph(plan);
    const scripts = { video: `${stem}.vf`, audio: audio === null ? null : `${stem}.af` };
    const withThreads = { ...plan, threads: plan.threads ?? this.#threads };
    try {
      await fs.writeFile(scripts.video, videoGraph(plan), { mode: 0o600 });
      if (scripts.audio !== null && audio !== null)
        await fs.writeFile(scripts.audio, audio, { mode: 0o600 });
      return await this.run({
        what: 'redacted copy',
        input,
        target,
        args: (out) => redactArgs(input, out, withThreads, scripts),
        mediaSeconds: renderedSeconds(plan),
        expectVideo: true,
        stallMs: this.#stallMs,
        onProgress,
      });
    } finally {
      await fs.rm(scripts.video, { force: true });
      if (scripts.audio !== null) await fs.rm(scripts.audio, { force: true });
    }
  }

  /**
   * A rendered redaction with `text` drawn over it (see watermarkArgs), as a stream of
   * fragmented MP4 made while it is read. The stream fails (and ffmpeg is killed) when ffmpeg
   * fails, when no output came for the stall time (ffmpeg hung, or the reader stopped reading),
   * when `signal` aborts (the client went away) or when the reader destroys it.
   */
  watermarked(input: string, text: string, signal: AbortSignal): Readable {
    const out = new PassThrough();
    void this.#watermark(input, text, signal, out).catch((e: unknown) => {
      // Setting up failed (a full or odd temporary folder): say so without naming its path.
      const error = new CustodyError(
        TRANSCODE_FAILED,
        'The watermarked copy could not be started.',
        { hint: 'Check the temporary folder of the server (space, permissions).', cause: e },
      );
      out.destroy(error);
    });
    return out;
  }

  async #watermark(
    input: string,
    text: string,
    signal: AbortSignal,
    out: PassThrough,
  ): Promise<void> {
    // A folder of our own (0700): the text names a recipient.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'custody-watermark-'));
    try {
      const textFile = path.join(dir, 'text.txt');
      await fs.writeFile(textFile, watermarkText(text), { mode: 0o600 });
      const args = watermarkArgs(input, textFile, WATERMARK_FONT, { threads: this.#threads });
      const scrub = scrubber([
        [input, 'input'],
        [textFile, 'text'],
        [path.dirname(input), 'input folder'],
      ]);
      const failure = await this.#stream(args, signal, out);
      if (failure === null) out.end();
      else out.destroy(watermarkError(failure, scrub));
    } finally {
      // Never fails the stream: by now it may have ended well.
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** Runs ffmpeg with stdout piped into `out`; resolves with what went wrong, or null. */
  #stream(args: string[], signal: AbortSignal, out: PassThrough): Promise<StreamFailure | null> {
    return new Promise((resolve) => {
      if (signal.aborted || out.destroyed) {
        resolve({ killed: 'aborted', status: null, stderr: '' });
        return;
      }
      const child = spawn(
        'prlimit',
        [`--as=${String(this.#addressSpace)}`, '--core=0', '--', this.#binary, ...args],
        { env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let killed: StreamFailure['killed'] = null;
      const kill = (why: NonNullable<StreamFailure['killed']>): void => {
        killed ??= why;
        child.kill('SIGKILL');
      };
      let stall = setTimeout(() => {
        kill('stall');
      }, this.#stallMs);
      const onAbort = (): void => {
        kill('aborted');
      };
      signal.addEventListener('abort', onAbort);
      out.on('close', onAbort); // the reader went away: nobody wants the rest
      child.stdout.on('data', () => {
        clearTimeout(stall);
        stall = setTimeout(() => {
          kill('stall');
        }, this.#stallMs);
      });
      child.stdout.pipe(out, { end: false });
      const err: Buffer[] = [];
      let errBytes = 0;
      child.stderr.on('data', (b: Buffer) => {
        if (errBytes < MAX_STDERR) err.push(b);
        errBytes += b.length;
      });
      const finish = (status: number | null, startError?: string): void => {
        clearTimeout(stall);
        signal.removeEventListener('abort', onAbort);
        out.off('close', onAbort);
        const stderr = startError ?? Buffer.concat(err).subarray(0, MAX_STDERR).toString('utf8');
        resolve(status === 0 && killed === null ? null : { killed, status, stderr });
      };
      child.on('error', (e) => {
        finish(null, `ffmpeg could not be started (${e.message})`);
      });
      child.on('close', (status) => {
        finish(status);
      });
    });
  }

  /**
   * Runs one command into a temporary file next to the target and renames it onto the target
   * only when ffmpeg succeeded and wrote something; otherwise removes it.
   * @throws CustodyError MEDIA.TRANSCODE_FAILED or MEDIA.TRANSCODE_TIMEOUT
   */
  async run(job: FfmpegJob): Promise<Derivative> {
    const result = await this.#attempt(job);
    if (!result.ok) throw result.error;
    return { size: result.size };
  }

  async #attempt(job: FfmpegJob): Promise<Attempt> {
    const dir = path.dirname(job.target);
    const temp = path.join(
      dir,
      `.${path.basename(job.target)}.${randomBytes(6).toString('hex')}.tmp`,
    );
    const scrub = scrubber([
      [temp, 'output'],
      [job.target, 'output'],
      [job.input, 'input'],
      [dir, 'output folder'],
      [path.dirname(job.input), 'input folder'],
    ]);
    let kept = false;
    try {
      const run = await this.#spawn(job, job.args(temp));
      if (run.callbackError !== undefined) throw run.callbackError;
      const failure = this.#failure(job, run, scrub);
      if (failure !== null) return { ok: false, error: failure, noFrames: false };
      const size = await writtenSize(temp);
      if (size === 0 || (job.expectVideo === true && run.frames === 0)) {
        const error = new CustodyError(
          TRANSCODE_FAILED,
          `ffmpeg made no ${job.what}: no video frame could be decoded there.`,
          { hint: HINT_FAILED },
        );
        return { ok: false, error, noFrames: true };
      }
      await syncFile(temp);
      await fs.rename(temp, job.target);
      kept = true;
      return { ok: true, size };
    } finally {
      if (!kept) await fs.rm(temp, { force: true });
    }
  }

  #failure(
    job: FfmpegJob,
    run: SpawnOutcome,
    scrub: (text: string) => string,
  ): CustodyError | null {
    const limitS = Math.round(run.limitMs / 1000);
    if (run.startError !== undefined) {
      return new CustodyError(
        TRANSCODE_FAILED,
        `ffmpeg could not be started (${run.startError}).`,
        { hint: 'Install ffmpeg and util-linux (prlimit); the setup script does.' },
      );
    }
    if (run.killed === 'timeout') {
      return new CustodyError(
        TRANSCODE_TIMEOUT,
        `ffmpeg did not finish the ${job.what} within ${limitS} s and was stopped.`,
        { hint: HINT_TIMEOUT },
      );
    }
    if (run.killed === 'stall') {
      return new CustodyError(
        TRANSCODE_TIMEOUT,
        `ffmpeg made no progress on the ${job.what} for ${Math.round((job.stallMs ?? 0) / 1000)} s and was stopped.`,
        { hint: HINT_TIMEOUT },
      );
    }
    if (run.status === 0) return null;
    const said = scrub(run.stderr).slice(0, 500);
    const how =
      run.signal !== null ? `ffmpeg was killed by ${run.signal}` : `exit status ${run.status}`;
    return new CustodyError(
      TRANSCODE_FAILED,
      `ffmpeg could not make the ${job.what}: ${said === '' ? how : `${said} (${how})`}`,
      { hint: HINT_FAILED },
    );
  }

  #spawn(job: FfmpegJob, args: string[]): Promise<SpawnOutcome> {
    const media = Math.min(Math.max(job.mediaSeconds ?? 0, 0), MAX_MEDIA_SECONDS);
    const limitMs = this.#timeoutMs + (Number.isFinite(media) ? media : 0) * this.#perMediaSecondMs;
    return new Promise((resolve) => {
      const child = spawn(
        'prlimit',
        [`--as=${String(this.#addressSpace)}`, '--core=0', '--', this.#binary, ...args],
        { env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const parser = new ProgressParser();
      const err: Buffer[] = [];
      let errBytes = 0;
      let killed: SpawnOutcome['killed'] = null;
      let callbackError: Error | undefined;
      let settled = false;
      const kill = (why: NonNullable<SpawnOutcome['killed']>): void => {
        killed ??= why;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(() => {
        kill('timeout');
      }, limitMs);
      let stall: NodeJS.Timeout | undefined;
      const armStall = (): void => {
        if (job.stallMs === undefined) return;
        clearTimeout(stall);
        stall = setTimeout(() => {
          kill('stall');
        }, job.stallMs);
      };
      armStall();
      let reached = -1;
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        for (const progress of parser.push(chunk)) {
          if (progress.outTimeSeconds > reached) {
            reached = progress.outTimeSeconds;
            armStall();
          }
          try {
            job.onProgress?.(progress);
          } catch (e) {
            // The caller's bug must not become an uncaught exception in the worker.
            callbackError ??=
              e instanceof Error ? e : new Error('the progress callback failed', { cause: e });
            kill('callback');
          }
        }
      });
      child.stderr.on('data', (b: Buffer) => {
        if (errBytes < MAX_STDERR) err.push(b);
        errBytes += b.length;
      });
      const finish = (
        outcome: Omit<SpawnOutcome, 'limitMs' | 'frames' | 'killed' | 'callbackError'>,
      ): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(stall);
        resolve({ ...outcome, limitMs, frames: parser.frames, killed, callbackError });
      };
      child.on('error', (e) => {
        finish({ status: null, signal: null, stderr: '', startError: e.message });
      });
      child.on('close', (status, signal) => {
        const stderr = Buffer.concat(err).subarray(0, MAX_STDERR).toString('utf8');
        finish({ status, signal, stderr, startError: undefined });
      });
    });
  }
}

interface StreamFailure {
  readonly killed: 'stall' | 'aborted' | null;
  readonly status: number | null;
  readonly stderr: string;
}

function watermarkError(failure: StreamFailure, scrub: (text: string) => string): CustodyError {
  if (failure.killed === 'aborted')
    return new CustodyError(
      TRANSCODE_FAILED,
      'The watermarked copy was stopped: nobody reads it.',
      {
        hint: 'The download was cancelled; start it again.',
      },
    );
  if (failure.killed === 'stall')
    return new CustodyError(
      TRANSCODE_TIMEOUT,
      'The watermarked copy made no progress and was stopped.',
      {
        hint: HINT_TIMEOUT,
      },
    );
  const said = scrub(failure.stderr).slice(0, 500);
  return new CustodyError(
    TRANSCODE_FAILED,
    `ffmpeg could not make the watermarked copy: ${said === '' ? `exit status ${String(failure.status)}` : said}`,
    { hint: HINT_FAILED },
  );
}

interface SpawnOutcome {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly startError: string | undefined;
  readonly killed: 'timeout' | 'stall' | 'callback' | null;
  readonly callbackError: Error | undefined;
  readonly frames: number;
  readonly limitMs: number;
}

const HINT_FAILED =
  'The original is untouched and stays the evidence; it may be damaged or in a format ffmpeg cannot read.';
const HINT_TIMEOUT =
  'Raise the media time limit if the file is long or the machine slow; the original is untouched.';

/** Error text must not carry our paths: name them "input" and "output". Longest first. */
function scrubber(names: readonly (readonly [string, string])[]): (text: string) => string {
  const sorted = [...names].sort((a, b) => b[0].length - a[0].length);
  return (text) => {
    let out = text;
    for (const [name, label] of sorted) {
      if (name === '' || name === '.' || name === '/') continue;
      out = out.split(`file:${name}`).join(label).split(name).join(label);
    }
    return out
      .replace(/ @ 0x[0-9a-f]+\]/g, ']') // heap addresses: noise, different on every run
      .replace(/\s+/g, ' ')
      .trim();
  };
}

async function writtenSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
