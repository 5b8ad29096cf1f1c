// Fingerprint and thumbnail benchmark (npm run bench:fingerprint). On one generated video
// (5 minutes of 720p30 H.264, a camera panning over a photo with sensor noise; made once and
// kept in the bench folder) it measures, in the same run:
// - the fingerprint job (fingerprintItem: decode, hash, store, search the index, cluster) against
//   ffmpeg doing only the decode it needs: the same command with `-f null` instead of the pipe;
// - the contact sheet (FfmpegRunner.contactSheet) against ffmpeg decoding the keyframes only
//   (`-skip_frame nokey`, `-f null`).
// Runs are interleaved (floor, custody, floor, custody, …) and each figure is the median of
// BENCH_RUNS runs (default 3), as wall-clock time and as CPU time (this process and the ffmpeg
// it waited for): on a shared machine the CPU time is the steadier figure. It never asserts
// speed: exit 0 unless a step fails. Goal: both ≤ 1.2× their floor.
import * as fs from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FfmpegRunner } from '../src/adapters/ffmpeg.ts';
import { initArchive } from '../src/archive.ts';
import { loadConfig } from '../src/config.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { fingerprintItem } from '../src/core/media/fingerprint.ts';
import { summarizeProbe } from '../src/domain/media-summary.ts';
import { asSha256 } from '../src/domain/hash.ts';
import { frameArgs } from '../src/domain/ffmpeg-commands.ts';
import { FRAME_SIDE, SAMPLING } from '../src/domain/phash.ts';
import { envNumber, fmt, ratio, rm, run } from './lib.ts';

const root = resolve(import.meta.dirname, '..');
const cfg = {
  dir: resolve(process.env.BENCH_DIR ?? join(root, 'bench', 'out')),
  seconds: envNumber('BENCH_VIDEO_SECONDS', 300),
  runs: envNumber('BENCH_RUNS', 3),
};
const photo = join(root, 'node_modules/@vladmandic/face-api/demo/sample2.jpg');

/** The test video, made once: its name says how it was made, so a change makes a new one. */
function video(): string {
  const file = join(cfg.dir, `fingerprint-720p-${String(cfg.seconds)}s-v1.mp4`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(cfg.dir, { recursive: true });
  const temp = `${file}.tmp.mp4`;
  run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-i', photo, '-filter_complex'],
    '[0:v]scale=2400:1600,setsar=1,format=yuv420p,loop=loop=-1:size=1,setpts=N/30/TB,' +
      "crop=1280:720:x='560+500*sin(t/9)':y='440+400*sin(t/7+1)',noise=alls=5:allf=t[v]",
    ...['-map', '[v]', '-t', String(cfg.seconds), '-r', '30'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', '60'],
    ...['-pix_fmt', 'yuv420p', '-threads', '2', temp],
  ]);
  fs.renameSync(temp, file);
  return file;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const ticks = Number(run('getconf', ['CLK_TCK']).trim()) || 100;
/** CPU seconds of this process and of the children it has waited for (ffmpeg, prlimit). */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  // /proc/self/stat: fields 16 and 17 (cutime, cstime), after the parenthesised command name.
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  const children = (Number(fields[13]) + Number(fields[14])) / ticks;
  return (own.user + own.system) / 1e6 + children;
}

interface Timing {
  wall: number[];
  cpu: number[];
}
const timing = (): Timing => ({ wall: [], cpu: [] });
async function measure(into: Timing, fn: () => unknown): Promise<void> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  await fn();
  into.wall.push((performance.now() - t0) / 1000);
  into.cpu.push(cpuSeconds() - c0);
}

const source = video();
const work = join(cfg.dir, 'fingerprint-bench');
rm(work);
fs.mkdirSync(join(work, 'drive'), { recursive: true });
fs.linkSync(source, join(work, 'drive', 'video.mp4'));
const archive = await initArchive(
  loadConfig({ dataDir: join(work, 'archive') }, { CUSTODY_ACTOR: 'bench' }),
);
try {
  await ingest(archive, { source: join(work, 'drive'), acquisition: { name: 'bench' } });
  const item = await archive.db
    .selectFrom('item')
    .select(['id', 'sha256', 'probe_text'])
    .executeTakeFirstOrThrow();
  const input = archive.blobs.localPath(asSha256(item.sha256));
  const summary = summarizeProbe(JSON.parse(item.probe_text ?? '{}') as Record<string, unknown>);
  const job = { signal: new AbortController().signal, progress: () => undefined };

  // The decode the fingerprint needs, as the frame sampler asks for it, into the null muxer.
  const pipeArgs = frameArgs(input, {
    threads: 2,
    rate: SAMPLING.decodeRate,
    width: FRAME_SIDE,
    height: FRAME_SIDE,
    pixelFormat: 'gray',
    container: summary.container,
  });
  const decodeArgs = [...pipeArgs.slice(0, -3), '-f', 'null', '-'];
  const keyframeArgs = [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-skip_frame', 'nokey', '-threads', '2'],
    ...['-i', input, '-map', '0:V:0', '-fps_mode', 'passthrough', '-f', 'null', '-'],
  ];
  const runner = new FfmpegRunner({ timeoutMs: 10 * 60_000 });
  const sheet = join(work, 'contact-sheet.jpg');
  const decode = timing();
  const fingerprint = timing();
  const keyframes = timing();
  const contactSheet = timing();
  for (let i = 0; i < cfg.runs; i++) {
    await measure(decode, () => run('ffmpeg', decodeArgs));
    await measure(fingerprint, () => fingerprintItem(archive, item.id, job));
    await measure(keyframes, () => run('ffmpeg', keyframeArgs));
    await measure(contactSheet, () => runner.contactSheet(input, sheet, summary));
  }

  const minutes = (summary.durationSeconds ?? cfg.seconds) / 60;
  console.log(
    `fingerprint and thumbnails benchmark · ${relative(process.cwd(), source)}: ${fmt(minutes, 1)} min ${String(summary.width)}×${String(summary.height)} ${summary.videoCodec ?? '?'}, median of ${String(cfg.runs)} runs, 2 decoder threads`,
  );
  const cell = (t: Timing): string =>
    `${fmt(median(t.wall), 2)} s wall, ${fmt(median(t.cpu), 2)} s CPU`;
  const ratios = (t: Timing, floor: Timing): string =>
    `${fmt(ratio(median(t.wall), median(floor.wall)), 2)}× wall, ${fmt(ratio(median(t.cpu), median(floor.cpu)), 2)}× CPU`;
  const rows = [
    ['stage', 'floor: ffmpeg alone', 'custody', 'custody ÷ floor', 'goal'],
    [
      'fingerprint',
      `${cell(decode)} (fps=${String(SAMPLING.decodeRate)}, ${String(FRAME_SIDE)}×${String(FRAME_SIDE)} gray, -f null)`,
      `${cell(fingerprint)} (fingerprintItem)`,
      ratios(fingerprint, decode),
      '≤ 1.2×',
    ],
    [
      'contact sheet',
      `${cell(keyframes)} (-skip_frame nokey, -f null)`,
      `${cell(contactSheet)} (contactSheet)`,
      ratios(contactSheet, keyframes),
      '≤ 1.2×',
    ],
  ];
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | '));
  console.log(
    `fingerprint: ${fmt((minutes * 60) / median(fingerprint.wall), 0)}× realtime; the video has ${fmt(minutes * 60 * 30)} frames, ${fmt(minutes * 60 * SAMPLING.rate)} hashes; load average ${os
      .loadavg()
      .map((l) => fmt(l, 1))
      .join(' ')} on ${String(os.cpus().length)} cores`,
  );
} finally {
  await archive.close();
  rm(work);
}
