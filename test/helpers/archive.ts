import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { initArchive, openArchive, type Archive } from '../../src/archive.ts';
import { loadConfig, type Config } from '../../src/config.ts';

/** Both databases every database test runs on (Kysely-style DIALECTS loop). */
export const DATABASES = ['pglite', 'postgres'] as const;
export type DatabaseName = (typeof DATABASES)[number];

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `custody-${prefix}-`));
}

/** A fresh, empty PostgreSQL database on the test cluster, one per archive: tests never truncate. */
export async function freshPostgresDatabase(): Promise<string> {
  const admin = inject('postgresUrl');
  const name = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function testConfig(
  db: DatabaseName,
  dataDir?: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Config> {
  const dir = dataDir ?? (await tempDir('archive'));
  const env: NodeJS.ProcessEnv = { CUSTODY_ACTOR: 'tester', ...extraEnv };
  if (db === 'postgres') env['CUSTODY_DATABASE_URL'] = await freshPostgresDatabase();
  return loadConfig({ dataDir: dir }, env);
}

export async function createTestArchive(
  db: DatabaseName,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ archive: Archive; config: Config }> {
  const config = await testConfig(db, undefined, extraEnv);
  return { archive: await initArchive(config), config };
}

export async function reopen(config: Config): Promise<Archive> {
  return openArchive(config);
}
