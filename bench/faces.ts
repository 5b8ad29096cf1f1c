// Face detection benchmark (npm run bench:faces). On the test videos (test/fixtures/face-videos.ts:
// six group photos sliding and zooming, one face covered for 0.7 s, bodies without faces, a
// fractal) it measures, at the job's sampling rate:
//   - recall per sampled frame: true faces matched by a detection (IoU ≥ 0.3) / faces present,
//     and the detections that match no face;
//   - recall per track: true faces followed by one track for ≥ 90% of their samples, the
//     samples where a face lies under some track's box (what redaction would blur), and the
//     tracks that follow no face;
//   - detection speed (frames and passes per second) with and without the tiles;
// for faces of normal size (45–90 px tall in 640×360) and small ones (BENCH_SMALL, default 0.5 of
// that); then the whole job (decode, detect, link, store) on a real archive. It never asserts.
import * as fs from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadHumanFaceDetector, type HumanFaceDetector } from '../src/adapters/faces-human.ts';
import { FfmpegFrameSampler } from '../src/adapters/frames.ts';
import { initArchive } from '../src/archive.ts';
import { loadConfig } from '../src/config.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { detectFaces, FACE_SAMPLE_RATE } from '../src/core/media/faces.ts';
import { faceTracks } from '../src/db/faces-query.ts';
import { boxIou, FaceTracker, type FaceRect, type FaceTrack } from '../src/domain/face-tracks.ts';
import { makeFaceVideos, type FaceVideo } from '../test/fixtures/face-videos.ts';
import { fmt, ratio, rm } from './lib.ts';

const root = resolve(import.meta.dirname, '..');
const cfg = {
  dir: resolve(process.env.BENCH_DIR ?? join(root, 'bench', 'out'), 'faces'),
  small: Number(process.env.BENCH_SMALL ?? 0.5),
};
const env = { ...process.env, CUSTODY_ACTOR: 'bench' };
const rate = FACE_SAMPLE_RATE;
const IOU = 0.3;
const sampler = new FfmpegFrameSampler({ timeoutMs: 10 * 60_000 });

interface Tally {
  present: number;
  found: number;
  falseDetections: number;
  frames: number;
  detectSeconds: number;
  /** CPU time of this process while detecting: near the wall time on an idle core. */
  detectCpuSeconds: number;
  faces: number;
  tracked: number;
  covered: number;
  coverable: number;
  extraTracks: number;
  /** Tracks on the clips without faces (bodies; fractal). */
  noFaceTracks: number;
  fractalTracks: number;
}

const tally = (): Tally => ({
  present: 0,
  found: 0,
  falseDetections: 0,
  frames: 0,
  detectSeconds: 0,
  detectCpuSeconds: 0,
  faces: 0,
  tracked: 0,
  covered: 0,
  coverable: 0,
  extraTracks: 0,
  noFaceTracks: 0,
  fractalTracks: 0,
});

/** Matches detections to true faces one to one, best overlap first. */
function matches(truth: readonly FaceRect[], found: readonly FaceRect[]): number {
  const pairs: [number, number, number][] = [];
  truth.forEach((g, i) => {
    found.forEach((d, j) => {
      const iou = boxIou(g, d);
      if (iou >= IOU) pairs.push([iou, i, j]);
    });
  });
  pairs.sort((a, b) => b[0] - a[0]);
  const usedT = new Set<number>();
  const usedF = new Set<number>();
  for (const [, i, j] of pairs) {
    if (usedT.has(i) || usedF.has(j)) continue;
    usedT.add(i);
    usedF.add(j);
  }
  return usedT.size;
}

/** Per true face: is one track on it ≥ 90% of the time; is it under some box in each sample. */
function scoreTracks(video: FaceVideo, tracks: readonly FaceTrack[], t: Tally): void {
  if (video.role === 'no-faces') t.noFaceTracks += tracks.length;
  if (video.role === 'fractal') t.fractalTracks += tracks.length;
  if (video.faces === 0) return;
  const times = Array.from({ length: video.seconds * rate }, (_, i) => i / rate);
  const owners = new Set<number>();
  for (let face = 0; face < video.faces; face++) {
    t.faces += 1;
    let best = { track: 0, share: 0 };
    for (const track of tracks) {
      let hits = 0;
      let samples = 0;
      for (const b of track.boxes) {
        const truth = video.truth(b[0]);
        const f = truth.length === video.faces ? truth[face] : undefined;
        if (f === undefined) continue;
        samples += 1;
        if (boxIou(f, { x: b[1], y: b[2], w: b[3], h: b[4] }) >= IOU) hits += 1;
      }
      if (samples > 0 && hits / samples > best.share)
        best = { track: track.track, share: hits / samples };
    }
    if (best.share >= 0.9) t.tracked += 1;
    if (best.share > 0) owners.add(best.track);
    for (const time of times) {
      const truth = video.truth(time);
      const f = truth.length === video.faces ? truth[face] : undefined;
      if (f === undefined) continue;
      t.coverable += 1;
      const boxes = tracks.flatMap((tr) => tr.boxes.filter((b) => Math.abs(b[0] - time) < 1e-3));
      if (boxes.some((b) => boxIou(f, { x: b[1], y: b[2], w: b[3], h: b[4] }) >= IOU))
        t.covered += 1;
    }
  }
  t.extraTracks += tracks.filter((tr) => !owners.has(tr.track)).length;
}

async function measure(videos: readonly FaceVideo[], detector: HumanFaceDetector): Promise<Tally> {
  const t = tally();
  for (const video of videos) {
    const tracker = new FaceTracker({ rate });
    const frames = sampler.frames(video.file, {
      rate,
      width: 640,
      height: 360,
      pixelFormat: 'rgb24',
    });
    for await (const frame of frames) {
      const time = frame.t ?? frame.index / rate;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const faces = await detector.detect(frame);
      const cpu = process.cpuUsage(cpu0);
      t.detectSeconds += (performance.now() - t0) / 1000;
      t.detectCpuSeconds += (cpu.user + cpu.system) / 1e6;
      t.frames += 1;
      tracker.push({ t: time, faces });
      if (video.role === 'fractal') continue;
      const truth = video.truth(time);
      const found = matches(truth, faces);
      t.present += truth.length;
      t.found += found;
      t.falseDetections += faces.length - found;
    }
    scoreTracks(video, tracker.finish(), t);
  }
  return t;
}

const pct = (a: number, b: number): string => `${fmt(100 * ratio(a, b), 1)}%`;

function row(label: string, t: Tally, passes: number): string {
  const cols = [
    label.padEnd(34),
    `${pct(t.found, t.present)} (${String(t.found)}/${String(t.present)})`.padEnd(20),
    fmt(t.falseDetections / Math.max(1, t.frames), 2).padStart(6),
    `${String(t.tracked)}/${String(t.faces)}`.padStart(7),
    pct(t.covered, t.coverable).padStart(8),
    String(t.extraTracks).padStart(6),
    `${String(t.noFaceTracks)} / ${String(t.fractalTracks)}`.padStart(8),
    fmt(t.frames / t.detectSeconds, 1).padStart(7),
    fmt((1000 * t.detectSeconds) / t.frames / passes, 0).padStart(8),
    fmt((1000 * t.detectCpuSeconds) / t.frames / passes, 0).padStart(8),
  ];
  return cols.join(' ');
}

rm(cfg.dir);
fs.mkdirSync(cfg.dir, { recursive: true });
console.log(
  `custody face detection benchmark · ${String(rate)} samples/s · 640×360 · data in ${relative(process.cwd(), cfg.dir) || '.'}`,
);
let t0 = performance.now();
const normal = await makeFaceVideos(join(cfg.dir, 'normal'));
const small = await makeFaceVideos(join(cfg.dir, 'small'), { scale: cfg.small });
console.log(
  `made ${String(normal.length + small.length)} videos of ${String(normal[0]?.seconds ?? 0)} s in ${fmt((performance.now() - t0) / 1000, 1)} s`,
);
t0 = performance.now();
const tiled = await loadHumanFaceDetector();
const whole = await loadHumanFaceDetector({ tiles: false });
console.log(`detector loaded in ${fmt(performance.now() - t0, 0)} ms: ${tiled.name}`);
console.log();
console.log(
  [
    'set, detector'.padEnd(34),
    'frame recall'.padEnd(20),
    'false/f'.padStart(6),
    'tracked'.padStart(7),
    'covered'.padStart(8),
    'extra'.padStart(6),
    'no-face'.padStart(8),
    'fps'.padStart(7),
    'ms/pass'.padStart(8),
    'cpu ms'.padStart(8),
  ].join(' '),
);
for (const [name, set] of [
  ['normal faces', normal],
  [`small faces (×${String(cfg.small)})`, small],
] as const) {
  for (const detector of [tiled, whole]) {
    const passes = detector.passes(640, 360);
    const t = await measure(set, detector);
    console.log(
      row(`${name}, ${passes === 1 ? 'whole frame' : `${String(passes)} passes`}`, t, passes),
    );
  }
}
console.log(
  [
    '',
    'frame recall: true faces matched by a detection (IoU ≥ 0.3) / faces present, per sampled frame',
    'false/f: detections matching no face, per frame (before tracking drops the unsure ones)',
    'tracked: faces followed by one track for ≥ 90% of their samples; covered: face-samples under',
    'some track box (what redaction blurs); extra: tracks on no true face, in the clips with faces',
    'no-face: tracks in the clip of bodies without faces / in the fractal zoom',
    'fps: frames searched per second of detection (decode excluded); ms/pass: wall time per model',
    'pass; cpu ms: CPU time per pass (the wall time it would take on an idle core)',
  ].join('\n'),
);
tiled.dispose();
whole.dispose();

// The whole job on a real archive: decode, detect, link, store (one transaction each).
const archiveDir = join(cfg.dir, 'archive');
const archive = await initArchive(loadConfig({ dataDir: archiveDir }, env));
try {
  await ingest(archive, { source: join(cfg.dir, 'normal'), acquisition: { name: 'bench' } });
  const items = await archive.db
    .selectFrom('item')
    .select('id')
    .where('kind', '=', 'video')
    .execute();
  await archive.faceDetector(); // loaded before the clock starts, as in a long-running worker
  const signal = new AbortController().signal;
  let frames = 0;
  let tracks = 0;
  t0 = performance.now();
  for (const item of items) {
    await detectFaces(archive, item.id, { signal, progress: () => undefined });
    const stored = await faceTracks(archive.db, item.id);
    frames += stored?.frames ?? 0;
    tracks += stored?.tracks.length ?? 0;
  }
  const seconds = (performance.now() - t0) / 1000;
  const media = frames / rate;
  console.log();
  console.log(
    `whole job (media.faces) on ${String(items.length)} videos: ${String(frames)} frames, ${String(tracks)} tracks in ${fmt(seconds, 1)} s = ${fmt(frames / seconds, 1)} frames/s, ${fmt(media / seconds, 2)} s of video per second`,
  );
} finally {
  await archive.close();
}
