// API latency benchmark (npm run bench:api). On PGlite and on a throwaway PostgreSQL server it
// fills an archive with generated rows (100,000 items with paths and media metadata, segments,
// 1,000,000 custody events), then measures p50/p95 latency of the item list with filters, the
// search and an incident page through the HTTP API on loopback under a small concurrent load,
// next to the same queries run directly on the database (the floor). Never asserts speed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { initArchive, type Archive } from '../src/archive.ts';
import { acceptInvitation, login, setupInvitation } from '../src/core/accounts/accounts.ts';
import { loadConfig } from '../src/config.ts';
import { findIncident, peopleOfIncident, segmentsWhere } from '../src/db/catalogue-query.ts';
import { eventsFor } from '../src/db/custody-log.ts';
import { itemsPage, pathsOf, type ItemFilter } from '../src/db/items-query.ts';
import { buildApp } from '../src/server/app.ts';
import { startThrowawayPostgres } from '../test/helpers/pg-cluster.ts';
import { envNumber, fmt } from './lib.ts';

const cfg = {
  items: envNumber('BENCH_ITEMS', 100_000),
  segments: envNumber('BENCH_SEGMENTS', 100_000),
  events: envNumber('BENCH_EVENTS', 1_000_000),
  concurrency: envNumber('BENCH_CONCURRENCY', 4),
  seconds: envNumber('BENCH_SECONDS', 8),
};

/** Rows made by the database itself (generate_series): the fill is not what is measured. */
async function fill(archive: Archive): Promise<string> {
  const db = archive.db;
  const acq = '00000000-0000-4000-8000-000000000001';
  await sql`INSERT INTO acquisition (id, name, source_path, opened_at) VALUES (${acq}, 'bench', '/bench', now())`.execute(
    db,
  );
  await sql`INSERT INTO item (id, sha256, size, kind, ingested_at, probe_status, media, problems)
    SELECT gen_random_uuid(), md5(i::text) || md5((i * 7)::text), 1000000 + i, 'video', now(), 'ok',
      jsonb_build_object('durationSeconds', (i % 1800)::double precision, 'creationTime',
        to_char(timestamp '2020-01-01' + (i || ' minutes')::interval, 'YYYY-MM-DD"T"HH24:MI:SS".000Z"'),
        'deviceTags', jsonb_build_object('comment', 'DOZOR-77 ' || (i % 300))),
      CASE WHEN i % 50 = 0 THEN '[{"code":"MEDIA.TRUNCATED","message":"x"}]'::jsonb ELSE '[]'::jsonb END
    FROM generate_series(1, ${cfg.items}::int) i`.execute(db);
  await sql`INSERT INTO sighting (id, acquisition_id, path, path_display, entry_type, item_id, size, recorded_at)
    SELECT gen_random_uuid(), ${acq}::uuid, convert_to(p, 'UTF8'), p, 'file', item.id, item.size, now()
    FROM (SELECT id, size, row_number() OVER (ORDER BY sha256) AS n FROM item) item,
      LATERAL (SELECT 'DVR/ch' || lpad((n % 16)::text, 2, '0') || '/2020-' || lpad((1 + n % 12)::text, 2, '0') || '/cam_' || n || '.mp4' AS p) path`.execute(
    db,
  );
  const incident = '00000000-0000-4000-8000-000000000002';
  await sql`INSERT INTO incident (id, title, status, created_at, updated_at, starts_at)
    VALUES (${incident}, 'Избиение в ШИЗО', 'open', now(), now(), now())`.execute(db);
  await sql`INSERT INTO segment (id, item_id, start_seconds, end_seconds, incident_id, note, created_by, created_at, updated_at)
    SELECT gen_random_uuid(), item.id, 10, 20,
      CASE WHEN n <= 100 THEN ${incident}::uuid ELSE NULL END,
      'note ' || n || CASE WHEN n % 1000 = 0 THEN ' дубинка' ELSE '' END, 'bench', now(), now()
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM item) item
    WHERE n <= ${cfg.segments}`.execute(db);
  await sql`INSERT INTO custody_event (seq, at, actor, action, subject_type, subject_id, payload, prev_hash, hash)
    SELECT s + 1000, now(), 'bench', 'fixity.checked', 'incident',
      CASE WHEN s % 10000 = 0 THEN ${incident} ELSE 'x' END, '{}'::jsonb, md5(s::text), md5((s + 1)::text) || md5(s::text)
    FROM generate_series(1, ${cfg.events}::int) s`.execute(db);
  await sql`ANALYZE`.execute(db);
  return incident;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

async function load(url: string, cookie: string): Promise<{ p50: number; p95: number; n: number }> {
  const times: number[] = [];
  const end = performance.now() + cfg.seconds * 1000;
  await Promise.all(
    Array.from({ length: cfg.concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await fetch(url, { headers: { cookie } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${url}: HTTP ${String(res.status)}`);
        times.push(performance.now() - t0);
      }
    }),
  );
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), n: times.length };
}

/** The same queries straight on the database, with the same number at once: the floor. */
async function direct(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  const end = performance.now() + (cfg.seconds * 1000) / 2;
  await Promise.all(
    Array.from({ length: cfg.concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await fn();
        times.push(performance.now() - t0);
      }
    }),
  );
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

async function measure(kind: 'pglite' | 'postgres', databaseUrl?: string): Promise<string[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-api-'));
  const env: NodeJS.ProcessEnv = { CUSTODY_ACTOR: 'bench' };
  if (databaseUrl !== undefined) env['CUSTODY_DATABASE_URL'] = databaseUrl;
  const archive = await initArchive(loadConfig({ dataDir: path.join(dataDir, 'a') }, env));
  try {
    const t0 = performance.now();
    const incident = await fill(archive);
    const fillSeconds = (performance.now() - t0) / 1000;
    const token = (await setupInvitation(archive)) ?? '';
    await acceptInvitation(archive, {
      token,
      email: 'bench@example.org',
      displayName: 'Bench',
      password: 'benchmark password',
    });
    const session = await login(archive, {
      email: 'bench@example.org',
      password: 'benchmark password',
    });
    const app = await buildApp(archive);
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const cookie = `custody_session=${session.token}`;
    const list: ItemFilter = { kind: 'video', minSeconds: 600, maxSeconds: 1200 };
    const cases: [string, string, () => Promise<unknown>][] = [
      [
        'item list, filtered',
        '/api/items?limit=100&kind=video&minSeconds=600&maxSeconds=1200',
        async () => {
          const rows = await itemsPage(archive.db, list, '', 100);
          return pathsOf(
            archive.db,
            rows.map((r) => r.id),
          );
        },
      ],
      [
        'search, a note',
        `/api/items?limit=100&q=${encodeURIComponent('дубинка')}`,
        async () => {
          const rows = await itemsPage(archive.db, { search: 'дубинка' }, '', 100);
          return pathsOf(
            archive.db,
            rows.map((r) => r.id),
          );
        },
      ],
      [
        'search, a path',
        `/api/items?limit=100&q=${encodeURIComponent('cam_4242.')}`,
        async () => {
          const rows = await itemsPage(archive.db, { search: 'cam_4242.' }, '', 100);
          return pathsOf(
            archive.db,
            rows.map((r) => r.id),
          );
        },
      ],
      [
        'incident page',
        `/api/incidents/${incident}`,
        async () => {
          await findIncident(archive.db, incident);
          await peopleOfIncident(archive.db, incident);
          await segmentsWhere(archive.db, { incidentId: incident });
          return eventsFor(archive.db, 'incident', incident);
        },
      ],
    ];
    const lines = [
      `${kind}: filled ${fmt(cfg.items)} items, ${fmt(cfg.segments)} segments, ${fmt(cfg.events)} events in ${fmt(fillSeconds, 1)} s`,
    ];
    for (const [name, url, sqlOnly] of cases) {
      await load(base + url, cookie); // warm
      const http = await load(base + url, cookie);
      const floor = await direct(sqlOnly);
      lines.push(
        `  ${name.padEnd(20)} HTTP p50 ${fmt(http.p50, 1)} ms p95 ${fmt(http.p95, 1)} ms (${fmt(http.n)} requests, ${String(cfg.concurrency)} at once) · direct SQL (same load) p50 ${fmt(floor.p50, 1)} ms p95 ${fmt(floor.p95, 1)} ms · HTTP p95 = ${fmt(http.p95 / floor.p95, 2)}× SQL p95`,
      );
    }
    await app.close();
    return lines;
  } finally {
    await archive.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log('custody API latency benchmark');
for (const line of await measure('pglite')) console.log(line);
const pg = await startThrowawayPostgres();
try {
  for (const line of await measure('postgres', pg.url)) console.log(line);
} finally {
  pg.stop();
}
