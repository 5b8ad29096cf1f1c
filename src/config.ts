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
  /**
   * RFC 3161 time-stamping authorities that anchor each checkpoint of the custody log in time,
   * separated by spaces. Use two or more independent ones.
   */
  CUSTODY_TSA_URLS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(/\s+/).filter((u) => u !== ''))
    .pipe(z.array(z.url({ protocol: /^https?$/ }))),
  /** PEM file with the root certificates of those authorities; their answers are checked against it. */
  CUSTODY_TSA_CA_FILE: z.string().min(1).optional(),
  /** The organisation named as the source of export packages (BagIt Source-Organization). */
  CUSTODY_ORGANIZATION: z.string().min(1).max(200).optional(),
  /** The archive's Ed25519 signing key (PKCS#8 PEM). Default: DATA/keys/archive-ed25519.pem. */
  CUSTODY_SIGNING_KEY: z.string().min(1).optional(),
});

export interface Config {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly actor: string;
  readonly probeTimeoutMs: number;
  readonly tsaUrls: readonly string[];
  readonly tsaCaFile: string | undefined;
  readonly organization: string | undefined;
  readonly signingKeyFile: string;
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
  if (e.CUSTODY_TSA_URLS.length > 0 && e.CUSTODY_TSA_CA_FILE === undefined) {
    throw new CustodyError(
      'CONFIG.INVALID',
      'CUSTODY_TSA_URLS is set but CUSTODY_TSA_CA_FILE is not: timestamps could not be checked.',
      {
        hint: "Download each authority's root certificate (PEM), put them in one file and set CUSTODY_TSA_CA_FILE to it.",
      },
    );
  }
  const dataDir = path.resolve(overrides.dataDir ?? e.CUSTODY_DATA ?? 'archive');
  return Object.freeze({
    dataDir,
    databaseUrl: e.CUSTODY_DATABASE_URL,
    actor: e.CUSTODY_ACTOR ?? env['USER'] ?? osUser(),
    probeTimeoutMs: (e.CUSTODY_PROBE_TIMEOUT ?? 60) * 1000,
    tsaUrls: Object.freeze([...e.CUSTODY_TSA_URLS]),
    tsaCaFile:
      e.CUSTODY_TSA_CA_FILE === undefined ? undefined : path.resolve(e.CUSTODY_TSA_CA_FILE),
    organization: e.CUSTODY_ORGANIZATION,
    signingKeyFile: path.resolve(
      e.CUSTODY_SIGNING_KEY ?? path.join(dataDir, 'keys', 'archive-ed25519.pem'),
    ),
  });
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
