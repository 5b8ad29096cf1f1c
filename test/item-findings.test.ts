import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import type { Config } from '../src/config.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { createTestArchive, tempDir } from './helpers/archive.ts';
import { custody } from './helpers/cli.ts';
import { appWithAccounts, call, emailOf, login } from './helpers/web.ts';

interface Listed {
  id: string;
  overlay: { start: string | null; device: string | null; confidence: number } | null;
  cluster: string | null;
  faces: number | null;
}

/**
 * The list's filters and fields on what the analysis jobs found, over rows seeded as the jobs
 * store them (the jobs themselves are tested in overlay, fingerprint and faces tests).
 */
describe('items by camera overlay, faces and copies', () => {
  let archive: Archive;
  let config: Config;
  let app: FastifyInstance;
  let cookie: string;
  let ids: string[];

  beforeAll(async () => {
    ({ archive, config } = await createTestArchive('pglite'));
    const source = await tempDir('findings');
    for (const n of ['a', 'b', 'c', 'd'])
      await fs.writeFile(path.join(source, `${n}.bin`), `content ${n}\n`);
    await ingest(archive, { source, acquisition: { name: 'findings' } });
    ids = (await archive.db.selectFrom('item').select('id').orderBy('id').execute()).map(
      (r) => r.id,
    );
    const [a = '', b = '', c = '', d = ''] = ids;
    const now = new Date();
    const reading = (item: string, start: string | null, device: string | null) => ({
      item_id: item,
      start,
      device,
      confidence: start === null ? 0 : 0.9,
      source: 'ocr' as const,
      region: null,
      frames: '[]',
      ocr: JSON.stringify({ start, device, confidence: 0.9 }),
      read_at: now,
    });
    await archive.db
      .insertInto('overlay_reading')
      .values([
        reading(a, '2020-02-18 14:22:05', 'ДОЗОР-77 №0123'),
        reading(b, '2020-02-19 09:00:00', 'ДОЗОР-77 №0456'),
        reading(c, null, null),
      ])
      .execute();
    const run = { rate: 2, frames: 10, detector: 'test', ran_at: now };
    await archive.db
      .insertInto('face_run')
      .values([
        { item_id: a, tracks: 2, ...run },
        { item_id: b, tracks: 0, ...run },
      ])
      .execute();
    await archive.db
      .insertInto('item_cluster')
      .values([
        { item_id: a, cluster: a },
        { item_id: d, cluster: a },
      ])
      .execute();
    app = await appWithAccounts(archive);
    cookie = await login(app, emailOf('reviewer'));
  });

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await app.close();
    await archive.close();
  };
  afterAll(close);

  const list = async (query: string): Promise<Listed[]> => {
    const res = await call(app, cookie, 'GET', `/api/items?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: Listed[] }>().items;
  };
  const idsOf = (items: Listed[]): string[] => items.map((i) => i.id).sort();

  it('shows overlay, cluster and faces on every item, null where nothing was found', async () => {
    const [a = '', b = '', c = '', d = ''] = ids;
    const byId = new Map((await list('limit=10')).map((i) => [i.id, i]));
    expect(byId.get(a)).toMatchObject({
      overlay: { start: '2020-02-18T14:22:05', device: 'ДОЗОР-77 №0123', confidence: 0.9 },
      cluster: a,
      faces: 2,
    });
    expect(byId.get(b)).toMatchObject({ cluster: null, faces: 0 });
    expect(byId.get(c)).toMatchObject({ overlay: null, cluster: null, faces: null });
    expect(byId.get(d)).toMatchObject({ overlay: null, cluster: a, faces: null });
  });

  it('filters by device (whole or prefix), overlay time, faces and copies', async () => {
    const [a = '', b = '', c = '', d = ''] = ids;
    expect(idsOf(await list(`device=${encodeURIComponent('ДОЗОР-77 №0123')}`))).toEqual([a]);
    expect(idsOf(await list(`device=${encodeURIComponent('ДОЗОР-77')}`))).toEqual([a, b].sort());
    expect(idsOf(await list('device=%25'))).toEqual([]); // a LIKE wildcard is a plain character
    expect(idsOf(await list('overlayFrom=2020-02-19'))).toEqual([b]);
    expect(idsOf(await list('overlayTo=2020-02-18'))).toEqual([a]);
    expect(idsOf(await list('overlayFrom=2020-02-18T14:22:06&overlayTo=2020-02-19T09:00'))).toEqual(
      [b],
    );
    expect(idsOf(await list('faces=true'))).toEqual([a]);
    expect(idsOf(await list('faces=false'))).toEqual([b]);
    expect(idsOf(await list('copies=true'))).toEqual([a, d].sort());
    expect(idsOf(await list('copies=false'))).toEqual([b, c].sort());
    expect(idsOf(await list(`cluster=${a}`))).toEqual([a, d].sort());
    const bad = await call(app, cookie, 'GET', '/api/items?overlayFrom=2020-02-31');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'REQUEST.INVALID' } });
  });

  it('sorts by camera time, newest first, and pages through every item once', async () => {
    const [a = '', b = ''] = ids;
    const first = await call(app, cookie, 'GET', '/api/items?sort=overlay&limit=1');
    const page1 = first.json<{ items: Listed[]; next: string }>();
    expect(page1.items.map((i) => i.id)).toEqual([b]);
    const second = await call(
      app,
      cookie,
      'GET',
      `/api/items?sort=overlay&limit=10&after=${encodeURIComponent(page1.next)}`,
    );
    const rest = second.json<{ items: Listed[] }>().items.map((i) => i.id);
    expect(rest[0]).toBe(a);
    expect(new Set([b, ...rest]).size).toBe(4);
  });

  it('answers the same on the command line', async () => {
    await close(); // the command opens the archive itself
    const [a = '', b = ''] = ids;
    const run = await custody([
      '--data',
      config.dataDir,
      '--json',
      'items',
      'list',
      '--device',
      'ДОЗОР-77',
      '--faces',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const items = JSON.parse(run.stdout) as Listed[];
    expect(items.map((i) => i.id)).toEqual([a]);
    expect(items[0]).toMatchObject({ overlay: { device: 'ДОЗОР-77 №0123' }, faces: 2 });
    const none = await custody(['--data', config.dataDir, '--json', 'items', 'list', '--no-faces']);
    expect((JSON.parse(none.stdout) as Listed[]).map((i) => i.id)).toEqual([b]);
    const wrong = await custody([
      '--data',
      config.dataDir,
      'items',
      'list',
      '--overlay-from',
      'soon',
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/--overlay-from must be a date/);
  });
});
