import { sql, type Kysely } from 'kysely';

/**
 * Search and filters over 100,000 items stay fast: trigram indexes answer "contains" searches
 * on paths, segment notes and media metadata, and expression indexes serve the filters on
 * recorded time and duration. pg_trgm ships with PostgreSQL (trusted: the database owner may
 * create it) and with PGlite (loaded by connect.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `CREATE EXTENSION IF NOT EXISTS pg_trgm`,
    `CREATE INDEX sighting_path_trgm ON sighting USING gin (path_display gin_trgm_ops)`,
    `CREATE INDEX segment_note_trgm ON segment USING gin (note gin_trgm_ops)`,
    `CREATE INDEX item_media_trgm ON item USING gin ((media::text) gin_trgm_ops)`,
    `CREATE INDEX item_duration ON item (((media->>'durationSeconds')::double precision))`,
    `CREATE INDEX item_kind_sha ON item (kind, sha256)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
