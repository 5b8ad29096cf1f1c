import { sql, type Kysely } from 'kysely';

/**
 * Sealing the log and exporting evidence: signed, timestamped checkpoints of the custody log
 * (append-only, like the log), the exports made, and the probe report's exact text (the
 * `item.probed` event holds its SHA-256; jsonb reorders keys, so the text must be kept to be
 * checkable).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `CREATE TABLE checkpoint (
      tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
      origin text NOT NULL,
      root_hash text NOT NULL,
      head_hash text NOT NULL,
      frontier jsonb NOT NULL,
      body text NOT NULL,
      signature bytea NOT NULL,
      key_id text NOT NULL,
      public_key text NOT NULL,
      created_at timestamptz NOT NULL
    )`,
    `CREATE TABLE checkpoint_timestamp (
      tree_size bigint NOT NULL REFERENCES checkpoint (tree_size),
      tsa_url text NOT NULL,
      gen_time timestamptz NOT NULL,
      response bytea NOT NULL,
      PRIMARY KEY (tree_size, tsa_url)
    )`,
    `CREATE TRIGGER checkpoint_no_change BEFORE UPDATE OR DELETE ON checkpoint
      FOR EACH ROW EXECUTE FUNCTION custody_event_is_append_only()`,
    `CREATE TRIGGER checkpoint_no_truncate BEFORE TRUNCATE ON checkpoint
      FOR EACH STATEMENT EXECUTE FUNCTION custody_event_is_append_only()`,
    `CREATE TRIGGER checkpoint_timestamp_no_change BEFORE UPDATE OR DELETE ON checkpoint_timestamp
      FOR EACH ROW EXECUTE FUNCTION custody_event_is_append_only()`,
    `CREATE TRIGGER checkpoint_timestamp_no_truncate BEFORE TRUNCATE ON checkpoint_timestamp
      FOR EACH STATEMENT EXECUTE FUNCTION custody_event_is_append_only()`,
    `ALTER TABLE item ADD COLUMN probe_text text`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
