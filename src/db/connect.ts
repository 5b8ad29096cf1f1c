import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** The embedded database's instance (the job queue shares its connection lock); null on a server. */
  readonly pglite: PGlite | null;
  close(): Promise<void>;
}

// int8 as JS number: sizes, sequence numbers and counts stay far below 2^53.
const INT8_OID = 20;
const parseInt8 = (value: string): number => Number(value);

/**
 * PGlite's default start parameters include -F (fsync off): fine for a browser cache, not for
 * a custody log. We keep fsync on, and cap shared buffers at 32 MB so the WebAssembly heap
 * (which never shrinks) stays small however large the catalogue grows.
 */
function pgliteStartParams(): string[] {
  const defaults = (PGlite as unknown as { defaultStartParams: readonly string[] })
    .defaultStartParams;
  return [...defaults.filter((p) => p !== '-F'), '-c', 'shared_buffers=32MB'];
}

/** The embedded database: PGlite with its files in `dir`. */
export async function openPglite(dir: string): Promise<DatabaseHandle> {
  const pglite = await PGlite.create(dir, {
    parsers: { [INT8_OID]: parseInt8 },
    extensions: { pg_trgm },
    startParams: pgliteStartParams(),
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    pglite,
    close: async () => {
      await db.destroy(); // closes the PGlite instance too
    },
  };
}

function int8AsNumber(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, parseInt8);
  return types;
}

/** A PostgreSQL server. */
export function openPostgres(url: string): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    types: int8AsNumber(),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    pglite: null,
    close: async () => {
      await db.destroy();
    },
  };
}
