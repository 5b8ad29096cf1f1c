import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';
import { canonicalEvent, ChainChecker, type CustodyEvent } from './custody-event.ts';
import { uuidFromDigest } from './ids.ts';
import { guessKind, kindFromMagic, kindFromName } from './media-kind.ts';
import { kindFromProbe, summarizeProbe } from './media-summary.ts';
import { displayPath } from './path-display.ts';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: 'я' }] })).toBe(
      '{"a":[true,null,{"c":"я","d":"x"}],"b":1}',
    );
  });
  it('refuses numbers JSON cannot represent', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
  });
});

describe('safe display of raw file names', () => {
  const show = (...parts: (string | number[])[]): string =>
    displayPath(
      Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))),
    );
  it('shows valid UTF-8, Cyrillic included, as it is', () => {
    expect(show('ИК-7/Камера 01/видео.mp4')).toBe('ИК-7/Камера 01/видео.mp4');
  });
  it('escapes invalid bytes, control characters, bidi overrides and the backslash', () => {
    expect(show('bad-', [0xff, 0xfe], '.bin')).toBe('bad-\\xff\\xfe.bin');
    expect(show('a\nb\tc')).toBe('a\\u{a}b\\u{9}c');
    expect(show('cod\u202egpj.exe')).toBe('cod\\u{202e}gpj.exe');
    expect(show('a\\b')).toBe('a\\\\b');
  });
  it('rejects overlong encodings and surrogates instead of decoding them', () => {
    expect(show([0xc0, 0xaf])).toBe('\\xc0\\xaf'); // overlong "/"
    expect(show([0xed, 0xa0, 0x80])).toBe('\\xed\\xa0\\x80'); // UTF-16 surrogate
    expect(show([0xe2, 0x82])).toBe('\\xe2\\x82'); // cut short
  });
  it('is injective on what it shows: different names never look the same', () => {
    expect(show([0x5c, 0x78, 0x66, 0x66])).not.toBe(show([0xff])); // the text "\xff" vs the byte 0xff
  });
});

describe('media kinds', () => {
  it('trusts content over names', () => {
    expect(guessKind(Buffer.from('\0\0\0\x18ftypisom'), 'clip.txt')).toBe('video');
    expect(guessKind(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'x.mp4')).toBe('image');
    expect(guessKind(Buffer.from('hello'), 'notes.TXT')).toBe('document');
    expect(guessKind(Buffer.from('hello'), 'noextension')).toBe('other');
  });
  it('recognises DVR raw streams but not macOS junk that shares a start code', () => {
    expect(kindFromMagic(Buffer.from([0, 0, 0, 1, 0x67, 0x42]))).toBe('video');
    expect(kindFromMagic(Buffer.from('\0\0\0\x01Bud1'))).toBeNull();
    expect(kindFromName('CH01.264')).toBe('video');
    expect(kindFromName('archive.')).toBeNull();
  });
  it('reads the kind and a summary from ffprobe output, defensively', () => {
    const raw = {
      format: {
        format_name: 'mov,mp4',
        duration: '12.5',
        bit_rate: '1000',
        tags: {
          creation_time: '2020-02-18T14:22:05Z',
          'com.apple.quicktime.model': 'ДОЗОР-77\u0000',
        },
      },
      streams: [
        {
          index: 0,
          codec_type: 'video',
          codec_name: 'h264',
          width: 1280,
          height: 720,
          avg_frame_rate: '30000/1001',
        },
        { index: 1, codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 1 },
      ],
    };
    expect(kindFromProbe(raw)).toBe('video');
    const summary = summarizeProbe(raw);
    expect(summary).toMatchObject({
      durationSeconds: 12.5,
      width: 1280,
      height: 720,
      frameRate: 29.97,
      videoCodec: 'h264',
      audioCodec: 'aac',
      creationTime: '2020-02-18T14:22:05Z',
    });
    expect(summary.deviceTags['com.apple.quicktime.model']).toBe('ДОЗОР-77');
    expect(
      kindFromProbe({
        format: { format_name: 'png_pipe' },
        streams: [{ codec_type: 'video', codec_name: 'png' }],
      }),
    ).toBe('image');
    expect(kindFromProbe({ streams: 'garbage' })).toBeNull();
    expect(summarizeProbe({ format: 42 }).streams).toEqual([]);
  });
});

describe('the custody chain', () => {
  function chain(n: number): CustodyEvent[] {
    const events: CustodyEvent[] = [];
    let prevHash: string | null = null;
    for (let seq = 1; seq <= n; seq++) {
      const e = {
        seq,
        at: new Date(Date.UTC(2021, 2, 14, 0, 0, seq)),
        actor: 'a',
        action: 'item.ingested' as const,
        subjectType: 'item' as const,
        subjectId: `i${seq}`,
        payload: { size: seq },
        prevHash,
      };
      const hash = sha256(canonicalEvent(e));
      events.push({ ...e, hash });
      prevHash = hash;
    }
    return events;
  }
  const check = (events: CustodyEvent[]) => {
    const checker = new ChainChecker(sha256);
    events.forEach((e) => {
      checker.check(e);
    });
    return checker;
  };

  it('accepts an intact chain and reports its head', () => {
    const events = chain(5);
    const checker = check(events);
    expect(checker.problems).toEqual([]);
    expect(checker.head).toBe(events[4]?.hash);
  });
  it('names an altered event, a removed one and a reordered pair', () => {
    const altered = chain(5).map((e) => (e.seq === 3 ? { ...e, payload: { size: 999 } } : e));
    expect(check(altered).problems).toEqual([{ kind: 'hash-mismatch', seq: 3 }]);
    const removed = chain(5).filter((e) => e.seq !== 2);
    expect(check(removed).problems).toEqual([
      { kind: 'gap', seq: 3, expected: 2 },
      { kind: 'link-broken', seq: 3 },
    ]);
    const rehashed = chain(5).map((e) =>
      e.seq === 3
        ? { ...e, actor: 'mallory', hash: sha256(canonicalEvent({ ...e, actor: 'mallory' })) }
        : e,
    );
    expect(check(rehashed).problems).toEqual([{ kind: 'link-broken', seq: 4 }]); // recomputing one hash breaks the next link
  });
  it('hashes a documented, stable form', () => {
    const [first] = chain(1);
    expect(first === undefined ? '' : canonicalEvent(first)).toBe(
      '{"action":"item.ingested","actor":"a","at":"2021-03-14T00:00:01.000Z","payload":{"size":1},"prev":null,"seq":1,"subject":{"id":"i1","type":"item"},"v":1}',
    );
  });
});

describe('deterministic ids', () => {
  it('makes a well-formed version-5-style uuid from a digest', () => {
    expect(uuidFromDigest(sha256('x'))).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
