import { sql, type Kysely } from 'kysely';

/**
 * Redactions (the decisions behind a redacted copy of a video, its render and its review) and
 * releases (reviewed batches of approved redactions and texts for named partners or the
 * public, with an embargo), the links that share a release with a named recipient, and the
 * record of every view and download by someone outside.
 *
 * Two-person rules are enforced here too: whoever changed a redaction or a release cannot be
 * the one who approves it (`authors` collects every account that changed it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `CREATE TABLE redaction (
      id uuid PRIMARY KEY,
      item_id uuid NOT NULL REFERENCES item (id),
      segment_id uuid REFERENCES segment (id),
      title text NOT NULL DEFAULT '',
      spec text NOT NULL,
      version integer NOT NULL DEFAULT 1,
      status text NOT NULL
        CHECK (status IN ('draft', 'rendering', 'rendered', 'failed', 'approved', 'returned')),
      authors text[] NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL,
      render_version integer,
      render_sha256 text CHECK (render_sha256 ~ '^[0-9a-f]{64}$'),
      render_size bigint,
      rendered_at timestamptz,
      render_error text,
      face_check text,
      reviewed_by text,
      reviewed_at timestamptz,
      review_note text NOT NULL DEFAULT '',
      CHECK (reviewed_by IS NULL OR NOT (reviewed_by = ANY (authors)))
    )`,
    `CREATE INDEX redaction_item ON redaction (item_id)`,
    `CREATE INDEX redaction_status ON redaction (status)`,
    `CREATE TABLE release (
      id uuid PRIMARY KEY,
      title text NOT NULL,
      summary text NOT NULL DEFAULT '',
      content_warning text NOT NULL DEFAULT '',
      audience text NOT NULL CHECK (audience IN ('public', 'partners')),
      embargo_at timestamptz NOT NULL,
      require_verified boolean NOT NULL DEFAULT false,
      status text NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'revoked')),
      version integer NOT NULL DEFAULT 1,
      authors text[] NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL,
      approved_by text,
      approved_at timestamptz,
      revoked_by text,
      revoked_at timestamptz,
      revoke_reason text NOT NULL DEFAULT '',
      CHECK (approved_by IS NULL OR NOT (approved_by = ANY (authors)))
    )`,
    `CREATE TABLE release_video (
      release_id uuid NOT NULL REFERENCES release (id),
      position integer NOT NULL CHECK (position >= 1),
      redaction_id uuid NOT NULL REFERENCES redaction (id),
      caption text NOT NULL DEFAULT '',
      PRIMARY KEY (release_id, position),
      UNIQUE (release_id, redaction_id)
    )`,
    `CREATE TABLE release_text (
      release_id uuid NOT NULL REFERENCES release (id),
      position integer NOT NULL CHECK (position >= 1),
      incident_id uuid REFERENCES incident (id),
      heading text NOT NULL DEFAULT '',
      body text NOT NULL DEFAULT '',
      PRIMARY KEY (release_id, position)
    )`,
    `CREATE TABLE release_partner (
      release_id uuid NOT NULL REFERENCES release (id),
      account_id uuid NOT NULL REFERENCES account (id),
      PRIMARY KEY (release_id, account_id)
    )`,
    `CREATE TABLE release_link (
      id uuid PRIMARY KEY,
      release_id uuid NOT NULL REFERENCES release (id),
      token_sha256 text NOT NULL UNIQUE,
      recipient text NOT NULL,
      expires_at timestamptz NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      revoked_by text,
      revoked_at timestamptz
    )`,
    `CREATE TABLE release_access (
      id bigserial PRIMARY KEY,
      release_id uuid NOT NULL REFERENCES release (id),
      position integer,
      account_id uuid REFERENCES account (id),
      link_id uuid REFERENCES release_link (id),
      recipient text NOT NULL,
      action text NOT NULL CHECK (action IN ('view', 'play', 'download')),
      at timestamptz NOT NULL
    )`,
    `CREATE INDEX release_access_release ON release_access (release_id, at)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
