import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { verifyArchive } from '../src/core/verify.ts';
import { seal } from '../src/core/seal/seal.ts';
import { readCustodyLog, sha256Hex } from '../src/db/custody-log.ts';
import { canonicalEvent } from '../src/domain/custody-event.ts';
import { generateKeyPairSync, sign, createHash } from 'node:crypto';
import { createTestArchive, DATABASES, tempDir } from './helpers/archive.ts';

/** A small drive: three files, one duplicated. */
async function smallDrive(): Promise<string> {
  const root = path.join(await tempDir('drive'), 'src');
  await fs.mkdir(path.join(root, 'a'), { recursive: true });
  await fs.writeFile(path.join(root, 'a', 'one.txt'), 'first file\n');
  await fs.writeFile(path.join(root, 'a', 'two.txt'), 'second file\n');
  await fs.writeFile(path.join(root, 'copy-of-one.txt'), 'first file\n');
  return root;
}

describe.each(DATABASES)('verify on %s', (database) => {
  let archive: Archive;

  beforeEach(async () => {
    ({ archive } = await createTestArchive(database));
    await ingest(archive, { source: await smallDrive(), acquisition: { name: 'A' } });
  });
  afterEach(async () => archive.close());

  it('passes on an untouched archive and records that it looked', async () => {
    const report = await verifyArchive(archive);
    expect(report).toMatchObject({ ok: true, mode: 'full', items: 2, problems: [] });
    const again = await verifyArchive(archive, { quick: true });
    expect(again.ok).toBe(true);
    expect(again.events).toBe(report.events + 1); // the first check is itself in the log
  });

  it('the database refuses to update, delete or truncate custody events', async () => {
    await expect(
      sql`UPDATE custody_event SET actor = 'mallory' WHERE seq = 2`.execute(archive.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM custody_event WHERE seq = 2`.execute(archive.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`TRUNCATE custody_event`.execute(archive.db)).rejects.toThrow(/append-only/);
  });

  it('names an event edited behind its back and a blob whose bytes were flipped', async () => {
    // An insider with database superuser rights can switch the trigger off; the chain still tells.
    await archive.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(tx);
      await sql`UPDATE custody_event SET payload = jsonb_set(payload, '{size}', '999') WHERE seq = 4`.execute(
        tx,
      );
    });
    const item = await archive.db
      .selectFrom('item')
      .select(['id', 'sha256'])
      .orderBy('sha256')
      .executeTakeFirstOrThrow();
    const blob = archive.blobs.localPath(item.sha256 as never);
    await fs.chmod(blob, 0o644);
    const bytes = await fs.readFile(blob);
    bytes[0] = (bytes[0] ?? 0) ^ 0x01;
    await fs.writeFile(blob, bytes);

    const report = await verifyArchive(archive);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ class: 'chain-broken', seq: 4, detail: 'hash-mismatch' }),
        expect.objectContaining({ class: 'blob-changed', sha256: item.sha256, itemId: item.id }),
      ]),
    );
    const quick = await verifyArchive(archive, { quick: true });
    expect(quick.problems.map((p) => p.class)).toEqual(['chain-broken']); // same size: only a full check sees the flip
  });

  it('names a deleted event, a missing blob and a blob nobody recorded', async () => {
    await archive.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(tx);
      await sql`DELETE FROM custody_event WHERE seq = 3`.execute(tx);
    });
    const item = await archive.db
      .selectFrom('item')
      .select(['sha256'])
      .orderBy('sha256')
      .executeTakeFirstOrThrow();
    await fs.rm(archive.blobs.localPath(item.sha256 as never));
    const stray = 'ab'.repeat(32);
    const strayPath = archive.blobs.localPath(stray as never);
    await fs.mkdir(path.dirname(strayPath), { recursive: true });
    await fs.writeFile(strayPath, 'not recorded');

    const report = await verifyArchive(archive, { quick: true });
    const classes = report.problems.map((p) => p.class);
    expect(classes).toContain('blob-missing');
    expect(classes).toContain('blob-not-in-database');
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ class: 'chain-broken', seq: 4, detail: 'gap' }),
      ]),
    );
  });

  it('seals: a checkpoint is reused while the log is unchanged and extended when it grows', async () => {
    const first = await seal(archive);
    expect(first).toMatchObject({ created: true, timestamps: [], failures: [] });
    const again = await seal(archive);
    expect(again).toMatchObject({ created: false, treeSize: first.treeSize, root: first.root });
    await ingest(archive, { source: await smallDrive(), acquisition: { name: 'B' } });
    const grown = await seal(archive); // continues from the stored frontier
    expect(grown.created).toBe(true);
    expect(grown.treeSize).toBeGreaterThan(first.treeSize);
    const report = await verifyArchive(archive); // rebuilds every tree head from scratch
    expect(report.problems).toEqual([]);
    expect(report.checkpoints).toBe(2);
  });

  it('catches a rewrite of the whole chain after sealing, which the chain alone cannot', async () => {
    const sealed = await seal(archive);
    // An insider edits event 4 and recomputes every later hash: the chain is consistent again.
    await archive.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(tx);
      await sql`UPDATE custody_event SET actor = 'mallory' WHERE seq = 4`.execute(tx);
      let prev: string | null = null;
      for await (const e of readCustodyLog(tx)) {
        const hash = sha256Hex(canonicalEvent({ ...e, prevHash: prev }));
        await sql`UPDATE custody_event SET prev_hash = ${prev}, hash = ${hash} WHERE seq = ${e.seq}`.execute(
          tx,
        );
        prev = hash;
      }
    });
    const report = await verifyArchive(archive, { quick: true });
    expect(report.problems.filter((p) => p.class === 'chain-broken')).toEqual([]);
    expect(report.problems).toEqual([
      expect.objectContaining({ class: 'checkpoint-mismatch', treeSize: sealed.treeSize }),
    ]);
  });

  it('catches a rollback: events removed from the end after they were sealed', async () => {
    const sealed = await seal(archive);
    await archive.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(tx);
      await sql`DELETE FROM custody_event WHERE seq > ${sealed.treeSize - 3}`.execute(tx);
    });
    const report = await verifyArchive(archive, { quick: true });
    expect(report.problems).toEqual([
      expect.objectContaining({ class: 'checkpoint-beyond-log', treeSize: sealed.treeSize }),
    ]);
  });

  it('catches a checkpoint signed with a key the log never announced', async () => {
    const sealed = await seal(archive);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keyId = createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex');
    const row = await archive.db
      .selectFrom('checkpoint')
      .selectAll()
      .where('tree_size', '=', sealed.treeSize)
      .executeTakeFirstOrThrow();
    await archive.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(tx);
      await tx
        .updateTable('checkpoint')
        .set({
          public_key: pem,
          key_id: keyId,
          signature: sign(null, Buffer.from(row.body), privateKey),
        })
        .where('tree_size', '=', sealed.treeSize)
        .execute();
    });
    const report = await verifyArchive(archive, { quick: true });
    expect(report.problems).toEqual([
      expect.objectContaining({ class: 'checkpoint-key-unknown', treeSize: sealed.treeSize }),
    ]);
  });

  it('the database refuses to change or remove a checkpoint', async () => {
    const sealed = await seal(archive);
    await expect(
      sql`UPDATE checkpoint SET root_hash = 'x' WHERE tree_size = ${sealed.treeSize}`.execute(
        archive.db,
      ),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM checkpoint`.execute(archive.db)).rejects.toThrow(/append-only/);
  });
});
