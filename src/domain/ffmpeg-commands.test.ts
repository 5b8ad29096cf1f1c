import { describe, expect, it } from 'vitest';
import {
  contactSheetArgs,
  demuxerFor,
  fittedSize,
  fitWithin,
  posterArgs,
  posterSecond,
  ProgressParser,
  proxyArgs,
  SAFE_DEMUXERS,
  type ProxySource,
} from './ffmpeg-commands.ts';

const MP4 = 'mov,mp4,m4a,3gp,3g2,mj2';
const videoStream = { index: 0, type: 'video', codec: 'h264', width: 1920, height: 1080 };
const withAudio: ProxySource = {
  container: MP4,
  videoCodec: 'h264',
  audioCodec: 'aac',
  streams: [videoStream, { index: 1, type: 'audio', codec: 'aac', channels: 2 }],
};
const silent: ProxySource = { ...withAudio, audioCodec: null, streams: [videoStream] };

/** The value that follows `flag` (the first time it appears). */
function after(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

/** Options that must come before `-i` to apply to the input. */
function beforeInput(args: readonly string[], flag: string): boolean {
  const i = args.indexOf(flag);
  return i >= 0 && i < args.indexOf('-i');
}

describe('proxyArgs', () => {
  const args = proxyArgs('/blobs/ab/cd/abcd', '/derived/.p.tmp', withAudio);

  it('encodes H.264 yuv420p at CRF 23, veryfast, fitted in 1280 with even sides', () => {
    expect(after(args, '-c:v')).toBe('libx264');
    expect(after(args, '-pix_fmt')).toBe('yuv420p');
    expect(after(args, '-crf')).toBe('23');
    expect(after(args, '-preset')).toBe('veryfast');
    expect(after(args, '-vf')).toContain(fitWithin(1280));
    expect(after(args, '-map')).toBe('0:V:0');
  });

  it('keeps the original timeline: no frame-rate conversion, the demuxer time base', () => {
    expect(after(args, '-fps_mode')).toBe('vfr');
    expect(after(args, '-enc_time_base:v')).toBe('-1');
    expect(args).not.toContain('-r');
    expect(args).not.toContain('-copyts');
    expect(after(args, '-af')).toBe('aresample=48000:async=1');
  });

  it('writes a faststart MP4 without the original metadata', () => {
    expect(after(args, '-movflags')).toBe('+faststart');
    expect(after(args, '-map_metadata')).toBe('-1');
    expect(after(args, '-map_chapters')).toBe('-1');
    expect(args.slice(-3)).toEqual(['-f', 'mp4', 'file:/derived/.p.tmp']);
  });

  it('encodes AAC from the first audio stream when there is one, and no audio otherwise', () => {
    expect(args.filter((a) => a === '-map')).toHaveLength(2);
    expect(args).toContain('0:a:0');
    expect(after(args, '-c:a')).toBe('aac');
    expect(args).not.toContain('-ac');
    const none = proxyArgs('in', 'out', silent);
    expect(none).toContain('-an');
    expect(none).not.toContain('0:a:0');
    expect(none).not.toContain('-c:a');
  });

  it('downmixes more than two channels, and makes an audio-only proxy of audio', () => {
    const surround = proxyArgs('in', 'out', {
      ...withAudio,
      streams: [{ index: 0, type: 'audio', codec: 'ac3', channels: 6 }],
    });
    expect(after(surround, '-ac')).toBe('2');
    const audioOnly = proxyArgs('in', 'out', { ...withAudio, videoCodec: null });
    expect(audioOnly).toContain('-vn');
    expect(audioOnly).not.toContain('libx264');
  });

  it('caps threads and never reads stdin', () => {
    expect(args.slice(0, 2)).toEqual(['-hide_banner', '-nostdin']);
    expect(args).toContain('-y');
    expect(after(args, '-threads')).toBe('2');
    expect(after(args, '-filter_threads')).toBe('2');
    const four = proxyArgs('in', 'out', withAudio, { threads: 4 });
    expect(four.filter((a) => a === '4')).toHaveLength(3); // decoder, filters, encoder
    expect(after(args, '-progress')).toBe('pipe:1');
  });
});

describe('every command treats its input as hostile', () => {
  const hostile = '-rf http:/x.mp4';
  const commands = {
    proxy: proxyArgs(hostile, '/out/-o.tmp', withAudio),
    poster: posterArgs(hostile, '/out/-o.tmp', 3, { container: MP4 }),
    sheet: contactSheetArgs(hostile, '/out/-o.tmp', { durationSeconds: 10, container: MP4 }),
  };

  it.each(Object.entries(commands))('%s: local files only, names behind file:', (_, args) => {
    expect(after(args, '-protocol_whitelist')).toBe('file');
    expect(beforeInput(args, '-protocol_whitelist')).toBe(true);
    expect(after(args, '-format_whitelist')).toBe(SAFE_DEMUXERS.join(','));
    expect(beforeInput(args, '-format_whitelist')).toBe(true);
    expect(after(args, '-i')).toBe(`file:${hostile}`);
    expect(args.at(-1)).toBe('file:/out/-o.tmp');
    expect(args.filter((a) => a.includes('-rf') || a.includes('-o.tmp'))).toHaveLength(2);
    expect(after(args, '-f')).toBe('mov');
    expect(beforeInput(args, '-f')).toBe(true);
  });

  it('forces the demuxer ffprobe named only when it is a safe one', () => {
    expect(demuxerFor(MP4)).toBe('mov');
    expect(demuxerFor('matroska,webm')).toBe('matroska');
    expect(demuxerFor('mpegts')).toBe('mpegts');
    expect(demuxerFor('hls')).toBeNull();
    expect(demuxerFor('concat')).toBeNull();
    expect(demuxerFor(null)).toBeNull();
    expect(demuxerFor(undefined)).toBeNull();
    const playlist = proxyArgs('in', 'out', { ...withAudio, container: 'hls' });
    expect(beforeInput(playlist, '-f')).toBe(false); // and -format_whitelist refuses hls
    expect(SAFE_DEMUXERS).not.toContain('hls');
    expect(SAFE_DEMUXERS).not.toContain('concat');
    expect(SAFE_DEMUXERS).not.toContain('image2');
  });
});

describe('fitting the picture', () => {
  it.each([
    [1920, 1080, 1280, 1280, 720],
    [1080, 1920, 1280, 720, 1280], // portrait: the long side is capped
    [320, 240, 1280, 320, 240], // never enlarged
    [768, 576, 1280, 768, 576], // 704×576 with 12:11 pixels, as displayed
    [321, 241, 1280, 320, 240], // even sides for yuv420p
    [1920, 1080, 640, 640, 360],
    [1920, 1080, 320, 320, 180],
  ])('%i×%i in %i → %i×%i', (w, h, max, width, height) => {
    expect(fittedSize(w, h, max)).toEqual({ width, height });
  });

  it('measures the picture as displayed (sample aspect, rotation) inside ffmpeg', () => {
    const scale = fitWithin(640);
    expect(scale).toContain('iw*sar');
    expect(scale).toContain('dar');
    expect(scale.endsWith(',setsar=1')).toBe(true);
  });
});

describe('posterArgs', () => {
  const args = posterArgs('in', 'out.tmp', 12.3456, { container: MP4 });

  it('seeks before the input and writes one JPEG fitted in 640', () => {
    expect(after(args, '-ss')).toBe('12.346');
    expect(beforeInput(args, '-ss')).toBe(true);
    expect(after(args, '-frames:v')).toBe('1');
    expect(after(args, '-vf')).toBe(fitWithin(640));
    expect(args.slice(-5)).toEqual(['-f', 'image2', '-update', '1', 'file:out.tmp']);
  });

  it('takes the frame 10% in, or the first one of a short or unknown video', () => {
    expect(posterSecond(null)).toBe(0);
    expect(posterSecond(Number.NaN)).toBe(0);
    expect(posterSecond(1.5)).toBe(0);
    expect(posterSecond(4)).toBe(0.4);
    expect(posterSecond(3600)).toBe(360);
    expect(after(posterArgs('in', 'out', -3), '-ss')).toBe('0');
  });
});

describe('contactSheetArgs', () => {
  it('decodes keyframes only, one per slot of duration ÷ tiles, into a 4×4 grid', () => {
    const args = contactSheetArgs('in', 'out.tmp', { durationSeconds: 32, container: MP4 });
    expect(after(args, '-skip_frame')).toBe('nokey');
    expect(beforeInput(args, '-skip_frame')).toBe(true);
    const vf = after(args, '-vf') ?? '';
    expect(vf).toContain("select='isnan(prev_selected_t)+gte(t-prev_selected_t,2)'");
    expect(vf).toContain(fitWithin(320));
    expect(vf).toMatch(/tile=4x4:padding=4:margin=4$/);
    expect(after(args, '-frames:v')).toBe('1');
    expect(args.at(-1)).toBe('file:out.tmp');
  });

  it('takes every keyframe when the duration is unknown, and any grid asked for', () => {
    const args = contactSheetArgs('in', 'out', {
      durationSeconds: null,
      columns: 3,
      rows: 2,
      tileSide: 200,
    });
    const vf = after(args, '-vf') ?? '';
    expect(vf).toContain('gte(t-prev_selected_t,0)');
    expect(vf).toContain('tile=3x2');
    expect(vf).toContain(fitWithin(200));
  });
});

describe('ProgressParser', () => {
  it('reads blocks split anywhere, skips N/A, never goes back', () => {
    const parser = new ProgressParser();
    const text =
      'frame=0\nout_time_us=N/A\nspeed=N/A\nprogress=continue\n' +
      'frame=12\nout_time_us=1500000\nspeed=2.51x\nprogress=continue\n' +
      'frame=13\nout_time_us=1400000\nspeed=   2.4x\nprogress=continue\n' +
      'frame=30\nout_time_us=3000000\nspeed=2.6x\nprogress=end\n';
    const pieces = text.match(/[\s\S]{1,3}/g) ?? []; // three characters at a time
    const reports = pieces.flatMap((piece) => parser.push(piece));
    expect(reports).toEqual([
      { outTimeSeconds: 1.5, speed: 2.51 },
      { outTimeSeconds: 1.5, speed: 2.4 },
      { outTimeSeconds: 3, speed: 2.6 },
    ]);
    expect(parser.frames).toBe(30);
    expect(parser.ended).toBe(true);
  });
});
