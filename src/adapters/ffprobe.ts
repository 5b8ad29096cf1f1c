import { spawn } from 'node:child_process';
import type { MediaProber, ProbeOutcome } from '../core/ports.ts';

const MAX_STDOUT = 32 << 20;
const MAX_STDERR = 64 << 10;
const ADDRESS_SPACE_LIMIT = String(4 * 1024 ** 3); // not 4 << 30: that overflows 32 bits to 0

/** The pure command builder: ffprobe treated as a parser of hostile input. */
export function ffprobeArgs(file: string): string[] {
  return [
    '-hide_banner',
    '-v',
    'error',
    // Only local files: a crafted playlist or reference must not make us open a URL.
    '-protocol_whitelist',
    'file',
    '-print_format',
    'json=compact=1',
    '-show_format',
    '-show_streams',
    '-show_error',
    // The `file:` prefix stops a name starting with a protocol or a dash being read as one.
    '-i',
    `file:${file}`,
  ];
}

/**
 * Runs Debian's ffprobe under a memory limit (prlimit) and a wall-clock timeout, with an
 * empty environment, capped output, and no shell. A crash or hang fails this probe only.
 */
export class FfprobeProber implements MediaProber {
  readonly #timeoutMs: number;
  readonly #binary: string;

  constructor(options: { timeoutMs: number; binary?: string }) {
    this.#timeoutMs = options.timeoutMs;
    this.#binary = options.binary ?? 'ffprobe';
  }

  probe(file: string): Promise<ProbeOutcome> {
    return new Promise((resolve) => {
      const child = spawn(
        'prlimit',
        [`--as=${ADDRESS_SPACE_LIMIT}`, '--core=0', '--', this.#binary, ...ffprobeArgs(file)],
        {
          env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, this.#timeoutMs);
      child.stdout.on('data', (b: Buffer) => {
        outBytes += b.length;
        if (outBytes <= MAX_STDOUT) out.push(b);
        else child.kill('SIGKILL');
      });
      child.stderr.on('data', (b: Buffer) => {
        if (errBytes < MAX_STDERR) err.push(b);
        errBytes += b.length;
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        resolve({
          ok: false,
          code: 'MEDIA.PROBE_FAILED',
          message: `ffprobe could not be started (${e.message}). Install ffmpeg.`,
        });
      });
      child.on('close', (status) => {
        clearTimeout(timer);
        const stderr = scrub(Buffer.concat(err).toString('utf8'), file);
        if (timedOut) {
          resolve({
            ok: false,
            code: 'MEDIA.PROBE_TIMEOUT',
            message: `ffprobe did not finish within ${this.#timeoutMs / 1000} s.`,
          });
          return;
        }
        resolve(interpret(status, Buffer.concat(out).toString('utf8'), stderr));
      });
    });
  }
}

function interpret(status: number | null, stdout: string, stderr: string): ProbeOutcome {
  let parsed: Record<string, unknown> | null;
  try {
    parsed = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    parsed = null;
  }
  const error = parsed?.['error'] as { string?: unknown } | undefined;
  if (status === 0 && parsed !== null && error === undefined) return { ok: true, raw: parsed };
  const said = typeof error?.string === 'string' ? error.string : '';
  const reason =
    (stderr.includes(said) ? stderr : [said, stderr].filter((s) => s !== '').join(': ')) ||
    `exit status ${String(status)}`;
  const truncated = /moov atom not found|end of file|truncat|partial file/i.test(reason);
  return {
    ok: false,
    code: truncated ? 'MEDIA.TRUNCATED' : 'MEDIA.PROBE_FAILED',
    message:
      (truncated
        ? 'The media file appears truncated; ffprobe said: '
        : 'ffprobe could not read the media: ') + reason.slice(0, 500),
  };
}

/** Error text must not carry the storage path (nor anything else of ours): name it "input". */
function scrub(text: string, file: string): string {
  return text
    .split(`file:${file}`)
    .join('input')
    .split(file)
    .join('input')
    .replace(/ @ 0x[0-9a-f]+\]/g, ']') // heap addresses: noise, and they differ on every run
    .replace(/\s+/g, ' ')
    .trim();
}
