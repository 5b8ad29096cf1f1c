import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import type { Config } from '../src/config.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { createIncident, createSegment } from '../src/core/catalogue/catalogue.ts';
import { jobHandlers } from '../src/core/jobs/handlers.ts';
import { eventsFor } from '../src/db/custody-log.ts';
import { appWithAccounts, call, emailOf, login } from './helpers/web.ts';
import { verifyArchive } from '../src/core/verify.ts';
import { makeDvrExport } from './fixtures/make-dvr-export.ts';
import {
  createTestArchive,
  DATABASES,
  freshPostgresDatabase,
  reopen,
  tempDir,
} from './helpers/archive.ts';
import { flipByte, guideSteps, listFiles, rewriteManifests, runSteps } from './helpers/bag.ts';
import { custody } from './helpers/cli.ts';
import { startLocalTsa, type LocalTsa } from './helpers/local-tsa.ts';

/** Planted where they must never leave: a source's identity, internal notes, an unselected item. */
const SENTINELS = {
  person: 'SENTINEL-SOURCE-PERSON',
  note: 'SENTINEL-INTERNAL-NOTE',
  acquisition: 'SENTINEL-ACQUISITION-NAME',
  folder: 'SENTINEL-SOURCE-FOLDER',
  unselectedName: 'SENTINEL-UNSELECTED-NAME',
  unselectedContent: 'SENTINEL-UNSELECTED-CONTENT',
};

interface ExportedItem {
  id: string;
  sha256: string;
  file: string;
  probeFile: string | null;
  sightings: { path: string }[];
  events: number[];
}

async function containsAnywhere(root: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const rel of await listFiles(root)) {
    if (rel.includes(needle)) hits.push(rel);
    else if ((await fs.readFile(path.join(root, rel))).includes(needle)) hits.push(rel);
  }
  return hits;
}

async function copyBag(bag: string): Promise<string> {
  const copy = path.join(await tempDir('tampered'), 'bag');
  await fs.cp(bag, copy, { recursive: true });
  return copy;
}

describe.each(DATABASES)('export of an evidence package on %s', (database) => {
  const tsas: LocalTsa[] = [];
  let archive: Archive;
  let config: Config;
  let env: NodeJS.ProcessEnv;
  let bag: string;
  let selected: string[];
  let unselectedSha: string;

  beforeAll(async () => {
    tsas.push(await startLocalTsa(), await startLocalTsa());
    const work = await tempDir('export');
    const caBundle = path.join(work, 'tsa-roots.pem');
    await fs.writeFile(
      caBundle,
      (await Promise.all(tsas.map((t) => fs.readFile(t.caFile, 'utf8')))).join('\n'),
    );
    env = {
      CUSTODY_TSA_URLS: tsas.map((t) => t.url).join(' '),
      CUSTODY_TSA_CA_FILE: caBundle,
      CUSTODY_ORGANIZATION: 'Test Human Rights Centre',
    };
    ({ archive, config } = await createTestArchive(database, env));
    if (config.databaseUrl !== undefined) env['CUSTODY_DATABASE_URL'] = config.databaseUrl;

    const drive = await makeDvrExport(path.join(work, SENTINELS.folder));
    const unselected = Buffer.from(`${SENTINELS.unselectedContent}\n`);
    unselectedSha = createHash('sha256').update(unselected).digest('hex');
    await fs.writeFile(path.join(drive.root, `${SENTINELS.unselectedName}.txt`), unselected);
    await ingest(archive, {
      source: drive.root,
      acquisition: {
        name: SENTINELS.acquisition,
        receivedFrom: SENTINELS.person,
        receivedAt: '2021-03-14',
        note: SENTINELS.note,
      },
    });
    const items = await archive.db.selectFrom('item').select(['id', 'sha256']).execute();
    selected = items.filter((i) => i.sha256 !== unselectedSha).map((i) => i.id);
    await archive.close(); // the command-line program opens it next

    bag = path.join(work, 'package');
    const run = await custody(
      ['--data', config.dataDir, '--json', 'export', '--bagit', bag, '--items', ...selected],
      env,
    );
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ items: selected.length, timestamps: 2 });
  });

  afterAll(async () => {
    await Promise.all(tsas.map((t) => t.close()));
  });

  it('is a BagIt bag with its tag files, manifests and the selected originals', async () => {
    const files = await listFiles(bag);
    for (const tag of [
      'bagit.txt',
      'bag-info.txt',
      'manifest-sha256.txt',
      'tagmanifest-sha256.txt',
      'VERIFYING.md',
      'verify-custody.py',
    ])
      expect(files).toContain(tag);
    expect(await fs.readFile(path.join(bag, 'bagit.txt'), 'utf8')).toBe(
      'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n',
    );
    const payload = files.filter((f) => f.startsWith('data/'));
    const bytes = (
      await Promise.all(payload.map(async (f) => (await fs.stat(path.join(bag, f))).size))
    ).reduce((a, b) => a + b, 0);
    const info = await fs.readFile(path.join(bag, 'bag-info.txt'), 'utf8');
    expect(info).toContain(`Payload-Oxum: ${bytes}.${payload.length}\n`);
    expect(info).toContain('Source-Organization: Test Human Rights Centre\n');
    expect(info).toMatch(/^Bagging-Date: \d{4}-\d{2}-\d{2}$/m);

    const items = JSON.parse(
      await fs.readFile(path.join(bag, 'data/metadata/items.json'), 'utf8'),
    ) as ExportedItem[];
    expect(items.map((i) => i.id).sort()).toEqual([...selected].sort());
    for (const item of items) {
      const original = await fs.readFile(path.join(bag, item.file));
      expect(createHash('sha256').update(original).digest('hex')).toBe(item.sha256);
      expect(item.events.length).toBeGreaterThanOrEqual(2); // ingested + a sighting at least
    }
    expect(items.some((i) => i.probeFile !== null)).toBe(true);
    const tokens = files.filter(
      (f) => f.startsWith('data/custody/timestamps/') && f.endsWith('.tsr'),
    );
    expect(tokens).toHaveLength(2);
  });

  it('passes every step of VERIFYING.md, run exactly as written with sh', async () => {
    const steps = await guideSteps(path.join(bag, 'VERIFYING.md'));
    const result = await runSteps(bag, steps);
    expect(result.output).not.toMatch(/FAIL/);
    expect(result.code, result.output).toBe(0);
  });

  it('carries nothing about the source, internal notes or items not selected', async () => {
    for (const needle of Object.values(SENTINELS))
      expect(await containsAnywhere(bag, needle), needle).toEqual([]);
    expect(await containsAnywhere(bag, unselectedSha)).toEqual([]);
    expect(await containsAnywhere(bag, config.dataDir)).toEqual([]); // no storage paths either
  });

  it('carries the source only when asked to, and still verifies (the search above can see it)', async () => {
    const withSource = path.join(await tempDir('export'), 'with-source');
    const run = await custody(
      [
        '--data',
        config.dataDir,
        'export',
        '--bagit',
        withSource,
        '--all',
        '--include-acquisitions',
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(await containsAnywhere(withSource, SENTINELS.person)).toEqual([
      'data/custody/events/0000000002.json',
      'data/metadata/acquisitions.json',
    ]);
    expect(await containsAnywhere(withSource, SENTINELS.unselectedContent)).not.toEqual([]);
    const result = await runSteps(
      withSource,
      await guideSteps(path.join(withSource, 'VERIFYING.md')),
    );
    expect(result.code, result.output).toBe(0);
  });

  it('travels to another archive: custody ingest checks the bag first, then takes it in', async () => {
    const other = path.join(await tempDir('receiver'), 'archive');
    const otherEnv =
      database === 'postgres' ? { CUSTODY_DATABASE_URL: await freshPostgresDatabase() } : {};
    expect((await custody(['init', other], otherEnv)).code).toBe(0);

    const tampered = await copyBag(bag);
    const original = (await listFiles(tampered)).find((f) => f.startsWith('data/originals/'));
    await flipByte(path.join(tampered, original ?? ''));
    const refused = await custody(
      ['--data', other, '--json', 'ingest', tampered, '-a', 'Tampered package'],
      otherEnv,
    );
    expect(refused.code).toBe(4);
    const error = JSON.parse(refused.stderr.trim().split('\n').at(-1) ?? '{}') as {
      error: { code: string; details: { code: string; path: string }[] };
    };
    expect(error.error.code).toBe('BAGIT.INVALID');
    expect(error.error.details.map((d) => [d.code, d.path])).toEqual([['changed', original]]);
    const none = await custody(['--data', other, '--json', 'acquisitions', 'list'], otherEnv);
    expect(JSON.parse(none.stdout)).toEqual([]);

    const taken = await custody(
      ['--data', other, '--json', 'ingest', bag, '-a', 'Package from partner'],
      otherEnv,
    );
    expect(taken.code, taken.stderr).toBe(0);
    const summary = JSON.parse(taken.stdout) as {
      skipped: unknown[];
      problems: { code: string }[];
    };
    expect(summary.skipped).toEqual([]);
    expect(summary.problems.filter((p) => p.code.startsWith('BAGIT'))).toEqual([]);
    const listed = await custody(['--data', other, '--json', 'items', 'list'], otherEnv);
    const hashes = new Set(
      (JSON.parse(listed.stdout) as { sha256: string }[]).map((i) => i.sha256),
    );
    const exported = JSON.parse(
      await fs.readFile(path.join(bag, 'data/metadata/items.json'), 'utf8'),
    ) as ExportedItem[];
    for (const item of exported) expect(hashes.has(item.sha256)).toBe(true);
  });

  it('is still consistent with the archive: custody verify checks the checkpoints', async () => {
    const reopened = await reopen(config);
    try {
      const report = await verifyArchive(reopened);
      expect(report.problems).toEqual([]);
      expect(report.checkpoints).toBeGreaterThanOrEqual(1);
      expect(report.timestamps).toBeGreaterThanOrEqual(2); // both authorities, re-verified
      const exported = await reopened.db
        .selectFrom('custody_event')
        .select(['payload'])
        .where('action', '=', 'evidence.exported')
        .execute();
      expect(exported).toHaveLength(2); // this test's two packages
    } finally {
      await reopened.close();
    }
  });
});

describe('a tampered package fails the recipient’s checks', () => {
  let bag: string;
  let steps: string;
  let config: Config;
  const tsas: LocalTsa[] = [];

  beforeAll(async () => {
    tsas.push(await startLocalTsa());
    const work = await tempDir('tamper');
    const env = {
      CUSTODY_TSA_URLS: tsas[0]?.url ?? '',
      CUSTODY_TSA_CA_FILE: tsas[0]?.caFile ?? '',
      CUSTODY_ORGANIZATION: 'Test Human Rights Centre',
    };
    const created = await createTestArchive('pglite', env);
    const archive = created.archive;
    config = created.config;
    const source = path.join(work, 'drive');
    await fs.mkdir(source);
    for (let i = 0; i < 5; i++)
      await fs.writeFile(path.join(source, `clip-${i}.bin`), `evidence ${i}\n`.repeat(1000));
    await ingest(archive, { source, acquisition: { name: 'A' } });
    await archive.close();
    bag = path.join(work, 'package');
    const run = await custody(['--data', config.dataDir, 'export', '--bagit', bag, '--all'], env);
    expect(run.code, run.stderr).toBe(0);
    steps = await guideSteps(path.join(bag, 'VERIFYING.md'));
    expect((await runSteps(bag, steps)).code).toBe(0);
  });

  afterAll(async () => {
    await Promise.all(tsas.map((t) => t.close()));
  });

  const firstOf = async (dir: string, prefix: string): Promise<string> => {
    const f = (await listFiles(dir)).find((p) => p.startsWith(prefix));
    if (f === undefined) throw new Error(`no ${prefix} in the bag`);
    return f;
  };

  for (const [what, prefix] of [
    ['a byte of an original', 'data/originals/'],
    ['a byte of a custody event', 'data/custody/events/'],
    ['a byte of the checkpoint', 'data/custody/checkpoint.txt'],
  ] as const) {
    it(`names ${what}, and still does after the manifests are recomputed`, async () => {
      for (const forge of [false, true]) {
        const copy = await copyBag(bag);
        const target = await firstOf(copy, prefix);
        await flipByte(path.join(copy, target));
        if (forge) await rewriteManifests(copy, target);
        const result = await runSteps(copy, steps);
        expect(result.code, `${what}, forged=${forge}: ${result.output}`).not.toBe(0);
      }
    });
  }

  it('the checker alone catches a forged event even when manifests agree', async () => {
    const copy = await copyBag(bag);
    const event = await firstOf(copy, 'data/custody/events/');
    const text = await fs.readFile(path.join(copy, event), 'utf8');
    await fs.writeFile(
      path.join(copy, event),
      text.replace('"actor":"tester"', '"actor":"mallory"'),
    );
    await rewriteManifests(copy, event);
    const result = await runSteps(copy, 'python3 verify-custody.py --no-openssl');
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/FAIL/);
  });

  it('custody verify re-checks stored timestamp tokens against the roots', async () => {
    const archive = await reopen(config);
    try {
      await archive.db.transaction().execute(async (tx) => {
        await sql`SET LOCAL session_replication_role = replica`.execute(tx);
        await sql`UPDATE checkpoint_timestamp SET response = overlay(response placing '\\x00'::bytea from 40 for 1)`.execute(
          tx,
        );
      });
      const report = await verifyArchive(archive, { quick: true });
      expect(report.problems.map((p) => p.class)).toEqual(['timestamp-invalid']);
    } finally {
      await archive.close();
    }
  });

  it('exports the items an incident marks, with the incident described and its notes left out', async () => {
    const archive = await reopen(config);
    let incidentId: string;
    let itemId: string;
    try {
      itemId =
        (
          await archive.db
            .selectFrom('sighting')
            .select('item_id')
            .where('path_display', '=', 'clip-2.bin')
            .executeTakeFirstOrThrow()
        ).item_id ?? '';
      const incident = await createIncident(archive, 'tester', {
        title: 'Избиение при обыске',
        acts: ['beating'],
      });
      incidentId = incident.id;
      await createSegment(archive, 'tester', {
        itemId,
        start: 1,
        end: 2,
        incidentId,
        note: 'SENTINEL-SEGMENT-NOTE',
        tags: ['обыск'],
      });
    } finally {
      await archive.close();
    }
    const out = path.join(await tempDir('incident-export'), 'package');
    const run = await custody(
      ['--data', config.dataDir, '--json', 'export', '--bagit', out, '--incident', incidentId],
      {
        CUSTODY_TSA_URLS: tsas[0]?.url ?? '',
        CUSTODY_TSA_CA_FILE: tsas[0]?.caFile ?? '',
        CUSTODY_ORGANIZATION: 'Test Human Rights Centre',
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const items = JSON.parse(
      await fs.readFile(path.join(out, 'data/metadata/items.json'), 'utf8'),
    ) as ExportedItem[];
    expect(items.map((i) => i.id)).toEqual([itemId]);
    const incidents = JSON.parse(
      await fs.readFile(path.join(out, 'data/metadata/incidents.json'), 'utf8'),
    ) as { title: string; acts: string[]; segments: { itemId: string; tags: string[] }[] }[];
    expect(incidents).toEqual([
      expect.objectContaining({
        title: 'Избиение при обыске',
        acts: ['beating'],
        segments: [{ itemId, start: 1, end: 2, tags: ['обыск'] }],
      }),
    ]);
    expect(await containsAnywhere(out, 'SENTINEL-SEGMENT-NOTE')).toEqual([]);
    const result = await runSteps(out, await guideSteps(path.join(out, 'VERIFYING.md')));
    expect(result.code, result.output).toBe(0);
  });

  it('makes a package in the background from the web API and hands it over as a tar file', async () => {
    const archive = await reopen(config);
    const app = await appWithAccounts(archive);
    try {
      const cookie = await login(app, emailOf('investigator'));
      const asked = await call(app, cookie, 'POST', '/api/exports', {
        all: true,
        description: 'Для комитета',
      });
      expect(asked.statusCode, asked.body).toBe(202);
      const { id } = asked.json<{ id: string }>();
      const jobs = await archive.startJobs();
      await jobs.work(jobHandlers(archive), { concurrency: 1 });
      let state = '';
      for (let i = 0; i < 120 && state !== 'completed' && state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const list = await call(app, cookie, 'GET', '/api/exports');
        state = list.json<{ id: string; state: string }[]>().find((e) => e.id === id)?.state ?? '';
      }
      expect(state).toBe('completed');
      const download = await call(app, cookie, 'GET', `/api/exports/${id}/download`);
      expect(download.statusCode).toBe(200);
      expect(download.headers['content-disposition']).toMatch(/^attachment/);
      const dir = await tempDir('tar');
      await fs.writeFile(path.join(dir, 'package.tar'), download.rawPayload);
      const untar = await runSteps(dir, 'tar -xf package.tar');
      expect(untar.code, untar.output).toBe(0);
      const bag = path.join(dir, `custody-export-${id}`);
      const result = await runSteps(bag, await guideSteps(path.join(bag, 'VERIFYING.md')));
      expect(result.code, result.output).toBe(0);
      const events = await eventsFor(archive.db, 'export', id);
      expect(events.map((e) => [e.action, e.actor])).toEqual([
        ['evidence.exported', emailOf('investigator')],
        ['export.downloaded', emailOf('investigator')],
      ]);
      const reviewer = await login(app, emailOf('reviewer'));
      expect((await call(app, reviewer, 'GET', `/api/exports/${id}/download`)).statusCode).toBe(
        403,
      );
    } finally {
      await app.close();
      await archive.close();
    }
  });
});
