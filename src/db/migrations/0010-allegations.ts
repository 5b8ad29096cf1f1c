import { sql, type Kysely } from 'kysely';

/**
 * Allegations sent by prisoners and relatives through the public form, the thread of follow-ups
 * and replies, the files they attached (each an item) and the investigators' links to the
 * catalogue.
 *
 * What is deliberately absent: no IP address, user agent, cookie or device detail anywhere; the
 * receipt code only as its SHA-256 (it has 125 random bits, so no slow hash is needed and the
 * hash can be indexed); upload tokens only as their SHA-256; failed receipt lookups only as a
 * time, to throttle guessing archive-wide.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `CREATE TABLE allegation (
      id uuid PRIMARY KEY,
      receipt_hash text NOT NULL UNIQUE,
      account text NOT NULL,
      facility text NOT NULL DEFAULT '',
      occurred_on text NOT NULL DEFAULT '',
      people text NOT NULL DEFAULT '',
      language text NOT NULL CHECK (language IN ('en', 'ru')),
      status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'triaged', 'duplicate', 'closed')),
      duplicate_of uuid REFERENCES allegation (id),
      acquisition_id uuid REFERENCES acquisition (id),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK ((status = 'duplicate') = (duplicate_of IS NOT NULL)),
      CHECK (duplicate_of <> id)
    )`,
    `CREATE INDEX allegation_created ON allegation (created_at DESC, id)`,
    `CREATE INDEX allegation_status ON allegation (status, created_at DESC)`,
    `CREATE TABLE allegation_message (
      id uuid PRIMARY KEY,
      allegation_id uuid NOT NULL REFERENCES allegation (id),
      author text NOT NULL CHECK (author IN ('submitter', 'staff')),
      staff_actor text,
      body text NOT NULL,
      created_at timestamptz NOT NULL,
      CHECK ((author = 'staff') = (staff_actor IS NOT NULL))
    )`,
    `CREATE INDEX allegation_message_thread ON allegation_message (allegation_id, created_at)`,
    `CREATE TABLE allegation_attachment (
      id uuid PRIMARY KEY,
      allegation_id uuid NOT NULL REFERENCES allegation (id),
      upload_id text NOT NULL UNIQUE,
      item_id uuid NOT NULL REFERENCES item (id),
      name text NOT NULL,
      declared_type text NOT NULL DEFAULT '',
      size bigint NOT NULL,
      sha256 text NOT NULL,
      received_at timestamptz NOT NULL
    )`,
    `CREATE INDEX allegation_attachment_allegation ON allegation_attachment (allegation_id)`,
    `CREATE INDEX allegation_attachment_item ON allegation_attachment (item_id)`,
    `CREATE TABLE allegation_upload_grant (
      token_hash text PRIMARY KEY,
      allegation_id uuid NOT NULL REFERENCES allegation (id),
      uploads integer NOT NULL DEFAULT 0,
      expires_at timestamptz NOT NULL
    )`,
    `CREATE INDEX allegation_upload_grant_expiry ON allegation_upload_grant (expires_at)`,
    `CREATE TABLE allegation_receipt_failure (at timestamptz NOT NULL)`,
    `CREATE INDEX allegation_receipt_failure_at ON allegation_receipt_failure (at)`,
    `CREATE TABLE allegation_incident (
      allegation_id uuid NOT NULL REFERENCES allegation (id),
      incident_id uuid NOT NULL REFERENCES incident (id),
      PRIMARY KEY (allegation_id, incident_id)
    )`,
    `CREATE INDEX allegation_incident_incident ON allegation_incident (incident_id)`,
    `CREATE TABLE allegation_person (
      allegation_id uuid NOT NULL REFERENCES allegation (id),
      person_id uuid NOT NULL REFERENCES person (id),
      PRIMARY KEY (allegation_id, person_id)
    )`,
    `CREATE TABLE allegation_facility (
      allegation_id uuid NOT NULL REFERENCES allegation (id),
      facility_id uuid NOT NULL REFERENCES facility (id),
      PRIMARY KEY (allegation_id, facility_id)
    )`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
