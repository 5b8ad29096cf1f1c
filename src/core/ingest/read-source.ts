import { createHash } from 'node:crypto';
import { constants, type BigIntStats } from 'node:fs';
import fs from 'node:fs/promises';
import { CustodyError } from '../errors.ts';
import type { BlobStore, BlobWriteResult } from '../ports.ts';
import { asSha256 } from '../../domain/hash.ts';

const CHUNK = 1 << 20;
const HEAD_BYTES = 512;

export interface SourceFile {
  readonly blob: BlobWriteResult;
  /** First bytes of the content, for recognising the format. */
  readonly head: Buffer;
  readonly stat: BigIntStats;
}

/**
 * Reads one source file exactly once: every chunk is hashed and written to a temporary blob
 * while the next chunk is being read, so hashing costs no extra pass over the disk. The file
 * is opened read-only, without following links and without touching its access time; if it
 * changes while being read (size, mtime or ctime differ, or the bytes read differ from its
 * size) nothing is stored and SOURCE_CHANGED is thrown.
 */
export async function readSourceIntoStore(
  abs: Buffer,
  blobs: BlobStore,
  buffers: [Buffer, Buffer],
  signal?: AbortSignal,
): Promise<SourceFile> {
  const handle = await fromSource(openReadOnly(abs));
  try {
    const before = await fromSource(handle.stat({ bigint: true }));
    if (!before.isFile()) {
      throw new CustodyError('INGEST.SPECIAL_FILE', 'Not a regular file; skipped.');
    }
    const writer = await blobs.create();
    try {
      const hash = createHash('sha256');
      let head = Buffer.alloc(0);
      let pendingWrite: Promise<void> = Promise.resolve();
      for (let turn = 0; ; turn++) {
        const buffer = buffers[turn % 2] as Buffer;
        if (signal?.aborted === true)
          throw new CustodyError(
            'INGEST.INTERRUPTED',
            'Interrupted; nothing was stored for this file.',
          );
        const { bytesRead } = await fromSource(handle.read(buffer, 0, CHUNK, null));
        if (bytesRead === 0) break;
        const chunk = buffer.subarray(0, bytesRead);
        if (head.length < HEAD_BYTES)
          head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
        hash.update(chunk);
        await pendingWrite; // the other buffer is free again once its write has finished
        pendingWrite = writer.write(chunk);
      }
      await pendingWrite;
      const after = await fromSource(handle.stat({ bigint: true }));
      if (changed(before, after) || BigInt(writer.size) !== after.size) {
        throw new CustodyError(
          'INGEST.SOURCE_CHANGED',
          'The file changed while it was being read; nothing was stored for it.',
          {
            hint: 'Make sure nothing writes to the source (mount it read-only) and run the same ingest again.',
          },
        );
      }
      const blob = await writer.commit(asSha256(hash.digest('hex')));
      return { blob, head, stat: after };
    } catch (e) {
      await writer.abort();
      throw e;
    }
  } finally {
    await handle.close();
  }
}

/** Failures on the source side become a reasoned skip; failures writing the store stay fatal. */
async function fromSource<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    const why =
      code === 'ELOOP' ? 'it became a symbolic link' : code === 'ENOENT' ? 'it disappeared' : code;
    throw new CustodyError('INGEST.SOURCE_UNREADABLE', `The file could not be read (${why}).`, {
      hint: 'Check the drive and its permissions, then run the same ingest again to retry it.',
      cause: e,
    });
  }
}

function changed(a: BigIntStats, b: BigIntStats): boolean {
  return a.size !== b.size || a.mtimeNs !== b.mtimeNs || a.ctimeNs !== b.ctimeNs || a.ino !== b.ino;
}

let noAtimeAllowed = true;

/** O_NOATIME keeps even the access time of evidence unchanged; only the owner or root may use it. */
async function openReadOnly(abs: Buffer): Promise<fs.FileHandle> {
  const base = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  if (noAtimeAllowed) {
    try {
      return await fs.open(abs, base | constants.O_NOATIME);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
      noAtimeAllowed = false;
    }
  }
  return fs.open(abs, base);
}
