import { sql, type Kysely } from 'kysely';

/**
 * Derivatives of an item (a browser-playable proxy, a poster frame, a contact sheet): files
 * made from the original, never the evidence itself, each recorded with its hash and with a
 * custody event saying what made it from what.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `CREATE TABLE derivative (
      item_id uuid NOT NULL REFERENCES item (id),
      kind text NOT NULL CHECK (kind IN ('proxy', 'poster', 'contact-sheet')),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size bigint NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (item_id, kind)
    )`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
