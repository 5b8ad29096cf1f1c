// Ingest benchmark (npm run bench:ingest). Builds a synthetic drive and measures, on the same
// files in the same run: `cp -r` + `sync` (the unavoidable copy), `openssl dgst -sha256` (the
// unavoidable hashing) and `custody ingest`, then prints speeds, ratios and ingest's peak RSS.
// It never asserts speed: exit 0 unless a command fails.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join, relative, resolve } from 'node:path';
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
  smallFiles: envNumber('BENCH_SMALL_FILES', 2000),
  concurrency: envNumber('BENCH_CONCURRENCY', 0), // 0: ingest's own default
};
interface DataSet {
  name: string;
  dir: string;
  files: string[];
  bytes: number;
}
// Small files: 50 per folder, 20 folders per group (a drive's nested layout); sizes 1–64 KiB,
// skewed toward small (mean ≈ 16.75 KiB) by a seeded PRNG so every run has the same drive.
function makeSet(name: string, count: number, sizeOf: () => number, nested: boolean): DataSet {
  const dir = join(cfg.dir, 'bench-data', name);
  rm(dir);
  const set: DataSet = { name, dir, files: [], bytes: 0 };
  for (let i = 0; i < count; i++) {
    const sub = nested ? `g${String(Math.floor(i / 1000))}/d${String(Math.floor(i / 50))}` : '';
    const folder = join(dir, sub);
    if (i % 50 === 0) fs.mkdirSync(folder, { recursive: true });
    const path = join(folder, `f${String(i)}.bin`);
    const size = sizeOf();
    writeRandom(path, size, `${name}/${String(i)}`);
    set.files.push(path);
    set.bytes += size;
  }
  return set;
}
let prng = 0x9e3779b9;
function random(): number {
  // mulberry32
  prng = (prng + 0x6d2b79f5) | 0;
  let t = Math.imul(prng ^ (prng >>> 15), 1 | prng);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const smallSize = (): number => 1024 + Math.floor(63 * 1024 * random() ** 3);

function cpSync(set: DataSet): number {
  const dest = join(cfg.dir, 'bench-cp');
  rm(dest);
  settle();
  const s = timed(() => run('sh', ['-c', 'cp -r "$1" "$2" && sync', 'sh', set.dir, dest]));
  rm(dest);
  return s;
}
function opensslSha256(set: DataSet): number {
  settle();
  // Batches keep each command line well under ARG_MAX.
  return timed(() => {
    for (let i = 0; i < set.files.length; i += 1000) {
      run('openssl', ['dgst', '-sha256', ...set.files.slice(i, i + 1000)]);
    }
  });
}

let hasGnuTime = process.env.BENCH_RSS !== 'poll';
try {
  fs.accessSync('/usr/bin/time', fs.constants.X_OK);
} catch {
  hasGnuTime = false;
}
// Fallback peak RSS: poll VmHWM of the child. The launcher execs node, so the pid is node's.
function runPollingRss(cmd: string, args: string[]): Promise<{ out: string; rssKiB: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let hwm = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(
          fs.readFileSync(`/proc/${String(child.pid)}/status`, 'utf8'),
        );
        if (m?.[1] !== undefined) hwm = Math.max(hwm, Number(m[1]));
      } catch {
        // exited between polls
      }
    }, 10);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      if (code === 0) resolvePromise({ out, rssKiB: hwm });
      else reject(new Error(`${cmd} failed (${String(code)})`));
    });
  });
}
interface IngestRun {
  seconds: number;
  ownSeconds: number;
  rssMB: number;
}
async function ingest(set: DataSet): Promise<IngestRun> {
  const archive = join(cfg.dir, 'bench-archive');
  rm(archive);
  run(custody, ['init', archive]);
  const args = ['--data', archive, '--quiet', '--json', 'ingest', set.dir];
  args.push('--acquisition', 'bench');
  if (cfg.concurrency > 0) args.push('--concurrency', String(cfg.concurrency));
  const rssFile = join(cfg.dir, 'bench-rss.txt');
  settle();
  const t0 = performance.now();
  let got: { out: string; rssKiB: number };
  if (hasGnuTime) {
    const out = run('/usr/bin/time', ['-f', '%M', '-o', rssFile, custody, ...args]);
    got = { out, rssKiB: Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()) };
  } else {
    got = await runPollingRss(custody, args);
  }
  const seconds = (performance.now() - t0) / 1000;
  rm(archive);
  rm(rssFile);
  const summary = JSON.parse(got.out) as Record<string, unknown>;
  if (summary.newItems !== set.files.length || summary.bytesCopied !== set.bytes) {
    console.log(
      `  ! ${set.name}: expected ${String(set.files.length)} new items / ${String(set.bytes)} bytes, ingest said ${got.out.replace(/\s+/g, ' ')}`,
    );
  }
  return { seconds, ownSeconds: Number(summary.seconds), rssMB: (got.rssKiB * 1024) / 1e6 };
}

// --- main ---
fs.mkdirSync(cfg.dir, { recursive: true });
const n = cfg.smallFiles;
let sets: DataSet[] = [];
const genSeconds = timed(() => {
  sets = [
    makeSet('large', cfg.largeFiles, () => cfg.largeMiB * MiB, false),
    makeSet('small', n, smallSize, true),
    makeSet('small10x', 10 * n, smallSize, true),
  ];
});
const large = sets[0] as DataSet;
console.log(
  `custody ingest benchmark · data in ${relative(process.cwd(), cfg.dir) || '.'} (generated in ${fmt(genSeconds, 1)} s) · ` +
    `ingest --concurrency ${cfg.concurrency > 0 ? String(cfg.concurrency) : 'default'} · peak RSS via ${hasGnuTime ? '/usr/bin/time' : 'VmHWM polling'}`,
);

const results: { set: DataSet; cp: number; sha: number; ing: IngestRun }[] = [];
for (const set of sets) {
  const cp = cpSync(set);
  const sha = opensslSha256(set);
  const ing = await ingest(set);
  results.push({ set, cp, sha, ing });
}
console.log(
  `page cache dropped before each step: ${cache.dropped ? 'yes' : 'no (not root?): later steps may read from cache'}`,
);
const [rl, rs, rs10] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
const mbps = (set: DataSet, s: number): number => set.bytes / 1e6 / s;
console.log(
  `large files (${String(large.files.length)} × ${String(cfg.largeMiB)} MiB = ${mb(large.bytes)}): ` +
    `cp+sync ${fmt(mbps(large, rl.cp))} MB/s · openssl sha256 ${fmt(mbps(large, rl.sha))} MB/s · ` +
    `ingest ${fmt(mbps(large, rl.ing.seconds))} MB/s = ${fmt(ratio(rl.cp, rl.ing.seconds), 2)}× cp+sync, ` +
    `${fmt(ratio(rl.sha, rl.ing.seconds), 2)}× openssl · peak RSS ${fmt(rl.ing.rssMB)} MB`,
);
for (const r of [rs, rs10]) {
  const files = r.set.files.length;
  console.log(
    `small files (${fmt(files)} × avg ${fmt(r.set.bytes / files / 1024, 1)} KiB = ${mb(r.set.bytes)}): ` +
      `ingest ${fmt(r.ing.seconds, 1)} s (${fmt(files / r.ing.seconds)} files/s, own clock ${fmt(r.ing.ownSeconds, 1)} s) · ` +
      `cp+sync ${fmt(r.cp, 1)} s (${fmt(files / r.cp)} files/s) · openssl ${fmt(r.sha, 1)} s · ` +
      `ingest = ${fmt(ratio(r.cp, r.ing.seconds), 2)}× cp+sync · peak RSS ${fmt(r.ing.rssMB)} MB`,
  );
}
const scaleIngest = ratio(rs10.ing.seconds, rs.ing.seconds);
const scaleOwn = ratio(rs10.ing.ownSeconds, rs.ing.ownSeconds);
const scaleCp = ratio(rs10.cp, rs.cp);
console.log(
  `scaling: 10× files cost ${fmt(scaleIngest, 2)}× time for ingest (${fmt(scaleOwn, 2)}× by its own clock) · ${fmt(scaleCp, 2)}× for cp+sync`,
);
const largeVsCp = ratio(rl.cp, rl.ing.seconds);
// Wall time includes a fixed start-up cost that flatters the ratio; judge by the worse of the two.
const scaleWorst = Math.max(scaleIngest, scaleOwn);
const peakRss = Math.max(rl.ing.rssMB, rs.ing.rssMB, rs10.ing.rssMB);
const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');
console.log(
  `goals (informative, never asserted): large ≥ 0.85× cp+sync: ${fmt(largeVsCp, 2)} ${mark(largeVsCp >= 0.85)} · ` +
    `10× files ≤ 10.5× time: ${fmt(scaleWorst, 2)} ${mark(scaleWorst <= 10.5)} · peak RSS < 300 MB: ${fmt(peakRss)} ${mark(peakRss < 300)}`,
);
const round = (x: number): number => Math.round(x * 1000) / 1000;
console.log(
  JSON.stringify({
    config: { ...cfg, dir: undefined },
    cacheDropped: cache.dropped,
    scenarios: results.map((r) => ({
      name: r.set.name,
      files: r.set.files.length,
      bytes: r.set.bytes,
      cpSyncSeconds: round(r.cp),
      opensslSeconds: round(r.sha),
      ingestSeconds: round(r.ing.seconds),
      ingestOwnSeconds: r.ing.ownSeconds,
      ingestMBps: round(mbps(r.set, r.ing.seconds)),
      ingestFilesPerSecond: round(r.set.files.length / r.ing.seconds),
      cpSyncMBps: round(mbps(r.set, r.cp)),
      opensslMBps: round(mbps(r.set, r.sha)),
      ingestVsCpSync: round(ratio(r.cp, r.ing.seconds)),
      ingestVsOpenssl: round(ratio(r.sha, r.ing.seconds)),
      peakRssMB: round(r.ing.rssMB),
    })),
    scaling10x: { ingest: round(scaleIngest), ownClock: round(scaleOwn), cpSync: round(scaleCp) },
  }),
);
rm(join(cfg.dir, 'bench-data'));
