import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDvrExport, type DvrExport } from './fixtures/make-dvr-export.ts';
import { freshPostgresDatabase, tempDir } from './helpers/archive.ts';
import { custody } from './helpers/cli.ts';

interface ItemJson {
  id: string;
  sha256: string;
  size: number;
  kind: string;
  paths: { acquisition: string; path: string; mtime: string | null }[];
  media: Record<string, unknown> | null;
  problems: { code: string; message: string }[];
}

describe.each(['pglite', 'postgres'] as const)('the custody command on %s', (database) => {
  let drive: DvrExport;
  let data: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    drive = await makeDvrExport(path.join(await tempDir('drive'), 'leak'));
    data = path.join(await tempDir('cli'), 'archive');
    env = database === 'postgres' ? { CUSTODY_DATABASE_URL: await freshPostgresDatabase() } : {};
  });

  it('runs the README workflow: init, ingest, list, show, acquisitions, verify', async () => {
    const init = await custody(['init', data, '--json'], env);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ dataDir: data, database });

    const run = await custody(
      [
        '--data',
        data,
        '--json',
        'ingest',
        drive.root,
        '--acquisition',
        'Drive from source A',
        '--received-from',
        'source A',
        '--received-at',
        '2021-03-14',
        '--note',
        '2 TB USB disk, sealed bag 17',
      ],
      env,
    );
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      newItems: number;
      duplicateFiles: number;
      skipped: unknown[];
    };
    expect(summary).toMatchObject({
      newItems: drive.expected.distinctContents,
      duplicateFiles: drive.expected.duplicatePaths,
      skipped: [],
    });
    // Not a terminal: progress arrives as JSON lines on stderr.
    const progress = run.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { progress: { phase: string; filesTotal: number } });
    expect(progress.at(-1)?.progress).toMatchObject({
      phase: 'done',
      filesTotal: drive.expected.regularFiles,
    });

    const list = await custody(['--data', data, 'items', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const items = JSON.parse(list.stdout) as ItemJson[];
    expect(items).toHaveLength(drive.expected.distinctContents);
    for (const item of items) {
      expect(Object.keys(item)).toEqual(
        expect.arrayContaining(['id', 'sha256', 'size', 'kind', 'paths', 'media', 'problems']),
      );
      expect(['video', 'audio', 'image', 'document', 'other']).toContain(item.kind);
      expect(item.paths.length).toBeGreaterThan(0);
    }
    const copies = items.find((i) => i.paths.length === 3);
    expect(copies?.paths.map((p) => p.acquisition)).toEqual([
      'Drive from source A',
      'Drive from source A',
      'Drive from source A',
    ]);
    const video = items.find((i) => i.media !== null && i.kind === 'video');
    expect(video?.media).toMatchObject({ videoCodec: 'h264' });
    expect(video?.paths[0]?.mtime).toMatch(/^20(19|20|21)-/);

    const problems = JSON.parse(
      (await custody(['--data', data, 'items', 'list', '--problems', '--json'], env)).stdout,
    ) as ItemJson[];
    expect(problems.length).toBe(drive.expected.corrupt.length + drive.expected.emptyFiles.length);

    const show = await custody(
      ['--data', data, 'items', 'show', (video?.sha256 ?? '').slice(0, 10), '--json'],
      env,
    );
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout) as ItemJson & { custody: { action: string }[] };
    expect(shown.custody.map((e) => e.action)).toEqual(['item.ingested', 'item.probed']);

    const acquisitions = JSON.parse(
      (await custody(['--data', data, 'acquisitions', 'list', '--json'], env)).stdout,
    ) as Record<string, unknown>[];
    expect(acquisitions).toEqual([
      expect.objectContaining({
        name: 'Drive from source A',
        receivedFrom: 'source A',
        receivedAt: '2021-03-14',
        note: '2 TB USB disk, sealed bag 17',
        complete: true,
        files: drive.expected.regularFiles,
        items: drive.expected.distinctContents,
        symlinks: drive.symlinks.length,
      }),
    ]);

    const verify = await custody(['--data', data, 'verify'], env);
    expect(verify.stdout).toMatch(/^OK \(full\)/);
    expect(verify.code).toBe(0);
  });

  it('answers mistakes with a stable code, a way out, and a distinct exit status', async () => {
    const missing = await custody(
      ['--data', path.join(data, 'nope'), '--json', 'items', 'list'],
      env,
    );
    expect(missing.code).toBe(3);
    const error = (JSON.parse(missing.stderr) as { error: { code: string; hint: string } }).error;
    expect(error.code).toBe('ARCHIVE.NOT_FOUND');
    expect(error.hint).toContain('custody init');

    const noSource = await custody(
      ['--data', data, 'ingest', '/does/not/exist', '--acquisition', 'X'],
      env,
    );
    expect(noSource.code).toBe(4);
    expect(noSource.stderr).toContain('error [INGEST.SOURCE_NOT_FOUND]');

    const itself = await custody(
      ['--data', data, 'ingest', path.dirname(data), '--acquisition', 'Z'],
      env,
    );
    expect(itself.code).toBe(4);
    expect(itself.stderr).toContain('INGEST.SOURCE_CONTAINS_ARCHIVE');

    const badDate = await custody(
      ['--data', data, 'ingest', drive.root, '--acquisition', 'Y', '--received-at', 'last tuesday'],
      env,
    );
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('ISO 8601');

    const unknown = await custody(['--data', data, 'items', 'show', 'ffffffffff'], env);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('ITEM.NOT_FOUND');

    const again = await custody(['init', data], env);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('ARCHIVE.ALREADY_EXISTS');
  });
});
