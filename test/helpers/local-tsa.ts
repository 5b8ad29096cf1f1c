import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LocalTsa {
  /** http://127.0.0.1:PORT/tsa */
  readonly url: string;
  /** The throwaway root certificate (PEM) that signed the TSA's certificate. */
  readonly caFile: string;
  readonly dir: string;
  close(): Promise<void>;
}

/**
 * A throwaway RFC 3161 time-stamping authority on loopback: a fresh EC P-256 CA, a TSA
 * certificate it signed (extendedKeyUsage critical timeStamping) and `openssl ts -reply`
 * behind node:http. 'garbage' answers 200 with random bytes, 'http-500' answers 500.
 */
export async function startLocalTsa(
  opts: { mode?: 'ok' | 'garbage' | 'http-500' } = {},
): Promise<LocalTsa> {
  const mode = opts.mode ?? 'ok';
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'custody-localtsa-'));
  const openssl = async (...args: string[]): Promise<void> => {
    await run('openssl', args, { cwd: dir, env: { PATH: '/usr/bin:/bin' }, timeout: 10_000 });
  };
  const p = (name: string): string => path.join(dir, name);

  await fs.writeFile(
    p('ext.cnf'),
    [
      '[ca]',
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier = hash',
      '[tsa]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = critical,timeStamping',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const name = randomBytes(4).toString('hex');
  await openssl(
    ...['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2'],
    ...['-subj', `/CN=Custody test CA ${name}`, '-config', 'ext.cnf', '-extensions', 'ca'],
  );
  await openssl(
    ...['req', '-new', ...ec, '-keyout', 'tsa.key', '-out', 'tsa.csr'],
    ...['-subj', `/CN=Custody test TSA ${name}`, '-config', 'ext.cnf'],
  );
  await openssl(
    ...['x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-days', '2'],
    ...['-set_serial', `0x${randomBytes(8).toString('hex')}`, '-out', 'tsa.crt'],
    ...['-extfile', 'ext.cnf', '-extensions', 'tsa'],
  );
  await fs.writeFile(p('serial'), '01\n');
  await fs.writeFile(
    p('tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `serial = ${p('serial')}`,
      'crypto_device = builtin',
      `signer_cert = ${p('tsa.crt')}`,
      // The chain besides the signer: listing the signer here too makes ESS ids "wrong order".
      `certs = ${p('ca.crt')}`,
      `signer_key = ${p('tsa.key')}`,
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'other_policies = 1.2.3.4.5',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1, millisecs:500, microsecs:100',
      'clock_precision_digits = 3',
      'ordering = yes',
      'tsa_name = yes',
      'ess_cert_id_chain = yes',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );

  let queue: Promise<unknown> = Promise.resolve();
  let counter = 0;
  const answer = async (body: Buffer): Promise<Buffer> => {
    const n = ++counter;
    const q = p(`q${n}.tsq`);
    const r = p(`r${n}.tsr`);
    await fs.writeFile(q, body);
    await openssl('ts', '-reply', '-config', p('tsa.cnf'), '-queryfile', q, '-out', r);
    const reply = await fs.readFile(r);
    await fs.rm(q, { force: true });
    await fs.rm(r, { force: true });
    return reply;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 64 << 10) chunks.push(c);
    });
    req.on('end', () => {
      if (req.method !== 'POST' || size > 64 << 10) {
        res.writeHead(req.method !== 'POST' ? 405 : 413).end();
        return;
      }
      if (mode === 'http-500') {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error');
        return;
      }
      if (mode === 'garbage') {
        res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' });
        res.end(randomBytes(300));
        return;
      }
      // One at a time: openssl ts -reply reads and rewrites the serial file.
      const job = queue.then(() => answer(Buffer.concat(chunks)));
      queue = job.catch(() => undefined);
      job.then(
        (reply) => {
          res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(reply);
        },
        () => {
          res.writeHead(500).end();
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/tsa`,
    caFile: p('ca.crt'),
    dir,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      await queue;
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
