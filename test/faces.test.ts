import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  frameTiles,
  loadHumanFaceDetector,
  mergeFaces,
  type HumanFaceDetector,
} from '../src/adapters/faces-human.ts';
import type { Archive } from '../src/archive.ts';
import { isCustodyError } from '../src/core/errors.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import type { AnalysisContext } from '../src/core/media/analysis.ts';
import { detectFaces, FACE_SAMPLE_RATE, faceTracksJson } from '../src/core/media/faces.ts';
import { eventsFor, sha256Hex } from '../src/db/custody-log.ts';
import { faceTracks, type StoredFaces } from '../src/db/faces-query.ts';
import { displayedSize } from '../src/domain/displayed-size.ts';
import {
  boxIou,
  linkFaceTracks,
  type FaceRect,
  type FaceSample,
  type TrackBox,
} from '../src/domain/face-tracks.ts';
import { makeFaceVideos, type FaceVideo } from './fixtures/face-videos.ts';
import { createTestArchive, DATABASES, tempDir } from './helpers/archive.ts';

const run = promisify(execFile);

/** A face of 10% × 18% of the frame at (x, y), scored `score`. */
const face = (x: number, y: number, score = 0.9) => ({ x, y, w: 0.1, h: 0.18, score });
const rect = (b: TrackBox): FaceRect => ({ x: b[1], y: b[2], w: b[3], h: b[4] });
const times = (n: number, rate = 3) => Array.from({ length: n }, (_, i) => i / rate);

describe('linking faces into tracks', () => {
  it('follows a moving face with one box per sample', () => {
    const samples = times(9).map((t) => ({ t, faces: [face(0.1 + t * 0.05, 0.3)] }));
    const [track, ...rest] = linkFaceTracks(samples, { rate: 3 });
    expect(rest).toEqual([]);
    expect(track?.track).toBe(0);
    expect(track?.start).toBe(0);
    expect(track?.end).toBe(2.667);
    expect(track?.boxes.map((b) => b[0])).toEqual(times(9).map((t) => Math.round(t * 1000) / 1000));
    expect(track?.boxes.every((b) => b[5] === 0.9)).toBe(true);
  });

  it('bridges a face missed for two samples with interpolated boxes (score 0)', () => {
    const samples: FaceSample[] = times(9).map((t, i) => ({
      t,
      faces: i === 4 || i === 5 ? [] : [face(0.1 + i * 0.03, 0.3)],
    }));
    const tracks = linkFaceTracks(samples, { rate: 3 });
    expect(tracks).toHaveLength(1);
    const boxes = tracks[0]?.boxes ?? [];
    expect(boxes).toHaveLength(9);
    expect(boxes[4]?.[5]).toBe(0);
    expect(boxes[5]?.[5]).toBe(0);
    // Linear between the detections at samples 3 (x 0.19) and 6 (x 0.28).
    expect(boxes[4]?.[1]).toBeCloseTo(0.22, 4);
    expect(boxes[5]?.[1]).toBeCloseTo(0.25, 4);
    expect(boxes[6]?.[5]).toBe(0.9);
  });

  it('ends a track after a longer gap (one second by default) and starts another', () => {
    const samples: FaceSample[] = times(12).map((t, i) => ({
      t,
      faces: i >= 3 && i <= 6 ? [] : [face(0.4, 0.3)],
    }));
    const tracks = linkFaceTracks(samples, { rate: 3 });
    expect(tracks.map((t) => [t.start, t.end])).toEqual([
      [0, 0.667],
      [2.333, 3.667],
    ]);
    expect(linkFaceTracks(samples, { rate: 3, maxGapSeconds: 2 })).toHaveLength(1);
  });

  it('keeps two faces crossing each other apart, even where one hides the other', () => {
    const samples: FaceSample[] = times(13).map((t, i) => {
      const a = face(0.1 + i * 0.05, 0.3, 0.9);
      const b = face(0.7 - i * 0.05, 0.32, 0.8);
      // At the crossing (samples 5 to 7) the detector sees only the face in front.
      return { t, faces: i >= 5 && i <= 7 ? [i === 6 ? a : b] : [b, a] };
    });
    const tracks = linkFaceTracks(samples, { rate: 3 });
    expect(tracks).toHaveLength(2);
    for (const track of tracks) {
      expect(track.boxes).toHaveLength(13);
      // Each track keeps moving its own way: no swap at the crossing.
      const steps = track.boxes
        .slice(1)
        .map((b, i) => Math.sign(b[1] - (track.boxes[i]?.[1] ?? 0)));
      expect(new Set(steps).size).toBe(1);
    }
  });

  it('numbers faces in order of appearance, left to right among equals', () => {
    const samples: FaceSample[] = times(6).map((t, i) => ({
      t,
      faces: [face(0.6, 0.3), face(0.1, 0.3), ...(i >= 3 ? [face(0.35, 0.5)] : [])],
    }));
    const tracks = linkFaceTracks(samples, { rate: 3 });
    expect(tracks.map((t) => [t.track, t.start, t.boxes[0]?.[1]])).toEqual([
      [0, 0, 0.1],
      [1, 0, 0.6],
      [2, 1, 0.35],
    ]);
  });

  it('drops what the detector was unsure of, and nothing else', () => {
    const samples: FaceSample[] = times(9).map((t, i) => ({
      t,
      faces: [
        // clutter believed a little for the whole video
        face(0.05, 0.7, 0.27),
        // a face that turns away: high, then low, then high again
        face(0.4, 0.3, i < 3 || i > 6 ? 0.85 : 0.3),
        // one-sample blips: one the detector was sure of, one it was not
        ...(i === 4 ? [face(0.8, 0.1, 0.8), face(0.8, 0.7, 0.35)] : []),
      ],
    }));
    const tracks = linkFaceTracks(samples, { rate: 3 });
    expect(tracks.map((t) => [t.boxes[0]?.[1], t.boxes[0]?.[2], t.boxes.length])).toEqual([
      [0.4, 0.3, 9],
      [0.8, 0.1, 1],
    ]);
  });

  it('does not let a stray detection take a face over from its own track', () => {
    // A false detection beside the face at 1 s starts a track of its own; when the face
    // reappears near it, the face's own (recent) track must win.
    const samples: FaceSample[] = times(9).map((t, i) => ({
      t,
      faces: [face(0.3 - i * 0.005, 0.2), ...(i === 3 ? [face(0.27, 0.24, 0.9)] : [])],
    }));
    const tracks = linkFaceTracks(samples, { rate: 3 });
    const long = tracks.find((t) => t.boxes.length === 9);
    expect(long?.start).toBe(0);
    expect(long?.end).toBe(2.667);
  });

  it('refuses samples out of time order', () => {
    expect(() =>
      linkFaceTracks(
        [
          { t: 1, faces: [] },
          { t: 1, faces: [] },
        ],
        { rate: 3 },
      ),
    ).toThrow(RangeError);
  });
});

describe('detector geometry', () => {
  it('tiles the long side of a frame with squares that overlap by a fifth at least', () => {
    expect(frameTiles(640, 360)).toEqual([
      { x: 0, y: 0, side: 360 },
      { x: 280, y: 0, side: 360 },
    ]);
    expect(frameTiles(360, 640)).toEqual([
      { x: 0, y: 0, side: 360 },
      { x: 0, y: 280, side: 360 },
    ]);
    expect(frameTiles(640, 240)).toHaveLength(4);
    expect(frameTiles(640, 576)).toEqual([]); // nearly square: the whole frame is a tile
    for (const [w, h] of [
      [640, 360],
      [640, 240],
      [640, 480],
      [640, 160],
    ] as const) {
      const tiles = frameTiles(w, h);
      expect(tiles.at(-1)?.x).toBe(w - h);
      for (let i = 1; i < tiles.length; i++)
        expect((tiles[i - 1]?.x ?? 0) + h - (tiles[i]?.x ?? 0)).toBeGreaterThanOrEqual(h / 5);
    }
  });

  it('merges one face seen by several passes, and keeps faces side by side', () => {
    const a = face(0.2, 0.2, 0.9);
    const aFromTile = { ...face(0.205, 0.21, 0.7), w: 0.095 };
    const aCut = { x: 0.2, y: 0.2, w: 0.05, h: 0.18, score: 0.95 }; // half a face at a tile edge
    const neighbour = face(0.3, 0.2, 0.8); // touching a: another person
    expect(mergeFaces([aFromTile, a, neighbour])).toEqual([a, neighbour]);
    expect(mergeFaces([a, aCut])).toEqual([aCut]);
  });

  it('measures the picture as displayed: square pixels, rotation applied', () => {
    const video = (extra: Record<string, unknown>) => ({
      streams: [
        { codec_type: 'video', disposition: { attached_pic: 1 }, width: 300, height: 300 },
        { codec_type: 'video', width: 704, height: 576, ...extra },
      ],
    });
    expect(displayedSize(video({}))).toEqual({ width: 704, height: 576 });
    expect(displayedSize(video({ sample_aspect_ratio: '12:11' }))).toEqual({
      width: 768,
      height: 576,
    });
    expect(displayedSize(video({ side_data_list: [{ rotation: -90 }] }))).toEqual({
      width: 576,
      height: 704,
    });
    expect(displayedSize(video({ tags: { rotate: '270' } }))).toEqual({ width: 576, height: 704 });
    expect(displayedSize(video({ side_data_list: [{ rotation: 180 }] }))).toEqual({
      width: 704,
      height: 576,
    });
    expect(displayedSize(video({ sample_aspect_ratio: '0:1' }))).toEqual({
      width: 704,
      height: 576,
    });
    expect(displayedSize({ streams: [{ codec_type: 'audio' }] })).toBeNull();
    expect(displayedSize({ streams: [{ codec_type: 'video', width: -1, height: 5 }] })).toBeNull();
  });
});

// --- The real detector on real videos ---------------------------------------------------------

let dir: string;
let videos: FaceVideo[];
let preloaded: HumanFaceDetector;

beforeAll(async () => {
  dir = await tempDir('faces');
  videos = (await makeFaceVideos(path.join(dir, 'drive'))).filter((v) => v.role !== 'fractal');
  await fs.rm(path.join(dir, 'drive', 'fractal.mp4'), { force: true });
  // A phone's portrait recording: the stream is stored turned a quarter, and a rotation flag
  // tells players to turn it back. This one displays as pan-1 does.
  const pan = videos.find((v) => v.name === 'pan-1.mp4');
  if (pan === undefined) throw new Error('pan-1.mp4 missing');
  const stored = path.join(dir, 'turned.mp4');
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    pan.file,
    '-vf',
    'transpose=1',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    stored,
  ]);
  const file = path.join(dir, 'drive', 'portrait-1.mp4');
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    stored,
    '-c',
    'copy',
    '-metadata:s:v:0',
    'rotate=90',
    file,
  ]);
  videos.push({ ...pan, name: 'portrait-1.mp4', file });
  await fs.writeFile(path.join(dir, 'drive', 'notes.txt'), 'not a video\n');
  // Everything offline: loading must not touch the network (Node's fetch is the only way out).
  const realFetch = globalThis.fetch;
  globalThis.fetch = () => Promise.reject(new Error('the face detector tried to use the network'));
  try {
    preloaded = await loadHumanFaceDetector();
  } finally {
    globalThis.fetch = realFetch;
  }
}, 120_000);

afterAll(async () => {
  preloaded.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

function job(signal = new AbortController().signal) {
  const reports: { fraction: number; detail: string | undefined }[] = [];
  const context: AnalysisContext = {
    signal,
    progress: (fraction, detail) => reports.push({ fraction, detail }),
  };
  return { context, reports };
}

/**
 * The track that follows a true face best, and in what share of the samples where all faces
 * are on screen its boxes (detected or interpolated) overlap that face.
 */
function coverage(stored: StoredFaces, video: FaceVideo, index: number) {
  let best = { track: 0, share: 0, start: Infinity, end: -Infinity };
  for (const t of stored.tracks) {
    let hits = 0;
    let samples = 0;
    for (const b of t.boxes) {
      const truth = video.truth(b[0]);
      const f = truth.length === video.faces ? truth[index] : undefined;
      if (f === undefined) continue;
      samples += 1;
      if (boxIou(f, rect(b)) >= 0.3) hits += 1;
    }
    const share = samples === 0 ? 0 : hits / samples;
    if (share > best.share) best = { track: t.track, share, start: t.start, end: t.end };
  }
  return best;
}

describe.each(DATABASES)('faces in real videos on %s', (database) => {
  let archive: Archive;
  const items = new Map<string, string>();
  const stored = new Map<string, StoredFaces | null>();
  // The whole set once on PGlite; the storage paths on the server with the two special clips.
  const analysed = () =>
    videos.filter((v) => database === 'pglite' || v.role === 'covered' || v.role === 'no-faces');

  beforeAll(async () => {
    ({ archive } = await createTestArchive(database));
    await ingest(archive, { source: path.join(dir, 'drive'), acquisition: { name: 'Faces' } });
    const rows = await archive.db
      .selectFrom('item')
      .innerJoin('sighting', 'sighting.item_id', 'item.id')
      .select(['item.id', 'sighting.path_display'])
      .execute();
    for (const r of rows) items.set(r.path_display, r.id);
    for (const v of analysed()) {
      const id = items.get(v.name) ?? '';
      await detectFaces(archive, id, job().context);
      stored.set(v.name, await faceTracks(archive.db, id));
    }
  }, 240_000);

  afterAll(async () => {
    await archive.close();
  });

  it('finds every face as one track that lasts the whole video', () => {
    for (const v of analysed()) {
      const s = stored.get(v.name);
      expect(s, v.name).not.toBeNull();
      expect(s?.rate).toBe(FACE_SAMPLE_RATE);
      expect(s?.frames, v.name).toBe(v.seconds * FACE_SAMPLE_RATE);
      expect(s?.detector).toMatch(/^human 3\.3\.6 blazeface \(wasm\)/);
      expect(s?.tracks.length, v.name).toBe(v.faces);
      if (s == null) continue;
      for (let i = 0; i < v.faces; i++) {
        const c = coverage(s, v, i);
        expect(c.share, `${v.name} face ${String(i)}`).toBeGreaterThanOrEqual(0.9);
        expect(c.start, `${v.name} face ${String(i)}`).toBeLessThanOrEqual(1 / FACE_SAMPLE_RATE);
        expect(c.end, `${v.name} face ${String(i)}`).toBeGreaterThanOrEqual(
          v.seconds - 2 / FACE_SAMPLE_RATE,
        );
      }
    }
  });

  it('keeps a face hidden for 0.7 s in one track, boxes interpolated across the gap', () => {
    const v = videos.find((x) => x.role === 'covered');
    const s = v === undefined ? null : stored.get(v.name);
    if (v === undefined || s == null) throw new Error('covered clip not analysed');
    const c = coverage(s, v, 0);
    const track = s.tracks.find((t) => t.track === c.track);
    expect(track?.boxes).toHaveLength(v.seconds * FACE_SAMPLE_RATE);
    const hidden = track?.boxes.filter((b) => b[5] === 0).map((b) => b[0]);
    expect(hidden).toEqual([3, 3.333]);
  });

  it('records a run with no tracks for a video without faces', async () => {
    const v = videos.find((x) => x.role === 'no-faces');
    const id = items.get(v?.name ?? '') ?? '';
    expect(stored.get(v?.name ?? '')).toMatchObject({ tracks: [], frames: 18 });
    const rows = await archive.db
      .selectFrom('face_track')
      .select('track')
      .where('item_id', '=', id)
      .execute();
    expect(rows).toEqual([]);
  });

  it('announces each run with a custody event that hashes the tracks', async () => {
    for (const v of analysed()) {
      const id = items.get(v.name) ?? '';
      const events = (await eventsFor(archive.db, 'item', id)).filter(
        (e) => e.action === 'faces.detected',
      );
      expect(events).toHaveLength(1);
      const s = stored.get(v.name);
      expect(events[0]?.payload).toMatchObject({
        detector: s?.detector,
        rate: FACE_SAMPLE_RATE,
        frames: s?.frames,
        tracks: s?.tracks.length,
        sha256: sha256Hex(faceTracksJson(s?.tracks ?? [])),
      });
    }
  });

  it('re-runs idempotently: the same tracks replace the old ones, and the run is logged again', async () => {
    const v = videos.find((x) => x.role === 'covered');
    const id = items.get(v?.name ?? '') ?? '';
    const { context, reports } = job();
    await detectFaces(archive, id, context);
    const again = await faceTracks(archive.db, id);
    expect(again?.tracks).toEqual(stored.get(v?.name ?? '')?.tracks);
    const count = await archive.db
      .selectFrom('face_track')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('item_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(v?.faces);
    const events = (await eventsFor(archive.db, 'item', id)).filter(
      (e) => e.action === 'faces.detected',
    );
    expect(events).toHaveLength(2);
    expect(events[1]?.payload['sha256']).toBe(events[0]?.payload['sha256']);
    // Progress went forward to the end, saying how far it got.
    const fractions = reports.map((r) => r.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBeGreaterThan(0.9);
    expect(reports.at(-1)?.detail).toMatch(/^18 frames, \d+ detections$/);
  });

  it('stops when the job is cancelled, storing nothing', async () => {
    const v = videos.find((x) => x.role === 'faces');
    const id = items.get(v?.name ?? '') ?? '';
    const before = await faceTracks(archive.db, id);
    const logged = (await eventsFor(archive.db, 'item', id)).length;
    const controller = new AbortController();
    controller.abort();
    await expect(detectFaces(archive, id, job(controller.signal).context)).rejects.toSatisfy(
      (e: unknown) => isCustodyError(e) && e.code === 'MEDIA.ANALYSIS_FAILED',
    );
    expect(await faceTracks(archive.db, id)).toEqual(before);
    expect(await eventsFor(archive.db, 'item', id)).toHaveLength(logged);
  });

  it('refuses items that are not videos', async () => {
    await expect(
      detectFaces(archive, items.get('notes.txt') ?? '', job().context),
    ).rejects.toSatisfy((e: unknown) => isCustodyError(e) && e.code === 'MEDIA.ANALYSIS_FAILED');
    await expect(
      detectFaces(archive, '00000000-0000-4000-8000-000000000000', job().context),
    ).rejects.toSatisfy((e: unknown) => isCustodyError(e) && e.code === 'ITEM.NOT_FOUND');
    expect(await faceTracks(archive.db, items.get('notes.txt') ?? '')).toBeNull();
  });
});
