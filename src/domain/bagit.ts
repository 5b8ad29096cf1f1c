/**
 * The text formats of BagIt 1.0 (RFC 8493), used both to write export packages and to read
 * bags handed to us. Everything here is pure: the caller reads and writes the files. What comes
 * from a bag is hostile input, so parsers refuse anything that could name a file outside the bag
 * and say which line was wrong, never echoing the path itself (it may carry a person's name).
 */

export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';

/** The manifest algorithms we can check, with the length of their hex digests. */
export const DIGEST_HEX_LENGTH = { md5: 32, sha1: 40, sha256: 64, sha512: 128 } as const;

export type BagAlgorithm = keyof typeof DIGEST_HEX_LENGTH;

export const BAG_ALGORITHMS: readonly BagAlgorithm[] = ['md5', 'sha1', 'sha256', 'sha512'];

export function isBagAlgorithm(name: string): name is BagAlgorithm {
  return Object.hasOwn(DIGEST_HEX_LENGTH, name);
}

export interface ManifestEntry {
  readonly path: string;
  readonly digest: string;
}

const BOM = '\uFEFF';

/** RFC 8493 allows LF, CR or CRLF at the end of a line in every tag file. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** A bag's text files break RFC 8493; the use case turns this into BAGIT.INVALID. */
export class BagFormatError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'BagFormatError';
    this.hint = hint;
  }
}

function invalid(message: string, hint?: string): BagFormatError {
  return new BagFormatError(message, hint);
}

// ---------------------------------------------------------------------------------------------
// bagit.txt

/**
 * bagit.txt is exactly two lines (§2.1.1). We accept the two versions in use (0.97 and 1.0) and
 * only UTF-8 without a byte-order mark: 1.0 forbids the BOM, and any other encoding would make
 * every path in the manifests mean something else.
 */
export function parseBagitTxt(text: string): { version: string; encoding: string } {
  if (text.startsWith(BOM)) throw invalid('bagit.txt starts with a byte-order mark.');
  const lines = splitLines(text);
  if (lines.length !== 2) throw invalid('bagit.txt must have exactly two lines.');
  const version = /^BagIt-Version: *(\d+\.\d+) *$/.exec(lines[0] ?? '')?.[1];
  const encoding = /^Tag-File-Character-Encoding: *(\S+) *$/.exec(lines[1] ?? '')?.[1];
  if (version === undefined) throw invalid('bagit.txt line 1 is not "BagIt-Version: M.N".');
  if (encoding === undefined)
    throw invalid('bagit.txt line 2 is not "Tag-File-Character-Encoding: ENCODING".');
  if (version !== '1.0' && version !== '0.97')
    throw invalid(`BagIt version ${version} is not supported.`, 'Versions 0.97 and 1.0 are.');
  if (encoding.toUpperCase() !== 'UTF-8')
    throw invalid('Tag files must be encoded in UTF-8.', 'Re-create the bag with UTF-8 tag files.');
  return { version, encoding };
}

// ---------------------------------------------------------------------------------------------
// Manifest paths

/** §2.1.3: CR, LF and % (and only those) are percent-encoded in manifest paths. */
export function encodeManifestPath(p: string): string {
  return p.replace(/[%\r\n]/g, (c) => (c === '%' ? '%25' : c === '\r' ? '%0D' : '%0A'));
}

/**
 * The inverse, in one pass so "%250A" stays the text "%0A". Other percent sequences are left
 * as they are: "%2e%2e" is a file literally named so, never "..".
 */
export function decodeManifestPath(p: string): string {
  return p.replace(/%(0[aAdD]|25)/g, (_, code: string) =>
    code === '25' ? '%' : code.toLowerCase() === '0a' ? '\n' : '\r',
  );
}

/**
 * Why a relative bag path is unsafe, or null. Beyond ".." we refuse "." and empty segments:
 * they are harmless on their own but let two different lines name the same file, which would
 * defeat the duplicate check. Backslashes count as separators for traversal because the bag
 * may be unpacked on Windows.
 */
export function unsafeBagPath(p: string): string | null {
  if (p === '') return 'the path is empty';
  if (p.includes('\0')) return 'the path contains a NUL character';
  if (p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p))
    return 'the path is absolute';
  const segments = p.split('/');
  if (segments.some((s) => s.split('\\').includes('..')))
    return 'the path has a ".." segment that leaves the bag';
  if (segments.some((s) => s === '' || s === '.')) return 'the path has an empty or "." segment';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Manifests

/**
 * Manifest lines as `sha256sum` writes them (two spaces), so a plain `sha256sum -c` also reads
 * a payload manifest whose names hold no backslash or newline.
 */
export function formatManifest(entries: Iterable<ManifestEntry>): string {
  const seen = new Set<string>();
  let out = '';
  for (const { path, digest } of entries) {
    if (!/^[0-9a-f]+$/.test(digest)) throw new TypeError('digest must be lowercase hex');
    const unsafe = unsafeBagPath(path);
    if (unsafe !== null) throw new TypeError(`unsafe manifest path: ${unsafe}`);
    if (seen.has(path)) throw new TypeError('duplicate manifest path');
    seen.add(path);
    out += `${digest}  ${encodeManifestPath(path)}\n`;
  }
  return out;
}

export interface ManifestLineError {
  /** 1-based. */
  readonly line: number;
  readonly message: string;
}

/**
 * Parses a manifest, keeping the good lines and describing each bad one, so that a validator
 * can report every problem and still check the files the good lines name. Separators are one
 * or more spaces or tabs; a `*` right after a single space is sha256sum's binary marker.
 */
export function parseManifestLenient(
  text: string,
  algorithm: string,
): { entries: ManifestEntry[]; errors: ManifestLineError[] } {
  if (!isBagAlgorithm(algorithm))
    throw invalid(`The manifest algorithm "${algorithm}" is not supported.`);
  const hexLength = DIGEST_HEX_LENGTH[algorithm];
  const entries: ManifestEntry[] = [];
  const errors: ManifestLineError[] = [];
  const firstLine = new Map<string, number>();
  splitLines(text.startsWith(BOM) ? text.slice(1) : text).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const parsed = parseManifestLine(raw, hexLength);
    if (typeof parsed === 'string') {
      errors.push({ line, message: parsed });
      return;
    }
    const earlier = firstLine.get(parsed.path);
    if (earlier !== undefined) {
      errors.push({ line, message: `the path is already listed on line ${earlier}` });
      return;
    }
    firstLine.set(parsed.path, line);
    entries.push(parsed);
  });
  return { entries, errors };
}

function parseManifestLine(raw: string, hexLength: number): ManifestEntry | string {
  // The s flag: a path may hold U+2028 and other characters that `.` would not match.
  const match = /^([0-9A-Fa-f]+)([ \t]+)(.*)$/s.exec(raw);
  if (match === null) return 'expected "<hex digest> <path>"';
  const [, hex = '', separator = '', rest = ''] = match;
  if (hex.length !== hexLength)
    return `the digest has ${hex.length} hex digits instead of ${hexLength}`;
  const encoded = separator === ' ' && rest.startsWith('*') ? rest.slice(1) : rest;
  const path = decodeManifestPath(encoded);
  const unsafe = unsafeBagPath(path);
  if (unsafe !== null) return unsafe;
  return { path, digest: hex.toLowerCase() };
}

/** Strict parse: the first bad line throws BAGIT.INVALID naming its line number. */
export function parseManifest(text: string, algorithm: string): ManifestEntry[] {
  const { entries, errors } = parseManifestLenient(text, algorithm);
  const first = errors[0];
  if (first !== undefined) throw invalid(`Manifest line ${first.line}: ${first.message}.`);
  return entries;
}

/** `manifest-sha256.txt` → payload manifest, sha256; unknown algorithms → null. */
export function parseManifestFileName(
  name: string,
): { kind: 'manifest' | 'tagmanifest'; algorithm: BagAlgorithm } | null {
  const match = /^(manifest|tagmanifest)-([a-z0-9]+)\.txt$/.exec(name);
  if (match === null) return null;
  const [, kind, algorithm = ''] = match;
  if (!isBagAlgorithm(algorithm)) return null;
  return { kind: kind === 'manifest' ? 'manifest' : 'tagmanifest', algorithm };
}

// ---------------------------------------------------------------------------------------------
// bag-info.txt

/**
 * `Label: value` lines. A value's line breaks become folded continuation lines (§2.2.2), each
 * indented by exactly one space, which parseBagInfo removes again: our values round-trip
 * exactly, and a foreign bag's folded long lines keep their break.
 */
export function formatBagInfo(fields: readonly (readonly [string, string])[]): string {
  let out = '';
  for (const [label, value] of fields) {
    if (!/^[^:\s](?:[^:\r\n]*[^:\s])?$/.test(label)) throw new TypeError('invalid bag-info label');
    out += `${label}: ${value.split(/\r\n|\r|\n/).join('\n ')}\n`;
  }
  return out;
}

/** Fields in file order; labels may repeat (§2.2.2), so this is a list, not a map. */
export function parseBagInfo(text: string): [string, string][] {
  const fields: [string, string][] = [];
  splitLines(text.startsWith(BOM) ? text.slice(1) : text).forEach((raw, index) => {
    const last = fields.at(-1);
    if (raw.startsWith(' ') || raw.startsWith('\t')) {
      if (last === undefined) {
        if (raw.trim() === '') return;
        throw invalid(`bag-info.txt line ${index + 1} continues a field that does not exist.`);
      }
      last[1] += '\n' + raw.slice(1);
      return;
    }
    if (raw.trim() === '') return;
    const colon = raw.indexOf(':');
    const label = colon < 0 ? '' : raw.slice(0, colon).trimEnd();
    if (label === '') throw invalid(`bag-info.txt line ${index + 1} is not "Label: value".`);
    const value = raw.slice(colon + 1);
    fields.push([label, value.startsWith(' ') || value.startsWith('\t') ? value.slice(1) : value]);
  });
  return fields;
}

/** Payload-Oxum (§2.2.2): `<octet count>.<file count>` of the payload. */
export function payloadOxum(bytes: number, files: number): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0 || !Number.isSafeInteger(files) || files < 0)
    throw new RangeError('Payload-Oxum counts must be non-negative integers');
  return `${bytes}.${files}`;
}

export function parseOxum(value: string): { bytes: number; files: number } | null {
  const match = /^(\d+)\.(\d+)$/.exec(value.trim());
  if (match === null) return null;
  const bytes = Number(match[1]);
  const files = Number(match[2]);
  if (!Number.isSafeInteger(bytes) || !Number.isSafeInteger(files)) return null;
  return { bytes, files };
}

// ---------------------------------------------------------------------------------------------
// Readable, portable file names

const KEEP = /[\p{L}\p{N}\p{Mn}\p{Mc}._ -]/u;
// Names Windows refuses whatever their extension; the bag may be opened there.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;
const encoder = new TextEncoder();
const utf8Length = (s: string): number => encoder.encode(s).length;

/**
 * Turns a hostile file name (already display-escaped) into one that is readable and safe on any
 * file system: letters and digits of every script survive, so do `.`, `-`, `_` and space;
 * everything else — separators, control and bidi characters, `%`, quotes — becomes `_`. The
 * result is cut to `maxBytes` of UTF-8 on a character boundary, keeping the extension, and is
 * never empty. It is not unique: callers prefix something that is (the content hash).
 */
export function safeFileName(display: string, maxBytes = 100): string {
  if (!Number.isInteger(maxBytes) || maxBytes < 8) throw new RangeError('maxBytes must be >= 8');
  let name = '';
  for (const char of display.normalize('NFC')) name += KEEP.test(char) ? char : '_';
  name = trimName(name.replace(/_+/g, '_'));
  if (WINDOWS_RESERVED.test(name)) name = '_' + name;
  if (utf8Length(name) > maxBytes) name = shorten(name, maxBytes);
  return name === '' ? 'file' : name;
}

/** Leading dots hide files, leading dashes look like options; Windows drops trailing dots and spaces. */
function trimName(name: string): string {
  return name.replace(/^[. -]+/, '').replace(/[. ]+$/, '');
}

function shorten(name: string, maxBytes: number): string {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : '';
  const keepExtension = extension !== '' && utf8Length(extension) <= Math.floor(maxBytes / 3);
  if (!keepExtension) return trimName(cutToBytes(name, maxBytes));
  const stem = trimName(cutToBytes(name.slice(0, dot), maxBytes - utf8Length(extension)));
  return stem === '' ? trimName(extension) : stem + extension;
}

/** The longest prefix of whole grapheme clusters (a letter and its accents) within maxBytes. */
function cutToBytes(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(
    text,
  )) {
    const size = utf8Length(segment);
    if (bytes + size > maxBytes) break;
    out += segment;
    bytes += size;
  }
  return out;
}
