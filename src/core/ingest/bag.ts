import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CustodyError } from '../errors.ts';
import { walkTree } from './walk.ts';
import {
  BagFormatError,
  parseBagInfo,
  parseBagitTxt,
  parseManifestFileName,
  parseManifestLenient,
  parseOxum,
  type BagAlgorithm,
} from '../../domain/bagit.ts';
import { displayPath } from '../../domain/path-display.ts';

export type BagProblemCode =
  'missing' | 'extra' | 'changed' | 'oxum' | 'not-regular' | 'malformed' | 'tag-changed';

export interface BagProblem {
  readonly code: BagProblemCode;
  /** Relative to the bag ("data/…", "bag-info.txt"); null for the bag as a whole. */
  readonly path: string | null;
  readonly message: string;
}

export interface BagReport {
  readonly version: string;
  /** Algorithms of the payload manifests found, e.g. ["md5", "sha256"]. */
  readonly algorithms: string[];
  readonly info: [string, string][];
  /** Regular files under data/ and their total size, as found on disk. */
  readonly payloadFiles: number;
  readonly payloadBytes: number;
  /** Empty when the bag is complete and unaltered; ingest refuses it otherwise. */
  readonly problems: BagProblem[];
}

export interface BagProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface ValidateBagOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: BagProgress) => void;
}

const CHUNK = 1 << 20;
/** Two files at a time keep a disk busy without thrashing a spinning one. */
const HASH_CONCURRENCY = 2;
/** Tag files are read whole; a hostile bag must not make us hold gigabytes. */
const MAX_TAG_FILE_BYTES = 256 << 20;
const MAX_BAGIT_TXT_BYTES = 4096;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A bag has a regular file bagit.txt at its top; a link named so does not make one. */
export async function isBag(dir: string): Promise<boolean> {
  try {
    return (await fs.lstat(path.join(dir, 'bagit.txt'))).isFile();
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw new CustodyError('INGEST.SOURCE_UNREADABLE', `bagit.txt could not be read (${code}).`, {
      hint: 'Check the folder and its permissions.',
      cause: e,
    });
  }
}

/**
 * Checks a bag before it is ingested: its declaration, every payload and tag manifest, every
 * file under data/ (read once, hashed with every manifest algorithm at the same time), and
 * Payload-Oxum. It throws BAGIT.INVALID only when the bag cannot be read at all; everything
 * else is reported as a problem, all of them in one pass, so the person handing the material
 * over learns everything that is wrong at once.
 */
export async function validateBag(dir: string, opts: ValidateBagOptions = {}): Promise<BagReport> {
  stopIfAborted(opts.signal);
  const problems: BagProblem[] = [];
  const bagitText = await readBagitTxt(dir);
  const { version } = asBagitInvalid(() => parseBagitTxt(bagitText));
  const manifests = await readManifests(dir, problems);
  if (manifests.payload.size === 0) {
    problems.push({
      code: 'malformed',
      path: null,
      message: 'The bag has no payload manifest (manifest-sha256.txt or another supported one).',
    });
  }
  const info = await readBagInfo(dir, problems);
  const payload = await scanPayload(dir, problems, opts.signal);
  const jobs = [
    ...comparePayload(manifests.payload, payload, problems),
    ...(await tagJobs(dir, manifests.tag, problems)),
  ];
  checkOxum(info, payload.byteCount, payload.fileCount, problems);
  await hashAll(jobs, problems, opts);
  return {
    version,
    algorithms: [...manifests.payload.keys()],
    info,
    payloadFiles: payload.fileCount,
    payloadBytes: payload.byteCount,
    problems: problems.sort(byPathThenCode),
  };
}

// ---------------------------------------------------------------------------------------------
// Tag files

type TagText = { readonly text: string } | { readonly problem: Omit<BagProblem, 'path'> };

async function readBagitTxt(dir: string): Promise<string> {
  const read = await readTagText(dir, 'bagit.txt', MAX_BAGIT_TXT_BYTES);
  if ('text' in read) return read.text;
  throw new CustodyError('BAGIT.INVALID', read.problem.message, {
    hint: 'A bag must have a regular file bagit.txt at its top (RFC 8493); check the folder.',
  });
}

/**
 * Reads a small tag file at the top of the bag: never through a link, never anything but a
 * regular file, strictly UTF-8 (the BOM is kept so that the parsers can refuse or skip it).
 */
async function readTagText(dir: string, name: string, maxBytes: number): Promise<TagText> {
  const abs = path.join(dir, name);
  let handle: fs.FileHandle;
  try {
    // Look before opening: opening a device can have effects of its own (a tape rewinds).
    if (!(await fs.lstat(abs)).isFile())
      return { problem: { code: 'not-regular', message: `${name} is not a regular file.` } };
    handle = await openNoFollow(abs);
  } catch (e) {
    return { problem: openProblem(name, e) };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile())
      return { problem: { code: 'not-regular', message: `${name} is not a regular file.` } };
    if (stat.size > maxBytes)
      return { problem: { code: 'malformed', message: `${name} is too large to be a tag file.` } };
    const bytes = await handle.readFile();
    try {
      return { text: utf8.decode(bytes) };
    } catch {
      return { problem: { code: 'malformed', message: `${name} is not valid UTF-8.` } };
    }
  } catch (e) {
    return { problem: openProblem(name, e) };
  } finally {
    await handle.close();
  }
}

function openProblem(name: string, e: unknown): Omit<BagProblem, 'path'> {
  const code = errnoCode(e);
  if (code === 'ENOENT') return { code: 'missing', message: `${name} does not exist.` };
  if (code === 'ELOOP')
    return { code: 'not-regular', message: `${name} is a symbolic link, not a regular file.` };
  return { code: 'malformed', message: `${name} could not be read (${code}).` };
}

type Manifest = Map<string, string>;
type Manifests = Map<BagAlgorithm, Manifest>;

/** Every manifest-<alg>.txt and tagmanifest-<alg>.txt at the top, path → digest. */
async function readManifests(
  dir: string,
  problems: BagProblem[],
): Promise<{ payload: Manifests; tag: Manifests }> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).sort();
  } catch (e) {
    throw new CustodyError('BAGIT.INVALID', `The bag folder could not be read (${errnoCode(e)}).`, {
      cause: e,
    });
  }
  const payload: Manifests = new Map();
  const tag: Manifests = new Map();
  for (const name of names) {
    const kind = parseManifestFileName(name);
    if (kind === null) continue;
    const read = await readTagText(dir, name, MAX_TAG_FILE_BYTES);
    if ('problem' in read) {
      problems.push({ ...read.problem, path: name });
      continue;
    }
    const { entries, errors } = parseManifestLenient(read.text, kind.algorithm);
    for (const { line, message } of errors)
      problems.push({
        code: 'malformed',
        path: name,
        message: `${name} line ${line}: ${message}.`,
      });
    const manifest: Manifest = new Map();
    for (const { path: entry, digest } of entries) {
      const inData = entry.startsWith('data/');
      if (inData === (kind.kind === 'manifest')) manifest.set(entry, digest);
      else
        problems.push({
          code: 'malformed',
          path: entry,
          message: inData
            ? `${name} lists a payload file; tag manifests list only files outside data/.`
            : `${name} lists a file outside data/; payload manifests list only files in data/.`,
        });
    }
    (kind.kind === 'manifest' ? payload : tag).set(kind.algorithm, manifest);
  }
  return { payload, tag };
}

async function readBagInfo(dir: string, problems: BagProblem[]): Promise<[string, string][]> {
  const read = await readTagText(dir, 'bag-info.txt', MAX_TAG_FILE_BYTES);
  if ('problem' in read) {
    // bag-info.txt is optional (RFC 8493 §2.2.2).
    if (read.problem.code !== 'missing') problems.push({ ...read.problem, path: 'bag-info.txt' });
    return [];
  }
  try {
    return parseBagInfo(read.text);
  } catch (e) {
    if (!(e instanceof BagFormatError)) throw e;
    problems.push({ code: 'malformed', path: 'bag-info.txt', message: e.message });
    return [];
  }
}

function checkOxum(
  info: readonly (readonly [string, string])[],
  bytes: number,
  files: number,
  problems: BagProblem[],
): void {
  const declared = info.filter(([label]) => label.toLowerCase() === 'payload-oxum');
  if (declared.length === 0) return;
  const where = 'bag-info.txt';
  const oxum = declared.length === 1 ? parseOxum(declared[0]?.[1] ?? '') : null;
  if (oxum === null) {
    problems.push({
      code: 'malformed',
      path: where,
      message: 'Payload-Oxum must appear once, as "<bytes>.<files>".',
    });
  } else if (oxum.bytes !== bytes || oxum.files !== files) {
    problems.push({
      code: 'oxum',
      path: where,
      message: `Payload-Oxum says ${oxum.bytes} bytes in ${oxum.files} files; data/ holds ${bytes} bytes in ${files} files.`,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The payload on disk

interface FoundFile {
  readonly abs: Buffer;
  readonly size: number;
}

interface Payload {
  /** Regular files with UTF-8 names, by bag path ("data/…"). */
  readonly files: Map<string, FoundFile>;
  /** Entries already reported (links, devices): not also "missing". */
  readonly reported: Set<string>;
  /** Every regular file under data/, whatever its name: what Payload-Oxum counts. */
  fileCount: number;
  byteCount: number;
}

/** Walks data/ without following links; anything but a regular file is a problem. */
async function scanPayload(
  dir: string,
  problems: BagProblem[],
  signal: AbortSignal | undefined,
): Promise<Payload> {
  const payload: Payload = { files: new Map(), reported: new Set(), fileCount: 0, byteCount: 0 };
  const root = path.join(dir, 'data');
  const rootProblem = await dataFolderProblem(root);
  if (rootProblem !== null) {
    problems.push({ ...rootProblem, path: 'data' });
    return payload;
  }
  for await (const entry of walkTree(root)) {
    stopIfAborted(signal);
    if (entry.type === 'unreadable-dir') {
      // A folder gone since its parent was listed holds nothing; any other failure means the
      // bag cannot be checked, which is not the same as finding it altered.
      if (entry.error.code === 'ENOENT') continue;
      throw unreadable(entry.error);
    }
    const size = entry.type === 'file' ? await sizeOf(entry.abs) : null;
    if (size !== null) {
      payload.fileCount += 1;
      payload.byteCount += size;
    }
    const name = tryDecodeName(entry.rel);
    if (name === null) {
      problems.push({
        code: 'malformed',
        path: shownPath(entry.rel),
        message: 'The name is not valid UTF-8, so no manifest can list it.',
      });
    } else if (entry.type !== 'file') {
      payload.reported.add('data/' + name);
      problems.push({
        code: 'not-regular',
        path: 'data/' + name,
        message:
          entry.type === 'symlink'
            ? 'A symbolic link; a bag carries regular files only.'
            : 'A device, socket or pipe; a bag carries regular files only.',
      });
    } else if (size !== null) {
      payload.files.set('data/' + name, { abs: entry.abs, size });
    }
  }
  return payload;
}

/** Null when the file is gone since its folder was listed: if listed, it is then missing. */
async function sizeOf(abs: Buffer): Promise<number | null> {
  try {
    return (await fs.lstat(abs)).size;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    throw unreadable(e);
  }
}

async function dataFolderProblem(root: string): Promise<Omit<BagProblem, 'path'> | null> {
  try {
    const stat = await fs.lstat(root);
    if (stat.isDirectory()) return null;
    if (stat.isSymbolicLink())
      return { code: 'not-regular', message: 'data is a symbolic link, not a folder.' };
    return { code: 'malformed', message: 'data is not a folder.' };
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return { code: 'malformed', message: 'The bag has no data/.' };
    throw unreadable(e);
  }
}

function tryDecodeName(rel: Buffer): string | null {
  try {
    return utf8.decode(rel);
  } catch {
    return null;
  }
}

/** A name that is not UTF-8 is shown escaped (\xNN), never as raw bytes. */
function shownPath(rel: Buffer): string {
  return rel.length === 0 ? 'data' : 'data/' + displayPath(rel);
}

interface HashJob {
  /** Bag path, for problems. */
  readonly path: string;
  readonly abs: Buffer | string;
  readonly size: number;
  readonly expected: ReadonlyMap<BagAlgorithm, string>;
  readonly manifestPrefix: 'manifest' | 'tagmanifest';
}

/**
 * Matches files on disk against the payload manifests, reporting missing and unlisted files,
 * and returns what must be hashed: each listed file once, with every algorithm that lists it.
 */
function comparePayload(manifests: Manifests, payload: Payload, problems: BagProblem[]): HashJob[] {
  const missing = new Set<string>();
  for (const manifest of manifests.values())
    for (const listed of manifest.keys())
      if (!payload.files.has(listed) && !payload.reported.has(listed)) missing.add(listed);
  for (const listed of missing)
    problems.push({ code: 'missing', path: listed, message: 'Listed in the manifest but absent.' });

  const jobs: HashJob[] = [];
  for (const [bagPath, file] of payload.files) {
    const expected = new Map<BagAlgorithm, string>();
    const unlistedIn: string[] = [];
    for (const [algorithm, manifest] of manifests) {
      const digest = manifest.get(bagPath);
      if (digest === undefined) unlistedIn.push(`manifest-${algorithm}.txt`);
      else expected.set(algorithm, digest);
    }
    if (unlistedIn.length > 0 && manifests.size > 0)
      problems.push({
        code: 'extra',
        path: bagPath,
        message: `Not listed in ${unlistedIn.join(', ')}.`,
      });
    if (expected.size > 0)
      jobs.push({
        path: bagPath,
        abs: file.abs,
        size: file.size,
        expected,
        manifestPrefix: 'manifest',
      });
  }
  return jobs;
}

/** Tag files named by the tag manifests, resolved inside the bag without following any link. */
async function tagJobs(
  dir: string,
  manifests: Manifests,
  problems: BagProblem[],
): Promise<HashJob[]> {
  const expectedByPath = new Map<string, Map<BagAlgorithm, string>>();
  for (const [algorithm, manifest] of manifests)
    for (const [listed, digest] of manifest) {
      const expected = expectedByPath.get(listed) ?? new Map<BagAlgorithm, string>();
      expected.set(algorithm, digest);
      expectedByPath.set(listed, expected);
    }
  const jobs: HashJob[] = [];
  for (const [listed, expected] of expectedByPath) {
    const found = await lstatInside(dir, listed);
    if (found.kind === 'file')
      jobs.push({
        path: listed,
        abs: found.abs,
        size: found.size,
        expected,
        manifestPrefix: 'tagmanifest',
      });
    else
      problems.push({
        code: found.kind,
        path: listed,
        message:
          found.kind === 'missing'
            ? 'Listed in the tag manifest but absent.'
            : 'Not a regular file (or reached through a symbolic link).',
      });
  }
  return jobs;
}

async function lstatInside(
  dir: string,
  rel: string,
): Promise<{ kind: 'file'; abs: string; size: number } | { kind: 'missing' | 'not-regular' }> {
  const parts = rel.split('/');
  let abs = dir;
  for (const [i, part] of parts.entries()) {
    abs = path.join(abs, part);
    let stat;
    try {
      stat = await fs.lstat(abs);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
      throw unreadable(e);
    }
    if (i === parts.length - 1)
      return stat.isFile() ? { kind: 'file', abs, size: stat.size } : { kind: 'not-regular' };
    if (stat.isSymbolicLink()) return { kind: 'not-regular' };
    if (!stat.isDirectory()) return { kind: 'missing' };
  }
  return { kind: 'missing' };
}

// ---------------------------------------------------------------------------------------------
// Hashing

/**
 * Hashes the jobs with bounded concurrency, each file read once in 1 MiB chunks that feed every
 * algorithm, so memory stays at one buffer per worker whatever the size of the bag.
 */
async function hashAll(
  jobs: readonly HashJob[],
  problems: BagProblem[],
  opts: ValidateBagOptions,
): Promise<void> {
  const progress = { filesDone: 0, filesTotal: jobs.length, bytesDone: 0, bytesTotal: 0 };
  for (const job of jobs) progress.bytesTotal += job.size;
  const report = (): void => opts.onProgress?.({ ...progress });
  report();
  const buffers = Array.from({ length: HASH_CONCURRENCY }, () => Buffer.allocUnsafe(CHUNK));
  await runPool(jobs, HASH_CONCURRENCY, async (job, worker) => {
    const result = await hashFile(
      job,
      buffers[worker] ?? Buffer.allocUnsafe(CHUNK),
      opts.signal,
      (n) => {
        progress.bytesDone += n;
        report();
      },
    );
    progress.filesDone += 1;
    report();
    const problem = 'problem' in result ? result.problem : compareDigests(job, result.digests);
    if (problem !== null) problems.push({ ...problem, path: job.path });
  });
}

function compareDigests(
  job: HashJob,
  actual: ReadonlyMap<BagAlgorithm, string>,
): Omit<BagProblem, 'path'> | null {
  const differ = [...job.expected]
    .filter(([algorithm, digest]) => actual.get(algorithm) !== digest)
    .map(([algorithm]) => `${job.manifestPrefix}-${algorithm}.txt`);
  if (differ.length === 0) return null;
  return {
    code: job.manifestPrefix === 'manifest' ? 'changed' : 'tag-changed',
    message: `The content does not match ${differ.join(', ')}.`,
  };
}

type HashResult =
  { readonly digests: Map<BagAlgorithm, string> } | { readonly problem: Omit<BagProblem, 'path'> };

async function hashFile(
  job: HashJob,
  buffer: Buffer,
  signal: AbortSignal | undefined,
  onBytes: (n: number) => void,
): Promise<HashResult> {
  // Made before the file is opened: a refused algorithm (md5 under FIPS) is not a read error.
  const hashes = [...job.expected.keys()].map((a): [BagAlgorithm, Hash] => [a, createHash(a)]);
  let handle: fs.FileHandle;
  try {
    handle = await openNoFollow(job.abs);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT') return { problem: { code: 'missing', message: 'It disappeared.' } };
    if (code === 'ELOOP')
      return { problem: { code: 'not-regular', message: 'It became a symbolic link.' } };
    throw unreadable(e);
  }
  try {
    if (!(await handle.stat()).isFile())
      return { problem: { code: 'not-regular', message: 'It is no longer a regular file.' } };
    for (;;) {
      stopIfAborted(signal);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      for (const [, hash] of hashes) hash.update(chunk);
      onBytes(bytesRead);
    }
    return { digests: new Map(hashes.map(([a, hash]) => [a, hash.digest('hex')])) };
  } catch (e) {
    if (e instanceof CustodyError) throw e;
    throw unreadable(e);
  } finally {
    await handle.close();
  }
}

/** Runs work over items, `concurrency` at a time; stops taking new items after a failure. */
async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, worker: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (id: number): Promise<void> => {
    for (let item = items[next++]; item !== undefined && !failed; item = items[next++]) {
      try {
        await work(item, id);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  // Wait for every worker, so no file is still open when this returns or throws.
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(concurrency, items.length) }, (_, id) => worker(id)),
  );
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

let noAtimeAllowed = true;

/** Read-only, never through a link; O_NOATIME where allowed so checking leaves no trace. */
async function openNoFollow(abs: Buffer | string): Promise<fs.FileHandle> {
  const base = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  if (noAtimeAllowed) {
    try {
      return await fs.open(abs, base | constants.O_NOATIME);
    } catch (e) {
      if (errnoCode(e) !== 'EPERM') throw e;
      noAtimeAllowed = false;
    }
  }
  return fs.open(abs, base);
}

function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true)
    throw new CustodyError('INGEST.INTERRUPTED', 'Checking the bag was interrupted.', {
      hint: 'Run the same command again; nothing was ingested.',
    });
}

function errnoCode(e: unknown): string {
  return (e as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
}

/**
 * A read failure other than a vanished file: the bag cannot be checked, so nothing is decided.
 * The message names no file: names in a bag may identify people.
 */
/** The domain's format errors become the stable error code at this edge. */
function asBagitInvalid<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof BagFormatError)) throw e;
    throw new CustodyError(
      'BAGIT.INVALID',
      e.message,
      e.hint === undefined ? {} : { hint: e.hint },
    );
  }
}

function unreadable(e: unknown): CustodyError {
  return new CustodyError(
    'BAGIT.INVALID',
    `A file in the bag could not be read (${errnoCode(e)}).`,
    {
      hint: 'Check the folder and its permissions, then try again.',
      cause: e,
    },
  );
}

function byPathThenCode(a: BagProblem, b: BagProblem): number {
  const pa = a.path ?? '';
  const pb = b.path ?? '';
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
