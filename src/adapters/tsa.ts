import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CustodyError } from '../core/errors.ts';
import type { TimestampAuthority, TimestampToken } from '../core/ports.ts';

const MAX_RESPONSE = 1 << 20;
const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 30_000;
const OPENSSL_TIMEOUT_MS = 15_000;
const OPENSSL_MAX_OUTPUT = 256 << 10;
const OPENSSL_ENV = { PATH: '/usr/bin:/bin' };

const HINT_NETWORK = 'Check the network and the address in CUSTODY_TSA_URLS, or try again later.';
const HINT_ENDPOINT =
  "Check that the address in CUSTODY_TSA_URLS is the authority's RFC 3161 endpoint (it answers POSTed application/timestamp-query).";
const HINT_CA =
  "Put this authority's root certificate (PEM, checked out of band) into the file CUSTODY_TSA_CA_FILE names, or remove the authority from CUSTODY_TSA_URLS.";
const HINT_TAMPER =
  'The reply does not match what was asked: something between here and the authority may be altering traffic. Try again; if it persists, stop using this authority.';
const HINT_OPENSSL = 'Custody needs the openssl command-line tool (Debian package openssl).';

/**
 * An RFC 3161 time-stamping authority reached over HTTP(S), with `openssl ts` building the
 * query and checking the reply: signature, certificate chain up to CUSTODY_TSA_CA_FILE,
 * message imprint and nonce. A reply is never trusted before that check passes.
 */
export class OpensslTimestampAuthority implements TimestampAuthority {
  /** The endpoint without credentials, query string or fragment: safe to store and show. */
  readonly url: string;
  readonly #endpoint: URL;
  readonly #authorization: string | undefined;
  readonly #origin: string;
  readonly #caFile: string;
  readonly #timeoutMs: number;

  constructor(opts: { url: string; caFile: string; timeoutMs?: number }) {
    let parsed: URL;
    try {
      parsed = new URL(opts.url);
    } catch {
      throw new CustodyError('CONFIG.INVALID', 'A time-stamping authority address is not a URL.', {
        hint: 'Set CUSTODY_TSA_URLS to http(s) URLs separated by spaces.',
      });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CustodyError(
        'CONFIG.INVALID',
        `The time-stamping authority ${parsed.protocol}… is not an http(s) URL.`,
        { hint: 'Set CUSTODY_TSA_URLS to http(s) URLs separated by spaces.' },
      );
    }
    // fetch refuses URLs with credentials: send them as HTTP Basic authentication instead.
    this.#authorization =
      parsed.username === '' && parsed.password === ''
        ? undefined
        : 'Basic ' +
          Buffer.from(
            `${decodeUserinfo(parsed.username)}:${decodeUserinfo(parsed.password)}`,
          ).toString('base64');
    parsed.username = '';
    parsed.password = '';
    parsed.hash = '';
    this.#endpoint = parsed;
    this.#origin = parsed.origin;
    this.url = parsed.origin + parsed.pathname;
    this.#caFile = path.resolve(opts.caFile);
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async stamp(data: Uint8Array): Promise<TimestampToken> {
    const fail = (message: string, hint: string, cause?: unknown): CustodyError =>
      new CustodyError('TSA.FAILED', `Time-stamping authority ${this.#origin}: ${message}`, {
        hint,
        cause,
      });
    try {
      await fs.access(this.#caFile, fs.constants.R_OK);
    } catch {
      throw fail(
        'the certificate file CUSTODY_TSA_CA_FILE cannot be read, so no reply could be checked.',
        'Set CUSTODY_TSA_CA_FILE to a readable PEM file with the root certificates of the authorities.',
      );
    }
    return withTempDir(async (dir) => {
      await fs.writeFile(path.join(dir, 'data'), data, { mode: 0o600 });
      const query = await openssl(
        ['ts', '-query', '-data', 'data', '-sha256', '-cert', '-out', 'q.tsq'],
        dir,
      );
      if (!query.ok)
        throw fail(`openssl could not make the query (${query.reason}).`, HINT_OPENSSL);

      const response = await this.#post(await fs.readFile(path.join(dir, 'q.tsq')), fail);
      await fs.writeFile(path.join(dir, 'r.tsr'), response, { mode: 0o600 });

      const verified = await openssl(
        ['ts', '-verify', '-queryfile', 'q.tsq', '-in', 'r.tsr', '-CAfile', this.#caFile],
        dir,
      );
      if (!verified.ok) {
        const problem = explainVerifyFailure(verified);
        throw fail(problem.message, problem.hint);
      }
      const genTime = await readGenTime(dir, 'r.tsr');
      if (typeof genTime === 'string') throw fail(genTime, HINT_ENDPOINT);
      return { tsaUrl: this.url, genTime, response };
    });
  }

  /** POSTs the query; follows a few redirects to http(s) only; returns the capped body. */
  async #post(
    query: Buffer,
    fail: (message: string, hint: string, cause?: unknown) => CustodyError,
  ): Promise<Buffer> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    let target = new URL(this.#endpoint);
    try {
      for (let hop = 0; ; hop++) {
        const headers: Record<string, string> = {
          'Content-Type': 'application/timestamp-query',
          Accept: 'application/timestamp-reply',
        };
        // Credentials go only to the configured origin, never to wherever a redirect points.
        if (this.#authorization !== undefined && target.origin === this.#origin) {
          headers['Authorization'] = this.#authorization;
        }
        const res = await fetch(target, {
          method: 'POST',
          body: query,
          headers,
          redirect: 'manual',
          signal,
        });
        if (res.status >= 300 && res.status < 400 && res.headers.has('location')) {
          await res.body?.cancel();
          const location = res.headers.get('location') ?? '';
          let next: URL;
          try {
            next = new URL(location, target);
          } catch {
            throw fail(`redirected to an invalid address (HTTP ${res.status}).`, HINT_ENDPOINT);
          }
          if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            throw fail(
              `redirected to a non-http(s) address (${next.protocol}); refused.`,
              HINT_ENDPOINT,
            );
          }
          if (hop >= MAX_REDIRECTS) throw fail('too many redirects.', HINT_ENDPOINT);
          target = next;
          continue;
        }
        if (res.status !== 200) {
          await res.body?.cancel();
          const text = printable(res.statusText, 80);
          throw fail(
            `answered HTTP ${res.status}${text === '' ? '' : ` ${text}`} instead of a time-stamp reply.`,
            res.status >= 500 ? HINT_NETWORK : HINT_ENDPOINT,
          );
        }
        const body = await readCapped(res, MAX_RESPONSE);
        if (body === null) {
          throw fail('the reply is larger than 1 MiB; refused.', HINT_ENDPOINT);
        }
        return body;
      }
    } catch (e) {
      if (e instanceof CustodyError) throw e;
      if (signal.aborted) {
        throw fail(`did not answer within ${this.#timeoutMs / 1000} s.`, HINT_NETWORK);
      }
      throw fail(`unreachable (${networkReason(e)}).`, HINT_NETWORK);
    }
  }
}

/**
 * Checks a stored time-stamp reply over `data` against the root certificates in `caFile`
 * (signature, chain, imprint; there is no query to compare a nonce with). Never throws.
 */
export async function verifyTimestamp(
  response: Buffer,
  data: Uint8Array,
  caFile: string,
): Promise<{ ok: true; genTime: Date } | { ok: false; reason: string }> {
  const ca = path.resolve(caFile);
  try {
    await fs.access(ca, fs.constants.R_OK);
  } catch {
    return { ok: false, reason: 'the CA certificate file cannot be read' };
  }
  try {
    return await withTempDir(async (dir) => {
      await fs.writeFile(path.join(dir, 'data'), data, { mode: 0o600 });
      await fs.writeFile(path.join(dir, 'r.tsr'), response, { mode: 0o600 });
      const verified = await openssl(
        ['ts', '-verify', '-data', 'data', '-in', 'r.tsr', '-CAfile', ca],
        dir,
      );
      if (!verified.ok) return { ok: false, reason: explainVerifyFailure(verified).reason };
      const genTime = await readGenTime(dir, 'r.tsr');
      if (typeof genTime === 'string') return { ok: false, reason: genTime };
      return { ok: true, genTime };
    });
  } catch (e) {
    return {
      ok: false,
      reason: `could not run the check: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

function decodeUserinfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'custody-tsa-'));
  try {
    await fs.chmod(dir, 0o700);
    return await work(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function readCapped(res: Response, cap: number): Promise<Buffer | null> {
  const declared = res.headers.get('content-length');
  if (declared !== null && Number(declared) > cap) {
    await res.body?.cancel();
    return null;
  }
  if (res.body === null) return Buffer.alloc(0);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function networkReason(e: unknown): string {
  // undici: TypeError('fetch failed') with the socket error as cause.
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && cur instanceof Error; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (cur.cause === undefined) break;
    cur = cur.cause;
  }
  const last = cur instanceof Error ? cur.message : String(cur);
  return printable(last, 120) || 'network error';
}

type OpensslResult = { ok: true; stdout: string } | { ok: false; reason: string; stderr: string };

/** openssl without a shell, with only PATH in its environment, a timeout and capped output. */
function openssl(args: string[], cwd: string): Promise<OpensslResult> {
  return new Promise((resolve) => {
    execFile(
      'openssl',
      args,
      {
        cwd,
        env: OPENSSL_ENV,
        timeout: OPENSSL_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: OPENSSL_MAX_OUTPUT,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        const err = scrub(stderr, cwd);
        if (error === null) {
          resolve({ ok: true, stdout });
          return;
        }
        const code = (error as { code?: unknown }).code;
        let reason: string;
        if (code === 'ENOENT') reason = 'openssl is not installed';
        else if (error.killed)
          reason = `openssl did not finish within ${OPENSSL_TIMEOUT_MS / 1000} s`;
        else if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') reason = 'openssl printed too much';
        else reason = opensslReasons(err).join('; ') || `openssl exit status ${String(code)}`;
        resolve({ ok: false, reason, stderr: err });
      },
    );
  });
}

/** The reason parts of OpenSSL 3 error lines ("…:error:…:lib:func:reason:file:line:detail"). */
function opensslReasons(stderr: string): string[] {
  const out: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]*):[^:]*:\d+:?(.*)$/.exec(line.trim());
    if (m === null) {
      if (/^Error /.test(line.trim())) out.push(line.trim());
      continue;
    }
    const reason = (m[1] ?? '').trim();
    const detail = (m[2] ?? '').trim();
    const text = detail === '' ? reason : `${reason}: ${detail}`;
    if (text !== '' && !out.includes(text)) out.push(text);
  }
  return out.map((s) => printable(s, 300)).filter((s) => s !== '');
}

function explainVerifyFailure(result: { reason: string; stderr: string }): {
  message: string;
  hint: string;
  reason: string;
} {
  const e = result.stderr;
  if (/ts_check_status_info|no time stamp token/.test(e)) {
    const status = /status code: (.*)$/m.exec(e)?.[1] ?? '';
    const said = printable(status, 300);
    return {
      message: `did not grant a timestamp${said === '' ? '' : ` (${said})`}.`,
      hint: HINT_ENDPOINT,
      reason: `the authority did not grant a timestamp${said === '' ? '' : ` (${said})`}`,
    };
  }
  if (/Error loading file|X509_load_cert/.test(e)) {
    return {
      message: 'the certificate file CUSTODY_TSA_CA_FILE could not be loaded.',
      hint: 'Set CUSTODY_TSA_CA_FILE to a PEM file with the root certificates of the authorities.',
      reason: 'the CA certificate file could not be loaded',
    };
  }
  if (/Type=TS_RESP|asn1|d2i|wrong tag|not enough data|too long/i.test(e)) {
    return {
      message: 'the reply is not an RFC 3161 time-stamp reply.',
      hint: HINT_ENDPOINT,
      reason: 'not an RFC 3161 time-stamp reply',
    };
  }
  if (/signer certificate not found/.test(e)) {
    return {
      message: "the reply does not include the authority's certificate, so it cannot be checked.",
      hint: HINT_ENDPOINT,
      reason: "the reply does not include the authority's certificate",
    };
  }
  if (/certificate verify error|Verify error|ess cert/i.test(e)) {
    const detail = /Verify error:(.*)$/m.exec(e)?.[1]?.trim() ?? opensslReasons(e)[0] ?? '';
    return {
      message: `the signature or certificate is not trusted by CUSTODY_TSA_CA_FILE (${printable(detail, 200)}).`,
      hint: HINT_CA,
      reason: `signature or certificate not trusted by the CA file (${printable(detail, 200)})`,
    };
  }
  if (/message imprint mismatch/.test(e)) {
    return {
      message: 'the reply is for different data (message imprint mismatch).',
      hint: HINT_TAMPER,
      reason: 'message imprint mismatch: the timestamp is for different data',
    };
  }
  if (/nonce mismatch/.test(e)) {
    return {
      message: 'the reply does not answer this request (nonce mismatch).',
      hint: HINT_TAMPER,
      reason: 'nonce mismatch',
    };
  }
  if (/signature failure/.test(e)) {
    return {
      message: 'the signature on the reply is not valid.',
      hint: HINT_TAMPER,
      reason: 'the signature is not valid',
    };
  }
  return {
    message: `the reply failed verification (${result.reason}).`,
    hint: HINT_ENDPOINT,
    reason: result.reason,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Time stamp: Nov 23 13:00:00[.123] 2026 GMT` from `openssl ts -reply -text`, as UTC. */
export function parseOpensslTime(text: string): Date | null {
  const m =
    /^Time stamp: ([A-Z][a-z]{2}) +(\d{1,2}) +(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))? +(\d{4}) GMT\s*$/m.exec(
      text,
    );
  if (m === null) return null;
  const [, mon = '', d = '', h = '', min = '', s = '', frac = '', y = ''] = m;
  const month = MONTHS.indexOf(mon);
  if (month < 0) return null;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const [year, day, hour, minute, second] = [y, d, h, min, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  // GeneralizedTime allows a leap second (60); a Date does not: clamp it.
  const t = new Date(Date.UTC(year, month, day, hour, minute, Math.min(second, 59), ms));
  if (
    t.getUTCFullYear() !== year ||
    t.getUTCMonth() !== month ||
    t.getUTCDate() !== day ||
    t.getUTCHours() !== hour ||
    t.getUTCMinutes() !== minute
  ) {
    return null;
  }
  return t;
}

async function readGenTime(dir: string, file: string): Promise<Date | string> {
  const text = await openssl(['ts', '-reply', '-in', file, '-text'], dir);
  if (!text.ok) return `the reply could not be read (${text.reason}).`;
  const t = parseOpensslTime(text.stdout);
  return t ?? 'the time in the reply could not be read.';
}

/** Drops our temporary directory from openssl's messages, whatever it refers to. */
function scrub(text: string, dir: string): string {
  return text.split(`${dir}/`).join('').split(dir).join('.');
}

function printable(text: string, max: number): string {
  const clean = text
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
