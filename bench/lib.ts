// Helpers shared by the benchmarks: configuration from the environment, formatting, running
// outside programs, page-cache settling and fast pseudo-random files.
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (Number.isInteger(n) && n >= 0) return n;
  throw new Error(`${name} must be a whole number, got ${raw ?? ''}`);
}
export const MiB = 1 << 20;
export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const mb = (bytes: number): string => `${fmt(bytes / 1e6)} MB`;
export const ratio = (a: number, b: number): number => (b > 0 ? a / b : NaN);

export function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * MiB });
  if (r.error) throw r.error;
  if (r.status === 0) return r.stdout;
  const what = `${cmd} ${args.slice(0, 6).join(' ')}`;
  throw new Error(`${what} … failed (${String(r.status ?? r.signal)}): ${r.stderr}`);
}
export function rm(path: string): void {
  fs.rmSync(path, { recursive: true, force: true });
}

// Before each timed step: flush dirty pages so one step doesn't pay for the last one's writes, and
// try to drop the page cache so every step reads cold. Dropping needs root; we report if it failed.
export const cache = { dropped: true };
export function settle(): void {
  run('sync', []);
  try {
    fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
  } catch {
    cache.dropped = false;
  }
}
export function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

// Distinct pseudo-random content at GB/s: AES-128-CTR keystream over zeros, key/iv per file, so no
// two files (or blocks) dedupe and nothing compresses.
const zeros = Buffer.alloc(4 * MiB);
export function writeRandom(path: string, size: number, seed: string): void {
  const k = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-128-ctr', k.subarray(0, 16), k.subarray(16, 32));
  const fd = fs.openSync(path, 'w');
  try {
    for (let left = size; left > 0; left -= zeros.length) {
      const chunk = cipher.update(left >= zeros.length ? zeros : zeros.subarray(0, left));
      for (let off = 0; off < chunk.length;) off += fs.writeSync(fd, chunk, off);
    }
  } finally {
    fs.closeSync(fd);
  }
}
