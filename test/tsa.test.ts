import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OpensslTimestampAuthority,
  parseOpensslTime,
  verifyTimestamp,
} from '../src/adapters/tsa.ts';
import { CustodyError } from '../src/core/errors.ts';
import { tempDir } from './helpers/archive.ts';
import { startLocalTsa, type LocalTsa } from './helpers/local-tsa.ts';

const run = promisify(execFile);

async function opensslVerify(data: Uint8Array, response: Buffer, caFile: string): Promise<boolean> {
  const dir = await tempDir('tsa-check');
  try {
    await fs.writeFile(path.join(dir, 'data'), data);
    await fs.writeFile(path.join(dir, 'r.tsr'), response);
    await run('openssl', ['ts', '-verify', '-data', 'data', '-in', 'r.tsr', '-CAfile', caFile], {
      cwd: dir,
    });
    return true;
  } catch {
    return false;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}

async function leftoverTempDirs(): Promise<string[]> {
  return (await fs.readdir(os.tmpdir())).filter((n) => n.startsWith('custody-tsa-'));
}

async function stampError(tsa: OpensslTimestampAuthority): Promise<CustodyError> {
  const e: unknown = await tsa.stamp(new TextEncoder().encode('checkpoint')).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CustodyError);
  const err = e as CustodyError;
  expect(err.code).toBe('TSA.FAILED');
  expect(err.hint).toBeTruthy();
  // Nothing of our temporary files leaks into what the user sees.
  for (const text of [err.message, err.hint ?? '']) {
    expect(text).not.toContain(os.tmpdir());
    expect(text).not.toContain('custody-tsa-');
    expect(text).not.toMatch(/q\.tsq|r\.tsr/);
  }
  return err;
}

describe('RFC 3161 timestamps via openssl', () => {
  let good: LocalTsa;
  let other: LocalTsa;
  const data = new TextEncoder().encode('custody checkpoint 42\nhead abc\n');
  let before: string[];

  beforeAll(async () => {
    before = await leftoverTempDirs();
    [good, other] = await Promise.all([startLocalTsa(), startLocalTsa()]);
  });
  afterAll(async () => {
    await Promise.all([good.close(), other.close()]);
  });

  it('makes a throwaway CA quickly', async () => {
    const t0 = performance.now();
    const tsa = await startLocalTsa();
    const elapsed = performance.now() - t0;
    await tsa.close();
    expect(elapsed).toBeLessThan(1000);
  });

  it('stamps data with a token that openssl accepts for that data only', async () => {
    const tsa = new OpensslTimestampAuthority({ url: good.url, caFile: good.caFile });
    const token = await tsa.stamp(data);
    expect(token.tsaUrl).toBe(good.url);
    expect(Math.abs(token.genTime.getTime() - Date.now())).toBeLessThan(60_000);
    expect(token.response.length).toBeGreaterThan(100);
    expect(await opensslVerify(data, token.response, good.caFile)).toBe(true);
    expect(
      await opensslVerify(new TextEncoder().encode('other'), token.response, good.caFile),
    ).toBe(false);
    expect(await opensslVerify(data, token.response, other.caFile)).toBe(false);

    const ok = await verifyTimestamp(token.response, data, good.caFile);
    expect(ok).toEqual({ ok: true, genTime: token.genTime });
    const tampered = await verifyTimestamp(token.response, new Uint8Array([1, 2, 3]), good.caFile);
    expect(tampered.ok).toBe(false);
    if (!tampered.ok) expect(tampered.reason).toMatch(/imprint/);
    const wrongCa = await verifyTimestamp(token.response, data, other.caFile);
    expect(wrongCa.ok).toBe(false);
    if (!wrongCa.ok) expect(wrongCa.reason).toMatch(/not trusted/);
    const garbage = await verifyTimestamp(Buffer.from('not a token'), data, good.caFile);
    expect(garbage.ok).toBe(false);
    const noCa = await verifyTimestamp(token.response, data, path.join(good.dir, 'missing.pem'));
    expect(noCa.ok).toBe(false);
  });

  it('serialises concurrent requests', async () => {
    const tsa = new OpensslTimestampAuthority({ url: good.url, caFile: good.caFile });
    const tokens = await Promise.all(
      [1, 2, 3, 4].map((n) => tsa.stamp(new TextEncoder().encode(`n${n}`))),
    );
    for (const [i, t] of tokens.entries()) {
      const v = await verifyTimestamp(
        t.response,
        new TextEncoder().encode(`n${i + 1}`),
        good.caFile,
      );
      expect(v.ok).toBe(true);
    }
  });

  it('rejects a TSA whose certificate the configured CA did not issue', async () => {
    const tsa = new OpensslTimestampAuthority({ url: other.url, caFile: good.caFile });
    const err = await stampError(tsa);
    expect(err.message).toContain(new URL(other.url).origin);
    expect(err.message).toMatch(/not trusted by CUSTODY_TSA_CA_FILE/);
  });

  it('rejects a reply that is not a time-stamp reply', async () => {
    const garbage = await startLocalTsa({ mode: 'garbage' });
    try {
      const err = await stampError(
        new OpensslTimestampAuthority({ url: garbage.url, caFile: garbage.caFile }),
      );
      expect(err.message).toMatch(/not an RFC 3161 time-stamp reply/);
    } finally {
      await garbage.close();
    }
  });

  it('reports the HTTP status of a failing TSA', async () => {
    const failing = await startLocalTsa({ mode: 'http-500' });
    try {
      const err = await stampError(
        new OpensslTimestampAuthority({ url: failing.url, caFile: failing.caFile }),
      );
      expect(err.message).toMatch(/HTTP 500/);
    } finally {
      await failing.close();
    }
  });

  it('reports an unreachable TSA without its credentials or query string', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await closeServer(server);
    const tsa = new OpensslTimestampAuthority({
      url: `http://user:s3cret@127.0.0.1:${port}/tsa?key=s3cret`,
      caFile: good.caFile,
    });
    expect(tsa.url).toBe(`http://127.0.0.1:${port}/tsa`);
    const err = await stampError(tsa);
    expect(err.message).toContain(`http://127.0.0.1:${port}`);
    expect(err.message).toMatch(/unreachable/);
    expect(err.message).not.toContain('s3cret');
    expect(err.message).not.toContain('user');
  });

  it('times out a TSA that does not answer', async () => {
    const sockets = new Set<Socket>();
    const silent = http.createServer(() => undefined);
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const tsa = new OpensslTimestampAuthority({
        url: `http://127.0.0.1:${port}/`,
        caFile: good.caFile,
        timeoutMs: 300,
      });
      const err = await stampError(tsa);
      expect(err.message).toMatch(/did not answer within 0.3 s/);
    } finally {
      for (const s of sockets) s.destroy();
      await closeServer(silent);
    }
  });

  it('refuses redirects to anything but http(s)', async () => {
    const redirecting = http.createServer((_req, res) => {
      res.writeHead(307, { Location: 'file:///etc/passwd' }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const { port } = redirecting.address() as AddressInfo;
    try {
      const err = await stampError(
        new OpensslTimestampAuthority({ url: `http://127.0.0.1:${port}/`, caFile: good.caFile }),
      );
      expect(err.message).toMatch(/non-http\(s\)/);
    } finally {
      await closeServer(redirecting);
    }
  });

  it('follows an http redirect to the TSA', async () => {
    const redirecting = http.createServer((_req, res) => {
      res.writeHead(308, { Location: good.url }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const { port } = redirecting.address() as AddressInfo;
    try {
      const tsa = new OpensslTimestampAuthority({
        url: `http://127.0.0.1:${port}/`,
        caFile: good.caFile,
      });
      const token = await tsa.stamp(data);
      expect((await verifyTimestamp(token.response, data, good.caFile)).ok).toBe(true);
    } finally {
      await closeServer(redirecting);
    }
  });

  it('refuses a replayed reply (nonce mismatch)', async () => {
    const earlier = await new OpensslTimestampAuthority({
      url: good.url,
      caFile: good.caFile,
    }).stamp(data);
    const replay = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(earlier.response);
    });
    await new Promise<void>((resolve) => replay.listen(0, '127.0.0.1', resolve));
    const { port } = replay.address() as AddressInfo;
    try {
      const tsa = new OpensslTimestampAuthority({
        url: `http://127.0.0.1:${port}/`,
        caFile: good.caFile,
      });
      await expect(tsa.stamp(data)).rejects.toThrow(/nonce mismatch/);
    } finally {
      await closeServer(replay);
    }
  });

  it('refuses an oversized reply', async () => {
    const big = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' });
      // No Content-Length: the cap must hold while reading.
      const chunk = Buffer.alloc(64 << 10, 0x30);
      for (let i = 0; i < 20; i++) res.write(chunk);
      res.end();
    });
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    const { port } = big.address() as AddressInfo;
    try {
      const err = await stampError(
        new OpensslTimestampAuthority({ url: `http://127.0.0.1:${port}/`, caFile: good.caFile }),
      );
      expect(err.message).toMatch(/larger than 1 MiB/);
    } finally {
      await closeServer(big);
    }
  });

  it('says when the CA file cannot be read', async () => {
    const err = await stampError(
      new OpensslTimestampAuthority({
        url: good.url,
        caFile: path.join(good.dir, 'missing.pem'),
      }),
    );
    expect(err.message).toMatch(/CUSTODY_TSA_CA_FILE cannot be read/);
  });

  it('parses the times openssl prints', () => {
    expect(parseOpensslTime('Time stamp: Nov 23 13:00:00 2026 GMT')?.toISOString()).toBe(
      '2026-11-23T13:00:00.000Z',
    );
    expect(parseOpensslTime('x\nTime stamp: Feb  3 01:02:03.45 2027 GMT\ny')?.toISOString()).toBe(
      '2027-02-03T01:02:03.450Z',
    );
    expect(parseOpensslTime('Time stamp: Feb 30 01:02:03 2027 GMT')).toBeNull();
    expect(parseOpensslTime('Time stamp: Feb 3 01:02:03 2027')).toBeNull();
  });

  it('leaves no temporary directories behind', async () => {
    expect((await leftoverTempDirs()).filter((n) => !before.includes(n))).toEqual([]);
  });
});
