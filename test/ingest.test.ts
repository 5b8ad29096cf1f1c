import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import { ingest, type IngestSummary } from '../src/core/ingest/ingest.ts';
import { verifyArchive } from '../src/core/verify.ts';
import { readCustodyLog } from '../src/db/custody-log.ts';
import { makeDvrExport, type DvrExport } from './fixtures/make-dvr-export.ts';
import { createTestArchive, DATABASES, tempDir } from './helpers/archive.ts';
import { treeFingerprint } from './helpers/tree.ts';

const details = {
  name: 'Drive from source A',
  receivedFrom: 'source A',
  receivedAt: '2021-03-14',
  note: '2 TB USB disk, sealed bag 17',
};

describe.each(DATABASES)('ingest of a DVR export on %s', (database) => {
  let drive: DvrExport;
  let archive: Archive;
  let first: IngestSummary;
  let before: string;

  beforeAll(async () => {
    drive = await makeDvrExport(path.join(await tempDir('drive'), 'leak'));
    before = await treeFingerprint(drive.root);
    ({ archive } = await createTestArchive(database));
    first = await ingest(archive, { source: drive.root, acquisition: details });
  });
  afterAll(async () => archive.close());

  it('makes one item per distinct content and counts duplicates', async () => {
    expect(first.interrupted).toBe(false);
    expect(first.newItems).toBe(drive.expected.distinctContents);
    expect(first.duplicateFiles).toBe(drive.expected.duplicatePaths);
    expect(first.symlinks).toBe(drive.symlinks.length);
    const items = await archive.db.selectFrom('item').select(['sha256', 'size']).execute();
    expect(items).toHaveLength(drive.expected.distinctContents);
    for (const item of items) {
      const stored = await fs.readFile(archive.blobs.localPath(item.sha256 as never));
      expect(createHash('sha256').update(stored).digest('hex')).toBe(item.sha256);
      expect(stored.length).toBe(item.size);
    }
  });

  it("leaves the source exactly as it was, files' access times included", async () => {
    expect(await treeFingerprint(drive.root)).toBe(before);
  });

  it('keeps the exact bytes of every name, hostile ones included, and shows them safely', async () => {
    const rows = await archive.db
      .selectFrom('sighting')
      .select(['path', 'path_display', 'entry_type'])
      .execute();
    const files = rows.filter((r) => r.entry_type === 'file');
    expect(files).toHaveLength(drive.expected.regularFiles);
    const bad = drive.files.find((f) => f.pathHex !== undefined);
    expect(bad).toBeDefined();
    const badRow = rows.find((r) => Buffer.from(r.path).toString('hex') === bad?.pathHex);
    expect(badRow?.path_display).toMatch(/bad-\\xff\\xfe\.bin$/);
    const newline = rows.find((r) => Buffer.from(r.path).includes(0x0a));
    expect(newline?.path_display).toContain('\\u{a}');
    expect(newline?.path_display).not.toContain('\n');
    const rtl = rows.find((r) => Buffer.from(r.path).toString('utf8').includes('\u202e'));
    expect(rtl?.path_display).toContain('\\u{202e}');
  });

  it('records symbolic links with their target text and never follows them', async () => {
    const links = await archive.db
      .selectFrom('sighting')
      .select(['path_display', 'link_target_display', 'item_id'])
      .where('entry_type', '=', 'symlink')
      .execute();
    expect(links.map((l) => l.link_target_display).sort()).toEqual(
      drive.symlinks.map((s) => s.target).sort(),
    );
    expect(links.every((l) => l.item_id === null)).toBe(true);
    const passwd = await archive.db
      .selectFrom('item')
      .select('id')
      .where('size', '=', (await fs.stat('/etc/passwd')).size)
      .execute();
    expect(passwd).toHaveLength(0);
  });

  it('keeps original modification times and modes', async () => {
    const rows = await archive.db
      .selectFrom('sighting')
      .select(['path', 'mtime_ns', 'mode'])
      .where('entry_type', '=', 'file')
      .execute();
    for (const row of rows) {
      const st = await fs.lstat(
        Buffer.concat([Buffer.from(drive.root + '/'), Buffer.from(row.path)]),
        { bigint: true },
      );
      expect(row.mtime_ns).toBe(st.mtimeNs.toString());
      expect(row.mode).toBe(Number(st.mode));
    }
  });

  it('probes media, and keeps corrupt, truncated and empty files as evidence with a reason', async () => {
    const byPath = async (rel: string) =>
      archive.db
        .selectFrom('sighting')
        .innerJoin('item', 'item.id', 'sighting.item_id')
        .selectAll('item')
        .where('sighting.path', '=', Buffer.from(rel))
        .executeTakeFirstOrThrow();
    for (const rel of drive.expected.videos) {
      const item = await byPath(rel);
      expect(item.kind).toBe('video');
      expect(item.probe_status).toBe('ok');
      expect(item.media?.['durationSeconds']).toBeGreaterThan(1);
      expect(item.media?.['width']).toBeGreaterThan(0);
      expect(item.media?.['videoCodec']).toBe('h264');
    }
    const dated = await byPath(drive.expected.videos[0] ?? '');
    expect(dated.media?.['creationTime']).toMatch(/^20\d\d-/);
    for (const rel of drive.expected.corrupt) {
      const item = await byPath(rel);
      expect(item.probe_status).toBe('failed');
      expect(item.problems.map((p) => p.code)).toEqual([
        expect.stringMatching(/^MEDIA\.(PROBE_FAILED|TRUNCATED)$/),
      ]);
      expect(item.problems[0]?.message).not.toContain(archive.dataDir); // no storage paths in messages
    }
    const truncated = await byPath(
      drive.files.find((f) => f.note.includes('no moov atom'))?.path ?? '',
    );
    expect(truncated.problems.map((p) => p.code)).toContain('MEDIA.TRUNCATED');
    for (const rel of drive.expected.emptyFiles) {
      expect((await byPath(rel)).problems.map((p) => p.code)).toEqual(['INGEST.EMPTY_FILE']);
    }
  });

  it('writes one custody event per acquisition, item, sighting and probe, in one valid chain', async () => {
    const counts = new Map<string, number>();
    for await (const e of readCustodyLog(archive.db))
      counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
    expect(counts.get('archive.created')).toBe(1);
    expect(counts.get('acquisition.opened')).toBe(1);
    expect(counts.get('acquisition.closed')).toBe(1);
    expect(counts.get('item.ingested')).toBe(drive.expected.distinctContents);
    expect(counts.get('sighting.recorded')).toBe(
      drive.expected.regularFiles + drive.symlinks.length,
    );
    const probed = await archive.db
      .selectFrom('item')
      .select('id')
      .where('probe_status', 'in', ['ok', 'failed'])
      .execute();
    expect(counts.get('item.probed')).toBe(probed.length);
    const report = await verifyArchive(archive);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('a second run of the same ingest skips everything that is done', async () => {
    const again = await ingest(archive, { source: drive.root, acquisition: details });
    expect(again.resumed).toBe(true);
    expect(again.newItems).toBe(0);
    expect(again.bytesCopied).toBe(0);
    expect(again.alreadyDone).toBe(drive.expected.regularFiles + drive.symlinks.length);
  });

  it('a second acquisition of the same material adds sightings, not items', async () => {
    const other = await ingest(archive, {
      source: drive.root,
      acquisition: { name: 'Copy from partner B' },
    });
    expect(other.newItems).toBe(0);
    expect(other.duplicateFiles).toBe(drive.expected.regularFiles);
    const sightings = await archive.db
      .selectFrom('sighting')
      .select('id')
      .where('entry_type', '=', 'file')
      .execute();
    expect(sightings).toHaveLength(2 * drive.expected.regularFiles);
  });

  it('refuses to resume an acquisition with different details', async () => {
    await expect(
      ingest(archive, {
        source: drive.root,
        acquisition: { ...details, receivedFrom: 'someone else' },
      }),
    ).rejects.toMatchObject({ code: 'INGEST.ACQUISITION_CONFLICT' });
  });
});
