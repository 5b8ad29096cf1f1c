import { spawn } from 'node:child_process';
import path from 'node:path';
import { CustodyError } from '../core/errors.ts';
import type { FrameRequest, FrameSampler, RawFrame } from '../core/ports.ts';
import { frameArgs } from '../domain/ffmpeg-commands.ts';

const MAX_STDERR = 16 << 10;
const MAX_MEDIA_SECONDS = 48 * 3600;

export interface FfmpegFrameSamplerOptions {
  /** Wall-clock limit of one decode, before the allowance for the media's length. */
  readonly timeoutMs: number;
  /** Added per second of media (default 2000 ms). */
  readonly timeoutMsPerMediaSecond?: number;
  readonly binary?: string;
  /** prlimit --as for ffmpeg (default 4 GiB). */
  readonly addressSpaceBytes?: number;
  /** Threads per decode (default 2). */
  readonly threads?: number;
}

/**
 * Decodes hostile media into raw frames on a pipe, under the same guard rails as FfmpegRunner:
 * prlimit, a time limit, an empty environment, no shell, capped stderr, and messages that name
 * no storage path. Frames are cut from the pipe exactly; a short last frame is dropped.
 */
export class FfmpegFrameSampler implements FrameSampler {
  readonly #options: FfmpegFrameSamplerOptions;

  constructor(options: FfmpegFrameSamplerOptions) {
    this.#options = options;
  }

  async *frames(input: string, request: FrameRequest): AsyncIterable<RawFrame> {
    const o = this.#options;
    const channels = request.pixelFormat === 'gray' ? 1 : 3;
    const width = Math.trunc(request.width);
    const height = Math.trunc(request.height);
    const frameBytes = width * height * channels;
    const args = frameArgs(input, { threads: o.threads ?? 2, ...request });
    const media = Math.min(Math.max(request.mediaSeconds ?? 0, 0), MAX_MEDIA_SECONDS);
    const limitMs = o.timeoutMs + media * (o.timeoutMsPerMediaSecond ?? 2000);
    const child = spawn(
      'prlimit',
      [
        `--as=${String(o.addressSpaceBytes ?? 4 * 1024 ** 3)}`,
        '--core=0',
        '--',
        o.binary ?? 'ffmpeg',
        ...args,
      ],
      { env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stopped: 'timeout' | 'aborted' | null = null;
    const stop = (why: 'timeout' | 'aborted'): void => {
      stopped ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      stop('timeout');
    }, limitMs);
    const onAbort = (): void => {
      stop('aborted');
    };
    request.signal?.addEventListener('abort', onAbort);
    const err: Buffer[] = [];
    let errBytes = 0;
    child.stderr.on('data', (b: Buffer) => {
      if (errBytes < MAX_STDERR) err.push(b);
      errBytes += b.length;
    });
    let startError: string | null = null;
    const closed = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>(
      (resolve) => {
        child.on('error', (e) => {
          startError = e.message;
          resolve({ status: null, signal: null });
        });
        child.on('close', (status, signal) => {
          resolve({ status, signal });
        });
      },
    );
    let index = 0;
    let finished = false;
    try {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes < frameBytes) continue;
        let joined = Buffer.concat(pending, pendingBytes);
        let offset = 0;
        while (joined.length - offset >= frameBytes) {
          const data = new Uint8Array(joined.subarray(offset, offset + frameBytes));
          offset += frameBytes;
          const t =
            request.rate === undefined ? null : (request.fromSeconds ?? 0) + index / request.rate;
          yield { index, t, width, height, data };
          index += 1;
        }
        joined = joined.subarray(offset);
        pending = joined.length > 0 ? [joined] : [];
        pendingBytes = joined.length;
      }
      const outcome = await closed;
      finished = true;
      const failure = this.#failure(outcome, stopped, startError, err, input, limitMs);
      if (failure !== null) throw failure;
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      // The consumer stopped early (break, or an error of its own): do not leave ffmpeg behind.
      if (!finished) {
        child.kill('SIGKILL');
        await closed;
      }
    }
  }

  #failure(
    outcome: { status: number | null; signal: NodeJS.Signals | null },
    stopped: 'timeout' | 'aborted' | null,
    startError: string | null,
    err: Buffer[],
    input: string,
    limitMs: number,
  ): CustodyError | null {
    const code = 'MEDIA.ANALYSIS_FAILED';
    if (startError !== null)
      return new CustodyError(code, `ffmpeg could not be started (${startError}).`, {
        hint: 'Install ffmpeg and util-linux (prlimit); the setup script does.',
      });
    if (stopped === 'aborted')
      return new CustodyError(code, 'The decode was stopped before it finished.', {
        hint: 'The job was cancelled or timed out; it is retried.',
      });
    if (stopped === 'timeout')
      return new CustodyError(
        code,
        `ffmpeg did not decode the video within ${String(Math.round(limitMs / 1000))} s and was stopped.`,
        { hint: 'The original is untouched; the job is retried.' },
      );
    if (outcome.status === 0) return null;
    const said = Buffer.concat(err)
      .toString('utf8')
      .split(`file:${input}`)
      .join('input')
      .split(input)
      .join('input')
      .split(path.dirname(input))
      .join('input folder')
      .replace(/ @ 0x[0-9a-f]+\]/g, ']')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 500);
    const how =
      outcome.signal === null
        ? `exit status ${String(outcome.status)}`
        : `ffmpeg was killed by ${outcome.signal}`;
    return new CustodyError(
      code,
      `ffmpeg could not decode the video: ${said === '' ? how : `${said} (${how})`}`,
      { hint: 'The original is untouched and stays the evidence; it may be damaged.' },
    );
  }
}
