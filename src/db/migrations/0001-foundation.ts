import { sql, type Kysely } from 'kysely';

/**
 * The foundation: the append-only custody log, acquisitions, items (one per distinct content)
 * and sightings (one per path seen in an acquisition). Plain SQL that runs on PostgreSQL 15
 * (Debian's server) and PGlite (PostgreSQL 18).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement per call: PGlite runs parameterised (extended-protocol) queries only.
  const statements = [
    `CREATE TABLE custody_event (
      seq bigint PRIMARY KEY CHECK (seq > 0),
      at timestamptz NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      subject_type text NOT NULL,
      subject_id text NOT NULL,
      payload jsonb NOT NULL,
      prev_hash text,
      hash text NOT NULL UNIQUE
    )`,
    `CREATE INDEX custody_event_subject ON custody_event (subject_type, subject_id, seq)`,
    `-- The log has no update or delete path: not in the code, and not in the database.
    CREATE FUNCTION custody_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'custody_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END $$`,
    `CREATE TRIGGER custody_event_no_change BEFORE UPDATE OR DELETE ON custody_event
      FOR EACH ROW EXECUTE FUNCTION custody_event_is_append_only()`,
    `CREATE TRIGGER custody_event_no_truncate BEFORE TRUNCATE ON custody_event
      FOR EACH STATEMENT EXECUTE FUNCTION custody_event_is_append_only()`,
    `CREATE TABLE acquisition (
      id uuid PRIMARY KEY,
      name text NOT NULL UNIQUE,
      received_from text,
      received_at text,
      note text,
      source_path text NOT NULL,
      opened_at timestamptz NOT NULL,
      closed_at timestamptz,
      summary jsonb
    )`,
    `CREATE TABLE item (
      id uuid PRIMARY KEY,
      sha256 text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size bigint NOT NULL CHECK (size >= 0),
      kind text NOT NULL CHECK (kind IN ('video', 'audio', 'image', 'document', 'other')),
      ingested_at timestamptz NOT NULL,
      probe_status text NOT NULL CHECK (probe_status IN ('pending', 'ok', 'failed', 'not-media')),
      media jsonb,
      probe jsonb,
      problems jsonb NOT NULL DEFAULT '[]'
    )`,
    `CREATE INDEX item_pending_probe ON item (sha256) WHERE probe_status = 'pending'`,
    `CREATE TABLE sighting (
      id uuid PRIMARY KEY,
      acquisition_id uuid NOT NULL REFERENCES acquisition (id),
      path bytea NOT NULL,
      path_display text NOT NULL,
      entry_type text NOT NULL CHECK (entry_type IN ('file', 'symlink', 'skipped')),
      item_id uuid REFERENCES item (id),
      size bigint,
      mtime_ns text,
      mode integer,
      uid integer,
      gid integer,
      link_target bytea,
      link_target_display text,
      skip_code text,
      skip_message text,
      recorded_at timestamptz NOT NULL,
      UNIQUE (acquisition_id, path),
      CHECK ((entry_type = 'file') = (item_id IS NOT NULL))
    )`,
    `CREATE INDEX sighting_item ON sighting (item_id)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
