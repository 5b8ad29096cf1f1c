/**
 * The size of a video's picture as a player shows it, from ffprobe's raw report: non-square
 * pixels stretched (a 704×576 DVR frame with 12:11 pixels is 768 wide) and a rotation flag
 * applied (a phone held upright). ffmpeg does both before any filter, so frames asked for at
 * this aspect are undistorted. ffprobe output is untrusted: anything odd is ignored.
 */
export function displayedSize(
  raw: Readonly<Record<string, unknown>>,
): { width: number; height: number } | null {
  const streams = Array.isArray(raw['streams']) ? (raw['streams'] as unknown[]) : [];
  // The first video stream that is not cover art: the one ffmpeg's `-map 0:V:0` decodes.
  const video = streams
    .map(obj)
    .find((s) => s['codec_type'] === 'video' && obj(s['disposition'])['attached_pic'] !== 1);
  if (video === undefined) return null;
  const width = positive(video['width']);
  const height = positive(video['height']);
  if (width === null || height === null) return null;
  const shown = width * pixelAspect(video['sample_aspect_ratio']);
  const quarterTurns = Math.round(rotation(video) / 90);
  return quarterTurns % 2 === 0 ? { width: shown, height } : { width: height, height: shown };
}

/** "12:11" → 12/11; unknown, "0:1" and absurd ratios → 1 (square). */
function pixelAspect(v: unknown): number {
  if (typeof v !== 'string') return 1;
  const [n, d] = v.split(':').map(Number);
  if (n === undefined || d === undefined || !(n > 0) || !(d > 0)) return 1;
  const r = n / d;
  return r >= 0.25 && r <= 4 ? r : 1;
}

/** Degrees, from the display matrix side data or (older files) the `rotate` tag. */
function rotation(stream: Readonly<Record<string, unknown>>): number {
  const side = Array.isArray(stream['side_data_list'])
    ? (stream['side_data_list'] as unknown[])
    : [];
  for (const s of side) {
    const r = obj(s)['rotation'];
    if (typeof r === 'number' && Number.isFinite(r)) return r;
  }
  const tag = Number(obj(stream['tags'])['rotate']);
  return Number.isFinite(tag) ? tag : 0;
}

function obj(v: unknown): Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
}

function positive(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 1 << 15 ? v : null;
}
