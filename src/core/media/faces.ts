import type { Kysely } from 'kysely';
import { appendCustodyEvents, sha256Hex } from '../../db/custody-log.ts';
import type { Database } from '../../db/schema.ts';
import { canonicalJson, type Json } from '../../domain/canonical-json.ts';
import { displayedSize } from '../../domain/displayed-size.ts';
import { FaceTracker, type FaceSample, type FaceTrack } from '../../domain/face-tracks.ts';
import { fittedSize } from '../../domain/ffmpeg-commands.ts';
import { asSha256 } from '../../domain/hash.ts';
import { summarizeProbe } from '../../domain/media-summary.ts';
import { CustodyError } from '../errors.ts';
import type { FaceDetector } from '../ports.ts';
import type { AnalysisContext, AnalysisDeps } from './analysis.ts';

/**
 * Frames searched per second. A face crossing the frame at walking pace moves about its own
 * width in a third of a second on a body camera, so 3 samples a second keep consecutive boxes
 * overlapping for the tracker and interpolated boxes close to the face; more would cost
 * detection time (the job's bulk) for little gain in coverage.
 */
export const FACE_SAMPLE_RATE = 3;

/**
 * The longest side of the frames searched. BlazeFace sees 256×256 pixels per pass and the
 * detector passes over the whole frame and over square tiles as tall as it, so 640 already
 * gives every pass more pixels than the model looks at: decoding larger buys nothing.
 */
const ANALYSIS_SIZE = 640;

/** Rows per INSERT: each row's boxes can be long (one box per sample of a face). */
const INSERT_BATCH = 100;

/**
 * Finds faces in a video and links them into tracks, the input to redaction: samples the
 * stored original at FACE_SAMPLE_RATE, detects faces in each frame, follows them over time and
 * stores the tracks with a custody event in one transaction. Re-running replaces the item's
 * tracks (jobs are idempotent); a video without faces gets a run with no tracks.
 */
export async function detectFaces(
  deps: AnalysisDeps,
  itemId: string,
  job: AnalysisContext,
): Promise<void> {
  const item = await videoItem(deps.db, itemId);
  const detector = await deps.faceDetector();
  stopIfAborted(job.signal);
  const duration = item.summary.durationSeconds;
  const rate = FACE_SAMPLE_RATE;
  const tracker = new FaceTracker({ rate });
  let frames = 0;
  let detections = 0;
  const scan = {
    input: deps.blobs.localPath(asSha256(item.sha256)),
    display: item.display,
    container: item.summary.container,
    durationSeconds: duration,
    signal: job.signal,
  };
  for await (const sample of scanFaces(deps, detector, scan)) {
    tracker.push(sample);
    frames += 1;
    detections += sample.faces.length;
    if (duration !== null && duration > 0)
      job.progress(
        Math.min(1, sample.t / duration),
        `${String(frames)} frames, ${String(detections)} detections`,
      );
  }
  const tracks = tracker.finish();
  await storeFaceTracks(deps, item, { detector: detector.name, rate, frames, tracks });
}

/** A video to search for faces: a local file and what ffprobe said about its picture. */
export interface FaceScan {
  readonly input: string;
  /** The picture as displayed (see displayedSize). */
  readonly display: { readonly width: number; readonly height: number };
  readonly container: string | null;
  readonly durationSeconds: number | null;
  readonly signal: AbortSignal;
}

/**
 * Samples a video at FACE_SAMPLE_RATE and yields the faces found in each sample, one at a time
 * (memory holds a frame or two). Shared by the face tracks and by the check of a redaction's
 * render, so both see a video the same way. Stops with MEDIA.ANALYSIS_FAILED when aborted.
 */
export async function* scanFaces(
  deps: Pick<AnalysisDeps, 'frames'>,
  detector: FaceDetector,
  scan: FaceScan,
): AsyncGenerator<FaceSample> {
  const { width, height } = fittedSize(scan.display.width, scan.display.height, ANALYSIS_SIZE);
  const rate = FACE_SAMPLE_RATE;
  for await (const frame of deps.frames.frames(scan.input, {
    rate,
    width,
    height,
    pixelFormat: 'rgb24',
    container: scan.container,
    mediaSeconds: scan.durationSeconds,
    signal: scan.signal,
  })) {
    stopIfAborted(scan.signal);
    const t = frame.t ?? frame.index / rate;
    yield { t, faces: await detector.detect(frame) };
  }
  stopIfAborted(scan.signal);
}

/** Between frames (detection takes a while): a cancelled or timed-out job stops, storing nothing. */
function stopIfAborted(signal: AbortSignal): void {
  if (signal.aborted)
    throw new CustodyError(
      'MEDIA.ANALYSIS_FAILED',
      'Face detection was stopped before it finished.',
      {
        hint: 'The job was cancelled or timed out; it is retried.',
      },
    );
}

async function videoItem(db: Kysely<Database>, itemId: string) {
  const item = await db
    .selectFrom('item')
    .select(['id', 'sha256', 'kind', 'probe_status', 'probe_text'])
    .where('id', '=', itemId)
    .executeTakeFirst();
  if (item === undefined)
    throw new CustodyError('ITEM.NOT_FOUND', 'No such item.', { hint: 'It may have been a typo.' });
  const notVideo = new CustodyError('MEDIA.ANALYSIS_FAILED', 'This item is not a readable video.', {
    hint: 'Faces are searched for in videos that ffprobe could read.',
  });
  if (item.probe_status !== 'ok' || item.probe_text === null || item.kind !== 'video')
    throw notVideo;
  const raw = JSON.parse(item.probe_text) as Record<string, unknown>;
  const display = displayedSize(raw);
  if (display === null) throw notVideo;
  return { id: item.id, sha256: item.sha256, summary: summarizeProbe(raw), display };
}

interface FaceRun {
  readonly detector: string;
  readonly rate: number;
  readonly frames: number;
  readonly tracks: readonly FaceTrack[];
}

/**
 * The tracks as JSON, in the form that is hashed into the custody event: canonical (sorted
 * keys, no spaces), so anyone can rebuild it from the face_track rows and check the hash.
 */
export function faceTracksJson(tracks: readonly FaceTrack[]): string {
  return canonicalJson(
    tracks.map((t) => ({
      track: t.track,
      start: t.start,
      end: t.end,
      boxes: t.boxes.map((b) => [...b]),
    })),
  );
}

async function storeFaceTracks(
  deps: Pick<AnalysisDeps, 'db' | 'clock'>,
  item: { readonly id: string; readonly sha256: string },
  run: FaceRun,
): Promise<void> {
  const now = deps.clock.now();
  const sha256 = sha256Hex(faceTracksJson(run.tracks));
  await deps.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('face_track').where('item_id', '=', item.id).execute();
    for (let i = 0; i < run.tracks.length; i += INSERT_BATCH) {
      await tx
        .insertInto('face_track')
        .values(
          run.tracks.slice(i, i + INSERT_BATCH).map((t) => ({
            item_id: item.id,
            track: t.track,
            start_seconds: t.start,
            end_seconds: t.end,
            boxes: JSON.stringify(t.boxes),
          })),
        )
        .execute();
    }
    const values = {
      rate: run.rate,
      frames: run.frames,
      tracks: run.tracks.length,
      detector: run.detector,
      ran_at: now,
    };
    await tx
      .insertInto('face_run')
      .values({ item_id: item.id, ...values })
      .onConflict((oc) => oc.column('item_id').doUpdateSet(values))
      .execute();
    const payload: { [key: string]: Json } = {
      from: item.sha256,
      detector: run.detector,
      rate: run.rate,
      frames: run.frames,
      tracks: run.tracks.length,
      sha256,
    };
    await appendCustodyEvents(
      tx,
      [
        {
          actor: 'custody',
          action: 'faces.detected',
          subjectType: 'item',
          subjectId: item.id,
          payload,
        },
      ],
      now,
    );
  });
}
