import type { I18n } from './i18n/index.tsx';

const UNITS = ['unit.B', 'unit.KB', 'unit.MB', 'unit.GB', 'unit.TB'] as const;

/** Sizes in binary multiples (1 KB = 1024 B), as file managers show them. */
export function formatSize(i18n: I18n, bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${i18n.number(value, { maximumFractionDigits: digits })} ${i18n.t(UNITS[unit] ?? 'unit.B')}`;
}

/** h:mm:ss or m:ss; null for anything that is not a finite, non-negative number. */
export function formatDuration(seconds: unknown): string | null {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return null;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** A path as file name and folder ("" for the top folder). */
export function splitPath(path: string): { name: string; folder: string } {
  const slash = path.lastIndexOf('/');
  return slash < 0
    ? { name: path, folder: '' }
    : { name: path.slice(slash + 1), folder: path.slice(0, slash) };
}
