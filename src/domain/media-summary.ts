import type { Json } from './canonical-json.ts';
import type { ItemKind } from './media-kind.ts';

/**
 * The part of ffprobe's report a person browsing the archive needs, extracted from the raw
 * JSON (which is kept whole, as evidence). ffprobe output is untrusted: every field is
 * checked for type and strings are cut to a sane length.
 */
export interface MediaSummary {
  readonly container: string | null;
  readonly durationSeconds: number | null;
  readonly bitRate: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly frameRate: number | null;
  readonly videoCodec: string | null;
  readonly audioCodec: string | null;
  readonly streams: readonly StreamSummary[];
  readonly creationTime: string | null;
  /** Tags that may name the recording device (make, model, serial, encoder, comment…). */
  readonly deviceTags: Readonly<Record<string, string>>;
}

export interface StreamSummary {
  readonly index: number;
  readonly type: string;
  readonly codec: string | null;
  readonly width?: number;
  readonly height?: number;
  readonly frameRate?: number;
  readonly sampleRate?: number;
  readonly channels?: number;
  readonly durationSeconds?: number;
}

type Obj = Readonly<Record<string, unknown>>;

const DEVICE_TAG =
  /make|model|serial|device|camera|encoder|comment|software|handler_name|location|gps/i;
const MAX_TAG = 200;

export function summarizeProbe(raw: Obj): MediaSummary {
  const format = obj(raw['format']);
  const streams = arr(raw['streams']).map(obj);
  const video = streams.find((s) => str(s['codec_type']) === 'video' && !isAttachedPicture(s));
  const audio = streams.find((s) => str(s['codec_type']) === 'audio');
  const formatTags = obj(format['tags']);
  return {
    container: str(format['format_name']),
    durationSeconds: num(format['duration']) ?? num(video?.['duration']) ?? null,
    bitRate: num(format['bit_rate']),
    width: num(video?.['width']),
    height: num(video?.['height']),
    frameRate: video ? (rate(video['avg_frame_rate']) ?? rate(video['r_frame_rate'])) : null,
    videoCodec: str(video?.['codec_name']),
    audioCodec: str(audio?.['codec_name']),
    streams: streams.map(summarizeStream),
    creationTime: str(formatTags['creation_time']) ?? firstStreamTag(streams, 'creation_time'),
    deviceTags: deviceTags([formatTags, ...streams.map((s) => obj(s['tags']))]),
  };
}

/** What the content turns out to be once ffprobe has read it; null when it cannot tell. */
export function kindFromProbe(raw: Obj): ItemKind | null {
  const streams = arr(raw['streams']).map(obj);
  const format = str(obj(raw['format'])['format_name']) ?? '';
  const moving = streams.some(
    (s) => str(s['codec_type']) === 'video' && !isAttachedPicture(s) && !isStill(s, format),
  );
  if (moving) return 'video';
  if (streams.some((s) => str(s['codec_type']) === 'audio')) return 'audio';
  if (streams.some((s) => str(s['codec_type']) === 'video')) return 'image';
  return null;
}

export function summaryToJson(s: MediaSummary): { [key: string]: Json } {
  return JSON.parse(JSON.stringify(s)) as { [key: string]: Json };
}

function summarizeStream(s: Obj): StreamSummary {
  const base = {
    index: num(s['index']) ?? -1,
    type: str(s['codec_type']) ?? 'unknown',
    codec: str(s['codec_name']),
  };
  const extra: Record<string, number> = {};
  const set = (key: string, value: number | null): void => {
    if (value !== null) extra[key] = value;
  };
  set('width', num(s['width']));
  set('height', num(s['height']));
  if (base.type === 'video') set('frameRate', rate(s['avg_frame_rate']));
  set('sampleRate', num(s['sample_rate']));
  set('channels', num(s['channels']));
  set('durationSeconds', num(s['duration']));
  return { ...base, ...extra };
}

const STILL_FORMATS = /image2|_pipe$|png|mjpeg|bmp|gif|webp|tiff/;

function isStill(s: Obj, format: string): boolean {
  const frames = num(s['nb_frames']);
  return STILL_FORMATS.test(format) && (frames === null || frames <= 1) && !/gif/.test(format);
}

function isAttachedPicture(s: Obj): boolean {
  return num(obj(s['disposition'])['attached_pic']) === 1;
}

function firstStreamTag(streams: readonly Obj[], tag: string): string | null {
  for (const s of streams) {
    const value = str(obj(s['tags'])[tag]);
    if (value !== null) return value;
  }
  return null;
}

function deviceTags(tagSets: readonly Obj[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tags of tagSets) {
    for (const [key, value] of Object.entries(tags)) {
      const text = str(value);
      if (text !== null && DEVICE_TAG.test(key) && !(key in out)) out[key.slice(0, 64)] = text;
    }
  }
  return out;
}

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A printable string: control characters (NUL included, which PostgreSQL text refuses) removed. */
function str(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const clean = v.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return clean === '' ? null : clean.slice(0, MAX_TAG);
}

function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** "30000/1001" → 29.97; "0/0" → null. */
function rate(v: unknown): number | null {
  const text = str(v);
  if (text === null) return null;
  const [n, d] = text.split('/').map(Number);
  if (
    n === undefined ||
    d === undefined ||
    !Number.isFinite(n) ||
    !Number.isFinite(d) ||
    d === 0 ||
    n === 0
  )
    return null;
  return Math.round((n / d) * 1000) / 1000;
}
