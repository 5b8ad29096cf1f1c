import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const CUSTODY_BIN = path.resolve(import.meta.dirname, '../../bin/custody');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real command-line program, as a user or a script would. */
export function custody(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> & { child: ChildProcess } {
  const child = spawn(CUSTODY_BIN, args, {
    env: { ...process.env, CUSTODY_ACTOR: 'tester', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    }),
  );
  return Object.assign(done, { child });
}
