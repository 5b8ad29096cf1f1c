import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres } from './helpers/pg-cluster.ts';

/**
 * Starts a throwaway PostgreSQL cluster on loopback for the database suites (every database
 * test runs on PGlite and on this server). Debian's server binaries are required: the test
 * command installs them; a missing server fails the run rather than skipping half the tests.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const external = process.env['CUSTODY_TEST_DATABASE_URL'];
  if (external !== undefined && external !== '') {
    project.provide('postgresUrl', external);
    return () => undefined;
  }
  const { url, stop } = await startThrowawayPostgres();
  project.provide('postgresUrl', url);
  return stop;
}
