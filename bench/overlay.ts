// Camera overlay benchmark (npm run bench:overlay). On the fixture videos of
// test/fixtures/overlay-videos.ts (ticking date-time + device id burned in by ffmpeg, over
// moving and still scenes, some starved of bitrate, one without an overlay) it measures, in the
// same run: readOverlay as the job runs it (7 whole-frame decodes, the overlay found in small
// copies, only its crop OCRed), against the naive baseline of tesseract on every whole frame at
// 1 frame/s with `-l rus+eng` (given the same grammar: each frame's text parsed, the most common
// start and device taken). It reports accuracy (start exact to the second, device exact) and
// seconds per video, with one long video (BENCH_LONG_SECONDS, default 60; 0: none) to show how
// each cost grows with length. It never asserts: exit 0 unless a step fails.
import * as fs from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { initArchive, type Archive } from '../src/archive.ts';
import { loadConfig } from '../src/config.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { overlayReading, readOverlay } from '../src/core/media/overlay.ts';
import { clockWall, formatWall, parseOverlayText } from '../src/domain/overlay.ts';
import {
  makeOverlayVideos,
  OVERLAY_FIXTURES,
  type MadeFixture,
  type OverlayFixture,
} from '../test/fixtures/overlay-videos.ts';
import { envNumber, fmt, ratio, rm } from './lib.ts';

const root = resolve(import.meta.dirname, '..');
const dir = resolve(process.env.BENCH_DIR ?? join(root, 'bench', 'out'));
const env = { ...process.env, CUSTODY_ACTOR: 'bench', CUSTODY_ORGANIZATION: 'Bench' };
const job = { signal: new AbortController().signal, progress: () => undefined };
const longSeconds = envNumber('BENCH_LONG_SECONDS', 60);

/** The fixture set, plus one long video: the baseline's cost grows with length, ours does not. */
function fixtureSet(): OverlayFixture[] {
  const pan = OVERLAY_FIXTURES.find((f) => f.name === 'photo-pan-bottom-right');
  if (pan === undefined || longSeconds === 0) return [...OVERLAY_FIXTURES];
  return [
    ...OVERLAY_FIXTURES,
    { ...pan, name: `photo-pan-${String(longSeconds)}s`, seconds: longSeconds },
  ];
}

interface Outcome {
  readonly start: string | null;
  readonly device: string | null;
  readonly seconds: number;
}

async function ours(archive: Archive, itemId: string): Promise<Outcome> {
  const t0 = performance.now();
  await readOverlay(archive, itemId, job);
  const seconds = (performance.now() - t0) / 1000;
  const got = await overlayReading(archive.db, itemId);
  return { start: got?.start ?? null, device: got?.device ?? null, seconds };
}

/** Tesseract on every whole frame at 1/s, two at a time, the text parsed by the same grammar. */
async function baseline(archive: Archive, f: MadeFixture): Promise<Outcome> {
  const t0 = performance.now();
  const input = f.file;
  const frames: { t: number; image: { width: number; height: number; data: Uint8Array } }[] = [];
  for await (const frame of archive.frames.frames(input, {
    rate: 1,
    width: f.width,
    height: f.height,
    pixelFormat: 'gray',
  }))
    frames.push({ t: frame.t ?? 0, image: frame });
  // Two tesseracts at a time, as readOverlay runs them.
  const texts: { t: number; text: string }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < frames.length; i = next++) {
      const frame = frames[i];
      if (frame === undefined) continue;
      const text = await archive.ocr.read(frame.image, { languages: 'rus+eng', psm: 3 });
      texts[i] = { t: frame.t, text };
    }
  };
  await Promise.all([worker(), worker()]);
  const readings = texts.map((r) => ({ t: r.t, ...parseOverlayText(r.text) }));
  const starts = readings.flatMap((r) => {
    const wall = r.clock === null ? null : clockWall(r.clock);
    return wall === null ? [] : [formatWall(wall - Math.floor(r.t))];
  });
  const devices = readings.flatMap((r) => (r.device === null ? [] : [r.device]));
  return {
    start: mostCommon(starts),
    device: mostCommon(devices),
    seconds: (performance.now() - t0) / 1000,
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function mostCommon(values: readonly string[]): string | null {
  const count = new Map<string, number>();
  for (const v of values) count.set(v, (count.get(v) ?? 0) + 1);
  let best: [string | null, number] = [null, 0];
  for (const [v, n] of count) if (n > best[1]) best = [v, n];
  return best[0];
}

const mark = (ok: boolean): string => (ok ? 'ok' : '--');

async function main(): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const videos = join(dir, 'overlay-videos');
  const data = join(dir, 'overlay-archive');
  for (const p of [videos, data]) rm(p);
  console.log(`custody overlay benchmark · data in ${relative(process.cwd(), dir) || '.'}`);
  const t0 = performance.now();
  const fixtures = await makeOverlayVideos(videos, fixtureSet());
  console.log(
    `${String(fixtures.length)} fixture videos made in ${fmt((performance.now() - t0) / 1000, 1)} s`,
  );
  const archive = await initArchive(loadConfig({ dataDir: data }, env));
  try {
    await ingest(archive, { source: videos, acquisition: { name: 'bench' } });
    const rows = await archive.db
      .selectFrom('item')
      .innerJoin('sighting', 'sighting.item_id', 'item.id')
      .select(['item.id', 'sighting.path_display'])
      .execute();
    const idOf = new Map(rows.map((r) => [r.path_display, r.id]));
    const times = { ours: [] as number[], base: [] as number[] };
    const totals = { ours: 0, base: 0, oursStart: 0, oursDevice: 0, baseStart: 0, baseDevice: 0 };
    const header = `${'video'.padEnd(28)} ${'truth'.padEnd(36)} ours: start device  s     baseline: start device  s`;
    console.log(header);
    for (const f of fixtures) {
      const id = idOf.get(`${f.name}.mp4`);
      if (id === undefined) throw new Error(`${f.name} was not ingested`);
      const a = await ours(archive, id);
      const b = await baseline(archive, f);
      const good = (o: Outcome) => ({ start: o.start === f.start, device: o.device === f.device });
      const [ga, gb] = [good(a), good(b)];
      totals.ours += a.seconds;
      times.ours.push(a.seconds);
      times.base.push(b.seconds);
      totals.base += b.seconds;
      totals.oursStart += Number(ga.start);
      totals.oursDevice += Number(ga.device);
      totals.baseStart += Number(gb.start);
      totals.baseDevice += Number(gb.device);
      const truth = `${f.start ?? '(none)'} ${f.device ?? ''}`;
      console.log(
        `${f.name.padEnd(28)} ${truth.padEnd(36)}       ${mark(ga.start).padEnd(5)} ${mark(ga.device).padEnd(6)} ${fmt(a.seconds, 2).padStart(5)}           ${mark(gb.start).padEnd(5)} ${mark(gb.device).padEnd(6)} ${fmt(b.seconds, 2).padStart(5)}${f.readable ? '' : '  (known limit)'}`,
      );
      if (!ga.start || !ga.device)
        console.log(`${''.padEnd(29)}ours read: ${a.start ?? 'null'} ${a.device ?? 'null'}`);
    }
    const n = fixtures.length;
    const seconds = fixtures.reduce((s, f) => s + f.seconds, 0);
    console.log(
      `accuracy over ${String(n)} videos: ours start ${String(totals.oursStart)}/${String(n)}, device ${String(totals.oursDevice)}/${String(n)} · baseline start ${String(totals.baseStart)}/${String(n)}, device ${String(totals.baseDevice)}/${String(n)}`,
    );
    console.log(
      `time per video: ours ${fmt(totals.ours / n, 2)} s · baseline ${fmt(totals.base / n, 2)} s = baseline takes ${fmt(ratio(totals.base, totals.ours), 1)}× as long (videos average ${fmt(seconds / n, 1)} s)`,
    );
    console.log(
      `median per video: ours ${fmt(median(times.ours), 2)} s · baseline ${fmt(median(times.base), 2)} s = ${fmt(ratio(median(times.base), median(times.ours)), 1)}×`,
    );
  } finally {
    await archive.close();
    for (const p of [videos, data]) rm(p);
  }
}

await main();
