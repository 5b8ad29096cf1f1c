import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { FfprobeProber } from './adapters/ffprobe.ts';
import { FsBlobStore } from './adapters/blob-fs.ts';
import { FileCheckpointSigner } from './adapters/signer-file.ts';
import { FfmpegRunner } from './adapters/ffmpeg.ts';
import { loadHumanFaceDetector } from './adapters/faces-human.ts';
import { FfmpegFrameSampler } from './adapters/frames.ts';
import { TesseractOcr } from './adapters/tesseract.ts';
import { openJobQueue } from './adapters/queue-pgboss.ts';
import type { JobQueue } from './core/jobs/queue.ts';
import { argon2Hasher } from './adapters/password-argon2.ts';
import { otplibTotp } from './adapters/totp.ts';
import { OpensslTimestampAuthority, verifyTimestamp } from './adapters/tsa.ts';
import type { Config } from './config.ts';
import { CustodyError } from './core/errors.ts';
import type {
  BlobStore,
  CheckpointSigner,
  Clock,
  FaceDetector,
  FrameSampler,
  OcrEngine,
  MediaDeriver,
  MediaProber,
  PasswordHasher,
  TimestampAuthority,
  TimestampChecker,
  TotpService,
} from './core/ports.ts';
import { appendCustodyEvents } from './db/custody-log.ts';
import { openPglite, openPostgres, type DatabaseHandle } from './db/connect.ts';
import { migrate } from './db/migrate.ts';
import type { Kysely } from 'kysely';
import type { Database } from './db/schema.ts';
import { isProcessAlive } from './adapters/pid.ts';

/**
 * The composition root: the one place that knows which database, blob store and media tools
 * this run uses, and hands each use case only the ports it needs.
 */
export interface Archive {
  readonly id: string;
  readonly dataDir: string;
  readonly db: Kysely<Database>;
  readonly databaseKind: DatabaseHandle['kind'];
  readonly blobs: BlobStore;
  readonly prober: MediaProber;
  readonly clock: Clock;
  readonly actor: string;
  readonly signer: CheckpointSigner;
  readonly tsas: readonly TimestampAuthority[];
  /** Root certificates of the time-stamping authorities (PEM file), when configured. */
  readonly tsaCaFile: string | undefined;
  readonly checkTimestamp: TimestampChecker | undefined;
  /** Named as the source of export packages. */
  readonly organization: string | undefined;
  readonly passwords: PasswordHasher;
  readonly totp: TotpService;
  readonly deriver: MediaDeriver;
  readonly derivativesDir: string;
  /** Decodes frames for the analysis jobs (overlay, fingerprints, faces). */
  readonly frames: FrameSampler;
  readonly ocr: OcrEngine;
  /** Loaded on first use and kept for the process: its models take a second to load. */
  readonly faceDetector: () => Promise<FaceDetector>;
  /**
   * The job queue, started on first use (it costs a fraction of a second, so commands that do
   * not need it never pay): `serve`, `process` and `jobs` call this.
   */
  startJobs(): Promise<JobQueue>;
  close(): Promise<void>;
}

const MARKER = 'custody.json';
const systemClock: Clock = { now: () => new Date() };

interface Marker {
  readonly format: 'custody-archive';
  readonly version: 1;
  readonly id: string;
  readonly createdAt: string;
}

/** Creates a new archive in `config.dataDir` (which must be absent or empty). */
export async function initArchive(config: Config): Promise<Archive> {
  const dir = config.dataDir;
  if (await exists(path.join(dir, MARKER))) {
    throw new CustodyError('ARCHIVE.ALREADY_EXISTS', `There is already an archive in ${dir}.`, {
      hint: 'Use it with --data, or choose another folder.',
    });
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const stray = (await fs.readdir(dir)).filter((n) => n !== 'lock');
  if (stray.length > 0) {
    throw new CustodyError(
      'ARCHIVE.ALREADY_EXISTS',
      `${dir} is not empty; an archive needs a folder of its own.`,
      { hint: 'Choose a new or empty folder.' },
    );
  }
  const marker: Marker = {
    format: 'custody-archive',
    version: 1,
    id: randomUUID(),
    createdAt: new Date().toISOString(),
  };
  const archive = await assemble(config, marker);
  try {
    await archive.db.transaction().execute(async (tx) => {
      const first = await tx.selectFrom('custody_event').select('seq').limit(1).executeTakeFirst();
      if (first !== undefined) return; // a server database shared with an earlier archive folder
      await appendCustodyEvents(
        tx,
        [
          {
            actor: config.actor,
            action: 'archive.created',
            subjectType: 'archive',
            subjectId: marker.id,
            payload: { database: archive.databaseKind },
          },
        ],
        archive.clock.now(),
      );
    });
    // Written last: a folder without the marker is not an archive, so a failed init can be retried.
    await fs.writeFile(path.join(dir, MARKER), JSON.stringify(marker, null, 2) + '\n', {
      mode: 0o600,
    });
  } catch (e) {
    await archive.close();
    throw e;
  }
  return archive;
}

/** Opens the archive in `config.dataDir`, applying any pending migrations. */
export async function openArchive(config: Config): Promise<Archive> {
  const markerPath = path.join(config.dataDir, MARKER);
  let marker: Marker;
  try {
    marker = JSON.parse(await fs.readFile(markerPath, 'utf8')) as Marker;
  } catch {
    throw new CustodyError('ARCHIVE.NOT_FOUND', `No archive in ${config.dataDir}.`, {
      hint: `Create one with "custody init ${config.dataDir}", or point --data (or CUSTODY_DATA) at an existing archive.`,
    });
  }
  return assemble(config, marker);
}

async function assemble(config: Config, marker: Marker): Promise<Archive> {
  const releaseLock = await lockDataDir(config.dataDir);
  let handle: DatabaseHandle | undefined;
  try {
    handle =
      config.databaseUrl !== undefined
        ? openPostgres(config.databaseUrl)
        : await openPglite(path.join(config.dataDir, 'db'));
    await migrate(handle.db);
    const blobs = new FsBlobStore(path.join(config.dataDir, 'blobs'));
    await blobs.init();
    const derivativesDir = path.join(config.dataDir, 'derivatives');
    await fs.mkdir(derivativesDir, { recursive: true, mode: 0o700 });
    const db = handle;
    const queue = openJobQueue(
      db.pglite !== null
        ? { kind: 'pglite', pglite: db.pglite, db: db.db }
        : { kind: 'postgres', url: config.databaseUrl ?? '' },
    );
    let started: Promise<JobQueue> | undefined;
    let detector: Promise<FaceDetector> | undefined;
    return {
      id: marker.id,
      dataDir: config.dataDir,
      db: db.db,
      databaseKind: db.kind,
      blobs,
      prober: new FfprobeProber({ timeoutMs: config.probeTimeoutMs }),
      clock: systemClock,
      actor: config.actor,
      signer: new FileCheckpointSigner(config.signingKeyFile),
      tsas: config.tsaUrls.map(
        (url) => new OpensslTimestampAuthority({ url, caFile: config.tsaCaFile ?? '' }),
      ),
      tsaCaFile: config.tsaCaFile,
      checkTimestamp: timestampChecker(config.tsaCaFile),
      organization: config.organization,
      passwords: argon2Hasher,
      totp: otplibTotp,
      deriver: new FfmpegRunner({ timeoutMs: 10 * 60_000 }),
      derivativesDir,
      frames: new FfmpegFrameSampler({ timeoutMs: 10 * 60_000 }),
      ocr: new TesseractOcr(),
      faceDetector: () => (detector ??= loadHumanFaceDetector()),
      startJobs: () => (started ??= queue.start().then(() => queue)),
      close: async () => {
        if (started !== undefined) await (await started).stop(); // before the database closes
        await db.close();
        await releaseLock();
      },
    };
  } catch (e) {
    await handle?.close();
    await releaseLock();
    throw e;
  }
}

/**
 * One process at a time per data folder: the embedded database has a single writer, and
 * sweeping temporary blobs is only safe when nobody else is writing them. A lock left by a
 * killed process (its pid is gone) is taken over.
 */
async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lockPath, String(process.pid), { flag: 'wx' });
      return () => fs.rm(lockPath, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(await fs.readFile(lockPath, 'utf8').catch(() => ''));
      if (
        Number.isInteger(holder) &&
        holder > 0 &&
        holder !== process.pid &&
        isProcessAlive(holder)
      ) {
        throw new CustodyError(
          'ARCHIVE.LOCKED',
          `Another Custody process (pid ${holder}) has this archive open.`,
          { hint: 'Wait for it to finish, or stop it, then try again.' },
        );
      }
      await fs.rm(lockPath, { force: true });
    }
  }
  throw new CustodyError('ARCHIVE.LOCKED', 'Could not lock the archive folder.', {
    hint: 'Try again.',
  });
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

function timestampChecker(caFile: string | undefined): TimestampChecker | undefined {
  if (caFile === undefined) return undefined;
  return (response, data) => verifyTimestamp(response, data, caFile);
}
