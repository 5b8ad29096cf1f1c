import { spawn } from 'node:child_process';
import { CustodyError } from '../core/errors.ts';
import type { GrayImage, OcrEngine, OcrOptions } from '../core/ports.ts';

const MAX_OUTPUT = 64 << 10;

export interface TesseractOptions {
  readonly binary?: string;
  /** One picture's limit (default 30 s). */
  readonly timeoutMs?: number;
}

/**
 * Debian's tesseract CLI, fed a PGM picture on stdin: no temporary file, no shell, an empty
 * environment but for OMP_THREAD_LIMIT=1 (tesseract's own threads only slow many small reads
 * down), under prlimit.
 */
export class TesseractOcr implements OcrEngine {
  readonly #binary: string;
  readonly #timeoutMs: number;

  constructor(options: TesseractOptions = {}) {
    this.#binary = options.binary ?? 'tesseract';
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  read(image: GrayImage, options: OcrOptions): Promise<string> {
    if (!/^[a-z_]+(\+[a-z_]+)*$/.test(options.languages))
      throw new Error(`not tesseract language codes: ${options.languages}`);
    const header = Buffer.from(`P5\n${String(image.width)} ${String(image.height)}\n255\n`);
    const args = ['stdin', 'stdout', '-l', options.languages, '--psm', String(options.psm)];
    return new Promise((resolve, reject) => {
      const child = spawn('prlimit', ['--as=2147483648', '--core=0', '--', this.#binary, ...args], {
        env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8', OMP_THREAD_LIMIT: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
        signal: options.signal,
      });
      const out: Buffer[] = [];
      let outBytes = 0;
      const err: Buffer[] = [];
      const timer = setTimeout(() => child.kill('SIGKILL'), this.#timeoutMs);
      child.stdout.on('data', (b: Buffer) => {
        if (outBytes < MAX_OUTPUT) out.push(b);
        outBytes += b.length;
      });
      child.stderr.on('data', (b: Buffer) => {
        if (err.length < 16) err.push(b);
      });
      child.stdin.on('error', () => {
        // tesseract exited before reading it all; its status says why.
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(
          new CustodyError('MEDIA.ANALYSIS_FAILED', `tesseract could not be run (${e.message}).`, {
            hint: 'Install tesseract-ocr and tesseract-ocr-rus; the setup script does.',
          }),
        );
      });
      child.on('close', (status, signal) => {
        clearTimeout(timer);
        if (status === 0) {
          resolve(Buffer.concat(out).toString('utf8'));
          return;
        }
        const said = Buffer.concat(err).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 300);
        reject(
          new CustodyError(
            'MEDIA.ANALYSIS_FAILED',
            `tesseract could not read the picture (${signal ?? `exit status ${String(status)}`}${said === '' ? '' : `: ${said}`}).`,
            { hint: 'Check that tesseract-ocr-rus is installed; the original is untouched.' },
          ),
        );
      });
      child.stdin.end(Buffer.concat([header, image.data]));
    });
  }
}
