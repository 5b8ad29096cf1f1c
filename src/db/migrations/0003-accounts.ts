import { sql, type Kysely } from 'kysely';

/**
 * People who use the web app: accounts with roles, one-time invitations (the first admin is
 * invited by a setup link printed on the console: there is no default password), server-side
 * sessions, and failed logins for throttling. Tokens are stored only as SHA-256 hashes, so a
 * copy of the database does not let anyone log in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `CREATE TABLE account (
      id uuid PRIMARY KEY,
      email text NOT NULL UNIQUE CHECK (email = lower(email)),
      display_name text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'investigator', 'reviewer', 'partner')),
      password_hash text NOT NULL,
      totp_secret text,
      created_at timestamptz NOT NULL,
      disabled_at timestamptz
    )`,
    `CREATE TABLE invitation (
      token_hash text PRIMARY KEY,
      role text NOT NULL CHECK (role IN ('admin', 'investigator', 'reviewer', 'partner')),
      email text CHECK (email = lower(email)),
      invited_by uuid REFERENCES account (id),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      account_id uuid REFERENCES account (id)
    )`,
    `CREATE TABLE session (
      token_hash text PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES account (id),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL
    )`,
    `CREATE INDEX session_account ON session (account_id)`,
    `CREATE TABLE login_failure (
      email text NOT NULL,
      at timestamptz NOT NULL
    )`,
    `CREATE INDEX login_failure_email ON login_failure (email, at)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
