import type { BigIntStats } from 'node:fs';
import type { ErrorCode } from '../errors.ts';
import type { BlobWriteResult } from '../ports.ts';

/** What became of one entry of the source tree. */
export type EntryOutcome =
  | {
      readonly type: 'file';
      readonly rel: Buffer;
      readonly stat: BigIntStats;
      readonly blob: BlobWriteResult;
      readonly head: Buffer;
    }
  | {
      readonly type: 'symlink';
      readonly rel: Buffer;
      readonly stat: BigIntStats | null;
      readonly target: Buffer;
    }
  | {
      readonly type: 'skipped';
      readonly rel: Buffer;
      readonly stat: BigIntStats | null;
      readonly code: ErrorCode;
      readonly message: string;
    };
