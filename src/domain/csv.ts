/**
 * CSV as spreadsheets read it (RFC 4180): CRLF line ends, a field quoted when it holds a comma,
 * quote, CR or LF, quotes doubled inside. Opened in Excel, a file needs a byte-order mark to be
 * read as UTF-8 (Cyrillic otherwise turns to mojibake), and a cell that starts with = + - @ or a
 * tab/CR is run as a formula: such a text cell is prefixed with an apostrophe (OWASP's advice),
 * because a hostile title or quote must not run code on an investigator's machine.
 */

export const UTF8_BOM = '\uFEFF';

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvCell = string | number | null;

export function csvField(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole file: BOM, the header row, then the rows, each line ended by CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const line = (cells: readonly CsvCell[]): string => cells.map(csvField).join(',') + '\r\n';
  return UTF8_BOM + line(header) + rows.map(line).join('');
}
