// Export and sealing benchmark (npm run bench:export). On the same files in the same run it
// measures `cp -r` + `sync` (the unavoidable copy) against `custody export --all`, then, on a log
// of synthetic events, a first seal (every event read and hashed into the tree) against building
// the same tree from hashes already in memory, an incremental seal after 1,000 more events, and
// the one-pass collection of inclusion proofs. It never asserts speed: exit 0 unless a step fails.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { initArchive } from '../src/archive.ts';
import { loadConfig } from '../src/config.ts';
import { seal } from '../src/core/seal/seal.ts';
import { appendCustodyEvents } from '../src/db/custody-log.ts';
import { eventHashes } from '../src/db/checkpoint-store.ts';
import { ProofCollector, TreeBuilder, leafHash } from '../src/domain/merkle.ts';
import {
  cache,
  envNumber,
  fmt,
  mb,
  MiB,
  ratio,
  rm,
  run,
  settle,
  timed,
  writeRandom,
} from './lib.ts';

const root = resolve(import.meta.dirname, '..');
const custody = join(root, 'bin', 'custody');
const cfg = {
  dir: resolve(process.env.BENCH_DIR ?? join(root, 'bench', 'out')),
  largeFiles: envNumber('BENCH_LARGE_FILES', 4),
  largeMiB: envNumber('BENCH_LARGE_MIB', 256),
  events: envNumber('BENCH_EVENTS', 200_000),
};
const env = { ...process.env, CUSTODY_ACTOR: 'bench', CUSTODY_ORGANIZATION: 'Bench' };

function measureExport(): string {
  const source = join(cfg.dir, 'export-source');
  const archive = join(cfg.dir, 'export-archive');
  const copy = join(cfg.dir, 'export-copy');
  const out = join(cfg.dir, 'export-package');
  for (const p of [source, archive, copy, out]) rm(p);
  fs.mkdirSync(source, { recursive: true });
  for (let i = 0; i < cfg.largeFiles; i++)
    writeRandom(join(source, `clip-${String(i)}.bin`), cfg.largeMiB * MiB, `export/${String(i)}`);
  const bytes = cfg.largeFiles * cfg.largeMiB * MiB;
  run(custody, ['init', archive]);
  run(custody, ['--data', archive, '-q', 'ingest', source, '-a', 'bench']);

  settle();
  const cp = timed(() => run('sh', ['-c', 'cp -r "$1" "$2" && sync', 'sh', source, copy]));
  rm(copy);
  settle();
  const exp = timed(() =>
    run(custody, [
      '--data',
      archive,
      '-q',
      '--json',
      'export',
      '--bagit',
      out,
      '--all',
      '--organization',
      'Bench',
    ]),
  );
  const result = `export of ${String(cfg.largeFiles)} × ${String(cfg.largeMiB)} MiB (${mb(bytes)}): cp+sync ${fmt(bytes / 1e6 / cp)} MB/s · export ${fmt(bytes / 1e6 / exp)} MB/s (seal, copy with hashing, proofs, manifests) = ${fmt(ratio(cp, exp), 2)}× cp+sync`;
  for (const p of [source, archive, out]) rm(p);
  return result;
}

async function measureSeal(): Promise<string[]> {
  const dir = join(cfg.dir, 'seal-archive');
  rm(dir);
  const archive = await initArchive(loadConfig({ dataDir: dir }, env));
  try {
    const append = async (n: number): Promise<void> => {
      for (let done = 0; done < n; done += 5000) {
        const batch = Array.from({ length: Math.min(5000, n - done) }, (_, i) => ({
          actor: 'bench',
          action: 'fixity.checked' as const,
          subjectType: 'archive' as const,
          subjectId: archive.id,
          payload: { n: done + i, pad: randomBytes(16).toString('hex') },
        }));
        await archive.db.transaction().execute((tx) => appendCustodyEvents(tx, batch, new Date()));
      }
    };
    const t0 = performance.now();
    await append(cfg.events);
    const appendSeconds = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const first = await seal(archive);
    const sealSeconds = (performance.now() - t1) / 1000;

    const hashes: string[] = [];
    for await (const e of eventHashes(archive.db, 0, first.treeSize)) hashes.push(e.hash);
    const t2 = performance.now();
    const tree = new TreeBuilder();
    for (const h of hashes) tree.push(leafHash(h));
    const treeSeconds = (performance.now() - t2) / 1000;

    await append(1000);
    const t3 = performance.now();
    const next = await seal(archive);
    const incrementalSeconds = (performance.now() - t3) / 1000;

    const wanted = Array.from({ length: 100 }, (_, i) => Math.floor((i * next.treeSize) / 100));
    const t4 = performance.now();
    const collector = new ProofCollector(next.treeSize, wanted);
    for await (const e of eventHashes(archive.db, 0, next.treeSize))
      collector.builder.push(leafHash(e.hash));
    for (const i of wanted) collector.proof(i);
    const proofSeconds = (performance.now() - t4) / 1000;

    return [
      `log of ${fmt(first.treeSize)} events (appended at ${fmt(cfg.events / appendSeconds)} events/s)`,
      `first seal ${fmt(sealSeconds, 2)} s (${fmt(first.treeSize / sealSeconds)} events/s) · same tree from memory ${fmt(treeSeconds, 2)} s · seal = ${fmt(ratio(sealSeconds, treeSeconds), 1)}× the hashing alone (the rest is reading the log)`,
      `incremental seal after 1,000 more events ${fmt(incrementalSeconds * 1000)} ms = ${fmt(ratio(incrementalSeconds, sealSeconds) * 100, 1)}% of a full one (resumes from the stored frontier)`,
      `100 inclusion proofs in one pass over ${fmt(next.treeSize)} events: ${fmt(proofSeconds, 2)} s`,
    ];
  } finally {
    await archive.close();
    rm(dir);
  }
}

fs.mkdirSync(cfg.dir, { recursive: true });
console.log(
  `custody export and seal benchmark · data in ${relative(process.cwd(), cfg.dir) || '.'}`,
);
console.log(measureExport());
for (const line of await measureSeal()) console.log(line);
console.log(
  `page cache dropped before each timed copy: ${cache.dropped ? 'yes' : 'no (not root?): reads may come from cache'}`,
);
