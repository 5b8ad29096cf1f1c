// Similar-video index benchmark (npm run bench:similar). Fills frame_hash with 1,000,000
// synthetic frame hashes (1,000 videos × 1,000 half-second windows, each a random walk with a
// new scene now and then; 20 videos carry a re-encoded copy of a stretch of video 0), then looks up one more video, a noisy 5-minute cut of video 0 (600 hashes), the
// way a fingerprint job does: the four band indexes probed with each band and its one-bit
// neighbours, then the exact Hamming distance (searchIndex). Next to it, the same question by
// brute force: a sequential scan computing the distance of every row to every query hash, in
// SQL (bit_count) and in JS over all rows fetched. Both on PGlite and a throwaway PostgreSQL
// server. The results are checked against each other: the index must miss nothing within
// radius 7. It never asserts speed: exit 0 unless a step fails or the results disagree.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { openPglite, openPostgres, type DatabaseHandle } from '../src/db/connect.ts';
import { searchIndex } from '../src/db/fingerprint-store.ts';
import { migrate } from '../src/db/migrate.ts';
import type { Database } from '../src/db/schema.ts';
import { INDEX_RADIUS, type TrackFrame } from '../src/domain/frame-match.ts';
import { fromStored, popcount32, toSigned } from '../src/domain/phash.ts';
import { startThrowawayPostgres } from '../test/helpers/pg-cluster.ts';
import { envNumber, fmt, mb, ratio } from './lib.ts';

const cfg = {
  videos: envNumber('BENCH_VIDEOS', 1000),
  frames: envNumber('BENCH_FRAMES', 1000),
  planted: envNumber('BENCH_PLANTED', 20),
  query: envNumber('BENCH_QUERY_FRAMES', 600),
  /** Query hashes the SQL brute force is timed with (it is linear in them): 0 = all. */
  bruteSqlFrames: envNumber('BENCH_BRUTE_SQL_FRAMES', 30),
};

/** xorshift128+: the same data on every run and on both databases. */
function rng(seed: number): () => bigint {
  let s0 = BigInt(seed) | 1n;
  let s1 = 0x9e3779b97f4a7c15n ^ BigInt(seed);
  return () => {
    let x = s0;
    const y = s1;
    s0 = y;
    x = BigInt.asUintN(64, x ^ (x << 23n));
    s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return BigInt.asUintN(64, s1 + y);
  };
}
const random = rng(20240501);
const below = (n: number): number => Number(random() % BigInt(n));
function flip(h: bigint, bits: number): bigint {
  let out = h;
  for (let i = 0; i < bits; i++) out ^= 1n << BigInt(below(64));
  return out;
}

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const QUERY = uuid(999_999);

interface Data {
  readonly videos: bigint[][];
  readonly query: TrackFrame[];
}

/**
 * Like the fixtures' camera footage: consecutive half-second windows differ by 6–18 bits while
 * the camera moves, 0–3 while it holds still (three steps in ten); every 20–60 s a new scene.
 */
function makeData(): Data {
  const videos: bigint[][] = [];
  for (let v = 0; v < cfg.videos; v++) {
    const frames: bigint[] = [];
    let h = random();
    let sceneLeft = 40 + below(80);
    for (let i = 0; i < cfg.frames; i++) {
      if (sceneLeft-- <= 0) {
        h = random();
        sceneLeft = 40 + below(80);
      } else h = flip(h, below(10) < 3 ? below(4) : 6 + below(13));
      frames.push(h);
    }
    videos.push(frames);
  }
  // Copies of video 0's windows 300–699, re-encoded (0–3 bits off), at windows 100–499.
  const source = videos[0] ?? [];
  for (let v = 1; v <= cfg.planted && v < videos.length; v++) {
    const frames = videos[v] ?? [];
    for (let i = 0; i < 400; i++) frames[100 + i] = flip(source[300 + i] ?? 0n, below(4));
  }
  // The query: windows 200–799 of video 0, 0–4 bits off (a cut, re-encoded).
  const query = Array.from({ length: Math.min(cfg.query, source.length) }, (_, i) => ({
    t: i / 2,
    h: flip(source[(200 + i) % source.length] ?? 0n, below(5)),
  }));
  return { videos, query };
}

async function fill(db: Kysely<Database>, data: Data): Promise<void> {
  await sql`INSERT INTO item (id, sha256, size, kind, ingested_at, probe_status)
    SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
      md5(i::text) || md5((i * 7)::text), 1000000, 'video', now(), 'ok'
    FROM (SELECT generate_series(0, ${cfg.videos - 1}::int) AS i UNION SELECT 999999) s`.execute(
    db,
  );
  const rows: { id: string; t: number; h: string }[] = [];
  const flush = async (): Promise<void> => {
    await sql`INSERT INTO frame_hash (item_id, t, h)
      SELECT * FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.t)}::real[],
        ${rows.map((r) => r.h)}::int8[])`.execute(db);
    rows.length = 0;
  };
  for (const [v, frames] of data.videos.entries())
    for (const [i, h] of frames.entries()) {
      rows.push({ id: uuid(v), t: i / 2, h: toSigned(h).toString() });
      if (rows.length >= 20_000) await flush();
    }
  for (const f of data.query) rows.push({ id: QUERY, t: f.t, h: toSigned(f.h).toString() });
  await flush();
  await sql`ANALYZE frame_hash`.execute(db);
}

type Found = Set<string>;
const key = (ta: number, other: string, tb: number): string => `${ta} ${other} ${tb}`;

async function viaIndex(db: Kysely<Database>, query: TrackFrame[]): Promise<Found> {
  const found = await searchIndex(db, QUERY, query);
  const out: Found = new Set();
  for (const [other, pairs] of found) for (const p of pairs) out.add(key(p.ta, other, p.tb));
  return out;
}

async function bruteSql(db: Kysely<Database>, query: TrackFrame[]): Promise<Found> {
  const rows = await sql<{ ta: number; other: string; tb: number }>`
    SELECT q.t AS ta, f.item_id AS other, f.t AS tb
    FROM unnest(${query.map((f) => f.t)}::real[], ${query.map((f) => toSigned(f.h).toString())}::int8[]) AS q (t, h)
    CROSS JOIN frame_hash f
    WHERE f.item_id <> ${QUERY} AND bit_count((f.h # q.h)::bit(64)) <= ${INDEX_RADIUS}`.execute(db);
  return new Set(rows.rows.map((r) => key(r.ta, r.other, r.tb)));
}

/** Every row fetched (hash as text), then 64-bit popcounts in JS against each query hash. */
async function bruteJs(db: Kysely<Database>, query: TrackFrame[]): Promise<Found> {
  const qhi = Uint32Array.from(query, (f) => Number(f.h >> 32n));
  const qlo = Uint32Array.from(query, (f) => Number(f.h & 0xffffffffn));
  const out: Found = new Set();
  const rows = await sql<{ item_id: string; t: number; h: string }>`
    SELECT item_id, t, h::text AS h FROM frame_hash WHERE item_id <> ${QUERY}`.execute(db);
  for (const r of rows.rows) {
    const h = fromStored(r.h);
    const hi = Number(h >> 32n);
    const lo = Number(h & 0xffffffffn);
    for (let i = 0; i < qhi.length; i++) {
      const d = popcount32(hi ^ (qhi[i] ?? 0)) + popcount32(lo ^ (qlo[i] ?? 0));
      if (d <= INDEX_RADIUS) out.add(key(query[i]?.t ?? 0, r.item_id, r.t));
    }
  }
  return out;
}

async function time<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - t0) / 1000, value };
}

const same = (x: Found, y: Found): boolean => x.size === y.size && [...x].every((k) => y.has(k));

interface Row {
  readonly database: string;
  readonly fillSeconds: number;
  readonly bytes: number;
  readonly index: number;
  readonly indexCold: number;
  readonly pairs: number;
  readonly videos: number;
  readonly bruteSql: number;
  readonly bruteSqlNote: string;
  readonly bruteJs: number;
}

async function measure(name: string, handle: DatabaseHandle, data: Data): Promise<Row> {
  const db = handle.db;
  await migrate(db);
  const filled = await time(() => fill(db, data));
  const size = await sql<{
    bytes: number;
  }>`SELECT pg_total_relation_size('frame_hash') AS bytes`.execute(db);
  const cold = await time(() => viaIndex(db, data.query));
  // Warm: the best of three (the machine may be shared; the fastest run is the least disturbed).
  let warm = await time(() => viaIndex(db, data.query));
  for (let i = 0; i < 2; i++) {
    const again = await time(() => viaIndex(db, data.query));
    if (again.seconds < warm.seconds) warm = again;
  }
  const js = await time(() => bruteJs(db, data.query));
  if (!same(warm.value, js.value))
    throw new Error(
      `${name}: the index found ${String(warm.value.size)} pairs, brute force ${String(js.value.size)}`,
    );
  const subset = cfg.bruteSqlFrames > 0 ? data.query.slice(0, cfg.bruteSqlFrames) : data.query;
  const brute = await time(() => bruteSql(db, subset));
  if (subset.length === data.query.length && !same(brute.value, warm.value))
    throw new Error(`${name}: SQL brute force disagrees with the index`);
  const scale = data.query.length / subset.length;
  return {
    database: name,
    fillSeconds: filled.seconds,
    bytes: size.rows[0]?.bytes ?? 0,
    index: warm.seconds,
    indexCold: cold.seconds,
    pairs: warm.value.size,
    videos: new Set([...warm.value].map((k) => k.split(' ')[1])).size,
    bruteSql: brute.seconds * scale,
    bruteSqlNote:
      scale === 1 ? '' : ` (timed on ${String(subset.length)} hashes, ×${fmt(scale, 1)})`,
    bruteJs: js.seconds,
  };
}

const rowsTotal = cfg.videos * cfg.frames;
console.log(
  `similar-video index benchmark · ${fmt(rowsTotal)} frame hashes (${fmt(cfg.videos)} videos × ${fmt(cfg.frames)}), ${String(cfg.planted)} planted copies · query: ${String(cfg.query)} hashes, radius ${String(INDEX_RADIUS)}`,
);
const data = makeData();
const results: Row[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-similar-'));
try {
  const pglite = await openPglite(path.join(dir, 'db'));
  try {
    results.push(await measure('PGlite', pglite, data));
  } finally {
    await pglite.close();
  }
  const server = await startThrowawayPostgres();
  try {
    const pg = openPostgres(server.url);
    try {
      results.push(await measure('PostgreSQL 15', pg, data));
    } finally {
      await pg.close();
    }
  } finally {
    server.stop();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const header = [
  'database',
  'fill',
  'table + indexes',
  'index (cold)',
  'index (warm, best of 3)',
  'pairs/videos found',
  'brute SQL',
  'brute JS',
  'SQL ÷ index',
  'JS ÷ index',
];
const table = results.map((r) => [
  r.database,
  `${fmt(r.fillSeconds, 1)} s`,
  `${mb(r.bytes)} (${fmt(r.bytes / rowsTotal)} B/hash)`,
  `${fmt(r.indexCold * 1000)} ms`,
  `${fmt(r.index * 1000)} ms`,
  `${fmt(r.pairs)} / ${String(r.videos)}`,
  `${fmt(r.bruteSql, 1)} s${r.bruteSqlNote}`,
  `${fmt(r.bruteJs, 1)} s`,
  `${fmt(ratio(r.bruteSql, r.index), 0)}×`,
  `${fmt(ratio(r.bruteJs, r.index), 0)}×`,
]);
const widths = header.map((h, i) =>
  Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)),
);
for (const row of [header, ...table])
  console.log(row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | '));
console.log('index results equal brute force (nothing within the radius missed): yes');
