import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The ```sh blocks of a verification guide, in order: exactly what a recipient would type. */
export async function guideSteps(guide: string): Promise<string> {
  const md = await fs.readFile(guide, 'utf8');
  const blocks = [...md.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
  if (blocks.length === 0) throw new Error(`no sh steps in ${guide}`);
  return blocks.join('\n');
}

/** Runs shell steps with POSIX sh -e in a folder, as a recipient on a plain machine would. */
export function runSteps(
  cwd: string,
  script: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-e', '-c', script], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('close', (code) => {
      resolve({ code, output });
    });
  });
}

/** Every file in a tree, as bag-relative paths with forward slashes. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Flips one bit in the middle of a file (the smallest possible tampering). */
export async function flipByte(file: string, at?: number): Promise<void> {
  const bytes = await fs.readFile(file);
  const i = at ?? Math.floor(bytes.length / 2);
  bytes[i] = (bytes[i] ?? 0) ^ 0x01;
  await fs.chmod(file, 0o644);
  await fs.writeFile(file, bytes);
}

/**
 * What a careful forger does after changing a payload file: recomputes its line in the
 * payload manifest and the manifest's line in the tag manifest, so `sha256sum -c` passes.
 */
export async function rewriteManifests(bag: string, rel: string): Promise<void> {
  const sha = async (p: string): Promise<string> =>
    createHash('sha256')
      .update(await fs.readFile(path.join(bag, p)))
      .digest('hex');
  const relink = async (manifest: string, target: string): Promise<void> => {
    const file = path.join(bag, manifest);
    const lines = (await fs.readFile(file, 'utf8')).split('\n');
    const digest = await sha(target);
    const out = lines.map((l) => (l.endsWith(`  ${target}`) ? `${digest}  ${target}` : l));
    await fs.writeFile(file, out.join('\n'));
  };
  await relink('manifest-sha256.txt', rel);
  await relink('tagmanifest-sha256.txt', 'manifest-sha256.txt');
}
