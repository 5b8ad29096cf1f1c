import { describe, expect, it } from 'vitest';
import {
  BAGIT_TXT,
  BagFormatError,
  decodeManifestPath,
  encodeManifestPath,
  formatBagInfo,
  formatManifest,
  parseBagInfo,
  parseBagitTxt,
  parseManifest,
  parseManifestFileName,
  parseManifestLenient,
  parseOxum,
  payloadOxum,
  safeFileName,
} from './bagit.ts';
import { displayPath } from './path-display.ts';

const SHA256_A = 'a'.repeat(64);
const SHA256_B = 'b'.repeat(64);

/** The thrown error's code and message, for asserting both at once. */
function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (e) {
    if (e instanceof BagFormatError) return { code: 'BAGIT.INVALID', message: e.message };
    throw e;
  }
  throw new Error('expected a BagFormatError');
}

describe('bagit.txt', () => {
  it('reads what we write, and version 0.97 with CRLF', () => {
    expect(parseBagitTxt(BAGIT_TXT)).toEqual({ version: '1.0', encoding: 'UTF-8' });
    expect(parseBagitTxt('BagIt-Version: 0.97\r\nTag-File-Character-Encoding: utf-8\r\n')).toEqual({
      version: '0.97',
      encoding: 'utf-8',
    });
  });
  it('refuses a BOM, other encodings, unknown versions and extra lines', () => {
    for (const text of [
      '\uFEFF' + BAGIT_TXT,
      'BagIt-Version: 1.0\nTag-File-Character-Encoding: ISO-8859-1\n',
      'BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n',
      'BagIt-Version: one\nTag-File-Character-Encoding: UTF-8\n',
      BAGIT_TXT + 'Extra: 1\n',
      '',
    ])
      expect(failure(() => parseBagitTxt(text)).code).toBe('BAGIT.INVALID');
  });
});

describe('manifest paths', () => {
  it('percent-encodes CR, LF and % only, and decodes in one pass', () => {
    expect(encodeManifestPath('data/a%b\r\nc d.txt')).toBe('data/a%25b%0D%0Ac d.txt');
    expect(decodeManifestPath('data/a%25b%0D%0Ac d.txt')).toBe('data/a%b\r\nc d.txt');
    expect(decodeManifestPath('data/%0d%0a')).toBe('data/\r\n');
    expect(decodeManifestPath('data/%250A')).toBe('data/%0A');
    expect(decodeManifestPath('data/%2e%2e/x')).toBe('data/%2e%2e/x');
  });
});

describe('manifests', () => {
  it('formats two-space lines that sha256sum reads, and parses them back', () => {
    const entries = [
      { path: 'data/Камера 01/видео.mp4', digest: SHA256_A },
      { path: 'data/line\nbreak%.txt', digest: SHA256_B },
    ];
    const text = formatManifest(entries);
    expect(text).toBe(
      `${SHA256_A}  data/Камера 01/видео.mp4\n${SHA256_B}  data/line%0Abreak%25.txt\n`,
    );
    expect(parseManifest(text, 'sha256')).toEqual(entries);
  });
  it('tolerates tabs, several spaces, the binary marker, CRLF and upper-case hex', () => {
    const text = `${'A'.repeat(32)}\tdata/a\r\n${'b'.repeat(32)}   data/b\r\n${'c'.repeat(32)} *data/c\r\n\r\n`;
    expect(parseManifest(text, 'md5')).toEqual([
      { path: 'data/a', digest: 'a'.repeat(32) },
      { path: 'data/b', digest: 'b'.repeat(32) },
      { path: 'data/c', digest: 'c'.repeat(32) },
    ]);
  });
  it('checks the digest length of each algorithm', () => {
    expect(parseManifest(`${'0'.repeat(40)}  data/x\n`, 'sha1')).toHaveLength(1);
    expect(parseManifest(`${'0'.repeat(128)}  data/x\n`, 'sha512')).toHaveLength(1);
    expect(failure(() => parseManifest(`${'0'.repeat(63)}  data/x\n`, 'sha256')).message).toBe(
      'Manifest line 1: the digest has 63 hex digits instead of 64.',
    );
    expect(failure(() => parseManifest('', 'sha3')).code).toBe('BAGIT.INVALID');
  });
  it('refuses unsafe and duplicate paths, naming the line but not the path', () => {
    const line = (path: string): string => `${SHA256_A}  ${path}\n`;
    const bad: [string, RegExp][] = [
      [`${SHA256_A}  \n`, /line 2: the path is empty/],
      [line('/etc/passwd'), /line 2: the path is absolute/],
      [line('C:/Windows/x'), /line 2: the path is absolute/],
      [line('\\\\server\\share'), /line 2: the path is absolute/],
      [line('data/../x'), /line 2: .*"\.\."/],
      [line('../../etc/passwd'), /line 2: .*"\.\."/],
      [line('data/..\\..\\x'), /line 2: .*"\.\."/],
      [line('data/./x'), /line 2: .*"\." segment/],
      [line('data//x'), /line 2: .*empty/],
      [line('data/a\0b'), /line 2: .*NUL/],
      [line('data/ok'), /line 2: the path is already listed on line 1/],
      [`nothex  data/x\n`, /line 2: expected/],
    ];
    for (const [second, pattern] of bad) {
      const { code, message } = failure(() => parseManifest(line('data/ok') + second, 'sha256'));
      expect(code).toBe('BAGIT.INVALID');
      expect(message).toMatch(pattern);
      expect(message).not.toContain('passwd');
    }
  });
  it('a lenient parse keeps the good lines and lists every bad one', () => {
    const text = `${SHA256_A}  data/a\n${SHA256_A}  data/../x\n${SHA256_B}  data/b\n${SHA256_B}  data/a\n`;
    expect(parseManifestLenient(text, 'sha256')).toEqual({
      entries: [
        { path: 'data/a', digest: SHA256_A },
        { path: 'data/b', digest: SHA256_B },
      ],
      errors: [
        { line: 2, message: 'the path has a ".." segment that leaves the bag' },
        { line: 4, message: 'the path is already listed on line 1' },
      ],
    });
  });
  it('a percent-encoded ".." is a name, not a way out', () => {
    expect(parseManifest(`${SHA256_A}  data/%2e%2e/x\n`, 'sha256')).toEqual([
      { path: 'data/%2e%2e/x', digest: SHA256_A },
    ]);
  });
  it('refuses to write what it would refuse to read', () => {
    expect(() => formatManifest([{ path: 'data/../x', digest: SHA256_A }])).toThrow(TypeError);
    expect(() => formatManifest([{ path: 'data/x', digest: SHA256_A.toUpperCase() }])).toThrow(
      TypeError,
    );
    expect(() =>
      formatManifest([
        { path: 'data/x', digest: SHA256_A },
        { path: 'data/x', digest: SHA256_B },
      ]),
    ).toThrow(TypeError);
  });
  it('knows manifest file names', () => {
    expect(parseManifestFileName('manifest-sha256.txt')).toEqual({
      kind: 'manifest',
      algorithm: 'sha256',
    });
    expect(parseManifestFileName('tagmanifest-md5.txt')).toEqual({
      kind: 'tagmanifest',
      algorithm: 'md5',
    });
    expect(parseManifestFileName('manifest-sha3.txt')).toBeNull();
    expect(parseManifestFileName('manifest-sha256.txt.bak')).toBeNull();
  });
});

describe('bag-info.txt', () => {
  it('round-trips fields, repeated labels and multi-line values by folding', () => {
    const fields: [string, string][] = [
      ['Source-Organization', 'Правозащитный центр'],
      ['External-Description', 'line one\nline two\n  indented\n'],
      ['Contact-Name', 'A'],
      ['Contact-Name', 'B'],
      ['Empty', ''],
    ];
    const text = formatBagInfo(fields);
    expect(text).toBe(
      'Source-Organization: Правозащитный центр\nExternal-Description: line one\n line two\n   indented\n \nContact-Name: A\nContact-Name: B\nEmpty: \n',
    );
    expect(parseBagInfo(text)).toEqual(fields);
  });
  it("reads another tool's folding, tabs and CRLF", () => {
    expect(parseBagInfo('Bag-Size: 1 KB\r\nDescription:\ta long\r\n\tvalue\r\n')).toEqual([
      ['Bag-Size', '1 KB'],
      ['Description', 'a long\nvalue'],
    ]);
  });
  it('refuses lines that are not fields, and labels it cannot write', () => {
    expect(failure(() => parseBagInfo('no colon here\n')).message).toMatch(/line 1/);
    expect(failure(() => parseBagInfo(' starts folded\n')).message).toMatch(/line 1/);
    expect(failure(() => parseBagInfo('A: 1\n: no label\n')).message).toMatch(/line 2/);
    expect(() => formatBagInfo([['Bad:Label', 'x']])).toThrow(TypeError);
    expect(() => formatBagInfo([['Bad\nLabel', 'x']])).toThrow(TypeError);
  });
  it('formats and parses Payload-Oxum', () => {
    expect(payloadOxum(1048576, 3)).toBe('1048576.3');
    expect(parseOxum(' 1048576.3 ')).toEqual({ bytes: 1048576, files: 3 });
    expect(parseOxum('1048576')).toBeNull();
    expect(parseOxum('-1.2')).toBeNull();
    expect(parseOxum('99999999999999999999.1')).toBeNull();
    expect(() => payloadOxum(-1, 0)).toThrow(RangeError);
  });
});

describe('safe file names', () => {
  const shown = (raw: string): string => displayPath(Buffer.from(raw));
  it('keeps letters and digits of every script', () => {
    expect(safeFileName('Камера 01 — видео.mp4')).toBe('Камера 01 _ видео.mp4');
    expect(safeFileName('cam_0123.mp4')).toBe('cam_0123.mp4');
    expect(safeFileName('_DSC0001.JPG')).toBe('_DSC0001.JPG');
    expect(safeFileName('监控录像.h264')).toBe('监控录像.h264');
  });
  it('neutralises separators, traversal, control and bidi characters', () => {
    expect(safeFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safeFileName('..\\..\\boot.ini')).toBe('_.._boot.ini');
    expect(safeFileName('a\nb')).toBe('a_b');
    expect(safeFileName(shown('a\nb'))).toBe('a_u_a_b');
    expect(safeFileName('cod\u202egpj.exe')).toBe('cod_gpj.exe');
    expect(safeFileName(shown('cod\u202egpj.exe'))).toBe('cod_u_202e_gpj.exe');
    expect(safeFileName('%2e%2e%2fsecret')).toBe('_2e_2e_2fsecret');
    expect(safeFileName('"quoted" <x>|?*:')).toBe('_quoted_ _x_');
    expect(safeFileName('-rf .bashrc')).toBe('rf .bashrc');
  });
  it('is never empty and avoids names Windows reserves', () => {
    for (const name of ['', '.', '..', '...', ' ', '-', '/'])
      expect(safeFileName(name)).not.toBe('');
    expect(safeFileName('..')).toBe('file');
    expect(safeFileName('CON.txt')).toBe('_CON.txt');
    expect(safeFileName('console.txt')).toBe('console.txt');
  });
  it('NFC-normalises', () => {
    expect(safeFileName('e\u0301te\u0301.txt')).toBe('\u00e9t\u00e9.txt');
    expect(safeFileName('й.txt'.normalize('NFD'))).toBe('й.txt');
  });
  it('cuts long names on a character boundary, keeping the extension', () => {
    const long = 'Ж'.repeat(300) + '.mp4';
    const cut = safeFileName(long);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(100);
    expect(cut).toBe('Ж'.repeat(48) + '.mp4');
    expect(safeFileName('a'.repeat(500), 20)).toBe('a'.repeat(20));
    expect(safeFileName('x'.repeat(99) + 'é.txt', 100)).toBe('x'.repeat(96) + '.txt');
    // An extension too long to keep is cut like the rest of the name.
    expect(safeFileName('a.' + 'b'.repeat(200), 30)).toBe('a.' + 'b'.repeat(28));
    // Accents stay on their letter (q with diaeresis has no precomposed form: 3 bytes).
    expect(safeFileName('q\u0308'.repeat(5), 8)).toBe('q\u0308q\u0308');
  });
});
