import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegRunner } from '../src/adapters/ffmpeg.ts';
import { FfprobeProber } from '../src/adapters/ffprobe.ts';
import { isCustodyError } from '../src/core/errors.ts';
import { fittedSize, posterSecond, type FfmpegProgress } from '../src/domain/ffmpeg-commands.ts';
import { summarizeProbe, type MediaSummary } from '../src/domain/media-summary.ts';
import { makeDvrExport } from './fixtures/make-dvr-export.ts';

const run = promisify(execFile);
const ffmpeg = (args: string[]) =>
  run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
const lavfi = (graph: string) => ['-f', 'lavfi', '-i', graph];
const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
const prober = new FfprobeProber({ timeoutMs: 30_000 });
const runner = new FfmpegRunner({ timeoutMs: 60_000 });

interface Source {
  readonly file: string;
  readonly summary: MediaSummary;
  readonly raw: Record<string, unknown>;
  /** The picture as a player shows it (rotation applied). */
  readonly display: { width: number; height: number };
}

let tmp: string;
let sources: Record<'dvr' | 'silent' | 'portrait' | 'hd' | 'vfr' | 'gap', Source>;
let truncated: string;
let dashName: string;

async function describeSource(file: string): Promise<Source> {
  const outcome = await prober.probe(file);
  if (!outcome.ok) throw new Error(outcome.message);
  const summary = summarizeProbe(outcome.raw);
  const [w, h] = [summary.width ?? 0, summary.height ?? 0];
  const rotated = JSON.stringify(outcome.raw).includes('"rotation":90');
  const display = rotated ? { width: h, height: w } : { width: w, height: h };
  return { file, summary, raw: outcome.raw, display };
}

/** The presentation time of every video frame, in seconds, in presentation order. */
async function framePts(file: string): Promise<number[]> {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-select_streams', 'V:0', '-show_entries', 'frame=pts_time'],
    ...['-of', 'csv=p=0', `file:${file}`],
  ]);
  return stdout
    .split('\n')
    .map((l) => l.split(',')[0] ?? '')
    .filter((l) => l !== '')
    .map(Number)
    .sort((a, b) => a - b);
}

/** The top-level MP4 boxes in file order ("ftyp", "moov", "mdat", …). */
async function topLevelBoxes(file: string): Promise<string[]> {
  const data = await fs.readFile(file);
  const boxes: string[] = [];
  for (let at = 0; at + 8 <= data.length;) {
    const size32 = data.readUInt32BE(at);
    const size = size32 === 1 ? Number(data.readBigUInt64BE(at + 8)) : size32 || data.length - at;
    boxes.push(data.toString('latin1', at + 4, at + 8));
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

/** A complete JPEG: starts with SOI, ends with EOI, and ffprobe reads its size. */
async function jpegSize(file: string): Promise<{ width: number; height: number }> {
  const data = await fs.readFile(file);
  expect(data.subarray(0, 2).toString('hex')).toBe('ffd8');
  expect(data.subarray(-2).toString('hex')).toBe('ffd9');
  const outcome = await prober.probe(file);
  if (!outcome.ok) throw new Error(outcome.message);
  const s = summarizeProbe(outcome.raw);
  expect(s.videoCodec).toBe('mjpeg');
  return { width: s.width ?? 0, height: s.height ?? 0 };
}

async function outDir(name: string): Promise<string> {
  const dir = path.join(tmp, 'out', name);
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (e) {
    if (isCustodyError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a failure');
}

/** ffmpeg or prlimit processes still running as children of this test process. */
async function leftoverChildren(): Promise<string[]> {
  const { stdout } = await run('ps', ['-o', 'comm=', '--ppid', String(process.pid)]);
  return stdout.split('\n').filter((c) => c === 'ffmpeg' || c === 'prlimit');
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'custody-ffmpeg-'));
  const drive = await makeDvrExport(path.join(tmp, 'leak'));
  const file = (name: string) => path.join(tmp, name);
  // A variable-rate MPEG-TS that starts at 10 s: jittered frame times and a 0.5 s hole.
  const vfrPts = 'N*0.04+if(gte(N,50),0.5,0)+if(gte(N,75),0.013*mod(N,3),0)';
  await Promise.all([
    ffmpeg([...lavfi('testsrc2=s=640x360:r=25'), '-t', '3', ...X264, file('silent.mp4')]),
    ffmpeg([...lavfi('testsrc2=s=1280x720:r=30'), '-t', '2', ...X264, file('landscape.mp4')]),
    ffmpeg([
      ...lavfi('testsrc2=s=1920x1080:r=25'),
      ...lavfi('sine=frequency=300'),
      ...['-t', '6', ...X264, '-g', '25', '-c:a', 'aac', file('hd.mp4')],
    ]),
    ffmpeg([
      ...lavfi('testsrc2=s=640x360:r=25'),
      ...lavfi('sine=frequency=500'),
      ...['-t', '4', '-vf', `setpts='(${vfrPts})/TB'`, '-fps_mode', 'passthrough'],
      ...['-enc_time_base', '1/90000', ...X264, '-c:a', 'aac', '-output_ts_offset', '10'],
      ...['-f', 'mpegts', file('vfr.ts')],
    ]),
    // Matroska with a one-second hole in the sound, as a DVR that lost audio for a while.
    ffmpeg([
      ...lavfi('testsrc2=s=320x240:r=25'),
      ...lavfi('sine=frequency=700:sample_rate=48000'),
      ...['-t', '5', '-af', "aselect='not(between(t,1,2))'", ...X264, '-c:a', 'aac'],
      file('gap.mkv'),
    ]),
  ]);
  // Rotation is container metadata: a phone's portrait video is a landscape stream turned 90°.
  await ffmpeg([
    ...['-i', file('landscape.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90'],
    file('portrait.mp4'),
  ]);
  const dvr = path.join(drive.root, 'ИК-7/Камера 01/2020-02-18/ch01_20200218_142205.mp4');
  truncated = path.join(drive.root, drive.expected.corrupt[0] ?? '');
  dashName = path.join(drive.root, 'странные имена/-rf.mp4');
  sources = {
    dvr: await describeSource(dvr),
    silent: await describeSource(file('silent.mp4')),
    portrait: await describeSource(file('portrait.mp4')),
    hd: await describeSource(file('hd.mp4')),
    vfr: await describeSource(file('vfr.ts')),
    gap: await describeSource(file('gap.mkv')),
  };
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('proxy', () => {
  it.each(['dvr', 'silent', 'portrait', 'hd', 'vfr', 'gap'] as const)(
    '%s: a faststart H.264 MP4 on the original timeline',
    async (name) => {
      const source = sources[name];
      const target = path.join(await outDir(`proxy-${name}`), 'proxy.mp4');
      const progress: FfmpegProgress[] = [];
      await runner.proxy(source.file, target, source.summary, (p) => progress.push(p));

      const proxy = await describeSource(target);
      expect(proxy.summary.videoCodec).toBe('h264');
      expect(JSON.stringify(proxy.raw)).toContain('"pix_fmt":"yuv420p"');
      expect(proxy.summary.audioCodec).toBe(source.summary.audioCodec === null ? null : 'aac');
      expect({ width: proxy.summary.width, height: proxy.summary.height }).toEqual(
        fittedSize(source.display.width, source.display.height, 1280),
      );
      expect(JSON.stringify(proxy.raw)).not.toContain('rotation'); // turned upright already

      const boxes = await topLevelBoxes(target);
      expect(boxes[0]).toBe('ftyp');
      expect(boxes.indexOf('moov')).toBeGreaterThan(-1);
      expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));

      const duration = source.summary.durationSeconds ?? 0;
      expect(Math.abs((proxy.summary.durationSeconds ?? 0) - duration)).toBeLessThan(0.1);
      // Frame for frame: same count, and each at the original's time less the file's start.
      const start = Number((source.raw['format'] as { start_time?: string }).start_time ?? 0);
      const original = (await framePts(source.file)).map((t) => t - start);
      const derived = await framePts(target);
      expect(derived).toHaveLength(original.length);
      derived.forEach((t, i) => {
        expect(Math.abs(t - (original[i] ?? Infinity))).toBeLessThan(0.001);
      });

      const times = progress.map((p) => p.outTimeSeconds);
      expect(times.length).toBeGreaterThan(0);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times.at(-1)).toBeGreaterThan(duration * 0.8);
      expect(await fs.readdir(path.dirname(target))).toEqual(['proxy.mp4']);
    },
  );

  it('keeps a variable frame rate and its hole instead of inventing frames', async () => {
    const pts = await framePts(sources.vfr.file);
    const gaps = pts.slice(1).map((t, i) => t - (pts[i] ?? 0));
    expect(Math.max(...gaps)).toBeGreaterThan(0.5); // the fixture really is variable-rate
    // The frame-by-frame equality above, on this file, is the proof for the proxy.
    expect(
      Number((sources.vfr.raw['format'] as { start_time: string }).start_time),
    ).toBeGreaterThan(9);
  });

  it('fills a hole in the sound with silence, so that later sound keeps its time', async () => {
    const target = path.join(await outDir('gap'), 'proxy.mp4');
    await runner.proxy(sources.gap.file, target, sources.gap.summary);
    const { stdout } = await run('ffprobe', [
      ...['-v', 'error', '-select_streams', 'a:0', '-count_packets'],
      ...['-show_entries', 'stream=nb_read_packets,sample_rate', '-of', 'json', `file:${target}`],
    ]);
    const [audio] = (JSON.parse(stdout) as { streams: Record<string, string>[] }).streams;
    // AAC: 1024 samples a packet. Back to back, they must fill the whole timeline.
    const played = (Number(audio?.['nb_read_packets']) * 1024) / Number(audio?.['sample_rate']);
    const duration = (await describeSource(target)).summary.durationSeconds ?? 0;
    expect(Math.abs(played - duration)).toBeLessThan(0.1);
  });

  it("drops the original's metadata (device, comment, creation time) from the proxy", async () => {
    const source = sources.dvr;
    expect(JSON.stringify(source.raw)).toContain('HIKVISION');
    const target = path.join(await outDir('metadata'), 'proxy.mp4');
    await runner.proxy(source.file, target, source.summary);
    const proxy = await describeSource(target);
    expect(JSON.stringify(proxy.raw)).not.toContain('HIKVISION');
    expect(proxy.summary.creationTime).toBeNull();
  });
});

describe('poster and contact sheet', () => {
  it.each(['dvr', 'portrait', 'hd'] as const)('%s: a poster fitted in 640', async (name) => {
    const source = sources[name];
    const target = path.join(await outDir(`poster-${name}`), 'poster.jpg');
    const made = await runner.poster(source.file, target, source.summary);
    expect(made.atSeconds).toBe(posterSecond(source.summary.durationSeconds));
    expect(made.size).toBe((await fs.stat(target)).size);
    expect(await jpegSize(target)).toEqual(
      fittedSize(source.display.width, source.display.height, 640),
    );
  });

  it('reads a file whose name starts with a dash', async () => {
    const summary = (await describeSource(dashName)).summary;
    const target = path.join(await outDir('dash'), '-poster.jpg');
    await runner.poster(dashName, target, summary);
    expect(await jpegSize(target)).toEqual({ width: 320, height: 240 });
  });

  it('takes the first frame when 10% in lies past the last frame', async () => {
    const source = sources.silent;
    const lying = { ...source.summary, durationSeconds: 1000 };
    const target = path.join(await outDir('poster-lying'), 'poster.jpg');
    const made = await runner.poster(source.file, target, lying);
    expect(made.atSeconds).toBe(0);
    expect(await jpegSize(target)).toEqual({ width: 640, height: 360 });
    expect(await fs.readdir(path.dirname(target))).toEqual(['poster.jpg']);
  });

  it('makes a 4×4 contact sheet of 320-wide keyframe tiles', async () => {
    const source = sources.hd;
    const target = path.join(await outDir('sheet'), 'sheet.jpg');
    await runner.contactSheet(source.file, target, source.summary);
    const tile = fittedSize(1920, 1080, 320);
    expect(await jpegSize(target)).toEqual({
      width: 4 * tile.width + 3 * 4 + 2 * 4, // tiles, padding between, margin around
      height: 4 * tile.height + 3 * 4 + 2 * 4,
    });
  });
});

describe('failures fail the derivative, never the process', () => {
  it('a truncated file: the stable code, no path of ours in the message, nothing left', async () => {
    const dir = await outDir('truncated');
    const target = path.join(dir, 'proxy.mp4');
    const error = await failure(runner.proxy(truncated, target, sources.dvr.summary));
    expect(error.code).toBe('MEDIA.TRANSCODE_FAILED');
    expect(error.message).toMatch(/moov atom not found/);
    expect(error.message).not.toContain(tmp);
    expect(error.message).not.toContain('.tmp');
    expect(error.message).not.toContain('ch03_');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('a playlist posing as a video: refused by the demuxer whitelist', async () => {
    const evil = path.join(tmp, 'evil-blob'); // stored blobs have no extension
    const playlist = '#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10,\nfile:///etc/passwd\n';
    await fs.writeFile(evil, `${playlist}#EXT-X-ENDLIST\n`);
    const dir = await outDir('evil');
    const unknown = { ...sources.silent.summary, container: null };
    const error = await failure(runner.proxy(evil, path.join(dir, 'p.mp4'), unknown));
    expect(error.code).toBe('MEDIA.TRANSCODE_FAILED');
    expect(error.message).toMatch(/not on whitelist/);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('a time limit kills ffmpeg and removes its temporary file', async () => {
    const impatient = new FfmpegRunner({ timeoutMs: 300, timeoutMsPerMediaSecond: 0 });
    const dir = await outDir('timeout');
    const source = sources.hd;
    const error = await failure(
      impatient.proxy(source.file, path.join(dir, 'p.mp4'), source.summary),
    );
    expect(error.code).toBe('MEDIA.TRANSCODE_TIMEOUT');
    expect(await fs.readdir(dir)).toEqual([]);
    expect(await leftoverChildren()).toEqual([]);
  });

  it('a hung ffmpeg (no progress) is killed as stalled', async () => {
    const hang = path.join(tmp, 'hang.sh');
    await fs.writeFile(hang, '#!/bin/sh\nexec sleep 60\n', { mode: 0o755 });
    const stuck = new FfmpegRunner({ timeoutMs: 60_000, stallMs: 300, binary: hang });
    const dir = await outDir('stall');
    const source = sources.silent;
    const error = await failure(stuck.proxy(source.file, path.join(dir, 'p.mp4'), source.summary));
    expect(error.code).toBe('MEDIA.TRANSCODE_TIMEOUT');
    expect(error.message).toMatch(/no progress/);
    expect(await leftoverChildren()).toEqual([]);
  });

  it('a crash (a signal) and an address-space limit are job failures', async () => {
    const crash = path.join(tmp, 'crash.sh');
    await fs.writeFile(crash, '#!/bin/sh\nkill -SEGV $$\n', { mode: 0o755 });
    const source = sources.silent;
    const dir = await outDir('crash');
    const crashing = new FfmpegRunner({ timeoutMs: 60_000, binary: crash });
    const crashed = await failure(
      crashing.proxy(source.file, path.join(dir, 'p.mp4'), source.summary),
    );
    expect(crashed).toMatchObject({ code: 'MEDIA.TRANSCODE_FAILED' });
    expect(crashed.message).toMatch(/SIGSEGV/);
    const starved = new FfmpegRunner({ timeoutMs: 60_000, addressSpaceBytes: 16 << 20 });
    const starvedError = await failure(
      starved.proxy(source.file, path.join(dir, 'p.mp4'), source.summary),
    );
    expect(starvedError.code).toBe('MEDIA.TRANSCODE_FAILED');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it("a throwing progress callback stops ffmpeg and rejects with the callback's error", async () => {
    const dir = await outDir('callback');
    const source = sources.hd;
    const boom = new Error('ui went away');
    await expect(
      runner.proxy(source.file, path.join(dir, 'p.mp4'), source.summary, () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
