import { describe, expect, it } from 'vitest';
import { fitWithin, PROXY } from './ffmpeg-commands.ts';
import {
  audioGraph,
  chunkRect,
  MASK_CHUNK,
  maskChunks,
  redactArgs,
  redactPlan,
  renderedSeconds,
  videoGraph,
  watermarkArgs,
  watermarkText,
  type RedactPlan,
} from './redaction-commands.ts';
import { boxAt, EMPTY_SPEC, type Mask, type RedactionSpec } from './redaction.ts';

const FRAME = { width: 1280, height: 720 };
const SCRIPTS = { video: '/derived/.v1.mp4.x.vf', audio: '/derived/.v1.mp4.x.af' };

function plan(spec: Partial<RedactionSpec>, audio: RedactPlan['audio'] = { channels: 2 }) {
  return redactPlan(
    { ...EMPTY_SPEC, ...spec },
    {
      display: { width: 1920, height: 1080 },
      audio,
      durationSeconds: 60,
      frameRate: 25,
      container: 'mov,mp4,m4a,3gp,3g2,mj2',
    },
  );
}

function after(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A face-like mask: a box wandering and changing size, 3 keyframes a second. */
function wanderingMask(next: () => number, seconds: number, fill: Mask['fill'] = 'opaque'): Mask {
  let x = next() * 0.7;
  let y = next() * 0.7;
  let w = 0.05 + next() * 0.2;
  const keyframes = Array.from({ length: seconds * 3 + 1 }, (_, i) => {
    x = Math.min(0.9, Math.max(0, x + (next() - 0.5) * 0.08));
    y = Math.min(0.9, Math.max(0, y + (next() - 0.5) * 0.08));
    w = Math.min(0.3, Math.max(0.02, w * (0.8 + next() * 0.45)));
    return { t: i / 3, x, y, w: Math.min(w, 1 - x), h: Math.min(w * 1.6, 1 - y) };
  });
  return { id: 'm', fill, start: 0.2, end: seconds - 0.2, keyframes };
}

/** Whether some chunk shown at `t` covers the box (in pixels, as the frame shows it). */
function covered(
  chunks: ReturnType<typeof maskChunks>,
  box: NonNullable<ReturnType<typeof boxAt>>,
  t: number,
) {
  const left = box.x * FRAME.width;
  const top = box.y * FRAME.height;
  const right = (box.x + box.w) * FRAME.width;
  const bottom = (box.y + box.h) * FRAME.height;
  return chunks.some((c) => {
    if (t < c.start || t > c.end) return false;
    const r = chunkRect(c, t, FRAME);
    return r.x <= left && r.y <= top && r.x + r.w >= right && r.y + r.h >= bottom;
  });
}

describe('masks as overlays of a fixed size', () => {
  it('always covers the interpolated box, at every instant the mask is shown', () => {
    const next = random(7);
    for (let n = 0; n < 20; n++) {
      const mask = wanderingMask(next, 20);
      const chunks = maskChunks(mask, FRAME, { start: 0, end: Infinity });
      for (let t = 0; t <= 20; t += 0.01) {
        const box = boxAt(mask, t);
        if (box === null) continue;
        expect(covered(chunks, box, t), `mask ${String(n)} at ${t.toFixed(2)} s`).toBe(true);
      }
    }
  });

  it('keeps chunks short and close to the box size, sharing their boundary keyframe', () => {
    const mask = wanderingMask(random(3), 60);
    const chunks = maskChunks(mask, FRAME, { start: 0, end: Infinity });
    expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(mask.keyframes.length / 23));
    for (const c of chunks) expect(c.centres.length).toBeLessThanOrEqual(MASK_CHUNK.maxKeyframes);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]?.start).toBe(chunks[i - 1]?.end);
    expect(chunks[0]?.start).toBe(mask.start);
    expect(chunks.at(-1)?.end).toBe(mask.end);
  });

  it('starts a new chunk when the box grows by more than 30%', () => {
    const mask: Mask = {
      id: 'grow',
      fill: 'opaque',
      start: 0,
      end: 4,
      keyframes: [0, 1, 2, 3, 4].map((t) => ({ t, x: 0.1, y: 0.1, w: 0.1 * 1.1 ** t, h: 0.1 })),
    };
    const chunks = maskChunks(mask, FRAME, { start: 0, end: Infinity });
    expect(chunks.map((c) => c.centres.map((k) => k.t))).toEqual([
      [0, 1, 2],
      [2, 3, 4],
    ]);
    // 0.121 of 1280 pixels, 2 more on each side, even.
    expect(chunks[0]?.w).toBe(160);
  });

  it('holds the first box before the first keyframe and the last after the last', () => {
    const mask: Mask = {
      id: 'hold',
      fill: 'opaque',
      start: 0,
      end: 10,
      keyframes: [
        { t: 2, x: 0.1, y: 0.1, w: 0.1, h: 0.1 },
        { t: 4, x: 0.5, y: 0.1, w: 0.1, h: 0.1 },
      ],
    };
    const [chunk] = maskChunks(mask, FRAME, { start: 0, end: Infinity });
    if (chunk === undefined) throw new Error('no chunk');
    expect(chunkRect(chunk, 0, FRAME).x).toBe(chunkRect(chunk, 2, FRAME).x);
    expect(chunkRect(chunk, 9, FRAME).x).toBe(chunkRect(chunk, 4, FRAME).x);
    expect(chunkRect(chunk, 3, FRAME).x).toBe(2 * Math.floor((0.35 * 1280 - chunk.w / 2) / 2));
  });

  it('follows the original timeline through a cut, and drops what the cut leaves out', () => {
    const mask: Mask = {
      id: 'cut',
      fill: 'blur',
      start: 5,
      end: 30,
      keyframes: [{ t: 5, x: 0.1, y: 0.1, w: 0.1, h: 0.1 }],
    };
    const window = { start: 10, end: 20 };
    expect(maskChunks(mask, FRAME, window).map((c) => [c.start, c.end])).toEqual([[0, 10]]);
    expect(maskChunks({ ...mask, start: 25 }, FRAME, window)).toEqual([]);
  });
});

describe('videoGraph', () => {
  it('without masks is the proxy scaling and nothing else', () => {
    expect(videoGraph(plan({}))).toBe(
      `yadif=mode=send_frame:deint=interlaced,${fitWithin(PROXY.maxSide)},format=yuv420p`,
    );
  });

  it('draws blurred chunks first and filled ones over them, each only while shown', () => {
    const box = { t: 0, x: 0.1, y: 0.1, w: 0.1, h: 0.1 };
    const graph = videoGraph(
      plan({
        masks: [
          { id: 'a', fill: 'opaque', start: 1, end: 2, keyframes: [box] },
          { id: 'b', fill: 'blur', start: 3, end: 4, keyframes: [box] },
        ],
      }),
    );
    const lines = graph.split(';\n');
    expect(lines[1]).toMatch(/^\[v0\]split/);
    // Each from one frame (1/25 s) before its start: the frame on screen when it starts.
    expect(lines[2]).toMatch(/crop=.*boxblur=.*enable='between\(t,2\.96,4\)'\[p0\]$/);
    expect(lines[3]).toMatch(/^\[m0\]\[p0\]overlay=x='if\(between\(t,2\.96,4\),clip\(.*\),W\)':y=/);
    expect(lines[4]).toBe('color=c=black:s=132x76:r=1:d=5,setpts=PTS-1/TB[c1]');
    expect(lines[5]).toMatch(
      /^\[v1\]\[c1\]overlay=x='if\(between\(t,0\.96,2\),.*,W\)':y=.*:eval=frame:eof_action=pass$/,
    );
    // Never `enable` on a filter with two inputs (see videoGraph).
    expect(graph).not.toMatch(/overlay=[^;]*enable/);
    // The last filter's output is the graph's: unlabelled.
    expect(graph.endsWith(']')).toBe(false);
    // Colons separate filter options: expressions must never contain one.
    for (const line of lines) expect(line.replace(/[a-z_]+=|:(?=[a-z_]+=)/g, '')).not.toMatch(/:/);
  });

  it('shifts mask times by the cut start', () => {
    const box = { t: 12, x: 0.1, y: 0.1, w: 0.1, h: 0.1 };
    const graph = videoGraph(
      plan({
        cut: { start: 10, end: 20 },
        masks: [
          {
            id: 'a',
            fill: 'opaque',
            start: 11,
            end: 15,
            keyframes: [box, { ...box, t: 14, x: 0.3 }],
          },
        ],
      }),
    );
    expect(graph).toContain("x='if(between(t,0.96,5),");
    expect(graph).toContain('if(lte(t,2),0.15,if(lt(t,4),0.15+(t-2)*0.1,0.35))');
  });
});

describe('audioGraph', () => {
  it('is null without sound, and resampling alone without ranges', () => {
    expect(audioGraph(plan({}, null))).toBeNull();
    expect(audioGraph(plan({}))).toBe('aresample=48000:async=1');
    expect(audioGraph(plan({}, { channels: 6 }))).toBe(
      'aresample=48000:async=1,aformat=channel_layouts=stereo',
    );
  });

  it('mutes every range, per 10 ms frame, on for any frame that overlaps it', () => {
    const graph = audioGraph(
      plan({
        audio: [
          { start: 1, end: 2, mode: 'mute' },
          { start: 5, end: 6.5, mode: 'mute' },
        ],
      }),
    );
    expect(graph).toBe(
      "aresample=48000:async=1,asetnsamples=n=480:p=0,volume=0:enable='between(t,0.99,2)+between(t,4.99,6.5)'",
    );
  });

  it('adds a 1 kHz tone only inside bleep ranges, mixed without normalising', () => {
    const graph =
      audioGraph(
        plan({
          cut: { start: 10, end: 30 },
          audio: [
            { start: 11, end: 12, mode: 'mute' },
            { start: 15, end: 16, mode: 'bleep' },
            { start: 40, end: 41, mode: 'bleep' },
          ],
        }),
      ) ?? '';
    expect(graph).toContain("volume=0:enable='between(t,0.99,2)+between(t,4.99,6)'[a]");
    expect(graph).toContain(
      "sine=frequency=1000:sample_rate=48000:samples_per_frame=480,volume=0:enable='not(between(t,4.99,6))'[tone]",
    );
    expect(graph).toContain('[a][tone]amix=inputs=2:normalize=0:duration=first');
  });
});

describe('redactArgs', () => {
  const cut = plan({ cut: { start: 12.5, end: 20 } });
  const args = redactArgs('/blobs/ab/abcd', '/derived/.v1.tmp', cut, SCRIPTS);

  it('keeps one video and at most one audio stream, and nothing else', () => {
    expect(args.filter((a) => a === '-map')).toHaveLength(2);
    expect(after(args, '-map')).toBe('0:V:0');
    expect(args).toContain('0:a:0');
    for (const flag of ['-sn', '-dn']) expect(args).toContain(flag);
    expect(after(args, '-map_metadata')).toBe('-1');
    expect(after(args, '-map_chapters')).toBe('-1');
    const silent = redactArgs('/i', '/o', plan({}, null), { ...SCRIPTS, audio: null });
    expect(silent).toContain('-an');
    expect(silent).not.toContain('0:a:0');
  });

  it('strips what names tools and versions, and drops x264 SEI', () => {
    expect(after(args, '-fflags')).toBe('+bitexact');
    expect(after(args, '-flags:v')).toBe('+bitexact');
    expect(after(args, '-flags:a')).toBe('+bitexact');
    expect(after(args, '-bsf:v')).toBe('filter_units=remove_types=6');
    expect(after(args, '-movflags')).toBe('+faststart');
  });

  it('encodes as the proxy does', () => {
    expect(after(args, '-preset')).toBe(PROXY.preset);
    expect(after(args, '-crf')).toBe(String(PROXY.crf));
    expect(after(args, '-force_key_frames')).toBe('expr:gte(t,n_forced*2)');
    expect(after(args, '-c:a')).toBe('aac');
    expect(after(args, '-progress')).toBe('pipe:1');
  });

  it('reads the original as hostile input and seeks accurately for a cut', () => {
    const input = args.indexOf('-i');
    expect(args[input + 1]).toBe('file:/blobs/ab/abcd');
    expect(args.at(-1)).toBe('file:/derived/.v1.tmp');
    expect(after(args, '-protocol_whitelist')).toBe('file');
    expect(args.indexOf('-ss')).toBeLessThan(input);
    expect(after(args, '-ss')).toBe('12.5');
    expect(after(args, '-to')).toBe('20');
    expect(after(args, '-filter_script:v')).toBe(`file:${SCRIPTS.video}`);
    expect(after(args, '-filter_script:a')).toBe(`file:${SCRIPTS.audio}`);
    expect(renderedSeconds(cut)).toBe(7.5);
    expect(renderedSeconds(plan({ cut: { start: 50, end: 90 } }))).toBe(10);
  });
});

describe('watermark', () => {
  const args = watermarkArgs(
    '/derived/v1.mp4',
    '/tmp/custody-watermark-x/text.txt',
    '/fonts/f.ttf',
  );

  it('draws the text from a file, unexpanded, twice, into fragmented MP4 on stdout', () => {
    const vf = after(args, '-vf') ?? '';
    expect(
      vf.match(
        /drawtext=fontfile=\/fonts\/f\.ttf:textfile=\/tmp\/custody-watermark-x\/text\.txt:expansion=none/g,
      ),
    ).toHaveLength(2);
    expect(vf).toContain('box=1:boxcolor=black@0.5');
    expect(after(args, '-movflags')).toBe('frag_keyframe+empty_moov+delay_moov+default_base_moof');
    expect(args.at(-1)).toBe('pipe:1');
    expect(after(args, '-c:a')).toBe('copy');
    expect(after(args, '-map_metadata')).toBe('-1');
    expect(args).toContain('0:a:0?');
  });

  it('refuses paths that would need quoting in a filter', () => {
    expect(() => watermarkArgs('/i', "/tmp/it's.txt", '/f.ttf')).toThrow(RangeError);
    expect(() => watermarkArgs('/i', '/tmp/a:b.txt', '/f.ttf')).toThrow(RangeError);
  });

  it('draws control and direction characters as spaces, keeps lines, never nothing', () => {
    expect(watermarkText('Ann\u202e \u0007Lee\nCPT  ')).toBe('Ann   Lee\nCPT');
    expect(watermarkText('%{localtime} \\ 100%')).toBe('%{localtime} \\ 100%');
    expect(watermarkText('\u0000')).toBe('?');
    expect(Array.from(watermarkText('я'.repeat(500)))).toHaveLength(200);
  });
});
