import type { Kysely } from 'kysely';
import {
  eventHashes,
  insertCheckpoint,
  insertTimestamp,
  latestCheckpoint,
  logSize,
  timestampsFor,
  type CheckpointRecord,
} from '../../db/checkpoint-store.ts';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import type { Database } from '../../db/schema.ts';
import { checkpointBody, checkpointOrigin } from '../../domain/checkpoint.ts';
import { TreeBuilder, leafHash } from '../../domain/merkle.ts';
import { isCustodyError } from '../errors.ts';
import type { CheckpointSigner, Clock, TimestampAuthority } from '../ports.ts';

export interface SealDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly actor: string;
  readonly id: string;
  readonly signer: CheckpointSigner;
  readonly tsas: readonly TimestampAuthority[];
}

export interface SealResult {
  readonly treeSize: number;
  readonly root: string;
  readonly head: string;
  /** False when the log had not grown since the last checkpoint (it was reused). */
  readonly created: boolean;
  readonly timestamps: readonly { tsa: string; time: string }[];
  /** Authorities that gave no valid timestamp this time; the next seal asks them again. */
  readonly failures: readonly { tsa: string; code: string; message: string }[];
}

/**
 * Seals the custody log: signs a checkpoint (event count and RFC 9162 tree head) with the
 * archive key and has it timestamped by every configured authority. Sealing an unchanged log
 * reuses the last checkpoint and only fills in missing timestamps, so it can run as often as
 * wanted. A checkpoint is never changed once stored; anything rewritten before it no longer
 * matches its signed, timestamped head.
 */
export async function seal(deps: SealDeps): Promise<SealResult> {
  await announceKey(deps);
  const size = await logSize(deps.db);
  const last = await latestCheckpoint(deps.db);
  let checkpoint = last;
  if (last?.treeSize !== size) checkpoint = await signCheckpoint(deps, last, size);
  if (checkpoint === null)
    throw new Error('the log is empty: an archive always has its first event');
  const { timestamps, failures } = await timestampCheckpoint(deps, checkpoint);
  return {
    treeSize: checkpoint.treeSize,
    root: checkpoint.rootHash,
    head: checkpoint.headHash,
    created: checkpoint !== last,
    timestamps,
    failures,
  };
}

/** The log itself says which key signs its checkpoints, from before the first one it signs. */
async function announceKey(deps: SealDeps): Promise<void> {
  const keyId = await deps.signer.keyId();
  const known = await deps.db
    .selectFrom('custody_event')
    .select('seq')
    .where('action', '=', 'signing-key.created')
    .where('subject_type', '=', 'archive')
    .where((eb) => eb(eb.ref('payload', '->>').key('keyId'), '=', keyId))
    .executeTakeFirst();
  if (known !== undefined) return;
  const publicKey = await deps.signer.publicKeyPem();
  await deps.db.transaction().execute((tx) =>
    appendCustodyEvents(
      tx,
      [
        {
          actor: deps.actor,
          action: 'signing-key.created',
          subjectType: 'archive',
          subjectId: deps.id,
          payload: { algorithm: 'Ed25519', keyId, publicKey },
        },
      ],
      deps.clock.now(),
    ),
  );
}

async function signCheckpoint(
  deps: SealDeps,
  last: CheckpointRecord | null,
  size: number,
): Promise<CheckpointRecord> {
  const tree = last === null ? new TreeBuilder() : TreeBuilder.resume(last.frontier);
  let head = last?.headHash ?? '';
  for await (const e of eventHashes(deps.db, tree.size, size)) {
    tree.push(leafHash(e.hash));
    head = e.hash;
  }
  const origin = checkpointOrigin(deps.id);
  const rootHash = tree.root().toString('base64');
  const body = checkpointBody(origin, tree.size, rootHash);
  const record: CheckpointRecord = {
    treeSize: tree.size,
    origin,
    rootHash,
    headHash: head,
    frontier: tree.frontier(),
    body,
    signature: await deps.signer.sign(Buffer.from(body, 'utf8')),
    keyId: await deps.signer.keyId(),
    publicKey: await deps.signer.publicKeyPem(),
    createdAt: deps.clock.now(),
  };
  await insertCheckpoint(deps.db, record);
  return record;
}

async function timestampCheckpoint(
  deps: SealDeps,
  checkpoint: CheckpointRecord,
): Promise<Pick<SealResult, 'timestamps' | 'failures'>> {
  const have = new Set((await timestampsFor(deps.db, checkpoint.treeSize)).map((t) => t.tsaUrl));
  const failures: { tsa: string; code: string; message: string }[] = [];
  const data = Buffer.from(checkpoint.body, 'utf8');
  await Promise.all(
    deps.tsas
      .filter((tsa) => !have.has(tsa.url))
      .map(async (tsa) => {
        try {
          const token = await tsa.stamp(data);
          await insertTimestamp(deps.db, { treeSize: checkpoint.treeSize, ...token });
        } catch (e) {
          if (!isCustodyError(e)) throw e;
          failures.push({ tsa: tsa.url, code: e.code, message: e.message });
        }
      }),
  );
  const timestamps = (await timestampsFor(deps.db, checkpoint.treeSize)).map((t) => ({
    tsa: t.tsaUrl,
    time: t.genTime.toISOString(),
  }));
  return { timestamps, failures };
}
