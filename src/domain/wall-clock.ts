/**
 * Camera overlays give wall-clock times without a zone ('2020-02-18T14:22:05'). Filters take
 * a date or a date and time in that form; a bare date means the whole day.
 *
 * @returns 'YYYY-MM-DDTHH:MM:SS', or null when the text is not such a time
 * @example wallClockBound('2020-02-18', true) // '2020-02-18T23:59:59'
 */
export function wallClockBound(text: string, endOfDay: boolean): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi, s] = m as unknown as [
    string,
    string,
    string,
    string,
    ...(string | undefined)[],
  ];
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return null;
  if (h === undefined) return `${y}-${mo}-${d}T${endOfDay ? '23:59:59' : '00:00:00'}`;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? '0') > 59) return null;
  return `${y}-${mo}-${d}T${h}:${mi ?? '00'}:${s ?? (endOfDay ? '59' : '00')}`;
}
