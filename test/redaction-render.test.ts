import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import { isCustodyError } from '../src/core/errors.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { detectFaces } from '../src/core/media/faces.ts';
import type { MediaDeriver } from '../src/core/ports.ts';
import type { FaceCheck } from '../src/core/redaction/face-check.ts';
import {
  redactionPath,
  redactionPosterPath,
  renderRedaction,
} from '../src/core/redaction/render.ts';
import { verifyArchive } from '../src/core/verify.ts';
import { eventsFor } from '../src/db/custody-log.ts';
import { faceTracks } from '../src/db/faces-query.ts';
import {
  boxAt,
  EMPTY_SPEC,
  masksFromTracks,
  type Mask,
  type RedactionSpec,
} from '../src/domain/redaction.ts';
import { makeFaceVideos } from './fixtures/face-videos.ts';
import { createTestArchive, tempDir } from './helpers/archive.ts';

const run = promisify(execFile);
const SENTINEL = 'SENTINEL-7f3a9c';
/** The hostile original's picture, and so its render's (it fits in 1280 already). */
const W = 640;
const H = 360;

/**
 * An original made to leak: tags naming a place and a time, a titled video stream, a chapter, a
 * subtitle, an attached file and a second audio stream, all carrying SENTINEL. The picture is
 * a test pattern with noise (texture for the blur to remove); the first sound is a 440 Hz tone.
 */
async function hostileOriginal(dir: string): Promise<void> {
  await fs.writeFile(
    path.join(dir, 'meta.txt'),
    `;FFMETADATA1\ntitle=${SENTINEL} title\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=4000\ntitle=${SENTINEL} chapter\n`,
  );
  await fs.writeFile(
    path.join(dir, 'sub.srt'),
    `1\n00:00:01,000 --> 00:00:03,000\n${SENTINEL} subtitle\n`,
  );
  await fs.writeFile(path.join(dir, 'notes.txt'), `${SENTINEL} attachment\n`);
  await run(
    'ffmpeg',
    [
      ...['-hide_banner', '-v', 'error', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc2=s=${String(W)}x${String(H)}:r=25,noise=alls=12:allf=t`],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=44100'],
      ...['-i', 'sub.srt', '-i', 'meta.txt', '-t', '8'],
      ...['-map', '0:v', '-map', '1:a', '-map', '2:a', '-map', '3:s'],
      ...['-map_metadata', '4', '-map_chapters', '4'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-c:s', 'srt'],
      ...['-attach', 'notes.txt', '-metadata:s:t', 'mimetype=text/plain'],
      ...['-metadata', `comment=${SENTINEL} comment`],
      ...['-metadata', `location=+55.7558+037.6173/${SENTINEL}`],
      ...['-metadata', 'creation_time=2020-02-18T14:22:05Z'],
      ...['-metadata:s:v:0', `title=${SENTINEL} video`],
      ...['-metadata:s:a:1', `title=${SENTINEL} second audio`],
      path.join(dir, 'drive', 'hostile.mkv'),
    ],
    { cwd: dir },
  );
}

/** A video ffprobe reads (its index is intact) whose frames are all zeros. */
async function brokenOriginal(dir: string): Promise<void> {
  const file = path.join(dir, 'drive', 'broken.mp4');
  await run('ffmpeg', [
    ...['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=10'],
    ...['-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    ...['-movflags', '+faststart', file],
  ]);
  const bytes = await fs.readFile(file);
  bytes.fill(0, bytes.indexOf('mdat') + 4);
  await fs.writeFile(file, bytes);
}

interface Probe {
  streams: { codec_type: string; codec_name: string; tags?: Record<string, string> }[];
  format: { duration: string; tags?: Record<string, string> };
  chapters: unknown[];
}

async function probe(file: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-show_streams', '-show_format', '-show_chapters', '-of', 'json', file],
  ]);
  return JSON.parse(stdout) as Probe;
}

/** One decoded frame as 8-bit gray: at `t` seconds (accurate seek) or the `n`th frame. */
async function grayFrame(file: string, at: { t: number } | { n: number }): Promise<Buffer> {
  const { stdout } = await run(
    'ffmpeg',
    [
      ...['-v', 'error', ...('t' in at ? ['-ss', String(at.t)] : []), '-i', file],
      ...('n' in at ? ['-vf', `select=eq(n\\,${String(at.n)})`] : []),
      ...['-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    ],
    { encoding: 'buffer', maxBuffer: 64 << 20 },
  );
  expect(stdout.length).toBe(W * H);
  return stdout;
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A box in fractions as whole pixels, shrunk by `inset` on every side (edges are fuzzy). */
function pixels(box: Rect, inset = 3): Rect {
  const x = Math.ceil(box.x * W) + inset;
  const y = Math.ceil(box.y * H) + inset;
  return {
    x,
    y,
    w: Math.floor((box.x + box.w) * W) - inset - x,
    h: Math.floor((box.y + box.h) * H) - inset - y,
  };
}

function values(frame: Buffer, r: Rect): number[] {
  const out: number[] = [];
  for (let y = r.y; y < r.y + r.h; y++)
    for (let x = r.x; x < r.x + r.w; x++) out.push(frame[y * W + x] ?? 0);
  return out;
}

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

/** Mean difference between horizontal neighbours: detail, which a blur takes away. */
function roughness(frame: Buffer, r: Rect): number {
  const steps: number[] = [];
  for (let y = r.y; y < r.y + r.h; y++)
    for (let x = r.x + 1; x < r.x + r.w; x++)
      steps.push(Math.abs((frame[y * W + x] ?? 0) - (frame[y * W + x - 1] ?? 0)));
  return mean(steps);
}

/** Mean absolute difference of two frames over a region. */
function difference(a: Buffer, b: Buffer, r: Rect): number {
  const va = values(a, r);
  const vb = values(b, r);
  return mean(va.map((x, i) => Math.abs(x - (vb[i] ?? 0))));
}

/** ffmpeg's volumedetect over `from`..`to` seconds, after an optional filter (dB). */
async function loudness(file: string, from: number, to: number, filter?: string) {
  const { stderr } = await run('ffmpeg', [
    ...['-hide_banner', '-ss', String(from), '-t', String(to - from), '-i', file],
    ...[
      '-af',
      [filter, 'volumedetect'].filter((f) => f !== undefined).join(','),
      '-f',
      'null',
      '-',
    ],
  ]);
  const read = (name: string) => Number(new RegExp(`${name}: (-?[\\d.]+) dB`).exec(stderr)?.[1]);
  return { mean: read('mean_volume'), max: read('max_volume') };
}

const band = (hz: number) =>
  `bandpass=f=${String(hz)}:width_type=h:w=60,bandpass=f=${String(hz)}:width_type=h:w=60`;

function job() {
  const reports: { fraction: number; detail: string | undefined }[] = [];
  return {
    reports,
    context: {
      signal: new AbortController().signal,
      progress: (fraction: number, detail?: string) => reports.push({ fraction, detail }),
    },
  };
}

/** The opaque mask of the hostile render: moves right and grows from 1 s to 3 s. */
const AT_1 = { x: 0.05, y: 0.1, w: 0.2, h: 0.25 };
const AT_3 = { x: 0.6, y: 0.1, w: 0.3, h: 0.35 };
const MOVING: Mask = {
  id: 'moving',
  fill: 'opaque',
  start: 0.8,
  end: 3.2,
  keyframes: [
    { t: 1, ...AT_1 },
    { t: 3, ...AT_3 },
  ],
};
const BLUR_BOX = { x: 0.35, y: 0.6, w: 0.3, h: 0.3 };
const BLURRED: Mask = {
  id: 'blurred',
  fill: 'blur',
  start: 0,
  end: 8,
  keyframes: [{ t: 0, ...BLUR_BOX }],
};
const HOSTILE_SPEC: RedactionSpec = {
  masks: [MOVING, BLURRED],
  audio: [
    { start: 1, end: 2, mode: 'mute' },
    { start: 4, end: 5, mode: 'bleep' },
  ],
  cut: null,
};
/** Far from both masks: the picture there must be what the unmasked render shows. */
const UNTOUCHED = pixels({ x: 0.02, y: 0.6, w: 0.25, h: 0.35 });

describe('rendering redactions on pglite', () => {
  let dir: string;
  let archive: Archive;
  const items = new Map<string, string>();

  /** Inserts a redaction as the editor would have queued it. */
  async function redaction(itemId: string, spec: RedactionSpec, version = 1): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    await archive.db
      .insertInto('redaction')
      .values({
        id,
        item_id: itemId,
        segment_id: null,
        title: '',
        spec: JSON.stringify(spec),
        version,
        status: 'rendering',
        authors: ['editor'],
        created_by: 'editor',
        created_at: now,
        updated_by: 'editor',
        updated_at: now,
        review_note: '',
      })
      .execute();
    return id;
  }

  async function row(id: string) {
    return archive.db
      .selectFrom('redaction')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  async function rendered(itemName: string, spec: RedactionSpec) {
    const id = await redaction(items.get(itemName) ?? '', spec);
    const { context, reports } = job();
    await renderRedaction(archive, id, 1, context);
    const r = await row(id);
    return {
      id,
      row: r,
      file: redactionPath(archive.derivativesDir, id, 1),
      faceCheck: JSON.parse(r.face_check ?? 'null') as FaceCheck,
      reports,
    };
  }

  let hostile: Awaited<ReturnType<typeof rendered>>;
  let plain: Awaited<ReturnType<typeof rendered>>;

  beforeAll(async () => {
    dir = await tempDir('redaction');
    await fs.mkdir(path.join(dir, 'drive'), { recursive: true });
    await hostileOriginal(dir);
    await brokenOriginal(dir);
    await makeFaceVideos(path.join(dir, 'drive'), { only: ['pan-1.mp4'] });
    ({ archive } = await createTestArchive('pglite'));
    await ingest(archive, { source: path.join(dir, 'drive'), acquisition: { name: 'Leak' } });
    const rows = await archive.db
      .selectFrom('item')
      .innerJoin('sighting', 'sighting.item_id', 'item.id')
      .select(['item.id', 'sighting.path_display'])
      .execute();
    for (const r of rows) items.set(r.path_display, r.id);
    hostile = await rendered('hostile.mkv', HOSTILE_SPEC);
    plain = await rendered('hostile.mkv', EMPTY_SPEC);
  }, 240_000);

  afterAll(async () => {
    await archive.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('keeps one video and one audio stream of a hostile original, and nothing that names it', async () => {
    expect(hostile.row).toMatchObject({
      status: 'rendered',
      render_version: 1,
      render_error: null,
    });
    const bytes = await fs.readFile(hostile.file);
    expect(hostile.row.render_sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(Number(hostile.row.render_size)).toBe(bytes.length);
    expect(bytes.includes(SENTINEL)).toBe(false);
    const p = await probe(hostile.file);
    expect(p.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([
      ['video', 'h264'],
      ['audio', 'aac'],
    ]);
    expect(p.chapters).toEqual([]);
    const tags = [p.format.tags ?? {}, ...p.streams.map((s) => s.tags ?? {})];
    for (const t of tags) {
      const keys = Object.keys(t).map((k) => k.toLowerCase());
      for (const k of ['creation_time', 'location', 'title', 'comment'])
        expect(keys, JSON.stringify(t)).not.toContain(k);
      expect(JSON.stringify(t)).not.toMatch(/SENTINEL|x264 - core|Lavf\d/);
    }
    expect(Number(p.format.duration)).toBeCloseTo(8, 1);
    // The poster is a frame of the render, as clean as the render.
    const poster = await fs.readFile(redactionPosterPath(archive.derivativesDir, hostile.id, 1));
    expect(poster.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(poster.includes(SENTINEL)).toBe(false);
  });

  it('fills an opaque mask black where the interpolated box is, and only while it is shown', async () => {
    // -ss gives the first frame at or after t: at 0.77 s the one on screen when the mask starts
    // at 0.8 s (frames here are at 0.023 + k/25 s), and at 3.15 s the last before it ends.
    for (const t of [0.77, 1, 1.6, 2, 2.4, 3, 3.15]) {
      const frame = await grayFrame(hostile.file, { t });
      const box = boxAt(MOVING, Math.max(t, MOVING.start));
      if (box === null) throw new Error('mask not shown');
      expect(mean(values(frame, pixels(box))), `at ${String(t)} s`).toBeLessThan(24);
      // Away from both masks the picture is what the unmasked render shows.
      const before = await grayFrame(plain.file, { t });
      expect(difference(frame, before, UNTOUCHED), `at ${String(t)} s`).toBeLessThan(4);
    }
    // It moved: where it was at 1 s is picture again at 3 s, and before it starts.
    const first = pixels(AT_1);
    expect(mean(values(await grayFrame(hostile.file, { t: 3 }), first))).toBeGreaterThan(60);
    expect(mean(values(await grayFrame(hostile.file, { t: 0.5 }), first))).toBeGreaterThan(60);
    expect(mean(values(await grayFrame(hostile.file, { t: 3.5 }), pixels(AT_3)))).toBeGreaterThan(
      60,
    );
  });

  it('blurs a blur mask: the texture is gone, the picture is not black', async () => {
    const region = pixels(BLUR_BOX);
    for (const t of [0.5, 5]) {
      const blurred = await grayFrame(hostile.file, { t });
      const before = await grayFrame(plain.file, { t });
      expect(roughness(blurred, region)).toBeLessThan(roughness(before, region) * 0.4);
      expect(mean(values(blurred, region))).toBeGreaterThan(40);
      expect(difference(blurred, before, UNTOUCHED)).toBeLessThan(4);
    }
  });

  it('silences a muted range whole, and plays a tone instead of the sound in a bleeped one', async () => {
    const silent = await loudness(hostile.file, 1.03, 1.97);
    expect(silent.max).toBeLessThan(-60);
    for (const [from, to] of [
      [0.2, 0.97],
      [2.03, 3.8],
      [5.05, 7.5],
    ] as const) {
      expect(
        (await loudness(hostile.file, from, to)).mean,
        `${String(from)}–${String(to)}`,
      ).toBeGreaterThan(-30);
      expect((await loudness(hostile.file, from, to, band(1000))).max).toBeLessThan(-40);
    }
    expect((await loudness(hostile.file, 4.05, 4.95, band(1000))).mean).toBeGreaterThan(-35);
    expect((await loudness(hostile.file, 4.05, 4.95, band(440))).max).toBeLessThan(-40);
  });

  it('cuts to a segment, with masks on the original timeline', async () => {
    const mask: Mask = {
      id: 'late',
      fill: 'opaque',
      start: 2.5,
      end: 4.5,
      keyframes: [
        { t: 3, x: 0.1, y: 0.2, w: 0.2, h: 0.3 },
        { t: 4, x: 0.6, y: 0.2, w: 0.2, h: 0.3 },
      ],
    };
    const cut = await rendered('hostile.mkv', {
      masks: [mask],
      audio: [],
      cut: { start: 2, end: 5 },
    });
    const p = await probe(cut.file);
    expect(Number(p.format.duration)).toBeGreaterThan(2.95);
    expect(Number(p.format.duration)).toBeLessThan(3.1);
    // 1.5 s into the cut is 3.5 s into the original: the box is half way.
    const box = boxAt(mask, 3.5);
    if (box === null) throw new Error('mask not shown');
    expect(mean(values(await grayFrame(cut.file, { t: 1.5 }), pixels(box)))).toBeLessThan(24);
    // 0.2 s in is 2.2 s: before the mask starts.
    expect(mean(values(await grayFrame(cut.file, { t: 0.2 }), pixels(box)))).toBeGreaterThan(60);
    expect(cut.faceCheck.frames).toBe(9);
  });

  it('flags faces left in a render, on the original timeline, and none once the face tracks are masked', async () => {
    const faces = await rendered('pan-1.mp4', EMPTY_SPEC);
    expect(faces.faceCheck.rate).toBe(3);
    expect(faces.faceCheck.frames).toBe(18);
    expect(faces.faceCheck.flagged.length).toBeGreaterThanOrEqual(15);
    expect(faces.faceCheck.flagged[0]?.faces[0]?.score).toBeGreaterThanOrEqual(0.5);
    const cut = await rendered('pan-1.mp4', { ...EMPTY_SPEC, cut: { start: 2, end: 4 } });
    const times = cut.faceCheck.flagged.map((f) => f.t);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...times)).toBeLessThanOrEqual(4);

    const itemId = items.get('pan-1.mp4') ?? '';
    await detectFaces(archive, itemId, job().context);
    const tracks = await faceTracks(archive.db, itemId);
    expect(tracks?.tracks.length).toBe(3);
    const masks = masksFromTracks(tracks?.tracks ?? [], tracks?.rate ?? 3, 6);
    const masked = await rendered('pan-1.mp4', { masks, audio: [], cut: null });
    expect(masked.faceCheck.frames).toBe(18);
    expect(masked.faceCheck.flagged).toEqual([]);
    expect(masked.reports.at(-1)?.fraction).toBeGreaterThan(0.95);
    // Masks that lag half a face behind leave half faces: the check still sees them.
    const lagging = masks.map((m) => ({
      ...m,
      keyframes: m.keyframes.map((k) => ({ ...k, x: k.x + k.w / 2 })),
    }));
    const late = await rendered('pan-1.mp4', { masks: lagging, audio: [], cut: null });
    expect(late.faceCheck.flagged.length).toBeGreaterThanOrEqual(15);
  });

  it('records the render with its parent and decisions, and the archive still verifies', async () => {
    const itemId = items.get('hostile.mkv') ?? '';
    const item = await archive.db
      .selectFrom('item')
      .select('sha256')
      .where('id', '=', itemId)
      .executeTakeFirstOrThrow();
    const events = (await eventsFor(archive.db, 'item', itemId)).filter(
      (e) => e.action === 'redaction.rendered' && e.payload['redaction'] === hostile.id,
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.actor).toBe('custody');
    expect(events[0]?.payload).toEqual({
      redaction: hostile.id,
      version: 1,
      parent: item.sha256,
      sha256: hostile.row.render_sha256,
      size: Number(hostile.row.render_size),
      decisions: HOSTILE_SPEC,
      faces_flagged: hostile.faceCheck.flagged.length,
      tool: 'ffmpeg',
    });
    const report = await verifyArchive(archive);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('does nothing for a version that is no longer current, nor records one changed meanwhile', async () => {
    const itemId = items.get('hostile.mkv') ?? '';
    const logged = (await eventsFor(archive.db, 'item', itemId)).length;
    const stale = await redaction(itemId, EMPTY_SPEC, 2);
    await renderRedaction(archive, stale, 1, job().context);
    expect(await row(stale)).toMatchObject({ status: 'rendering', render_version: null });
    await expect(fs.stat(redactionPath(archive.derivativesDir, stale, 1))).rejects.toThrow();

    // The editor saves a new version while version 1 renders.
    const changing = await redaction(itemId, EMPTY_SPEC, 1);
    const real = archive.deriver;
    const deriver: MediaDeriver = {
      proxy: real.proxy.bind(real),
      poster: real.poster.bind(real),
      contactSheet: real.contactSheet.bind(real),
      watermarked: real.watermarked.bind(real),
      redact: async (...args) => {
        const made = await real.redact(...args);
        await archive.db
          .updateTable('redaction')
          .set({ version: 2, status: 'draft' })
          .where('id', '=', changing)
          .execute();
        return made;
      },
    };
    await renderRedaction({ ...archive, deriver }, changing, 1, job().context);
    expect(await row(changing)).toMatchObject({
      status: 'draft',
      version: 2,
      render_version: null,
    });
    expect(await eventsFor(archive.db, 'item', itemId)).toHaveLength(logged);
  });

  it('fails on a broken original with a message a person can read, naming no path', async () => {
    const id = await redaction(items.get('broken.mp4') ?? '', HOSTILE_SPEC);
    await expect(renderRedaction(archive, id, 1, job().context)).rejects.toSatisfy(
      (e: unknown) => isCustodyError(e) && e.code === 'MEDIA.TRANSCODE_FAILED',
    );
    const r = await row(id);
    expect(r.status).toBe('failed');
    expect(r.render_error).toMatch(/^ffmpeg could not make the redacted copy: /);
    expect(r.render_error).not.toContain(archive.dataDir);
    expect(r.render_error).not.toContain('/');
    expect(r.render_version).toBeNull();
  });

  it('streams a watermarked copy: playable, the text visible in its corners, the rest unchanged', async () => {
    const out = path.join(dir, 'watermarked.mp4');
    const name = "Shared with Ann O'Brien: 100% {pts} \\ %{localtime}";
    await pipeline(
      archive.deriver.watermarked(hostile.file, name, new AbortController().signal),
      createWriteStream(out),
    );
    const p = await probe(out);
    expect(p.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([
      ['video', 'h264'],
      ['audio', 'aac'],
    ]);
    expect(Number(p.format.duration)).toBeCloseTo(8, 0);
    expect(JSON.stringify(p.format.tags ?? {})).not.toMatch(/title|comment|Lavf\d/);
    const marked = await grayFrame(out, { n: 150 });
    const clean = await grayFrame(hostile.file, { n: 150 });
    const corner = { x: 0, y: 0, w: W / 2, h: Math.round(H * 0.12) };
    const otherCorner = {
      x: W / 2,
      y: Math.round(H * 0.88),
      w: W / 2,
      h: Math.round(H * 0.12) - 1,
    };
    expect(difference(marked, clean, corner)).toBeGreaterThan(15);
    expect(difference(marked, clean, otherCorner)).toBeGreaterThan(15);
    expect(difference(marked, clean, UNTOUCHED)).toBeLessThan(4);
  });

  it('fails the watermarked stream when ffmpeg fails or the reader goes away', async () => {
    const missing = path.join(dir, 'gone', 'v1.mp4');
    const failed = pipeline(
      archive.deriver.watermarked(missing, 'x', new AbortController().signal),
      createWriteStream(path.join(dir, 'w2.mp4')),
    );
    await expect(failed).rejects.toSatisfy(
      (e: unknown) => isCustodyError(e) && !e.message.includes(dir),
    );
    const controller = new AbortController();
    const stream = archive.deriver.watermarked(hostile.file, 'x', controller.signal);
    controller.abort();
    await expect(pipeline(stream, createWriteStream(path.join(dir, 'w3.mp4')))).rejects.toSatisfy(
      (e: unknown) => isCustodyError(e) && e.code === 'MEDIA.TRANSCODE_FAILED',
    );
  });
});
