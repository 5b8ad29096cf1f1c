import fs from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { CheckpointRecord } from '../../db/checkpoint-store.ts';
import { eventHashes, type TimestampRecord } from '../../db/checkpoint-store.ts';
import { sha256Hex } from '../../db/custody-log.ts';
import type { Database } from '../../db/schema.ts';
import { canonicalEvent, type CustodyEvent } from '../../domain/custody-event.ts';
import { ProofCollector, leafHash } from '../../domain/merkle.ts';
import { CustodyError } from '../errors.ts';
import type { BagWriter } from './bag-writer.ts';

/** File name of an event in the package: its seq, zero-padded so names sort in log order. */
export function eventFileName(seq: number): string {
  return `custody/events/${String(seq).padStart(10, '0')}.json`;
}

/** Each event in its canonical form: the exact bytes that were hashed into the chain. */
export async function writeEventFiles(
  bag: BagWriter,
  events: readonly CustodyEvent[],
): Promise<void> {
  for (const e of events) {
    const canonical = canonicalEvent(e);
    if (sha256Hex(canonical) !== e.hash) throw damaged(`event ${e.seq} does not match its hash`);
    await bag.writePayload(eventFileName(e.seq), canonical);
  }
}

/**
 * Writes what lets anyone check the exported events without Custody: an RFC 9162 inclusion
 * proof for each against the checkpoint, the signed checkpoint, the archive's public key and
 * the timestamps.
 */
export async function writeCustodyProof(
  db: Kysely<Database>,
  bag: BagWriter,
  seqs: readonly number[],
  checkpoint: CheckpointRecord,
  tokens: readonly TimestampRecord[],
  tsaCaFile: string | undefined,
): Promise<void> {
  const proofs = await collectProofs(db, seqs, checkpoint);
  await bag.writePayload('custody/proofs.json', JSON.stringify(proofs, null, 2) + '\n');
  await bag.writePayload('custody/checkpoint.txt', checkpoint.body);
  await bag.writePayload('custody/checkpoint.sig', checkpoint.signature);
  await bag.writePayload('custody/archive-key.pem', checkpoint.publicKey);

  if (tokens.length > 0 && tsaCaFile === undefined)
    throw new CustodyError(
      'CONFIG.INVALID',
      'The seal has timestamps, but CUSTODY_TSA_CA_FILE is not set: the package could not carry the roots to check them.',
      {
        hint: "Set CUSTODY_TSA_CA_FILE to the authorities' root certificates (PEM) and export again.",
      },
    );
  const index = tokens.map((t, i) => ({
    file: `${i + 1}.tsr`,
    tsa: t.tsaUrl,
    time: t.genTime.toISOString(),
  }));
  for (const [i, t] of tokens.entries())
    await bag.writePayload(`custody/timestamps/${i + 1}.tsr`, t.response);
  if (tsaCaFile !== undefined && tokens.length > 0)
    await bag.writePayload('custody/timestamps/tsa-ca.pem', await fs.readFile(tsaCaFile));
  await bag.writePayload('custody/timestamps/index.json', JSON.stringify(index, null, 2) + '\n');
}

/** One pass over the sealed part of the log gathers every proof (memory: the proofs only). */
async function collectProofs(
  db: Kysely<Database>,
  seqs: readonly number[],
  checkpoint: CheckpointRecord,
): Promise<{
  treeSize: number;
  leafHash: string;
  proofs: { seq: number; leafIndex: number; path: string[] }[];
}> {
  const collector = new ProofCollector(
    checkpoint.treeSize,
    seqs.map((seq) => seq - 1),
  );
  for await (const e of eventHashes(db, 0, checkpoint.treeSize))
    collector.builder.push(leafHash(e.hash));
  if (collector.builder.root().toString('base64') !== checkpoint.rootHash)
    throw damaged('the log no longer matches its latest checkpoint');
  return {
    treeSize: checkpoint.treeSize,
    leafHash: 'SHA-256(0x00 || event hash bytes)',
    proofs: seqs.map((seq) => ({
      seq,
      leafIndex: seq - 1,
      path: collector.proof(seq - 1).map((h) => h.toString('base64')),
    })),
  };
}

function damaged(what: string): CustodyError {
  return new CustodyError(
    'VERIFY.FAILED',
    `The custody log is damaged: ${what}. Nothing was exported.`,
    {
      hint: 'Run "custody verify" to see every problem; do not hand over evidence until it passes.',
    },
  );
}
