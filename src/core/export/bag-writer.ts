import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  BAGIT_TXT,
  formatBagInfo,
  formatManifest,
  payloadOxum,
  type ManifestEntry,
} from '../../domain/bagit.ts';

export interface WrittenFile {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export interface PayloadStream {
  write(text: string): Promise<void>;
  close(): Promise<WrittenFile>;
}

/**
 * Writes a BagIt bag into a staging folder: every file is hashed as it is written (never read
 * back), listed in the manifests and synced to disk at the end. Paths are bag-relative with
 * forward slashes; callers make them safe (safeFileName) before they get here.
 */
export class BagWriter {
  readonly dir: string;
  readonly #payload: WrittenFile[] = [];
  readonly #tags: WrittenFile[] = [];
  readonly #buffer = Buffer.allocUnsafe(1 << 20);

  constructor(dir: string) {
    this.dir = dir;
  }

  get payloadBytes(): number {
    return this.#payload.reduce((sum, f) => sum + f.size, 0);
  }

  get payloadFiles(): number {
    return this.#payload.length;
  }

  /** A small file under data/ (metadata, events, proofs). */
  async writePayload(rel: string, content: string | Uint8Array): Promise<WrittenFile> {
    const written = await this.#write(`data/${rel}`, content);
    this.#payload.push(written);
    return written;
  }

  /** A tag file at the top of the bag (outside data/), listed in the tag manifest. */
  async writeTag(rel: string, content: string | Uint8Array): Promise<WrittenFile> {
    const written = await this.#write(rel, content);
    this.#tags.push(written);
    return written;
  }

  /** A payload file written piece by piece (items.json, the report), hashed as it goes. */
  async openPayload(rel: string): Promise<PayloadStream> {
    const file = `data/${rel}`;
    const handle = await fs.open(await this.#prepare(file), 'wx', 0o644);
    const hash = createHash('sha256');
    let size = 0;
    return {
      write: async (text: string) => {
        const bytes = Buffer.from(text, 'utf8');
        hash.update(bytes);
        size += bytes.length;
        await handle.write(bytes);
      },
      close: async () => {
        await handle.close();
        const written = { path: file, sha256: hash.digest('hex'), size };
        this.#payload.push(written);
        return written;
      },
    };
  }

  /**
   * Copies a file (an original) into the payload. The kernel copies (copy_file_range, or a
   * reflink where the file system can) while we hash the source in parallel, so the export
   * runs at the speed of the disk. The caller compares the hash with
   * the one on record before trusting the file.
   */
  async copyPayload(rel: string, sourcePath: string): Promise<WrittenFile> {
    const file = `data/${rel}`;
    const abs = await this.#prepare(file);
    const hashing = this.#hashFile(sourcePath);
    await fs.copyFile(sourcePath, abs, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE);
    const { sha256, size } = await hashing;
    if ((await fs.stat(abs)).size !== size) throw new Error(`short copy of ${file}`);
    await fs.chmod(abs, 0o644);
    const written = { path: file, sha256, size };
    this.#payload.push(written);
    return written;
  }

  /**
   * Writes bagit.txt, bag-info.txt (with Payload-Oxum and Bag-Size added) and the manifests.
   * Returns the manifest files, whose hashes identify the whole package.
   */
  async finish(info: readonly (readonly [string, string])[]): Promise<{
    manifest: WrittenFile;
    tagmanifest: WrittenFile;
  }> {
    const bytes = this.payloadBytes;
    const files = this.payloadFiles;
    await this.writeTag('bagit.txt', BAGIT_TXT);
    await this.writeTag(
      'bag-info.txt',
      formatBagInfo([
        ...info,
        ['Payload-Oxum', payloadOxum(bytes, files)],
        ['Bag-Size', humanSize(bytes)],
      ]),
    );
    const manifest = await this.writeTag(
      'manifest-sha256.txt',
      formatManifest(sorted(this.#payload)),
    );
    const tagmanifest = await this.#write(
      'tagmanifest-sha256.txt',
      formatManifest(sorted(this.#tags)),
    );
    await this.#syncAll([...this.#payload, ...this.#tags, tagmanifest]);
    return { manifest, tagmanifest };
  }

  /**
   * Everything reaches the disk before the bag is renamed into place. Files are synced at the
   * end, many at once, rather than one by one as written: the file system commits them
   * together, which makes a package of thousands of small files fast, and the bag is useless
   * until it is complete anyway.
   */
  async #syncAll(files: readonly WrittenFile[]): Promise<void> {
    const dirs = new Set<string>([this.dir]);
    const paths = files.map((f) => path.join(this.dir, ...f.path.split('/')));
    for (const p of paths) {
      for (let d = path.dirname(p); d.startsWith(this.dir); d = path.dirname(d)) dirs.add(d);
    }
    const all = [...paths, ...dirs];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let p = all[next++]; p !== undefined; p = all[next++]) await syncPath(p);
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  }

  async #write(rel: string, content: string | Uint8Array): Promise<WrittenFile> {
    const abs = await this.#prepare(rel);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const handle = await fs.open(abs, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
    return {
      path: rel,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
    };
  }

  /** One reused buffer: thousands of small originals must not each allocate their own. */
  async #hashFile(file: string): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    const handle = await fs.open(file, 'r');
    try {
      for (;;) {
        const { bytesRead } = await handle.read(this.#buffer, 0, this.#buffer.length, null);
        if (bytesRead === 0) break;
        hash.update(this.#buffer.subarray(0, bytesRead));
        size += bytesRead;
      }
    } finally {
      await handle.close();
    }
    return { sha256: hash.digest('hex'), size };
  }

  async #prepare(rel: string): Promise<string> {
    const abs = path.join(this.dir, ...rel.split('/'));
    if (!abs.startsWith(this.dir + path.sep)) throw new Error(`bag path escapes the bag: ${rel}`);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    return abs;
  }
}

function sorted(files: readonly WrittenFile[]): ManifestEntry[] {
  return [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => ({ path: f.path, digest: f.sha256 }));
}

function humanSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

async function syncPath(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
