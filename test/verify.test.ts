import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { verifyArchive } from '../src/core/verify.ts';
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
});
