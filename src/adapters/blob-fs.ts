import { randomBytes } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { CustodyError } from '../core/errors.ts';
import type { BlobStore, BlobWriteResult, BlobWriter } from '../core/ports.ts';
import { isSha256, type Sha256 } from '../domain/hash.ts';
import { isProcessAlive } from './pid.ts';

/**
 * Content-addressed blobs on the local file system: `sha256/ab/cd/<hash>`, written to a
 * temporary file, fsynced, then renamed into place (rename is atomic, so a blob is either
 * whole or absent). Temporary names carry the writer's pid so a crash leaves files a later
 * process can recognise and sweep.
 */
export class FsBlobStore implements BlobStore {
  readonly #root: string;
  readonly #tmp: string;

  constructor(root: string) {
    this.#root = root;
    this.#tmp = path.join(root, 'tmp');
  }

  async init(): Promise<void> {
    await fs.mkdir(path.join(this.#root, 'sha256'), { recursive: true });
    await fs.mkdir(this.#tmp, { recursive: true });
  }

  localPath(sha256: Sha256): string {
    return path.join(this.#root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async create(): Promise<BlobWriter> {
    const tmpPath = path.join(this.#tmp, `${process.pid}.${randomBytes(8).toString('hex')}.part`);
    const handle = await fs.open(tmpPath, 'wx', 0o600);
    return new FsBlobWriter(handle, tmpPath, (h) => this.localPath(h));
  }

  read(sha256: Sha256): Readable {
    return createReadStream(this.localPath(sha256), { highWaterMark: 1 << 20 });
  }

  async stat(sha256: Sha256): Promise<number | null> {
    try {
      return (await fs.stat(this.localPath(sha256))).size;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async *list(): AsyncIterable<Sha256> {
    const base = path.join(this.#root, 'sha256');
    for (const a of await readdirSorted(base)) {
      for (const b of await readdirSorted(path.join(base, a.name))) {
        for (const f of await readdirSorted(path.join(base, a.name, b.name))) {
          if (f.isFile() && isSha256(f.name)) yield f.name;
        }
      }
    }
  }

  async sweepTemporaries(): Promise<number> {
    let removed = 0;
    for (const entry of await fs.readdir(this.#tmp)) {
      const pid = Number(entry.split('.')[0]);
      if (Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) {
        await fs.rm(path.join(this.#tmp, entry), { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}

class FsBlobWriter implements BlobWriter {
  size = 0;
  readonly #handle: fs.FileHandle;
  readonly #tmpPath: string;
  readonly #finalPath: (sha256: Sha256) => string;
  #closed = false;

  constructor(handle: fs.FileHandle, tmpPath: string, finalPath: (sha256: Sha256) => string) {
    this.#handle = handle;
    this.#tmpPath = tmpPath;
    this.#finalPath = finalPath;
  }

  async write(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await this.#handle.write(chunk, offset, chunk.length - offset);
      offset += bytesWritten;
    }
    this.size += chunk.length;
  }

  async commit(sha256: Sha256, expected?: Sha256): Promise<BlobWriteResult> {
    if (expected !== undefined && expected !== sha256) {
      await this.abort();
      throw new CustodyError(
        'BLOB.HASH_MISMATCH',
        `Content hashes to ${sha256}, expected ${expected}; nothing was stored.`,
        {
          hint: 'The source changed or was damaged in transit; obtain a good copy and try again.',
        },
      );
    }
    await this.#handle.sync();
    await this.#close();
    const target = this.#finalPath(sha256);
    if ((await fileSize(target)) === this.size) {
      // Identical content is already stored, verified when it was written.
      await fs.rm(this.#tmpPath, { force: true });
      return { sha256, size: this.size, created: false };
    }
    const dir = path.dirname(target);
    await fs.mkdir(dir, { recursive: true });
    await fs.chmod(this.#tmpPath, 0o444);
    await fs.rename(this.#tmpPath, target);
    await fsyncDirectory(dir);
    return { sha256, size: this.size, created: true };
  }

  async abort(): Promise<void> {
    await this.#close();
    await fs.rm(this.#tmpPath, { force: true });
  }

  async #close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close();
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fileSize(file: string): Promise<number | null> {
  try {
    return (await fs.stat(file)).size;
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

async function readdirSorted(dir: string): Promise<Dirent[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries.sort((x, y) => (x.name < y.name ? -1 : 1));
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}
