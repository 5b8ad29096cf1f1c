import type { Progress } from '../core/progress.ts';
import { CustodyError, isCustodyError, type ErrorCode } from '../core/errors.ts';

/** Exit codes, one per error namespace: scripts can branch on them. Documented in docs/errors.md. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  archive: 3,
  input: 4,
  storage: 5,
  internal: 70,
  interrupted: 130,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  const ns = code.split('.')[0] ?? '';
  switch (ns) {
    case 'USAGE':
    case 'CONFIG':
      return EXIT.usage;
    case 'ARCHIVE':
      return EXIT.archive;
    case 'INGEST':
    case 'ITEM':
    case 'ACQUISITION':
    case 'BAGIT':
    case 'EXPORT':
    case 'CATALOGUE':
    case 'VERIFICATION':
    case 'ALLEGATION':
    case 'REDACTION':
    case 'RELEASE':
    case 'REQUEST':
      return code === 'INGEST.INTERRUPTED' || code === 'EXPORT.INTERRUPTED'
        ? EXIT.interrupted
        : EXIT.input;
    case 'SEAL':
      return EXIT.archive;
    case 'BLOB':
    case 'MEDIA':
      return EXIT.storage;
    default:
      return EXIT.failed;
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints an error the way the user asked for output, and returns the exit code. */
export function reportError(e: unknown, json: boolean): number {
  const known = isCustodyError(e);
  const code = known ? e.code : 'INTERNAL';
  const message = e instanceof Error ? e.message : String(e);
  const hint = known
    ? e.hint
    : 'This is a bug in Custody; please report it with the command you ran.';
  const details = known ? e.details : [];
  if (json)
    process.stderr.write(
      JSON.stringify({ error: { code, message, hint: hint ?? null, details } }) + '\n',
    );
  else
    process.stderr.write(
      [
        `error [${code}]: ${message}\n`,
        ...details
          .slice(0, 20)
          .map((d) => `  - ${d.path === null ? '' : `${d.path}: `}${d.message} (${d.code})\n`),
        details.length > 20 ? `  … and ${details.length - 20} more (see --json)\n` : '',
        hint === undefined ? '' : `  what to do: ${hint}\n`,
      ].join(''),
    );
  if (!known && e instanceof Error && e.stack !== undefined) process.stderr.write(e.stack + '\n');
  return known ? exitCodeFor(e.code) : EXIT.internal;
}

export function usageError(message: string, hint?: string): CustodyError {
  return new CustodyError('USAGE.INVALID', message, hint === undefined ? undefined : { hint });
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? String(value) : value.toFixed(1)} ${UNITS[unit] ?? 'B'}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Progress on stderr: one line redrawn in place on a terminal; JSON lines otherwise, so a
 * script or a log collector can follow long work without parsing a human format.
 */
export function progressPrinter(quiet: boolean): {
  update: (p: Progress) => void;
  end: () => void;
} {
  if (quiet) return { update: () => undefined, end: () => undefined };
  if (!process.stderr.isTTY) {
    return {
      update: (p) => process.stderr.write(JSON.stringify({ progress: p }) + '\n'),
      end: () => undefined,
    };
  }
  let drawn = false;
  return {
    update: (p) => {
      process.stderr.write('\r\x1b[2K' + progressLine(p));
      drawn = true;
    },
    end: () => {
      if (drawn) process.stderr.write('\n');
    },
  };
}

export function progressLine(p: Progress): string {
  const of = (done: number, total: number | null, fmt: (n: number) => string): string =>
    total === null ? fmt(done) : `${fmt(done)}/${fmt(total)}`;
  const parts = [
    p.phase,
    `${of(p.filesDone, p.filesTotal, (n) => n.toLocaleString('en'))} files`,
    of(p.bytesDone, p.bytesTotal, formatBytes),
    `${formatBytes(p.bytesPerSecond)}/s`,
  ];
  if (p.etaSeconds !== null && p.phase !== 'done')
    parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  if (p.probesQueued > 0) parts.push(`probed ${p.probesDone}/${p.probesQueued}`);
  return parts.join(' · ');
}
