import { sql, type Kysely } from 'kysely';
import { CustodyError } from '../core/errors.ts';
import * as m0001 from './migrations/0001-foundation.ts';
import * as m0002 from './migrations/0002-checkpoints.ts';
import * as m0003 from './migrations/0003-accounts.ts';
import * as m0004 from './migrations/0004-catalogue.ts';
import * as m0005 from './migrations/0005-derivatives.ts';
import * as m0006 from './migrations/0006-search.ts';
import * as m0007 from './migrations/0007-media-intelligence.ts';
import * as m0008 from './migrations/0008-responses.ts';
import * as m0009 from './migrations/0009-verification.ts';
import * as m0010 from './migrations/0010-allegations.ts';
import * as m0011 from './migrations/0011-redaction-release.ts';
import type { Database } from './schema.ts';

/** Forward-only migrations, in order. A released migration is never edited. */
const MIGRATIONS: readonly { name: string; up: (db: Kysely<unknown>) => Promise<void> }[] = [
  { name: '0001-foundation', up: m0001.up },
  { name: '0002-checkpoints', up: m0002.up },
  { name: '0003-accounts', up: m0003.up },
  { name: '0004-catalogue', up: m0004.up },
  { name: '0005-derivatives', up: m0005.up },
  { name: '0006-search', up: m0006.up },
  { name: '0007-media-intelligence', up: m0007.up },
  { name: '0008-responses', up: m0008.up },
  { name: '0009-verification', up: m0009.up },
  { name: '0010-allegations', up: m0010.up },
  { name: '0011-redaction-release', up: m0011.up },
];

/**
 * Applies what is missing, each migration in its own transaction together with its
 * bookkeeping row, under an advisory lock so two processes starting at once do not race.
 */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(7355601)`.execute(tx);
    await sql`CREATE TABLE IF NOT EXISTS schema_migration (
      name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(tx);
    const done = new Set(
      (await tx.selectFrom('schema_migration').select('name').execute()).map((r) => r.name),
    );
    const known = new Set(MIGRATIONS.map((m) => m.name));
    const unknown = [...done].filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw new CustodyError(
        'ARCHIVE.NEWER_SCHEMA',
        `The database has migrations this Custody does not know: ${unknown.join(', ')}.`,
        {
          hint: 'Upgrade Custody to the version that wrote this archive.',
        },
      );
    }
    const applied: string[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.name)) continue;
      await m.up(tx as unknown as Kysely<unknown>);
      await tx.insertInto('schema_migration').values({ name: m.name }).execute();
      applied.push(m.name);
    }
    return applied;
  });
}
