import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway PostgreSQL cluster on loopback (Debian's server binaries), for the database
 * suites and the benchmarks. fsync is off: it holds nothing worth keeping.
 */
const PG_BIN = '/usr/lib/postgresql/15/bin';

export async function startThrowawayPostgres(): Promise<{ url: string; stop: () => void }> {
  if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) {
    throw new Error(
      `PostgreSQL server binaries not found in ${PG_BIN}. Install them: apt-get install postgresql (the README test command does).`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const run = (cmd: string, args: string[]): void => {
    const full = asRoot
      ? (['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const)
      : ([cmd, args] as const);
    const r = spawnSync(full[0], full[1], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}${r.stdout}`);
  };
  const port = await freePort();
  const data = path.join(dir, 'data');
  run(path.join(PG_BIN, 'initdb'), [
    '-D',
    data,
    '-U',
    'custody',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  run(path.join(PG_BIN, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    path.join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`,
    'start',
  ]);
  const url = `postgres://custody@127.0.0.1:${port}/postgres`;
  const stop = (): void => {
    spawnSync(
      asRoot ? 'runuser' : path.join(PG_BIN, 'pg_ctl'),
      asRoot
        ? [
            '-u',
            'postgres',
            '--',
            path.join(PG_BIN, 'pg_ctl'),
            '-D',
            data,
            '-m',
            'immediate',
            'stop',
          ]
        : ['-D', data, '-m', 'immediate', 'stop'],
    );
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { url, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}
