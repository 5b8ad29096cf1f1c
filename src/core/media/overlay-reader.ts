import { cropScaled, downscaled, scaleBox, type Box, type Gray } from '../../domain/gray-image.ts';
import { ocrImages, resized, worthReading } from '../../domain/overlay-ink.ts';
import {
  edgeBands,
  findOverlayCandidates,
  type OverlayCandidate,
} from '../../domain/overlay-region.ts';
import {
  decideOverlay,
  readingTimes,
  type FrameReading,
  type OverlayVerdict,
} from '../../domain/overlay-vote.ts';
import { parseOverlayText } from '../../domain/overlay.ts';
import type { FrameSampler, OcrEngine } from '../ports.ts';
import type { AnalysisContext } from './analysis.ts';

/** The video as the reader needs it: its displayed size, length and frame rate. */
export interface OverlayMedia {
  readonly width: number;
  readonly height: number;
  readonly durationSeconds: number | null;
  readonly frameRate: number | null;
  readonly container: string | null;
}

export interface OverlayResult extends OverlayVerdict {
  /** Where the overlay was read, in displayed pixels; null when none was found. */
  readonly region: Box | null;
  /** Each frame read: its video time and what OCR said. */
  readonly frames: readonly { readonly t: number; readonly text: string }[];
}

/** Tunables, with the defaults the measurements in docs/overlay.md were made with. */
export const OVERLAY_READING = {
  /** Frames decoded, spread over the video; the same frames are searched and read. */
  frames: 7,
  /** Frames are decoded no larger than this (a 4K overlay is legible at half size). */
  maxWidth: 1920,
  /** Width the frames are shrunk to when searching for still text. */
  searchWidth: 640,
  /** Places tried before giving up (found text blocks, then the top and bottom bands). */
  candidates: 4,
  /** Height a text line is scaled to for tesseract, pixels. */
  lineHeight: 40,
  /** Every other frame is read at this share of that size (see `resized`). */
  alternateScale: 0.75,
  /** Largest crop handed to OCR, pixels (a whole band of a frame stays affordable). */
  maxOcrPixels: 1_500_000,
  /** Russian only: with English too, tesseract reads Cyrillic Б as B and Л as JI. */
  languages: 'rus',
  /** A block of text: the overlay is one or two lines. */
  psm: 6,
  /** Decodes and OCR runs at once (each is one process on one core). */
  parallel: 2,
} as const;

interface Io {
  readonly frames: FrameSampler;
  readonly ocr: OcrEngine;
}

/**
 * Decodes a handful of frames spread over the video (each once, whole), finds the still text
 * in small copies of them, then OCRs only that crop of each, upscaled and cleaned, and lets
 * the grammar and the frames' votes decide. Cost does not grow with the video's length.
 */
export async function readOverlayFromVideo(
  io: Io,
  input: string,
  media: OverlayMedia,
  job: AnalysisContext,
): Promise<OverlayResult> {
  const o = OVERLAY_READING;
  const work = fitWidth(media.width, media.height, o.maxWidth);
  const fps = media.frameRate !== null && media.frameRate > 0 ? media.frameRate : null;
  // Seek half a frame early: ffmpeg returns the first frame at or after the seek point, so
  // the frame decoded is the one at `t` exactly and its clock reading belongs to `t`.
  const seekOf = (t: number): number => Math.max(0, fps === null ? t : t - 0.5 / fps);
  job.progress(0, 'decoding frames');
  let decoded = 0;
  const wanted = readingTimes(media.durationSeconds, media.frameRate, o.frames);
  const got = await pool(wanted, o.parallel, async (t) => {
    const frame = await oneFrame(io.frames, input, {
      fromSeconds: seekOf(t),
      maxFrames: 1,
      width: work.w,
      height: work.h,
      pixelFormat: 'gray',
      container: media.container,
      mediaSeconds: media.durationSeconds,
      signal: job.signal,
    });
    decoded += 1;
    job.progress((0.4 * decoded) / wanted.length, 'decoding frames');
    return frame;
  });
  // A duration that overstates the stream leaves the last seeks with nothing to decode.
  const times = wanted.filter((_, i) => got[i] !== null);
  const frames = got.filter((f): f is Gray => f !== null);
  const search = fitWidth(work.w, work.h, o.searchWidth);
  const candidates = [
    ...findOverlayCandidates(frames.map((f) => downscaled(f, search.w, search.h))),
    ...edgeBands(search.w, search.h),
  ].slice(0, o.candidates);
  job.signal.throwIfAborted();
  job.progress(0.45, 'reading the overlay');

  const probe = Math.floor(frames.length / 2);
  const tried: { t: number; text: string }[] = [];
  /** OCR of one candidate over every frame; null when the middle frame shows no overlay. */
  const readCandidate = async (candidate: OverlayCandidate) => {
    const plan = cropPlan(candidate, search, work);
    const crops = frames.map((f) => cropScaled(f, plan.crop, plan.width, plan.height));
    const images = ocrImages(crops, plan.lineHeight).map((img, j) =>
      j % 2 === 1 ? resized(img, o.alternateScale) : img,
    );
    // The middle frame says whether this is the overlay; the other frames are read beside it
    // and no more are started once it has said no.
    const entries = images.map((image, j) => ({ image, j }));
    const order = [
      ...entries.filter((e) => e.j === probe),
      ...entries.filter((e) => e.j !== probe),
    ];
    if (order[0]?.j !== probe) return null;
    const probeSaid = { nothing: false };
    let done = 0;
    const read = await pool(order, o.parallel, async ({ image, j }) => {
      if (probeSaid.nothing) return '';
      const text = await ocr(io.ocr, image, job.signal);
      if (j === probe) {
        const said = parseOverlayText(text);
        probeSaid.nothing = said.clock === null && said.device === null;
      }
      done += 1;
      job.progress(0.5 + (0.5 * done) / images.length, 'reading the overlay');
      return text;
    });
    const texts = images.map((_, j) => read[order.findIndex((e) => e.j === j)] ?? '');
    if (probeSaid.nothing) {
      tried.push({ t: times[probe] ?? 0, text: texts[probe] ?? '' });
      return null;
    }
    const readings: FrameReading[] = times.map((t, j) => ({
      t,
      ...parseOverlayText(texts[j] ?? ''),
    }));
    return {
      ...decideOverlay(readings),
      region: scaleBox(plan.crop, { x: 0, y: 0, ...work }, { w: media.width, h: media.height }),
      frames: times.map((t, j) => ({ t, text: clip(texts[j] ?? '') })),
    };
  };
  for (const candidate of candidates) {
    const result = await readCandidate(candidate);
    if (result === null) continue;
    if (result.start !== null) return result;
    // Text seen but no whole date-time: the end of the line may lie outside the still pixels
    // (small outlined text over a busy, moving scene). Read the same lines across the whole
    // frame once more, and keep that reading only if it has the time.
    const wide = await readCandidate({ ...candidate, x: 0, w: search.w });
    return wide !== null && wide.start !== null ? wide : result;
  }
  return {
    start: null,
    device: null,
    confidence: 0,
    ambiguous: false,
    region: null,
    frames: tried.map((f) => ({ ...f, text: clip(f.text) })),
  };
}

/** A size of the same aspect at most `max` wide, in even pixels. */
function fitWidth(width: number, height: number, max: number): { w: number; h: number } {
  const w = Math.min(max, width);
  const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
  return { w: even(w), h: even((height * w) / width) };
}

/** The crop in the decoded frames' pixels, and the size it is scaled to for a legible line. */
function cropPlan(
  candidate: OverlayCandidate,
  search: { w: number; h: number },
  work: { w: number; h: number },
): { crop: Box; width: number; height: number; lineHeight: number } {
  const crop = scaleBox(candidate, { x: 0, y: 0, ...search }, work);
  const line = (candidate.lineHeight * work.h) / search.h;
  let scale = Math.min(6, Math.max(1, OVERLAY_READING.lineHeight / line));
  const pixels = crop.w * crop.h * scale * scale;
  if (pixels > OVERLAY_READING.maxOcrPixels)
    scale = Math.max(0.5, scale * Math.sqrt(OVERLAY_READING.maxOcrPixels / pixels));
  return {
    crop,
    width: Math.max(8, Math.round(crop.w * scale)),
    height: Math.max(8, Math.round(crop.h * scale)),
    lineHeight: line * scale,
  };
}

async function oneFrame(
  sampler: FrameSampler,
  input: string,
  request: Parameters<FrameSampler['frames']>[1],
): Promise<Gray | null> {
  for await (const f of sampler.frames(input, request))
    return { width: f.width, height: f.height, data: f.data };
  return null;
}

/** OCR of a prepared image; a crop of clutter (no text shape) is not worth tesseract's time. */
async function ocr(engine: OcrEngine, image: Gray, signal: AbortSignal): Promise<string> {
  if (!worthReading(image)) return '';
  const o = OVERLAY_READING;
  return engine.read(image, { languages: o.languages, psm: o.psm, signal });
}

/** OCR text as stored: trimmed, at most 200 characters (it is a reading, not a document). */
function clip(text: string): string {
  return text.trim().slice(0, 200);
}

/** Maps with at most `n` calls in flight, results in input order. */
async function pool<T, R>(
  items: readonly T[],
  n: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}
