import { sql, type Kysely } from 'kysely';

/**
 * What Custody reads from the pictures: the camera overlay (when, which camera), perceptual
 * fingerprints that find copies and cuts of one recording, and face tracks (the input to
 * redaction). All of it is analysis of an original, never the original: a job may replace it,
 * and each result is announced by a custody event.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // One row per analysed video. `start` is the burned-in wall-clock time of the first frame,
    // as the camera wrote it (no time zone: the camera does not say). `ocr` keeps the machine
    // reading even after an investigator corrected start or device (source = 'manual').
    `CREATE TABLE overlay_reading (
      item_id uuid PRIMARY KEY REFERENCES item (id),
      start timestamp,
      device text,
      confidence real NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
      source text NOT NULL CHECK (source IN ('ocr', 'manual')),
      region jsonb,
      frames jsonb NOT NULL,
      ocr jsonb NOT NULL,
      read_at timestamptz NOT NULL,
      corrected_by text,
      corrected_at timestamptz
    )`,
    `CREATE INDEX overlay_reading_start ON overlay_reading (start)`,
    `CREATE INDEX overlay_reading_device ON overlay_reading (device)`,
    // A video's fingerprint: 64-bit perceptual frame hashes at a fixed rate, low-information
    // frames (black, flat) left out. The four 16-bit bands of each hash are indexed: two hashes
    // within Hamming distance 7 agree within 1 bit on at least one band (multi-index hashing).
    `CREATE TABLE fingerprint (
      item_id uuid PRIMARY KEY REFERENCES item (id),
      rate real NOT NULL,
      frames integer NOT NULL,
      kept integer NOT NULL,
      computed_at timestamptz NOT NULL
    )`,
    `CREATE TABLE frame_hash (
      item_id uuid NOT NULL REFERENCES item (id),
      t real NOT NULL,
      h bigint NOT NULL,
      PRIMARY KEY (item_id, t)
    )`,
    `CREATE INDEX frame_hash_b0 ON frame_hash (((h >> 48) & 65535))`,
    `CREATE INDEX frame_hash_b1 ON frame_hash (((h >> 32) & 65535))`,
    `CREATE INDEX frame_hash_b2 ON frame_hash (((h >> 16) & 65535))`,
    `CREATE INDEX frame_hash_b3 ON frame_hash ((h & 65535))`,
    // Two videos sharing a run of matching frames; stored once per pair (a < b).
    // b's time = a's time + offset, for a_start..a_end of a.
    `CREATE TABLE similar_pair (
      a uuid NOT NULL REFERENCES item (id),
      b uuid NOT NULL REFERENCES item (id),
      offset_seconds real NOT NULL,
      a_start real NOT NULL,
      a_end real NOT NULL,
      b_start real NOT NULL,
      b_end real NOT NULL,
      matched integer NOT NULL,
      score real NOT NULL,
      PRIMARY KEY (a, b),
      CHECK (a < b)
    )`,
    `CREATE INDEX similar_pair_b ON similar_pair (b)`,
    // Connected components of similar_pair; the cluster id is its smallest member's id, so
    // every member reports the same value and re-clustering is deterministic.
    `CREATE TABLE item_cluster (
      item_id uuid PRIMARY KEY REFERENCES item (id),
      cluster uuid NOT NULL
    )`,
    `CREATE INDEX item_cluster_cluster ON item_cluster (cluster)`,
    // Face detection ran on this video (a video with no face has a run and no tracks).
    `CREATE TABLE face_run (
      item_id uuid PRIMARY KEY REFERENCES item (id),
      rate real NOT NULL,
      frames integer NOT NULL,
      tracks integer NOT NULL,
      detector text NOT NULL,
      ran_at timestamptz NOT NULL
    )`,
    // A face followed over time: boxes are [t, x, y, w, h, score] with x..h as fractions of the
    // frame, so they fit the proxy and the original alike.
    `CREATE TABLE face_track (
      item_id uuid NOT NULL REFERENCES item (id),
      track integer NOT NULL,
      start_seconds real NOT NULL,
      end_seconds real NOT NULL,
      boxes jsonb NOT NULL,
      PRIMARY KEY (item_id, track)
    )`,
    // How far a running job has got, written by its handler (pg-boss keeps no progress).
    `CREATE TABLE job_progress (
      job_id text PRIMARY KEY,
      fraction real NOT NULL CHECK (fraction >= 0 AND fraction <= 1),
      detail text,
      updated_at timestamptz NOT NULL
    )`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
