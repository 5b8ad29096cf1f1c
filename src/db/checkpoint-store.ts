import type { Kysely, Selectable, Transaction } from 'kysely';
import type { CheckpointTable, Database } from './schema.ts';

export interface CheckpointRecord {
  readonly treeSize: number;
  readonly origin: string;
  readonly rootHash: string;
  readonly headHash: string;
  readonly frontier: readonly { start: number; size: number; hash: string }[];
  readonly body: string;
  readonly signature: Buffer;
  readonly keyId: string;
  readonly publicKey: string;
  readonly createdAt: Date;
}

function toRecord(r: Selectable<CheckpointTable>): CheckpointRecord {
  return {
    treeSize: r.tree_size,
    origin: r.origin,
    rootHash: r.root_hash,
    headHash: r.head_hash,
    frontier: r.frontier,
    body: r.body,
    signature: Buffer.from(r.signature),
    keyId: r.key_id,
    publicKey: r.public_key,
    createdAt: r.created_at,
  };
}

export async function latestCheckpoint(db: Kysely<Database>): Promise<CheckpointRecord | null> {
  const row = await db
    .selectFrom('checkpoint')
    .selectAll()
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? null : toRecord(row);
}

/** Every checkpoint, oldest first (a handful a day: small enough to hold). */
export async function allCheckpoints(db: Kysely<Database>): Promise<CheckpointRecord[]> {
  const rows = await db.selectFrom('checkpoint').selectAll().orderBy('tree_size').execute();
  return rows.map(toRecord);
}

/** Inserts unless a concurrent sealer stored the same tree size first (theirs is as good). */
export async function insertCheckpoint(
  db: Kysely<Database> | Transaction<Database>,
  c: CheckpointRecord,
): Promise<void> {
  await db
    .insertInto('checkpoint')
    .values({
      tree_size: c.treeSize,
      origin: c.origin,
      root_hash: c.rootHash,
      head_hash: c.headHash,
      frontier: JSON.stringify(c.frontier),
      body: c.body,
      signature: c.signature,
      key_id: c.keyId,
      public_key: c.publicKey,
      created_at: c.createdAt,
    })
    .onConflict((oc) => oc.column('tree_size').doNothing())
    .execute();
}

export interface TimestampRecord {
  readonly treeSize: number;
  readonly tsaUrl: string;
  readonly genTime: Date;
  readonly response: Buffer;
}

export async function timestampsFor(
  db: Kysely<Database>,
  treeSize: number,
): Promise<TimestampRecord[]> {
  const rows = await db
    .selectFrom('checkpoint_timestamp')
    .selectAll()
    .where('tree_size', '=', treeSize)
    .orderBy('gen_time')
    .execute();
  return rows.map((r) => ({
    treeSize: r.tree_size,
    tsaUrl: r.tsa_url,
    genTime: r.gen_time,
    response: Buffer.from(r.response),
  }));
}

export async function insertTimestamp(db: Kysely<Database>, t: TimestampRecord): Promise<void> {
  await db
    .insertInto('checkpoint_timestamp')
    .values({
      tree_size: t.treeSize,
      tsa_url: t.tsaUrl,
      gen_time: t.genTime,
      response: t.response,
    })
    .onConflict((oc) => oc.columns(['tree_size', 'tsa_url']).doNothing())
    .execute();
}

/** Number of events in the log (the last seq: the chain is gapless). */
export async function logSize(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('custody_event')
    .select((eb) => eb.fn.max('seq').as('n'))
    .executeTakeFirst();
  return row?.n ?? 0;
}

/** Event hashes (hex) with seq in (after, upTo], in order, a page at a time. */
export async function* eventHashes(
  db: Kysely<Database>,
  after: number,
  upTo: number,
  pageSize = 10_000,
): AsyncGenerator<{ seq: number; hash: string }> {
  let from = after;
  while (from < upTo) {
    const rows = await db
      .selectFrom('custody_event')
      .select(['seq', 'hash'])
      .where('seq', '>', from)
      .where('seq', '<=', upTo)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const r of rows) yield r;
    const last = rows.at(-1);
    if (last === undefined) return;
    from = last.seq;
  }
}
