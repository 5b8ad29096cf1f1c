/**
 * Times on a video's timeline (seconds, shown as m:ss.s) and wall-clock times entered with an
 * explicit UTC offset (an incident happened in the prison's time zone, not the reader's).
 */

/** m:ss.s, or h:mm:ss.s from an hour on; tenths of a second, rounded down. */
export function formatTime(seconds: number): string {
  const tenths = Math.floor(Math.max(0, seconds) * 10 + 1e-6);
  const h = Math.floor(tenths / 36_000);
  const m = Math.floor((tenths % 36_000) / 600);
  const s = (tenths % 600) / 10;
  const ss = s.toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * Reads "m:ss.s", "h:mm:ss.s" or plain seconds ("75.5"); a comma may stand for the decimal
 * point. Null for anything else, and for negative or absurd values.
 */
export function parseTime(text: string): number | null {
  const t = text.trim().replace(',', '.');
  const match = /^(?:(\d{1,3}):)?(?:(\d{1,4}):)?(\d+(?:\.\d*)?)$/.exec(t);
  if (match === null) return null;
  const [, a, b, c] = match;
  let seconds = Number(c);
  if (b !== undefined) {
    // h:m:s
    if (seconds >= 60 || Number(b) >= 60) return null;
    seconds += Number(b) * 60 + Number(a) * 3600;
  } else if (a !== undefined) {
    // m:s
    if (seconds >= 60) return null;
    seconds += Number(a) * 60;
  }
  return Number.isFinite(seconds) && seconds <= 1e7 ? seconds : null;
}

/** Offsets in minutes east of UTC that time zones use (whole and half hours, and a few more). */
export const UTC_OFFSETS: readonly number[] = [
  ...Array.from({ length: (14 + 12) * 2 + 1 }, (_, i) => -12 * 60 + i * 30),
  5 * 60 + 45,
  8 * 60 + 45,
  12 * 60 + 45,
].sort((x, y) => x - y);

/** "+04:00", "-03:30" */
export function isoOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** "UTC+04:00", "UTC−03:30" (a real minus sign), "UTC" for zero. */
export function offsetLabel(minutes: number): string {
  return minutes === 0 ? 'UTC' : `UTC${isoOffset(minutes).replace('-', '\u2212')}`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The offset of this browser's time zone at a datetime-local value (or now). */
export function browserOffset(local?: string): number {
  const d = local !== undefined && LOCAL.test(local) ? new Date(local) : new Date();
  return Number.isNaN(d.getTime()) ? 0 : -d.getTimezoneOffset();
}

/**
 * A datetime-local value ("2020-02-18T14:30") read in the given offset, as ISO 8601 with that
 * offset ("2020-02-18T14:30:00+04:00"); null when the value is not a datetime-local value.
 */
export function localToIso(local: string, offsetMinutes: number): string | null {
  const m = LOCAL.exec(local);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s] = m;
  return `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${isoOffset(offsetMinutes)}`;
}

/** A calendar date ("2020-02-18") as the start or the end of that day in this browser's zone. */
export function dayBoundary(date: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const d = new Date(`${date}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
