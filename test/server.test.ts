import fs from 'node:fs/promises';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { eventsFor } from '../src/db/custody-log.ts';
import type { Role } from '../src/db/schema.ts';
import { declareAccess, type DeclaredRoute } from '../src/server/access.ts';
import { createTestArchive, DATABASES, tempDir } from './helpers/archive.ts';
import {
  appWithAccounts,
  emailOf,
  login as loginAs,
  PASSWORD,
  SAME_ORIGIN,
} from './helpers/web.ts';

type Who = Role | 'anonymous';
const EVERYONE: readonly Who[] = ['anonymous', 'admin', 'investigator', 'reviewer', 'partner'];

describe.each(DATABASES)('the web API on %s', (database) => {
  let archive: Archive;
  let app: FastifyInstance;
  let itemId: string;
  let original: Buffer;

  const login = (email: string, totp?: string): Promise<string> => loginAs(app, email, totp);

  beforeAll(async () => {
    ({ archive } = await createTestArchive(database));
    const source = path.join(await tempDir('web'), 'drive');
    await fs.mkdir(source);
    original = Buffer.from('body-camera bytes\n'.repeat(100));
    await fs.writeFile(path.join(source, '<img src=x onerror=alert(1)>\u202Egpj.mp4'), original);
    await ingest(archive, { source, acquisition: { name: 'A' } });
    itemId = (await archive.db.selectFrom('item').select('id').executeTakeFirstOrThrow()).id;
    app = await appWithAccounts(archive);
  });

  afterAll(async () => {
    await app.close();
    await archive.close();
  });

  it('declares access on every route, and answers each role as declared', async () => {
    const routes = app.declaredRoutes.filter((r) => !r.url.startsWith('/api/docs'));
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const allowed = (r: DeclaredRoute, who: Who): boolean =>
      r.access === 'public' ||
      (who !== 'anonymous' && (r.access === 'signed-in' || r.access.includes(who)));
    for (const route of routes) {
      for (const who of EVERYONE) {
        const cookie = who === 'anonymous' ? undefined : await login(emailOf(who));
        const res = await app.inject({
          method: route.method as 'GET',
          url: route.url.replace(':id', itemId),
          headers: { ...SAME_ORIGIN, ...(cookie === undefined ? {} : { cookie }) },
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        const label = `${route.method} ${route.url} as ${who}: ${res.body.slice(0, 200)}`;
        if (allowed(route, who)) expect([401, 403], label).not.toContain(res.statusCode);
        // A partner is not told that a staff route exists: the same 404 as an unknown route.
        else
          expect(res.statusCode, label).toBe(
            ({ anonymous: 401, partner: 404 } as Partial<Record<Who, number>>)[who] ?? 403,
          );
      }
    }
  });

  it('refuses to boot with a route that declares no access', async () => {
    const bare = Fastify();
    await bare.register(cookie);
    declareAccess(bare, archive);
    expect(() => bare.get('/api/undeclared', () => 'x')).toThrow(/declares no access/);
    await bare.close();
  });

  it('sets a strict session cookie and strict headers', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/session',
      headers: SAME_ORIGIN,
      payload: { email: emailOf('reviewer'), password: PASSWORD },
    });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/); // plain http on loopback; --secure-cookies behind TLS
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/object-src 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses state-changing requests from another site', async () => {
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'http://evil.example', host: '127.0.0.1:8080' },
    ]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/session',
        headers,
        payload: { email: emailOf('admin'), password: PASSWORD },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('AUTH.CROSS_SITE');
    }
  });

  it('throttles an email after five failed logins, even with the right password', async () => {
    const email = emailOf('partner');
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/session',
        headers: SAME_ORIGIN,
        payload: { email, password: 'wrong password!' },
      });
      expect(res.statusCode).toBe(401);
    }
    const res = await app.inject({
      method: 'POST',
      url: '/api/session',
      headers: SAME_ORIGIN,
      payload: { email, password: PASSWORD },
    });
    expect(res.statusCode).toBe(429);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('AUTH.THROTTLED');
  });

  it('asks for the second factor once it is on', async () => {
    const email = emailOf('reviewer');
    const cookie = await login(email);
    const secretRes = await app.inject({
      method: 'POST',
      url: '/api/me/totp/secret',
      headers: { ...SAME_ORIGIN, cookie },
    });
    const { secret, uri } = secretRes.json<{ secret: string; uri: string }>();
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    const on = await app.inject({
      method: 'POST',
      url: '/api/me/totp',
      headers: { ...SAME_ORIGIN, cookie },
      payload: { secret, code: await generate({ secret }) },
    });
    expect(on.statusCode, on.body).toBe(204);
    const without = await app.inject({
      method: 'POST',
      url: '/api/session',
      headers: SAME_ORIGIN,
      payload: { email, password: PASSWORD },
    });
    expect(without.statusCode).toBe(401);
    expect(without.json<{ error: { code: string } }>().error.code).toBe('AUTH.TOTP_REQUIRED');
    await login(email, await generate({ secret }));
  });

  it('lists acquisitions by name and counts, without who handed them over', async () => {
    const cookie = await login(emailOf('investigator'));
    const res = await app.inject({ method: 'GET', url: '/api/acquisitions', headers: { cookie } });
    expect(res.json()).toEqual([expect.objectContaining({ name: 'A', files: 1, items: 1 })]);
    expect(Object.keys(res.json<Record<string, unknown>[]>()[0] ?? {}).sort()).toEqual([
      'files',
      'id',
      'items',
      'name',
      'openedAt',
    ]);
  });

  it('says whether the first admin is still to be set up', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/setup' });
    expect(res.json()).toEqual({ setupRequired: false });
  });

  it('uses an invitation once', async () => {
    const admin = await login(emailOf('admin'));
    const res = await app.inject({
      method: 'POST',
      url: '/api/invitations',
      headers: { ...SAME_ORIGIN, cookie: admin },
      payload: { role: 'investigator', email: 'once@example.org' },
    });
    const { token } = res.json<{ token: string }>();
    const body = { token, email: 'once@example.org', displayName: 'Once', password: PASSWORD };
    const first = await app.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      headers: SAME_ORIGIN,
      payload: body,
    });
    expect(first.statusCode).toBe(201);
    const again = await app.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      headers: SAME_ORIGIN,
      payload: { ...body, email: 'twice@example.org' },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('AUTH.INVITATION_INVALID');
  });

  it('lists items with hostile names as plain data, and pages with a keyset', async () => {
    const cookie = await login(emailOf('investigator'));
    const res = await app.inject({ method: 'GET', url: '/api/items?limit=1', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    const page = res.json<{ items: { id: string; paths: { path: string }[] }[]; next: string }>();
    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.paths[0]?.path).toContain('<img src=x onerror=alert(1)>');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const bad = await app.inject({
      method: 'GET',
      url: '/api/items?limit=9999',
      headers: { cookie },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('serves an original only as an attachment, sandboxed, and records the download', async () => {
    const cookie = await login(emailOf('investigator'));
    const res = await app.inject({
      method: 'GET',
      url: `/api/items/${itemId}/original`,
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(original)).toBe(true);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename\*=UTF-8''/);
    expect(res.headers['content-disposition']).not.toMatch(/[<>\u202E]/);
    expect(res.headers['content-security-policy']).toMatch(/sandbox/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const events = await eventsFor(archive.db, 'item', itemId);
    expect(events.map((e) => e.action)).toContain('original.downloaded');
    const unknown = await app.inject({
      method: 'GET',
      url: '/api/items/00000000-0000-4000-8000-000000000000/original',
      headers: { cookie },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('describes itself in OpenAPI 3.1, every declared route included', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    for (const r of app.declaredRoutes) {
      if (r.url.startsWith('/api/docs') || r.url === '/api/openapi.json' || r.url === '/*')
        continue;
      const key = r.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[key]?.[r.method.toLowerCase()], `${r.method} ${r.url}`).toBeDefined();
    }
    const docs = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
  });
});
