// Redaction render benchmark (npm run bench:redact). On one generated video (60 s of 720p30
// H.264 with sound, a camera panning over a photo with sensor noise; made once and kept in the
// bench folder) it measures, in the same run:
// - the render of a realistic redaction (FfmpegRunner.redact: four face-like masks moving with
//   keyframes three times a second, one blurred area, a muted and a bleeped range) against
//   ffmpeg re-encoding the same video with the same settings and nothing drawn: the proxy
//   command (same deinterlace and scale, x264 preset and CRF, AAC at 48 kHz);
// - once, the whole job (renderRedaction: render, hash, poster, face check over the render),
//   to show where its time goes.
// Runs are interleaved (floor, render, floor, render, …) and each figure is the median of
// BENCH_RUNS runs (default 3), as wall-clock time and as CPU time (this process and the ffmpeg
// it waited for). It never asserts speed: exit 0 unless a step fails. Goal: render ≤ 1.5×.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FfmpegRunner } from '../src/adapters/ffmpeg.ts';
import { initArchive } from '../src/archive.ts';
import { loadConfig } from '../src/config.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { renderRedaction } from '../src/core/redaction/render.ts';
import { displayedSize } from '../src/domain/displayed-size.ts';
import { proxyArgs } from '../src/domain/ffmpeg-commands.ts';
import { asSha256 } from '../src/domain/hash.ts';
import { summarizeProbe } from '../src/domain/media-summary.ts';
import { maskChunks, redactPlan } from '../src/domain/redaction-commands.ts';
import type { Mask, RedactionSpec } from '../src/domain/redaction.ts';
import { envNumber, fmt, ratio, rm, run } from './lib.ts';

const root = resolve(import.meta.dirname, '..');
const cfg = {
  dir: resolve(process.env.BENCH_DIR ?? join(root, 'bench', 'out')),
  seconds: envNumber('BENCH_VIDEO_SECONDS', 60),
  runs: envNumber('BENCH_RUNS', 3),
};
const photo = join(root, 'node_modules/@vladmandic/face-api/demo/sample3.jpg');

/** The test video, made once: its name says how it was made, so a change makes a new one. */
function video(): string {
  const file = join(cfg.dir, `redact-720p-${String(cfg.seconds)}s-v1.mp4`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(cfg.dir, { recursive: true });
  const temp = `${file}.tmp.mp4`;
  run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-i', photo],
    ...['-f', 'lavfi', '-i', 'sine=frequency=300:sample_rate=48000', '-filter_complex'],
    '[0:v]scale=2400:1600,setsar=1,format=yuv420p,loop=loop=-1:size=1,setpts=N/30/TB,' +
      "crop=1280:720:x='560+500*sin(t/9)':y='440+400*sin(t/7+1)',noise=alls=5:allf=t[v]",
    ...['-map', '[v]', '-map', '1:a', '-t', String(cfg.seconds), '-r', '30'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', '60'],
    ...['-pix_fmt', 'yuv420p', '-c:a', 'aac', '-threads', '2', temp],
  ]);
  fs.renameSync(temp, file);
  return file;
}

/** A face-like mask: a box wandering over the frame, a keyframe every third of a second. */
function faceMask(n: number): Mask {
  const keyframes = Array.from({ length: cfg.seconds * 3 + 1 }, (_, i) => {
    const t = i / 3;
    const w = 0.08 + 0.03 * Math.sin(t / 5 + n);
    return {
      t,
      x: 0.1 + 0.2 * n + 0.08 * Math.sin(t / 3 + n),
      y: 0.2 + 0.15 * Math.sin(t / 4 + 2 * n),
      w,
      h: w * 1.6,
    };
  });
  return { id: `face-${String(n + 1)}`, fill: 'opaque', start: 0, end: cfg.seconds, keyframes };
}

const spec: RedactionSpec = {
  masks: [
    ...[0, 1, 2, 3].map(faceMask),
    {
      id: 'badge',
      fill: 'blur',
      start: cfg.seconds / 6,
      end: cfg.seconds / 2,
      keyframes: [0, 1, 2, 3, 4].map((k) => ({
        t: cfg.seconds / 6 + (k * cfg.seconds) / 12,
        x: 0.55 + 0.05 * k,
        y: 0.6,
        w: 0.2,
        h: 0.15,
      })),
    },
  ],
  audio: [
    { start: cfg.seconds / 6, end: cfg.seconds / 4, mode: 'mute' },
    { start: cfg.seconds / 2, end: cfg.seconds / 2 + 2, mode: 'bleep' },
  ],
  cut: null,
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const ticks = Number(run('getconf', ['CLK_TCK']).trim()) || 100;
/** CPU seconds of this process and of the children it has waited for (ffmpeg, prlimit). */
function cpuSeconds(): number {
  const own = process.cpuUsage();
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
const work = join(cfg.dir, 'redact-bench');
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
  const raw = JSON.parse(item.probe_text ?? '{}') as Record<string, unknown>;
  const summary = summarizeProbe(raw);
  const display = displayedSize(raw) ?? { width: 1280, height: 720 };
  const input = archive.blobs.localPath(asSha256(item.sha256));
  const plan = redactPlan(spec, {
    display,
    audio: { channels: 1 },
    durationSeconds: summary.durationSeconds,
    frameRate: summary.frameRate,
    container: summary.container,
  });
  const overlays = plan.spec.masks.flatMap((m) =>
    maskChunks(m, plan, { start: 0, end: Infinity }, plan.frameSeconds),
  ).length;
  const runner = new FfmpegRunner({ timeoutMs: 10 * 60_000 });
  const floorOut = join(work, 'plain.mp4');
  const floorArgs = proxyArgs(input, floorOut, summary, { threads: 2 });
  const floor = timing();
  const render = timing();
  for (let i = 0; i < cfg.runs; i++) {
    await measure(floor, () => run('ffmpeg', floorArgs));
    await measure(render, () => runner.redact(input, join(work, 'redacted.mp4'), plan));
  }

  // The whole job once: render, hash, poster and the face check over the render.
  const id = randomUUID();
  const now = new Date();
  await archive.db
    .insertInto('redaction')
    .values({
      ...{ id, item_id: item.id, segment_id: null, title: '', spec: JSON.stringify(spec) },
      ...{ version: 1, status: 'rendering', authors: ['bench'], review_note: '' },
      ...{ created_by: 'bench', created_at: now, updated_by: 'bench', updated_at: now },
    })
    .execute();
  const stages = new Map<string, number>();
  let stage = '';
  let stageStart = performance.now();
  const job = {
    signal: new AbortController().signal,
    progress: (_: number, detail?: string) => {
      if (detail === undefined || detail === stage) return;
      if (stage !== '') stages.set(stage, (performance.now() - stageStart) / 1000);
      stage = detail;
      stageStart = performance.now();
    },
  };
  await archive.faceDetector(); // loaded once per process: not the job's cost
  const whole = timing();
  await measure(whole, () => renderRedaction(archive, id, 1, job));
  stages.set(stage, (performance.now() - stageStart) / 1000);

  const seconds = summary.durationSeconds ?? cfg.seconds;
  console.log(
    `redaction render benchmark · ${relative(process.cwd(), source)}: ${fmt(seconds, 0)} s ${String(summary.width)}×${String(summary.height)} ${summary.videoCodec ?? '?'} + ${summary.audioCodec ?? 'no audio'}, median of ${String(cfg.runs)} runs, 2 threads`,
  );
  console.log(
    `redaction: ${String(spec.masks.length)} masks (${String(spec.masks.reduce((n, m) => n + m.keyframes.length, 0))} keyframes) as ${String(overlays)} overlays, ${String(spec.audio.length)} audio ranges`,
  );
  const cell = (t: Timing): string =>
    `${fmt(median(t.wall), 2)} s wall, ${fmt(median(t.cpu), 2)} s CPU`;
  const rows = [
    ['stage', 'floor: ffmpeg alone', 'custody', 'custody ÷ floor', 'goal'],
    [
      'render',
      `${cell(floor)} (proxy re-encode)`,
      `${cell(render)} (FfmpegRunner.redact)`,
      `${fmt(ratio(median(render.wall), median(floor.wall)), 2)}× wall, ${fmt(ratio(median(render.cpu), median(floor.cpu)), 2)}× CPU`,
      '≤ 1.5×',
    ],
  ];
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | '));
  const parts = [...stages].map(([name, s]) => `${name} ${fmt(s, 1)} s`).join(', ');
  console.log(
    `whole job once (renderRedaction): ${cell(whole)}; ${parts}; render ${fmt(seconds / median(render.wall), 1)}× realtime; load average ${os
      .loadavg()
      .map((l) => fmt(l, 1))
      .join(' ')} on ${String(os.cpus().length)} cores`,
  );
} finally {
  await archive.close();
  rm(work);
}
