import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import type { Config } from '../src/config.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { derivativePath } from '../src/core/media/derivatives.ts';
import { eventsFor } from '../src/db/custody-log.ts';
import { createTestArchive, DATABASES, reopen, tempDir } from './helpers/archive.ts';
import { custody } from './helpers/cli.ts';
import { appWithAccounts, call, emailOf, login } from './helpers/web.ts';

const run = promisify(execFile);

/** Two short clips: one with sound, one without. */
async function clips(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const base = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=320x240:r=10',
  ];
  await run('ffmpeg', [
    ...base,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440',
    '-t',
    '3',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    path.join(dir, 'камера-1.mp4'),
  ]);
  await run('ffmpeg', [
    ...base,
    '-t',
    '2',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    path.join(dir, 'cam2.mp4'),
  ]);
}

describe.each(DATABASES)('proxies and thumbnails on %s', (database) => {
  let archive: Archive;
  let config: Config;
  let app: FastifyInstance;
  let cookie: string;
  let itemId: string;

  beforeAll(async () => {
    let first: Archive;
    ({ archive: first, config } = await createTestArchive(database));
    const source = path.join(await tempDir('clips'), 'drive');
    await clips(source);
    await ingest(first, { source, acquisition: { name: 'A' } });
    await first.close();
    const env =
      config.databaseUrl === undefined ? {} : { CUSTODY_DATABASE_URL: config.databaseUrl };
    const processed = await custody(['--data', config.dataDir, '--json', 'process', '--wait'], env);
    expect(processed.code, processed.stderr).toBe(0);
    // Per video: proxy, thumbnails, overlay, fingerprint and faces.
    expect(JSON.parse(processed.stdout)).toMatchObject({ queued: 10, failed: 0 });
    archive = await reopen(config);
    itemId = (
      await archive.db
        .selectFrom('item')
        .innerJoin('sighting', 'sighting.item_id', 'item.id')
        .select('item.id')
        .where('sighting.path_display', '=', 'камера-1.mp4')
        .executeTakeFirstOrThrow()
    ).id;
    app = await appWithAccounts(archive);
    cookie = await login(app, emailOf('reviewer'));
  });

  afterAll(async () => {
    await app.close();
    await archive.close();
  });

  it('records each derivative with its hash and a custody event naming its source', async () => {
    const rows = await archive.db
      .selectFrom('derivative')
      .select(['kind', 'sha256'])
      .where('item_id', '=', itemId)
      .orderBy('kind')
      .execute();
    expect(rows.map((r) => r.kind)).toEqual(['contact-sheet', 'poster', 'proxy']);
    const events = (await eventsFor(archive.db, 'item', itemId)).filter(
      (e) => e.action === 'derivative.created',
    );
    expect(events.map((e) => e.payload['kind']).sort()).toEqual([
      'contact-sheet',
      'poster',
      'proxy',
    ]);
    const item = await call(app, cookie, 'GET', `/api/items/${itemId}`);
    expect(item.json<{ derivatives: { kind: string; url: string }[] }>().derivatives).toEqual([
      expect.objectContaining({ kind: 'contact-sheet', url: `/api/items/${itemId}/contact-sheet` }),
      expect.objectContaining({ kind: 'poster' }),
      expect.objectContaining({ kind: 'proxy' }),
    ]);
    const list = await call(app, cookie, 'GET', '/api/items?kind=video');
    const entry = list
      .json<{ items: { id: string; derivatives: string[] }[] }>()
      .items.find((i) => i.id === itemId);
    expect(entry?.derivatives).toEqual(['contact-sheet', 'poster', 'proxy']);
  });

  it('serves the proxy with HTTP Range so the player can seek', async () => {
    const item = await archive.db
      .selectFrom('item')
      .select('sha256')
      .where('id', '=', itemId)
      .executeTakeFirstOrThrow();
    const file = await fs.readFile(derivativePath(archive.derivativesDir, item.sha256, 'proxy'));
    const whole = await call(app, cookie, 'GET', `/api/items/${itemId}/proxy`);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    const res = await app.inject({
      method: 'GET',
      url: `/api/items/${itemId}/proxy`,
      headers: { cookie, range: 'bytes=100-199' },
    });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 100-199/${file.length}`);
    expect(res.rawPayload.equals(file.subarray(100, 200))).toBe(true);
  });

  it('serves the poster and contact sheet as JPEGs, and lists the finished jobs', async () => {
    for (const kind of ['poster', 'contact-sheet']) {
      const res = await call(app, cookie, 'GET', `/api/items/${itemId}/${kind}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('image/jpeg');
      expect(res.rawPayload.subarray(0, 3).toString('hex')).toBe('ffd8ff');
    }
    const investigator = await login(app, emailOf('investigator'));
    const jobs = await call(app, investigator, 'GET', '/api/jobs');
    const body = jobs.json<{ jobs: { state: string }[] }>();
    expect(body.jobs).toHaveLength(10);
    expect(body.jobs.every((j) => j.state === 'completed')).toBe(true);
    expect((await call(app, cookie, 'GET', '/api/jobs')).statusCode).toBe(403);
  });
});
