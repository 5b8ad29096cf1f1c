import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import { CustodyError } from '../src/core/errors.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import type { AnalysisContext } from '../src/core/media/analysis.ts';
import { correctOverlay, overlayReading, readOverlay } from '../src/core/media/overlay.ts';
import { eventsFor } from '../src/db/custody-log.ts';
import type { Gray } from '../src/domain/gray-image.ts';
import { ocrImages, worthReading } from '../src/domain/overlay-ink.ts';
import { edgeBands, findOverlayCandidates } from '../src/domain/overlay-region.ts';
import {
  decideDevice,
  decideOverlay,
  decideStart,
  editDistance,
  readingTimes,
  type FrameReading,
} from '../src/domain/overlay-vote.ts';
import {
  clockWall,
  formatWall,
  parseDateTime,
  parseDevice,
  parseOverlayText,
  parseWall,
  readClock,
  repairDigits,
  wallFields,
} from '../src/domain/overlay.ts';
import {
  makeOverlayVideos,
  OVERLAY_FIXTURES,
  type MadeFixture,
} from './fixtures/overlay-videos.ts';
import { createTestArchive, tempDir } from './helpers/archive.ts';

const at = (text: string): number => parseWall(text) ?? NaN;
const read = (text: string): string | null => {
  const wall = parseDateTime(text);
  return wall === null ? null : formatWall(wall);
};

describe('overlay grammar: date-time', () => {
  it('reads look-alike glyphs as digits where digits must be', () => {
    expect(repairDigits('2O2O-O2-I8 l4:ZZ:O5')).toBe('2020-02-18 14:22:05');
    expect(read('18-02-2O2O 14:22:O5')).toBe('2020-02-18 14:22:05');
    expect(read('I8-O2-2020 I4:22:Oб')).toBe('2020-02-18 14:22:06');
    expect(read('18-02-2020 14:22:З5')).toBe('2020-02-18 14:22:35');
    // В is read as 8 here, and 85 is no second: a misread, refused rather than guessed.
    expect(read('18-02-2020 14:22:В5')).toBeNull();
  });

  it('knows the layouts cameras use and tolerates dropped or odd separators', () => {
    expect(read('2020-03-04 09:30:11')).toBe('2020-03-04 09:30:11');
    expect(read('31.08.2023 12:34:56')).toBe('2023-08-31 12:34:56');
    expect(read('31/08/2023 12.34.56')).toBe('2023-08-31 12:34:56');
    expect(read(':: 03:07=2021 08:05:03')).toBe('2021-07-03 08:05:03');
    expect(read('18022020142205')).toBe('2020-02-18 14:22:05');
    expect(read('ls 31.08.2023 12:34:57 ^')).toBe('2023-08-31 12:34:57');
    // Run-together digits that fit both layouts: the one that makes sense wins.
    expect(readClock('0801-2020 06:01:03')).toEqual(['2020', '01', '08', '06', '01', '03']);
  });

  it('refuses impossible dates and times', () => {
    expect(read('31-02-2020 10:00:00')).toBeNull();
    expect(read('29-02-2021 10:00:00')).toBeNull();
    expect(read('29-02-2024 10:00:00')).toBe('2024-02-29 10:00:00');
    expect(read('18-02-2020 24:00:00')).toBeNull();
    expect(read('18-02-2020 14:60:00')).toBeNull();
    expect(read('18-13-2020 14:00:00')).toBeNull();
    expect(read('18-02-2820 14:00:00')).toBeNull();
    expect(parseWall('2020-02-30 00:00:00')).toBeNull();
    expect(parseWall('2020-02-18T14:22:05')).toBeNull();
  });

  it('keeps what it cannot check for the frames to vote on', () => {
    // A dropped leading zero and an impossible hour: the fields are kept, the wall is not.
    expect(readClock('9-01-2020 36:01:03')).toEqual(['2020', '01', '9', '36', '01', '03']);
    expect(clockWall(['2020', '01', '9', '06', '01', '03'])).toBeNull();
    expect(wallFields(at('2019-12-31 23:59:59'))).toEqual(['2019', '12', '31', '23', '59', '59']);
  });
});

describe('overlay grammar: device id', () => {
  it('repairs letters and digits each in their place', () => {
    expect(parseDevice('Д030Р-77 №0123')).toBe('ДОЗОР-77 №0123');
    expect(parseDevice('ДОЗОР-77 №О12З')).toBe('ДОЗОР-77 №0123');
    expect(parseDevice('3АСЛ0Н-5 №1290')).toBe('ЗАСЛОН-5 №1290');
    expect(parseDevice('6ДК-I2 N90456')).toBe('БДК-12 №0456');
    expect(parseDevice('ИК-7 КАМ-О1 №0001')).toBe('ИК-7 КАМ-01 №0001');
  });

  it('makes Latin look-alikes Cyrillic in a Cyrillic id, and leaves a Latin id Latin', () => {
    expect(parseDevice('ДOЗOP-77 №0123')).toBe('ДОЗОР-77 №0123');
    expect(parseDevice('BWC-12 N°0456')).toBe('BWC-12 №0456');
  });

  it('reads the № sign as OCR renders it, and drops noise around the id', () => {
    for (const numero of ['№', 'N°', 'Nº', 'No', 'Ne', '#', 'Н°'])
      expect(parseDevice(`ДОЗОР-77 ${numero}0123`)).toBe('ДОЗОР-77 №0123');
    expect(parseDevice('_ ДО30Р-78 #3041,')).toBe('ДОЗОР-78 №3041');
    expect(parseDevice('„г БДК:12` №0456 о:')).toBe('БДК-12 №0456');
  });

  it('refuses what is not an id', () => {
    expect(parseDevice('ee ,. ~')).toBeNull();
    expect(parseDevice('ВЫХОД')).toBeNull();
    expect(parseDevice('')).toBeNull();
    expect(parseDevice(`ДОЗОР-77 №${'1'.repeat(13)}`)).toBeNull();
  });

  it('finds both fields in one frame, on two lines or one', () => {
    const two = parseOverlayText('18-02-2020 14:22:05\nД030Р-77 №0123\n');
    expect(two.device).toBe('ДОЗОР-77 №0123');
    expect(two.clock === null ? null : clockWall(two.clock)).toBe(at('2020-02-18 14:22:05'));
    const one = parseOverlayText('18-02-2020 14:22:05  ДОЗОР-77 №0123');
    expect(one.device).toBe('ДОЗОР-77 №0123');
    expect(one.clock === null ? null : clockWall(one.clock)).toBe(at('2020-02-18 14:22:05'));
    expect(parseOverlayText('')).toEqual({ clock: null, device: null });
  });
});

/** What a camera whose clock showed `start` + `phase` at video time 0 shows at each of `times`. */
function frames(start: string, phase: number, times: readonly number[]): FrameReading[] {
  return times.map((t) => ({
    t,
    clock: wallFields(at(start) + Math.floor(phase + t)),
    device: 'ДОЗОР-77 №0123',
  }));
}

describe('overlay vote across frames', () => {
  const times = readingTimes(10, 25, 7);

  it('reads frames spread over the video, on frames, at spread fractions of a second', () => {
    expect(times[0]).toBe(0);
    expect(times).toHaveLength(7);
    for (const t of times) expect(Math.abs(t * 25 - Math.round(t * 25))).toBeLessThan(1e-6);
    const fractions = times.map((t) => t - Math.floor(t)).sort((a, b) => a - b);
    for (let i = 1; i < fractions.length; i++)
      expect((fractions[i] ?? 0) - (fractions[i - 1] ?? 0)).toBeGreaterThan(0.08);
    expect(readingTimes(0.5, 30, 7).every((t) => t < 0.5)).toBe(true);
    expect(readingTimes(null, null, 5)).toEqual([0, 1.2, 2.4, 3.6, 4.8]);
  });

  it('reconciles readings taken at different video times into the clock at time 0', () => {
    for (const phase of [0, 0.3, 0.7, 0.97]) {
      const got = decideStart(frames('2020-02-18 14:22:05', phase, times));
      expect(got?.start).toBe(at('2020-02-18 14:22:05'));
      expect(got?.ambiguous).toBe(false);
    }
    // Across midnight and the new year: the ticking clock is arithmetic, not string matching.
    expect(decideStart(frames('2019-12-31 23:59:55', 0.7, times))?.start).toBe(
      at('2019-12-31 23:59:55'),
    );
  });

  it('outvotes a misread frame and repairs fields no frame read in full', () => {
    const clean = frames('2021-07-03 08:05:59', 0.4, times);
    const misread = clean.map((f, i) =>
      i === 2 ? { ...f, clock: ['2021', '07', '03', '08', '05', '09'] as const } : f,
    );
    expect(decideStart(misread)?.start).toBe(at('2021-07-03 08:05:59'));
    // Every frame dropped the day's leading zero or misread it (6 for 0): no frame is valid.
    const broken = frames('2020-01-09 06:01:02', 0.6, times).map((f, i): FrameReading => {
      const [y = '', mo = '', , h = '', mi = '', s = ''] = f.clock ?? [];
      return { ...f, clock: [y, mo, i % 2 === 0 ? '9' : '69', h, mi, s] };
    });
    expect(broken.some((f) => f.clock !== null && clockWall(f.clock) !== null)).toBe(false);
    expect(decideStart(broken)?.start).toBe(at('2020-01-09 06:01:02'));
  });

  it('says ±1 s when no frame pins the tick', () => {
    // One reading at t = 0.5: the clock showed S at 0.5, so S or S − 1 at time 0.
    const one = decideStart([
      { t: 0.5, clock: wallFields(at('2020-02-18 14:22:05')), device: null },
      { t: 0.5, clock: wallFields(at('2020-02-18 14:22:05')), device: null },
    ]);
    expect(one?.ambiguous).toBe(true);
    expect([at('2020-02-18 14:22:04'), at('2020-02-18 14:22:05')]).toContain(one?.start);
  });

  it('believes nothing that a single frame says alone', () => {
    const lone = [
      ...frames('2020-02-18 14:22:05', 0, [0]),
      ...times.slice(1).map((t) => ({ t, clock: null, device: null })),
    ];
    expect(decideStart(lone)).toBeNull();
    expect(decideDevice(['ДОЗОР-77 №0123', null, null])).toBeNull();
  });

  it('votes the device by similarity, so each frame’s slip is outvoted', () => {
    expect(
      decideDevice(['ДОЗОР-77 №0128', 'ДОЗОР-77 №0123', 'ДОЗОР-7 №0123', 'ДОЗОР-77 №0123', null])
        ?.device,
    ).toBe('ДОЗОР-77 №0123');
    // No reading is right, but the characters that agree are.
    expect(decideDevice(['ДОЗОР-77 №0I23', 'ДОЗОР-71 №0123', 'ДОЗОР-77 №8123'])?.device).toBe(
      'ДОЗОР-77 №0123',
    );
    expect(editDistance(Array.from('ДОЗОР'), Array.from('ДОЗР'))).toBe(1);
  });

  it('gives a confidence from the agreement, 0 when nothing was read', () => {
    const clean = decideOverlay(frames('2020-02-18 14:22:05', 0.5, times));
    expect(clean).toEqual({
      start: '2020-02-18 14:22:05',
      device: 'ДОЗОР-77 №0123',
      confidence: 1,
      ambiguous: false,
    });
    const half = frames('2020-02-18 14:22:05', 0.5, times).map((f, i) =>
      i % 2 === 0 ? f : { ...f, clock: null, device: null },
    );
    const partial = decideOverlay(half);
    expect(partial.start).toBe('2020-02-18 14:22:05');
    expect(partial.confidence).toBeCloseTo(4 / 7, 3);
    expect(decideOverlay(times.map((t) => ({ t, clock: null, device: null })))).toEqual({
      start: null,
      device: null,
      confidence: 0,
      ambiguous: false,
    });
  });
});

/** A w×h picture: `fill(x, y)` per pixel. */
function picture(w: number, h: number, fill: (x: number, y: number) => number): Gray {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = fill(x, y);
  return { width: w, height: h, data };
}

/** Bright one-pixel strokes in a text-like pattern: vertical bars every 4 px, with gaps. */
const strokes = (x: number, y: number, box: { x: number; y: number; w: number; h: number }) =>
  x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h && x % 4 === 0 && x % 40 !== 0;

describe('overlay pictures', () => {
  // Deterministic noise that changes from frame to frame: the scene, darker than the text.
  const noise = (x: number, y: number, k: number): number =>
    ((x * 7919 + y * 104729 + k * 15485863) % 997) % 120;

  it('finds text that stays put while the scene moves, near an edge', () => {
    const line1 = { x: 4, y: 6, w: 150, h: 10 };
    const line2 = { x: 4, y: 20, w: 110, h: 10 };
    const frames = [0, 1, 2, 3, 4, 5, 6].map((k) => {
      // Something just as bright and text-like in the scene, somewhere else in every frame.
      const moving = { x: 40 + 30 * k, y: 90 + 7 * k, w: 90, h: 10 };
      return picture(320, 180, (x, y) =>
        strokes(x, y, line1) || strokes(x, y, line2) || strokes(x, y, moving)
          ? 250
          : noise(x, y, k),
      );
    });
    const [best] = findOverlayCandidates(frames);
    expect(best).toBeDefined();
    expect(best?.x).toBeLessThanOrEqual(4);
    expect(best?.y).toBeLessThanOrEqual(6);
    expect((best?.x ?? 0) + (best?.w ?? 0)).toBeGreaterThanOrEqual(154);
    expect((best?.y ?? 0) + (best?.h ?? 0)).toBeGreaterThanOrEqual(30);
    expect(findOverlayCandidates(frames).every((c) => c.y + c.h < 60)).toBe(true);
    expect(edgeBands(320, 180)).toHaveLength(2);
  });

  it('draws still text in every crop and drops clutter off its lines', () => {
    const text = { x: 10, y: 10, w: 100, h: 20 };
    const crops = [0, 1, 2, 3, 4].map((k) =>
      picture(140, 60, (x, y) => {
        if (strokes(x, y, text)) return 240;
        // A bright blob far below the line in one crop, and one almost as bright as the text.
        if (k === 1 && y > 45 && x > 60 && x < 70) return 230;
        return 40 + ((k * 10) % 30);
      }),
    );
    const images = ocrImages(crops, 20);
    expect(images).toHaveLength(5);
    const margin = 10;
    const inkAt = (img: Gray, x: number, y: number): boolean =>
      img.data[(y + margin) * img.width + x + margin] === 0;
    for (const img of images) {
      expect(inkAt(img, 12, 15)).toBe(true);
      expect(inkAt(img, 13, 15)).toBe(false);
      expect(worthReading(img)).toBe(true);
    }
    expect(inkAt(images[1] ?? images[0] ?? picture(1, 1, () => 0), 65, 50)).toBe(false);
    expect(worthReading(picture(100, 100, () => 255))).toBe(false);
    expect(worthReading(picture(100, 100, (x) => (x % 2 === 0 ? 0 : 255)))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Real videos, real ffmpeg and tesseract, a real archive (PGlite)

const job = (): AnalysisContext & { seen: number[] } => {
  const seen: number[] = [];
  return {
    seen,
    signal: new AbortController().signal,
    progress: (fraction) => {
      seen.push(fraction);
    },
  };
};

describe('reading the overlay of archived videos', () => {
  let archive: Archive;
  let made: MadeFixture[];
  const ids = new Map<string, string>();
  let textItem: string;

  beforeAll(async () => {
    ({ archive } = await createTestArchive('pglite'));
    const source = path.join(await tempDir('overlay'), 'drive');
    made = await makeOverlayVideos(
      source,
      OVERLAY_FIXTURES.filter((f) => f.inTest),
    );
    await fs.writeFile(path.join(source, 'notes.txt'), 'not a video\n');
    await ingest(archive, { source, acquisition: { name: 'overlay fixtures' } });
    const rows = await archive.db
      .selectFrom('item')
      .innerJoin('sighting', 'sighting.item_id', 'item.id')
      .select(['item.id', 'sighting.path_display'])
      .execute();
    for (const r of rows) ids.set(r.path_display, r.id);
    textItem = ids.get('notes.txt') ?? '';
  });

  afterAll(async () => {
    await archive.close();
  });

  const idOf = (name: string): string => ids.get(`${name}.mp4`) ?? '';

  it('reads the start second and device of every readable video, and nothing where none is', async () => {
    for (const f of made) {
      const ctx = job();
      await readOverlay(archive, idOf(f.name), ctx);
      const got = await overlayReading(archive.db, idOf(f.name));
      expect({ name: f.name, start: got?.start, device: got?.device }).toEqual({
        name: f.name,
        start: f.start,
        device: f.device,
      });
      if (f.start === null) expect(got?.confidence).toBe(0);
      else expect(got?.confidence).toBeGreaterThan(0.5);
      expect(got?.source).toBe('ocr');
      expect(ctx.seen.at(-1)).toBe(1);
    }
  });

  it('records what it read, where and from which frames, with a custody event', async () => {
    const id = idOf('mandelbrot-top-left');
    const row = await archive.db
      .selectFrom('overlay_reading')
      .select(['region', 'frames', 'ocr'])
      .where('item_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.region).toMatchObject({ x: 0 });
    expect(row.region?.y).toBeLessThan(20);
    expect(row.frames.length).toBe(7);
    expect(row.frames[0]?.t).toBe(0);
    expect(row.frames.some((f) => f.text.includes('ДОЗОР'))).toBe(true);
    expect(row.ocr).toMatchObject({ start: '2020-02-18 14:22:05', device: 'ДОЗОР-77 №0123' });
    expect(row.ocr.confidence).toBeGreaterThan(0.5);
    const events = (await eventsFor(archive.db, 'item', id)).filter(
      (e) => e.action === 'overlay.read',
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.actor).toBe('custody');
    expect(events[0]?.payload).toMatchObject({
      start: '2020-02-18 14:22:05',
      device: 'ДОЗОР-77 №0123',
      correctionKept: false,
      tool: 'tesseract',
    });
    const none = await archive.db
      .selectFrom('overlay_reading')
      .select(['region', 'ocr'])
      .where('item_id', '=', idOf('no-overlay'))
      .executeTakeFirstOrThrow();
    expect(none).toEqual({ region: null, ocr: { start: null, device: null, confidence: 0 } });
  });

  it('replaces its own reading when run again', async () => {
    const id = idOf('testsrc2-bottom-left-720p');
    const before = await overlayReading(archive.db, id);
    await readOverlay(archive, id, job());
    expect(await overlayReading(archive.db, id)).toEqual(before);
    const rows = await archive.db
      .selectFrom('overlay_reading')
      .select('item_id')
      .where('item_id', '=', id)
      .execute();
    expect(rows).toHaveLength(1);
    const events = await eventsFor(archive.db, 'item', id);
    expect(events.filter((e) => e.action === 'overlay.read')).toHaveLength(2);
  });

  it('keeps an investigator’s correction when read again, and the machine reading beside it', async () => {
    const id = idOf('photo-still-top-left');
    const fixed = await correctOverlay(
      archive,
      id,
      { start: '2020-01-09T06:01:01', device: '  ДОЗОР-77 №0777-А ' },
      'investigator@example.org',
    );
    expect(fixed).toEqual({
      start: '2020-01-09 06:01:01',
      device: 'ДОЗОР-77 №0777-А',
      confidence: 1,
      source: 'manual',
    });
    await readOverlay(archive, id, job());
    expect(await overlayReading(archive.db, id)).toEqual(fixed);
    const row = await archive.db
      .selectFrom('overlay_reading')
      .select(['ocr', 'corrected_by', 'corrected_at'])
      .where('item_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.ocr).toMatchObject({ start: '2020-01-09 06:01:02', device: 'ДОЗОР-77 №0777' });
    expect(row.corrected_by).toBe('investigator@example.org');
    expect(row.corrected_at).not.toBeNull();
    const events = await eventsFor(archive.db, 'item', id);
    const corrected = events.find((e) => e.action === 'overlay.corrected');
    expect(corrected?.actor).toBe('investigator@example.org');
    expect(corrected?.payload).toEqual({
      old: { start: '2020-01-09 06:01:02', device: 'ДОЗОР-77 №0777' },
      new: { start: '2020-01-09 06:01:01', device: 'ДОЗОР-77 №0777-А' },
    });
    expect(events.at(-1)?.payload).toMatchObject({ correctionKept: true });
  });

  it('refuses corrections that are not a real date-time or a sane device id', async () => {
    const id = idOf('cellauto-bottom-left');
    const bad = async (start: string | null, device: string | null): Promise<unknown> =>
      correctOverlay(archive, id, { start, device }, 'x').catch((e: unknown) => e);
    for (const [start, device] of [
      ['2020-02-31 10:00:00', null],
      ['2020-02-18 14:22', null],
      ['18-02-2020 14:22:05', null],
      [null, 'Д'.repeat(101)],
      [null, 'ДОЗОР\u0000'],
    ] as const) {
      const e = await bad(start, device);
      expect(e).toBeInstanceOf(CustodyError);
      expect((e as CustodyError).code).toBe('REQUEST.INVALID');
    }
    const missing = await correctOverlay(
      archive,
      '00000000-0000-4000-8000-000000000000',
      { start: null, device: null },
      'x',
    ).catch((e: unknown) => e);
    expect((missing as CustodyError).code).toBe('ITEM.NOT_FOUND');
    // Clearing both is a correction too (the investigator says: no overlay).
    expect(await correctOverlay(archive, id, { start: null, device: ' ' }, 'x')).toMatchObject({
      start: null,
      device: null,
      source: 'manual',
    });
  });

  it('reads only videos, and stops when the job is cancelled', async () => {
    const notVideo = await readOverlay(archive, textItem, job()).catch((e: unknown) => e);
    expect((notVideo as CustodyError).code).toBe('MEDIA.ANALYSIS_FAILED');
    const unknown = await readOverlay(archive, '00000000-0000-4000-8000-000000000000', job()).catch(
      (e: unknown) => e,
    );
    expect((unknown as CustodyError).code).toBe('ITEM.NOT_FOUND');
    const controller = new AbortController();
    controller.abort();
    const id = idOf('photo-pan-low-bitrate');
    const before = await eventsFor(archive.db, 'item', id);
    await expect(
      readOverlay(archive, id, { signal: controller.signal, progress: () => undefined }),
    ).rejects.toThrow();
    expect(await eventsFor(archive.db, 'item', id)).toHaveLength(before.length);
  });
});
