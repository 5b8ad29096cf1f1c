/**
 * Reading a camera overlay: the date-time and device id that body cameras and DVRs burn into
 * the picture. OCR gets such text almost right; what it gets wrong is predictable (О for 0, З
 * for 3, В for 8, Latin for Cyrillic look-alikes), and the text has a grammar: a date-time
 * that ticks one second per second of video, and a device id like `ДОЗОР-77 №0123`. So each
 * frame's text is repaired against that grammar, and the frames then vote.
 *
 * Wall-clock times are counted in seconds since 1970 as if the camera's clock were UTC: the
 * overlay carries no time zone, and naive arithmetic is what keeps it honest.
 */

/**
 * A date-time as read, before any check: year, month, day, hour, minute, second, each the
 * digits OCR gave (a dropped digit makes a field short).
 */
export type ClockFields = readonly [string, string, string, string, string, string];

/** What one frame's OCR text says, once repaired. */
export interface OverlayText {
  /** The date-time's fields, or null when the text has none. */
  readonly clock: ClockFields | null;
  readonly device: string | null;
}

// --- characters -------------------------------------------------------------------------

/** Glyphs OCR returns for a digit (either script, either case). */
const AS_DIGIT: Readonly<Record<string, string>> = {
  ...spread('OoОоQDØ°@', '0'),
  ...spread('IlІі|!ı[]', '1'),
  ...spread('Zz', '2'),
  ...spread('Зз', '3'),
  ...spread('Чч', '4'),
  ...spread('SsЅ$', '5'),
  ...spread('бБGb', '6'),
  ...spread('TТ', '7'),
  ...spread('ВвB&ß', '8'),
  ...spread('gq', '9'),
};

/** Letters a digit is mistaken for in a word (Cyrillic: the overlays read here are Russian). */
const AS_LETTER: Readonly<Record<string, string>> = {
  '0': 'О',
  '3': 'З',
  '4': 'Ч',
  '6': 'Б',
  '8': 'В',
};

/** Latin capitals drawn exactly like Cyrillic ones, and back. */
const LATIN = 'ABCEHKMOPTXY';
const CYRILLIC = 'АВСЕНКМОРТХУ';
const TO_CYRILLIC: Readonly<Record<string, string>> = zip(LATIN, CYRILLIC);
const TO_LATIN: Readonly<Record<string, string>> = zip(CYRILLIC, LATIN);

function spread(chars: string, to: string): Record<string, string> {
  return Object.fromEntries(Array.from(chars, (c) => [c, to]));
}

function zip(from: string, to: string): Record<string, string> {
  const a = Array.from(from);
  const b = Array.from(to);
  return Object.fromEntries(a.map((c, i) => [c, b[i] ?? c]));
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isCyrillic = (c: string): boolean => /\p{Script=Cyrillic}/u.test(c);

/** Every glyph that OCR confuses with a digit, as that digit; anything else unchanged. */
export function repairDigits(text: string): string {
  return Array.from(text, (c) => AS_DIGIT[c] ?? c).join('');
}

// --- date-time ----------------------------------------------------------------------------

// Applied to a skeleton of the line: digits (look-alikes repaired), '.' for any separator,
// ' ' for space, '#' for anything else. Groups must not be cut out of longer digit runs; a
// two-digit field may have lost a digit, but then its separator must be there.
const SEP = '[. ]{0,2}';
const F2 = `(\\d{2}|\\d(?=[. ]))`;
const TIME = `[. ]{0,3}${F2}${SEP}${F2}${SEP}(\\d{1,2})(?!\\d)`;
const DATE_TIME_PATTERNS: readonly { order: 'dmy' | 'ymd'; re: RegExp }[] = [
  { order: 'ymd', re: new RegExp(`(?<!\\d)(\\d{4})${SEP}${F2}${SEP}${F2}${TIME}`) },
  { order: 'dmy', re: new RegExp(`(?<!\\d)${F2}${SEP}${F2}${SEP}(\\d{4})${TIME}`) },
];
const SEPARATORS = new Set(Array.from('-–—_.,/\\:;\'"`´=~'));

function skeleton(line: string): string {
  return Array.from(repairDigits(line), (c) =>
    isDigit(c) ? c : SEPARATORS.has(c) ? '.' : /\s/.test(c) ? ' ' : '#',
  ).join('');
}

/** Years a camera clock is believed to show (one reset to 1970 is not; one reset to 2000 is). */
const YEARS = { min: 1990, max: 2099 };

/**
 * Finds a date-time in one line of OCR text, in the layouts cameras use: DD-MM-YYYY or
 * YYYY-MM-DD (separators '-', '.', '/'), then HH:MM:SS on a 24-hour clock. Look-alike glyphs
 * are read as digits; dropped separators are tolerated. The fields are returned as read,
 * unchecked: the frames' vote decides what they mean (see clockWall for one frame alone).
 */
export function readClock(line: string): ClockFields | null {
  const shape = skeleton(line);
  let best: { fields: ClockFields; fit: number } | null = null;
  for (const { order, re } of DATE_TIME_PATTERNS) {
    const m = re.exec(shape);
    if (m === null) continue;
    const [a = '', b = '', c = '', hour = '', minute = '', second = ''] = m.slice(1, 7);
    const fields: ClockFields =
      order === 'ymd' ? [a, b, c, hour, minute, second] : [c, b, a, hour, minute, second];
    // Run-together digits can fit both layouts: the one whose fields make sense wins.
    const fit = fields.filter((f, i) => inRange(i, f)).length;
    if (best === null || fit > best.fit) best = { fields, fit };
  }
  return best?.fields ?? null;
}

const RANGES: readonly (readonly [number, number])[] = [
  [YEARS.min, YEARS.max],
  [1, 12],
  [1, 31],
  [0, 23],
  [0, 59],
  [0, 59],
];

/** Whether one field's digits (full length) are within its calendar or clock range. */
export function inRange(field: number, value: string): boolean {
  const [lo = 0, hi = 0] = RANGES[field] ?? [];
  const n = Number(value);
  return value.length === (field === 0 ? 4 : 2) && n >= lo && n <= hi;
}

/** Wall-clock seconds of fields read in full that make a real date-time, else null. */
export function clockWall(fields: ClockFields): number | null {
  if (fields.some((f, i) => f.length !== (i === 0 ? 4 : 2))) return null;
  const [y, mo, d, h, mi, s] = fields.map(Number);
  return wallSeconds(y ?? 0, mo ?? 0, d ?? 0, h ?? 0, mi ?? 0, s ?? 0);
}

/**
 * A real date-time in one line of OCR text (see readClock); impossible values (31-02, 25:00)
 * are refused, so a misread is more often a miss than a wrong time.
 * @returns wall-clock seconds, or null
 */
export function parseDateTime(line: string): number | null {
  const fields = readClock(line);
  return fields === null ? null : clockWall(fields);
}

/** The fields of wall-clock seconds, as the overlay would show them. */
export function wallFields(wall: number): ClockFields {
  const t = formatWall(wall);
  return [
    t.slice(0, 4),
    t.slice(5, 7),
    t.slice(8, 10),
    t.slice(11, 13),
    t.slice(14, 16),
    t.slice(17, 19),
  ];
}

/** Seconds for a real calendar date-time, or null for 31-02, 24:00 and the like. */
export function wallSeconds(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | null {
  if (year < YEARS.min || year > YEARS.max) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
    return null;
  return ms / 1000;
}

/** 'YYYY-MM-DD HH:MM:SS' for wall-clock seconds (the overlay_reading.start form). */
export function formatWall(wall: number): string {
  return new Date(wall * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Wall-clock seconds of a 'YYYY-MM-DD HH:MM:SS' string, or null when it is not a real one. */
export function parseWall(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (m === null) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  return wallSeconds(y ?? 0, mo ?? 0, d ?? 0, h ?? 0, mi ?? 0, s ?? 0);
}

// --- device id ----------------------------------------------------------------------------

// '№' as OCR renders it: the sign itself, N or Н with a small o / degree / e / 9, or '#'.
const NUMERO = /(?<![\p{L}\d])(?:№|[NНИ]\s?[°ºOО0EЕ9]\.?|#)\s*(?=[\dOОЗB])/u;

/**
 * The device id in one line of OCR text, repaired to its grammar: words of letters, each
 * optionally with a hyphen and digits (`ДОЗОР-77`, `ИК-7 КАМ-01`), then optionally `№` and
 * digits. Within a word the letters are letters and the digits digits, so `Д030Р-77` is
 * `ДОЗОР-77`; look-alike capitals follow the script of the unambiguous ones (Cyrillic when
 * none says). Null when the line does not have that shape.
 */
export function parseDevice(line: string): string | null {
  const upper = line.toUpperCase().replace(/[–—_~=:]/g, '-');
  const numero = NUMERO.exec(upper);
  const head = numero === null ? upper : upper.slice(0, numero.index);
  const number = numero === null ? null : digitRun(upper.slice(numero.index + numero[0].length));
  if (numero !== null && number === null) return null;
  const words = head
    .replace(/[^\p{L}\d\s-]/gu, ' ')
    .split(/\s+/)
    .map((w) => w.split('-').filter((s) => s !== ''))
    .filter((segments) => segments.length > 0);
  const script = scriptOf(words.flat().join(''));
  const repaired = words.map((segments) => repairWord(segments, script));
  // OCR noise before the id (a stray mark read as a letter) makes a short first word.
  // OCR noise around the id (a stray mark read as a letter) makes one-character words.
  const kept = repaired.filter((w) => w === null || Array.from(w).length >= 2);
  const first = kept.findIndex((w) => w !== null && Array.from(w).filter(isLetter).length >= 2);
  if (first === -1 || kept.some((w) => w === null)) return null;
  const id = [...kept.slice(first), ...(number === null ? [] : [`№${number}`])].join(' ');
  // Device ids carry a number; two letters alone are more likely noise in the scene.
  return id.length > 100 || !/\d/.test(id) ? null : id;
}

/** The leading digits of a text, look-alikes repaired; null when it starts with none. */
function digitRun(text: string): string | null {
  const run = /^[\dOoОоQDЗзЧчSs$бБGbTТВвB&Il|]+/u.exec(text.trimStart());
  if (run === null) return null;
  const digits = repairDigits(run[0]);
  return /^\d{1,12}$/.test(digits) ? digits : null;
}

type Script = 'cyrillic' | 'latin';

function scriptOf(text: string): Script {
  let cyrillic = 0;
  let latin = 0;
  for (const c of text) {
    if (!isLetter(c)) continue;
    if (isCyrillic(c)) {
      if (!(c in TO_LATIN)) cyrillic += 1;
    } else if (!(c in TO_CYRILLIC)) latin += 1;
  }
  return latin > cyrillic ? 'latin' : 'cyrillic';
}

/**
 * One word, segment by segment (split at hyphens): each is letters then digits (`ДОЗОР`, `77`,
 * `КАМ01`). The split is where the fewest characters must change into their look-alike, with a
 * prior that the first segment is a name and the ones after a hyphen are numbers, so `Д030Р`
 * becomes `ДОЗОР` and `О1` after a hyphen `01`. Null when no split fits (a letter that looks
 * like no digit where a digit must be).
 */
function repairWord(segments: readonly string[], script: Script): string | null {
  const out: string[] = [];
  for (const [i, segment] of segments.entries()) {
    const chars = Array.from(segment);
    let best: { cost: number; text: string } | null = null;
    for (let k = 0; k <= chars.length; k++) {
      const letters = chars.slice(0, k).map((c) => letterOf(c, script));
      const digits = chars.slice(k).map((c) => AS_DIGIT[c] ?? c);
      if (!letters.every(isLetter) || !digits.every(isDigit)) continue;
      const changed =
        letters.filter((c, j) => isDigit(chars[j] ?? '') && c !== chars[j]).length +
        digits.filter((c, j) => c !== chars[k + j]).length;
      const prior = i === 0 ? (k === 0 ? 1.5 : 0) : k > 0 ? 1.5 : 0;
      const cost = changed + prior;
      // Ties: a name keeps more letters, a number more digits.
      if (best === null || cost < best.cost || (cost === best.cost && i === 0))
        best = { cost, text: [...letters, ...digits].join('') };
    }
    if (best === null) return null;
    out.push(best.text);
  }
  return out.join('-');
}

function letterOf(c: string, script: Script): string {
  const letter = AS_LETTER[c] ?? c;
  if (script === 'cyrillic') return TO_CYRILLIC[letter] ?? letter;
  return TO_LATIN[letter] ?? letter;
}

// --- one frame ----------------------------------------------------------------------------

/**
 * What one frame's OCR text says: the first line with a date-time, and the first other line
 * (or the rest of that line) with a device id.
 */
export function parseOverlayText(text: string): OverlayText {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  let clock: ClockFields | null = null;
  let device: string | null = null;
  for (const line of lines) {
    const fields: ClockFields | null = clock === null ? readClock(line) : null;
    if (fields !== null) {
      clock = fields;
      // A one-line overlay: the id follows the time (or precedes it).
      device ??= parseDevice(withoutDateTime(line));
      continue;
    }
    device ??= parseDevice(line);
  }
  return { clock, device };
}

/** The line with its date-time (the longest run of digits and separators) blanked out. */
function withoutDateTime(line: string): string {
  const shape = skeleton(line);
  const m = /[\d.][\d. ]{10,}\d/.exec(shape);
  if (m === null) return '';
  return `${line.slice(0, m.index)} ${line.slice(m.index + m[0].length)}`;
}
