import type { AnalysisContext, AnalysisDeps } from '../media/analysis.ts';
import { FACE_SAMPLE_RATE, scanFaces } from '../media/faces.ts';

/** A face the detector still found in the render: a box as fractions of the frame. */
export interface FlaggedFace {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly score: number;
}

/**
 * What the face check found in a render (stored as JSON in redaction.face_check): how often it
 * looked, how many frames it searched, and every sampled frame where a face scored at least
 * FLAG_SCORE. `t` is on the ORIGINAL's timeline (the cut's start added), like the masks, so the
 * editor can jump to it.
 */
export interface FaceCheck {
  readonly rate: number;
  readonly frames: number;
  readonly flagged: readonly { readonly t: number; readonly faces: readonly FlaggedFace[] }[];
}

/**
 * The score from which a face in a render is flagged. Black boxes over heads make bodies look
 * like faces to BlazeFace: on the face fixtures masked from their own tracks, that clutter
 * scored up to 0.58 (0.51, 0.58, 0.47, 0.56, 0.35 across five clips), while whole faces score
 * 0.85 to 0.96, and faces half covered by a mask that lags or sits too high or low still reach
 * 0.6 to 0.86 in most samples. At 0.5 every masked video would be flagged and reviewers would
 * learn to ignore flags; at 0.6 a flag means a face, and a half-hidden one is still caught.
 */
export const FLAG_SCORE = 0.6;

export interface CheckedVideo {
  /** The rendered file. */
  readonly input: string;
  /** Its picture in pixels. */
  readonly width: number;
  readonly height: number;
  readonly durationSeconds: number | null;
  /** Where the render starts on the original's timeline (the cut's start, or 0). */
  readonly offset: number;
}

/**
 * Runs the face detector that made the face tracks over the RENDERED file, at the same rate,
 * and keeps every sample where a face is still visible: the second look before a reviewer
 * approves a redaction for release.
 */
export async function checkFaces(
  deps: Pick<AnalysisDeps, 'frames' | 'faceDetector'>,
  video: CheckedVideo,
  job: AnalysisContext,
  onProgress: (fraction: number) => void,
): Promise<FaceCheck> {
  const detector = await deps.faceDetector();
  const scan = {
    input: video.input,
    display: { width: video.width, height: video.height },
    container: 'mov',
    durationSeconds: video.durationSeconds,
    signal: job.signal,
  };
  const flagged: { t: number; faces: FlaggedFace[] }[] = [];
  let frames = 0;
  for await (const sample of scanFaces(deps, detector, scan)) {
    frames += 1;
    const faces = sample.faces.filter((f) => f.score >= FLAG_SCORE).map(roundFace);
    if (faces.length > 0) flagged.push({ t: round(sample.t + video.offset, 1000), faces });
    const d = video.durationSeconds;
    if (d !== null && d > 0) onProgress(Math.min(1, sample.t / d));
  }
  return { rate: FACE_SAMPLE_RATE, frames, flagged };
}

function roundFace(f: FlaggedFace): FlaggedFace {
  const r = (n: number): number => round(n, 10_000);
  return { x: r(f.x), y: r(f.y), w: r(f.w), h: r(f.h), score: round(f.score, 1000) };
}

function round(n: number, scale: number): number {
  return Math.round(n * scale) / scale;
}
