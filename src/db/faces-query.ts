import type { Kysely } from 'kysely';
import type { TrackBox } from '../domain/face-tracks.ts';
import type { Database } from './schema.ts';

/** A video's face detection as stored: the run, and every face's track (for the API and UI). */
export interface StoredFaces {
  readonly detector: string;
  /** Samples per second that were searched. */
  readonly rate: number;
  readonly frames: number;
  readonly ranAt: Date;
  readonly tracks: readonly StoredFaceTrack[];
}

export interface StoredFaceTrack {
  readonly track: number;
  readonly start: number;
  readonly end: number;
  /** [t, x, y, w, h, score], x..h as fractions of the frame; score 0: interpolated. */
  readonly boxes: readonly TrackBox[];
}

/** The item's face tracks, in track order; null when detection has not run on it. */
export async function faceTracks(
  db: Kysely<Database>,
  itemId: string,
): Promise<StoredFaces | null> {
  const run = await db
    .selectFrom('face_run')
    .select(['detector', 'rate', 'frames', 'ran_at'])
    .where('item_id', '=', itemId)
    .executeTakeFirst();
  if (run === undefined) return null;
  const rows = await db
    .selectFrom('face_track')
    .select(['track', 'start_seconds', 'end_seconds', 'boxes'])
    .where('item_id', '=', itemId)
    .orderBy('track')
    .execute();
  return {
    detector: run.detector,
    rate: run.rate,
    frames: run.frames,
    ranAt: run.ran_at,
    // Times come from the boxes (exact JSON numbers) rather than the real columns (float4).
    tracks: rows.map((r) => ({
      track: r.track,
      start: r.boxes[0]?.[0] ?? r.start_seconds,
      end: r.boxes.at(-1)?.[0] ?? r.end_seconds,
      boxes: r.boxes,
    })),
  };
}
