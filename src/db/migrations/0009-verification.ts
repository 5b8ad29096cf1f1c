import { sql, type Kysely } from 'kysely';

/**
 * Verification records of items and incidents: a status and confidence, the checklist's
 * results with notes, and the evidence each check rests on. The subject is an item or an
 * incident (no foreign key can name either, so the core checks it exists). Check codes and
 * evidence types are not constrained here: the checklist is domain data, and new kinds of
 * evidence (allegations) join without a migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `CREATE TABLE verification (
      subject_type text NOT NULL CHECK (subject_type IN ('item', 'incident')),
      subject_id uuid NOT NULL,
      status text NOT NULL
        CHECK (status IN ('unverified', 'in_review', 'verified', 'disputed', 'rejected')),
      confidence text CHECK (confidence IN ('low', 'medium', 'high')),
      summary text NOT NULL DEFAULT '',
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL,
      signed_off_by text,
      signed_off_at timestamptz,
      sign_off_note text NOT NULL DEFAULT '',
      PRIMARY KEY (subject_type, subject_id),
      CHECK ((signed_off_by IS NULL) = (signed_off_at IS NULL)),
      CHECK (signed_off_by IS NULL OR signed_off_by <> updated_by)
    )`,
    `CREATE INDEX verification_status ON verification (subject_type, status)`,
    `CREATE TABLE verification_check (
      subject_type text NOT NULL,
      subject_id uuid NOT NULL,
      code text NOT NULL,
      result text NOT NULL CHECK (result IN ('not_checked', 'pass', 'concern', 'fail')),
      note text NOT NULL DEFAULT '',
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (subject_type, subject_id, code),
      FOREIGN KEY (subject_type, subject_id) REFERENCES verification (subject_type, subject_id)
    )`,
    `CREATE TABLE verification_evidence (
      subject_type text NOT NULL,
      subject_id uuid NOT NULL,
      code text NOT NULL,
      link_type text NOT NULL,
      link_id uuid NOT NULL,
      PRIMARY KEY (subject_type, subject_id, code, link_type, link_id),
      FOREIGN KEY (subject_type, subject_id, code)
        REFERENCES verification_check (subject_type, subject_id, code)
    )`,
    `CREATE INDEX verification_evidence_link ON verification_evidence (link_type, link_id)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
