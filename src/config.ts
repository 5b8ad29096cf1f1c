import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CustodyError } from './core/errors.ts';

/**
 * The one validated, frozen configuration object. Nothing else reads process.env.
 * Command-line flags override the environment.
 */
const EnvSchema = z.object({
  /** Data directory: the embedded database and the blob store. Default ./archive. */
  CUSTODY_DATA: z.string().min(1).optional(),
  /**
   * PostgreSQL server URL (postgres://user:pass@host:port/db). When set, the catalogue and
   * custody log live there instead of the embedded PGlite database; blobs stay in the data
   * directory until an S3 store is configured.
   */
  CUSTODY_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Who is acting, recorded in every custody event. Default: the OS user name. */
  CUSTODY_ACTOR: z.string().min(1).max(200).optional(),
  /** Seconds ffprobe may take on one file before it is killed. Default 60. */
  CUSTODY_PROBE_TIMEOUT: z.coerce.number().int().positive().max(3600).optional(),
});

export interface Config {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly actor: string;
  readonly probeTimeoutMs: number;
}

export interface ConfigOverrides {
  readonly dataDir?: string | undefined;
}

export function loadConfig(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new CustodyError('CONFIG.INVALID', `Invalid environment: ${problems}`, {
      hint: 'Fix or unset the variables named above (see README, Configuration).',
    });
  }
  const e = parsed.data;
  return Object.freeze({
    dataDir: path.resolve(overrides.dataDir ?? e.CUSTODY_DATA ?? 'archive'),
    databaseUrl: e.CUSTODY_DATABASE_URL,
    actor: e.CUSTODY_ACTOR ?? env['USER'] ?? osUser(),
    probeTimeoutMs: (e.CUSTODY_PROBE_TIMEOUT ?? 60) * 1000,
  });
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
