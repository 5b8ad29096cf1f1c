import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openArchive } from '../src/archive.ts';
import { verifyArchive } from '../src/core/verify.ts';
import { readCustodyLog } from '../src/db/custody-log.ts';
import { makeDvrExport } from './fixtures/make-dvr-export.ts';
import { DATABASES, tempDir, testConfig } from './helpers/archive.ts';
import { custody } from './helpers/cli.ts';

/**
 * kill -9 at random moments of an ingest, several times, then a run to completion: items,
 * sightings, blobs and the custody log must agree and verify must pass. Random delays are
 * drawn from a seeded generator so a failure can be replayed (the seed is in the test name).
 */
const SEED = Number(process.env['CRASH_SEED'] ?? Date.now() % 100000);

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe.each(DATABASES)('ingest killed at random points on %s', (database) => {
  it(`recovers every time (seed ${SEED})`, { timeout: 240_000 }, async () => {
    const random = lcg(SEED);
    const drive = await makeDvrExport(path.join(await tempDir('drive'), 'leak'), {
      bigFiles: 40,
      bigFileMiB: 6,
    });
    const config = await testConfig(database, path.join(await tempDir('crash'), 'archive'));
    const env: NodeJS.ProcessEnv =
      config.databaseUrl === undefined ? {} : { CUSTODY_DATABASE_URL: config.databaseUrl };
    expect((await custody(['init', config.dataDir], env)).code).toBe(0);
    const args = [
      '--data',
      config.dataDir,
      '--json',
      'ingest',
      drive.root,
      '--acquisition',
      'Drive A',
      '--concurrency',
      '2',
    ];

    let killed = 0;
    for (let attempt = 0; attempt < 5; attempt++) {
      const run = custody(args, env);
      const delay = 50 + random() * 1450; // early enough that most runs die mid-copy
      const timer = setTimeout(() => run.child.kill('SIGKILL'), delay);
      const result = await run;
      clearTimeout(timer);
      if (result.code === null) killed += 1;
      else expect(result.code, result.stderr).toBe(0);
    }
    expect(killed).toBeGreaterThanOrEqual(2); // otherwise the test proved little

    const final = await custody(args, env);
    expect(final.code, final.stderr).toBe(0);

    const archive = await openArchive(config);
    try {
      const items = await archive.db.selectFrom('item').selectAll().execute();
      expect(items).toHaveLength(drive.expected.distinctContents);
      for (const item of items) {
        const bytes = await fs.readFile(archive.blobs.localPath(item.sha256 as never));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(item.sha256);
        expect(item.probe_status).not.toBe('pending');
      }
      const sightings = await archive.db.selectFrom('sighting').selectAll().execute();
      expect(sightings.filter((s) => s.entry_type === 'file')).toHaveLength(
        drive.expected.regularFiles,
      );
      expect(sightings.filter((s) => s.entry_type === 'symlink')).toHaveLength(
        drive.symlinks.length,
      );

      const events = new Map<string, Set<string>>();
      for await (const e of readCustodyLog(archive.db)) {
        const subjects = events.get(e.action) ?? new Set();
        expect(subjects.has(e.subjectId), `${e.action} twice for ${e.subjectId}`).toBe(false);
        events.set(e.action, subjects.add(e.subjectId));
      }
      expect(events.get('item.ingested')).toEqual(new Set(items.map((i) => i.id)));
      expect(events.get('sighting.recorded')).toEqual(new Set(sightings.map((s) => s.id)));
      expect(events.get('item.probed')?.size).toBe(
        items.filter((i) => i.probe_status !== 'not-media').length,
      );

      const report = await verifyArchive(archive);
      expect(report.problems).toEqual([]);
      const leftovers = await fs.readdir(path.join(config.dataDir, 'blobs', 'tmp'));
      expect(leftovers).toEqual([]);
    } finally {
      await archive.close();
    }
  });
});
