import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import type { Config } from '../src/config.ts';
import { RECEIPT_FAILURES } from '../src/core/allegations/allegations.ts';
import {
  newReceipt,
  normaliseReceipt,
  RECEIPT_BITS,
  receiptHash,
} from '../src/core/allegations/receipt.ts';
import { verifyArchive } from '../src/core/verify.ts';
import { eventsFor } from '../src/db/custody-log.ts';
import type { Role } from '../src/db/schema.ts';
import { buildApp } from '../src/server/app.ts';
import { createTestArchive, DATABASES, type DatabaseName } from './helpers/archive.ts';
import { appWithAccounts, call, emailOf, login, SAME_ORIGIN } from './helpers/web.ts';
import { custody } from './helpers/cli.ts';

/** What a submitter's network would reveal: it must appear nowhere the archive keeps. */
const FORWARDED_FOR = '203.0.113.77';
const CLIENT_ADDRESS = '127.0.0.2';
const TUS = { 'tus-resumable': '1.0.0' };
const FORM = { ...SAME_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' };
const MAX_UPLOAD = 8 * 1024 * 1024;

const receiptOf = (page: string): string => /data-receipt[^>]*>([^<]+)</.exec(page)?.[1] ?? '';
const tokenOf = (page: string): string => /data-upload-token="([^"]+)"/.exec(page)?.[1] ?? '';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Every row of every table of the archive's schema, as text: what a seized database shows. */
async function databaseDump(archive: Archive): Promise<string> {
  const tables = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(archive.db);
  let dump = '';
  for (const { name } of tables.rows) {
    const rows = await sql<{
      row: string;
    }>`SELECT t::text AS row FROM ${sql.table(name)} t`.execute(archive.db);
    dump += rows.rows.map((r) => `${name}: ${r.row}\n`).join('');
  }
  return dump;
}

/** Every file under the data folder's uploads, as text. */
async function uploadsDump(archive: Archive): Promise<string> {
  const dir = path.join(archive.dataDir, 'uploads');
  const names = await fs.readdir(dir, { recursive: true });
  let dump = '';
  for (const name of names) {
    const file = path.join(dir, name);
    if ((await fs.stat(file)).isFile()) dump += await fs.readFile(file, 'latin1');
  }
  return dump;
}

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A request over a real connection, from a distinctive local address, through a "proxy". */
function overHttp(
  port: number,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        localAddress: CLIENT_ADDRESS,
        method,
        path: url,
        headers: {
          ...headers,
          'x-forwarded-for': FORWARDED_FOR,
          'user-agent': 'Distinctive-Phone/9.9',
          ...(body === undefined ? {} : { 'content-length': String(body.length) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A PATCH whose connection drops: it announces the whole rest of the file, sends `sent` bytes
 * of it and then the connection is cut, as on a phone that loses its signal.
 */
function droppedPatch(
  port: number,
  url: string,
  offset: number,
  rest: Buffer,
  sent: number,
): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      localAddress: CLIENT_ADDRESS,
      method: 'PATCH',
      path: url,
      headers: {
        ...TUS,
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        'content-length': String(rest.length),
        'x-forwarded-for': FORWARDED_FOR,
      },
    });
    req.on('error', () => {
      resolve();
    });
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.write(rest.subarray(0, sent), () => {
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
  });
}

/** Uploads a small file in one part through `inject` (the resumable case goes over HTTP). */
async function uploadInOne(
  app: FastifyInstance,
  token: string,
  name: string,
  bytes: Buffer,
): Promise<LightMyRequestResponse> {
  const created = await app.inject({
    method: 'POST',
    url: '/api/public/uploads',
    headers: {
      ...TUS,
      ...SAME_ORIGIN,
      'upload-length': String(bytes.length),
      'upload-metadata': `token ${b64(token)},filename ${b64(name)},filetype ${b64('text/plain')}`,
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  return app.inject({
    method: 'PATCH',
    url: String(created.headers.location),
    headers: {
      ...TUS,
      ...SAME_ORIGIN,
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
    },
    payload: bytes,
  });
}

describe('receipt codes', () => {
  it('have at least 100 random bits, are typed forgivingly and stored as a hash', () => {
    expect(RECEIPT_BITS).toBeGreaterThanOrEqual(100);
    const codes = new Set(Array.from({ length: 200 }, () => newReceipt()));
    expect(codes.size).toBe(200);
    for (const code of codes)
      expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{5}-){4}[0-9A-HJKMNP-TV-Z]{5}$/);
    const code = [...codes][0] ?? '';
    const canonical = code.replaceAll('-', '');
    expect(normaliseReceipt(code)).toBe(canonical);
    expect(normaliseReceipt(` ${code.toLowerCase().replaceAll('-', ' ')} `)).toBe(canonical);
    // Crockford's lookalikes, and a phone keyboard left in Russian.
    expect(normaliseReceipt('OIL00-ABCDE-ABCDE-ABCDE-ABCDE')).toBe('01100ABCDEABCDEABCDEABCDE');
    expect(normaliseReceipt('АВСЕН-КМОРТ-ХАВСЕ-АВСЕН-КМОРТ')).toBe('ABCEHKM0PTXABCEABCEHKM0PT');
    expect(normaliseReceipt('ABCDE-ABCDE')).toBeNull();
    expect(normaliseReceipt('ABCDE-ABCDE-ABCDE-ABCDE-ABCD!')).toBeNull();
    expect(receiptHash(canonical)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe.each(DATABASES)('allegations on %s', (database: DatabaseName) => {
  let archive: Archive;
  let config: Config;
  let app: FastifyInstance;
  let closed = false;
  let port: number;
  const logs: string[] = [];
  const cookies = {} as Record<Role, string>;
  let first: { id: string; receipt: string; token: string };
  let fileBytes: Buffer;

  beforeAll(async () => {
    ({ archive, config } = await createTestArchive(database));
    // Accounts as people make them, through the API; then the app under test, with its log.
    const setup = await appWithAccounts(archive);
    await setup.close();
    app = await buildApp(archive, {
      logStream: {
        write: (line) => {
          logs.push(line);
        },
      },
      allegations: { maxBytes: MAX_UPLOAD },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
    for (const role of ['admin', 'investigator', 'reviewer', 'partner'] as const)
      cookies[role] = await login(app, emailOf(role));
  });

  afterAll(async () => {
    if (closed) return;
    await app.close();
    await archive.close();
  });

  it('takes an allegation from the Russian form and shows its receipt code once', async () => {
    const form = await app.inject({ method: 'GET', url: '/report?lang=ru' });
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-type']).toMatch(/text\/html/);
    expect(form.body).toContain('lang="ru"');
    expect(form.body).toContain('Расскажите, что произошло');
    expect(form.body).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script: the CSP forbids it
    expect(form.headers['content-security-policy']).toMatch(/script-src 'self'/);

    const fields = {
      lang: 'ru',
      account: 'Меня избили в ШИЗО <script>alert(1)</script>',
      facility: 'ИК-1, Ярославская область',
      occurredOn: 'весна 2019',
      people: 'Дежурный «К.»',
    };
    const sent = await overHttp(
      port,
      'POST',
      '/report',
      { ...FORM, 'accept-language': 'ru' },
      Buffer.from(new URLSearchParams(fields).toString()),
    );
    const page = sent.body.toString('utf8');
    expect(sent.status, page.slice(0, 500)).toBe(201);
    expect(sent.headers['cache-control']).toBe('no-store');
    expect(page).toContain('Ваш код получения');
    expect(page).toContain('только один раз');
    const receipt = receiptOf(page);
    expect(receipt).toMatch(/^([0-9A-Z]{5}-){4}[0-9A-Z]{5}$/);
    expect(page).not.toContain('<script>alert(1)'); // the account is not even echoed here
    const row = await archive.db
      .selectFrom('allegation')
      .selectAll()
      .where('receipt_hash', '=', receiptHash(normaliseReceipt(receipt) ?? ''))
      .executeTakeFirstOrThrow();
    expect(row.account).toBe(fields.account);
    expect(row.facility).toBe(fields.facility);
    expect(row.occurred_on).toBe(fields.occurredOn);
    expect(row.language).toBe('ru');
    expect(row.status).toBe('new');
    first = { id: row.id, receipt, token: tokenOf(page) };
    expect(first.token).not.toBe('');

    // The receipt code itself is kept nowhere: only its hash.
    const dump = await databaseDump(archive);
    for (const form of [receipt, receipt.replaceAll('-', ''), receipt.toLowerCase()])
      expect(dump).not.toContain(form);
    expect(dump).toContain(receiptHash(receipt.replaceAll('-', '')));
    // Nor the upload token.
    expect(dump).not.toContain(first.token);
  });

  it('says what to fix when the account is empty, keeping what was typed', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/report?lang=en',
      headers: FORM,
      payload: new URLSearchParams({ lang: 'en', account: '  ', facility: 'IK-7' }).toString(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Please write what happened.');
    expect(res.body).toContain('value="IK-7"');
    expect(res.body).not.toContain('data-receipt');
  });

  it('refuses a form posted from another site', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/report',
      headers: { ...FORM, 'sec-fetch-site': 'cross-site' },
      payload: 'account=x',
    });
    expect(res.statusCode).toBe(403);
  });

  it('resumes an upload after a dropped connection, and stores the file as an item', async () => {
    fileBytes = randomBytes(3 * 1024 * 1024 + 123);
    const created = await overHttp(port, 'POST', '/api/public/uploads', {
      ...TUS,
      'upload-length': String(fileBytes.length),
      'upload-metadata': `token ${b64(first.token)},filename ${b64('видео 1.mp4')},filetype ${b64('video/mp4')}`,
    });
    expect(created.status, created.body.toString()).toBe(201);
    const url = String(created.headers.location);
    expect(url).toMatch(/^\/api\/public\/uploads\/[0-9a-f]{32}$/);
    expect(created.headers['access-control-allow-origin']).toBeUndefined();

    const part = 1024 * 1024;
    const patched = await overHttp(
      port,
      'PATCH',
      url,
      {
        ...TUS,
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      fileBytes.subarray(0, part),
    );
    expect(patched.status).toBe(204);
    expect(patched.headers['upload-offset']).toBe(String(part));
    // What the upload store keeps about an unfinished upload: nothing about the client, not
    // even the token; the allegation it belongs to and the declared name and type.
    const record = JSON.parse(
      await fs.readFile(
        path.join(archive.dataDir, 'uploads', 'tmp', `${url.split('/').at(-1) ?? ''}.json`),
        'utf8',
      ),
    ) as { metadata: Record<string, string> };
    expect(record.metadata).toEqual({
      allegation: first.id,
      filename: 'видео 1.mp4',
      filetype: 'video/mp4',
    });
    const stat = await fs.stat(path.join(archive.dataDir, 'uploads', 'tmp'));
    expect(stat.mode & 0o777).toBe(0o700);

    // The connection drops half-way through the next part.
    await droppedPatch(port, url, part, fileBytes.subarray(part), 512 * 1024);
    let offset = -1;
    for (let attempt = 0; attempt < 50; attempt++) {
      const head = await overHttp(port, 'HEAD', url, TUS);
      if (head.status === 200) {
        offset = Number(head.headers['upload-offset']);
        expect(head.headers['upload-length']).toBe(String(fileBytes.length));
        expect(head.headers['upload-metadata']).toBeUndefined(); // it names the allegation
        if (offset > part) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // What arrived before the drop is kept, and only that.
    expect(offset).toBeGreaterThan(part);
    expect(offset).toBeLessThanOrEqual(part + 512 * 1024);

    const rest = await overHttp(
      port,
      'PATCH',
      url,
      {
        ...TUS,
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
      },
      fileBytes.subarray(offset),
    );
    expect(rest.status, rest.body.toString()).toBe(204);
    expect(rest.headers['upload-offset']).toBe(String(fileBytes.length));

    const attachment = await archive.db
      .selectFrom('allegation_attachment')
      .selectAll()
      .where('allegation_id', '=', first.id)
      .executeTakeFirstOrThrow();
    expect(attachment.sha256).toBe(sha256(fileBytes));
    expect(attachment.size).toBe(fileBytes.length);
    expect(attachment.name).toBe('видео 1.mp4');
    expect(attachment.declared_type).toBe('video/mp4');
    const item = await archive.db
      .selectFrom('item')
      .selectAll()
      .where('id', '=', attachment.item_id)
      .executeTakeFirstOrThrow();
    expect(item.sha256).toBe(sha256(fileBytes));
    // Random bytes named .mp4: probed like any hostile file, and found not to be a video.
    expect(item.probe_status).toBe('failed');
    const stored = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      archive.blobs
        .read(item.sha256 as never)
        .on('data', (c: Buffer) => chunks.push(c))
        .on('end', () => {
          resolve(Buffer.concat(chunks));
        })
        .on('error', reject);
    });
    expect(stored.equals(fileBytes)).toBe(true);

    // The part file is gone; a client that lost the last answer learns that it is complete.
    const left = await fs.readdir(path.join(archive.dataDir, 'uploads', 'tmp'));
    expect(left).toEqual([]);
    const again = await overHttp(port, 'HEAD', url, TUS);
    expect(again.status).toBe(200);
    expect(again.headers['upload-offset']).toBe(String(fileBytes.length));

    const actions = (await eventsFor(archive.db, 'allegation', first.id)).map((e) => e.action);
    expect(actions).toEqual(['allegation.received', 'allegation.attachment-received']);
    const itemActions = (await eventsFor(archive.db, 'item', item.id)).map((e) => e.action);
    expect(itemActions).toEqual(['item.ingested', 'item.probed']);
  });

  it('refuses uploads without a valid token, and past the size limit', async () => {
    for (const metadata of [`filename ${b64('x.txt')}`, `token ${b64('not-a-token')}`]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/public/uploads',
        headers: { ...TUS, ...SAME_ORIGIN, 'upload-length': '10', 'upload-metadata': metadata },
      });
      expect(res.statusCode).toBe(403);
    }
    const big = await app.inject({
      method: 'POST',
      url: '/api/public/uploads',
      headers: {
        ...TUS,
        ...SAME_ORIGIN,
        'upload-length': String(MAX_UPLOAD + 1),
        'upload-metadata': `token ${b64(first.token)}`,
      },
    });
    expect(big.statusCode).toBe(413);
  });

  it('opens the allegation with its receipt, however it is typed, and takes more', async () => {
    const typed = first.receipt.toLowerCase().replaceAll('-', ' ');
    const res = await app.inject({
      method: 'POST',
      url: '/report/follow-up?lang=en',
      headers: FORM,
      payload: new URLSearchParams({
        lang: 'en',
        receipt: typed,
        message: 'One more detail.',
      }).toString(),
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.body).toContain('Your message was added.');
    expect(res.body).toContain('One more detail.');
    expect(res.body).toContain('видео 1.mp4');
    // The account is shown as text, never as markup.
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>alert(1)');
    // Posting the same page again (a reload) adds nothing twice.
    const reload = await app.inject({
      method: 'POST',
      url: '/report/follow-up?lang=en',
      headers: FORM,
      payload: new URLSearchParams({
        lang: 'en',
        receipt: typed,
        message: 'One more detail.',
      }).toString(),
    });
    expect(reload.body).not.toContain('Your message was added.');

    // More files with the token of the follow-up page.
    const note = Buffer.from('Заявление: второй файл.\n');
    const up = await uploadInOne(app, tokenOf(res.body), 'заявление.txt', note);
    expect(up.statusCode, up.body).toBe(204);

    // The same through the JSON API.
    const json = await app.inject({
      method: 'POST',
      url: '/api/public/allegations/follow-up',
      headers: SAME_ORIGIN,
      payload: { receipt: first.receipt },
    });
    expect(json.statusCode, json.body).toBe(200);
    const view = json.json<{
      added: boolean;
      allegation: { messages: { from: string; body: string }[]; attachments: { name: string }[] };
    }>();
    expect(view.added).toBe(false);
    expect(view.allegation.messages).toEqual([
      expect.objectContaining({ from: 'you', body: 'One more detail.' }),
    ]);
    expect(view.allegation.attachments.map((a) => a.name)).toEqual([
      'видео 1.mp4',
      'заявление.txt',
    ]);
  });

  it('says when a receipt code is unknown', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/report/follow-up?lang=ru',
      headers: FORM,
      payload: 'lang=ru&receipt=AAAAA-AAAAA-AAAAA-AAAAA-AAAAA',
    });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Сообщения с таким кодом нет');
  });

  it('lets investigators triage and reply, and the submitter read the reply', async () => {
    const investigator = cookies.investigator;
    const list = await call(app, investigator, 'GET', '/api/allegations?status=new');
    expect(list.statusCode, list.body).toBe(200);
    const page = list.json<{
      allegations: { id: string; attachments: number; lastMessageAuthor: string | null }[];
    }>();
    const listed = page.allegations.find((a) => a.id === first.id);
    expect(listed).toMatchObject({ attachments: 2, lastMessageAuthor: 'submitter' });

    const detail = await call(app, cookies.reviewer, 'GET', `/api/allegations/${first.id}`);
    expect(detail.statusCode).toBe(200);
    const a = detail.json<{
      account: string;
      attachments: { itemId: string; name: string; sha256: string }[];
    }>();
    expect(a.account).toContain('ШИЗО');
    expect(a.attachments[0]?.sha256).toBe(sha256(fileBytes));
    const item = await call(
      app,
      cookies.reviewer,
      'GET',
      `/api/items/${a.attachments[0]?.itemId ?? ''}`,
    );
    expect(item.statusCode).toBe(200);
    expect(detail.body).not.toContain(first.receipt);

    const facility = (
      await call(app, investigator, 'POST', '/api/facilities', { name: 'ИК-1 Ярославль' })
    ).json<{ id: string }>();
    const person = (
      await call(app, investigator, 'POST', '/api/people', { pseudonym: 'Пострадавший А' })
    ).json<{ id: string }>();
    const incident = (
      await call(app, investigator, 'POST', '/api/incidents', { title: 'ШИЗО, весна 2019' })
    ).json<{ id: string }>();
    const triaged = await call(app, investigator, 'PATCH', `/api/allegations/${first.id}`, {
      status: 'triaged',
      incidents: [incident.id],
      people: [person.id],
      facilities: [facility.id],
    });
    expect(triaged.statusCode, triaged.body).toBe(200);
    expect(
      triaged.json<{ status: string; links: Record<string, { id: string }[]> }>(),
    ).toMatchObject({
      status: 'triaged',
      links: {
        incidents: [{ id: incident.id }],
        people: [{ id: person.id }],
        facilities: [{ id: facility.id }],
      },
    });
    const bad = await call(app, investigator, 'PATCH', `/api/allegations/${first.id}`, {
      incidents: [facility.id],
    });
    expect(bad.statusCode).toBe(400);

    const replied = await call(app, investigator, 'POST', `/api/allegations/${first.id}/replies`, {
      body: 'Спасибо. Вы можете описать, кто ещё это видел?',
    });
    expect(replied.statusCode, replied.body).toBe(201);

    const thread = await app.inject({
      method: 'POST',
      url: '/report/follow-up?lang=ru',
      headers: FORM,
      payload: new URLSearchParams({ lang: 'ru', receipt: first.receipt }).toString(),
    });
    expect(thread.statusCode).toBe(200);
    expect(thread.body).toContain('Ответ организации');
    expect(thread.body).toContain('Вы можете описать, кто ещё это видел?');
    expect(thread.body).not.toContain(emailOf('investigator')); // who replied stays inside

    const actions = (await eventsFor(archive.db, 'allegation', first.id)).map((e) => e.action);
    expect(actions).toEqual([
      'allegation.received',
      'allegation.attachment-received',
      'allegation.follow-up',
      'allegation.attachment-received',
      'allegation.updated',
      'allegation.replied',
    ]);
  });

  it('marks a repeat as a duplicate of the earlier allegation', async () => {
    const sent = await app.inject({
      method: 'POST',
      url: '/api/public/allegations',
      headers: SAME_ORIGIN,
      payload: { account: 'То же самое, второй раз', language: 'ru' },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const { receipt } = sent.json<{ receipt: string }>();
    const id = (
      await archive.db
        .selectFrom('allegation')
        .select('id')
        .where('receipt_hash', '=', receiptHash(normaliseReceipt(receipt) ?? ''))
        .executeTakeFirstOrThrow()
    ).id;
    const self = await call(app, cookies.investigator, 'PATCH', `/api/allegations/${id}`, {
      duplicateOf: id,
    });
    expect(self.statusCode).toBe(400);
    const dup = await call(app, cookies.admin, 'PATCH', `/api/allegations/${id}`, {
      duplicateOf: first.id,
    });
    expect(dup.statusCode, dup.body).toBe(200);
    expect(dup.json<{ status: string; duplicateOf: string }>()).toMatchObject({
      status: 'duplicate',
      duplicateOf: first.id,
    });
    const original = await call(app, cookies.admin, 'GET', `/api/allegations/${first.id}`);
    expect(original.json<{ duplicates: string[] }>().duplicates).toEqual([id]);
    const reopened = await call(app, cookies.admin, 'PATCH', `/api/allegations/${id}`, {
      status: 'new',
    });
    expect(reopened.json<{ duplicateOf: string | null }>().duplicateOf).toBeNull();
  });

  it('answers partners and the reviewer only what their role allows', async () => {
    const url = `/api/allegations/${first.id}`;
    for (const [method, target, payload] of [
      ['GET', '/api/allegations', undefined],
      ['GET', url, undefined],
      ['PATCH', url, { status: 'closed' }],
      ['POST', `${url}/replies`, { body: 'x' }],
    ] as const) {
      const partner = await call(app, cookies.partner, method, target, payload);
      expect(partner.statusCode, `${method} ${target}`).toBe(404);
      const anonymous = await app.inject({
        method,
        url: target,
        headers: SAME_ORIGIN,
        ...(payload === undefined ? {} : { payload }),
      });
      expect(anonymous.statusCode).toBe(401);
      const reviewer = await call(app, cookies.reviewer, method, target, payload);
      expect(reviewer.statusCode).toBe(method === 'GET' ? 200 : 403);
    }
  });

  it('keeps no address, user agent or client detail in the database, the log or the uploads', async () => {
    const dump = await databaseDump(archive);
    const logged = logs.join('');
    const uploads = await uploadsDump(archive);
    expect(logged).toContain('/report'); // the log is on and did record the requests
    for (const text of [dump, logged, uploads]) {
      expect(text).not.toContain(FORWARDED_FOR);
      expect(text).not.toContain(CLIENT_ADDRESS);
      expect(text).not.toContain('Distinctive-Phone');
    }
    for (const line of logs.filter((l) => /"url":"\/(report|api\/public)/.test(l)))
      expect(line).not.toMatch(/remoteAddress|remotePort|"host"/);
  });

  it('writes every change to the custody log, and the archive verifies', async () => {
    const report = await verifyArchive(archive);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('drops unfinished uploads once they expire', async () => {
    const opened = await app.inject({
      method: 'POST',
      url: '/api/public/allegations/follow-up',
      headers: SAME_ORIGIN,
      payload: { receipt: first.receipt },
    });
    const { uploadToken } = opened.json<{ uploadToken: string }>();
    const hasty = await buildApp(archive, { allegations: { expiryMs: 1 } });
    const created = await hasty.inject({
      method: 'POST',
      url: '/api/public/uploads',
      headers: {
        ...TUS,
        ...SAME_ORIGIN,
        'upload-length': '100',
        'upload-metadata': `token ${b64(uploadToken)},filename ${b64('slow.bin')}`,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = String(created.headers.location).split('/').at(-1) ?? '';
    const part = path.join(archive.dataDir, 'uploads', 'tmp', id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const late = await hasty.inject({
      method: 'PATCH',
      url: String(created.headers.location),
      headers: {
        ...TUS,
        ...SAME_ORIGIN,
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      payload: Buffer.alloc(100),
    });
    expect(late.statusCode).toBe(410);
    expect(await fs.stat(part).then(() => true)).toBe(true);
    await hasty.close();
    // The sweep at start (and every hour) removes what expired.
    const sweeper = await buildApp(archive, { allegations: { expiryMs: 1 } });
    await sweeper.close(); // waits for its sweep
    expect(
      await fs.stat(part).then(
        () => true,
        () => false,
      ),
    ).toBe(false);
    expect(
      await fs.stat(`${part}.json`).then(
        () => true,
        () => false,
      ),
    ).toBe(false);
  });

  it('throttles wrong receipt codes archive-wide, right ones included', async () => {
    for (let i = 0; i < RECEIPT_FAILURES; i++)
      await app.inject({
        method: 'POST',
        url: '/api/public/allegations/follow-up',
        headers: SAME_ORIGIN,
        payload: { receipt: `WRONG-${String(i).padStart(5, '0')}-AAAAA-AAAAA-AAAAA` },
      });
    const right = await app.inject({
      method: 'POST',
      url: '/api/public/allegations/follow-up',
      headers: SAME_ORIGIN,
      payload: { receipt: first.receipt },
    });
    expect(right.statusCode).toBe(429);
    expect(right.json<{ error: { code: string } }>().error.code).toBe('ALLEGATION.THROTTLED');
    const page = await app.inject({
      method: 'POST',
      url: '/report/follow-up?lang=en',
      headers: FORM,
      payload: new URLSearchParams({ lang: 'en', receipt: first.receipt }).toString(),
    });
    expect(page.statusCode).toBe(429);
    expect(page.body).toContain('Please wait 15 minutes');
  });

  it('lists, shows, answers and triages allegations on the command line', async () => {
    // The command line opens the archive itself: this process lets go of it first.
    await app.close();
    await archive.close();
    closed = true;
    const data = config.dataDir;
    const env =
      config.databaseUrl === undefined ? {} : { CUSTODY_DATABASE_URL: config.databaseUrl };
    const list = await custody(['--data', data, '--json', 'allegations', 'list'], env);
    expect(list.code, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout) as { id: string; status: string }[];
    expect(rows.map((r) => r.id)).toContain(first.id);
    const reply = await custody(
      ['--data', data, '--json', 'allegations', 'reply', first.id, '--text', 'Ответ из консоли'],
      env,
    );
    expect(reply.code, reply.stderr).toBe(0);
    const replied = JSON.parse(reply.stdout) as {
      messages: { body: string; staffActor: string }[];
    };
    expect(replied.messages.at(-1)).toMatchObject({
      body: 'Ответ из консоли',
      staffActor: 'tester',
    });
    const triage = await custody(
      [
        '--data',
        data,
        '--json',
        'allegations',
        'triage',
        first.id,
        '--status',
        'closed',
        '--people',
        'none',
      ],
      env,
    );
    expect(triage.code, triage.stderr).toBe(0);
    expect(JSON.parse(triage.stdout)).toMatchObject({ status: 'closed', links: { people: [] } });
    const show = await custody(['--data', data, 'allegations', 'show', first.id], env);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('ШИЗО');
    expect(show.stdout).toContain('closed');
    const nothing = await custody(['--data', data, 'allegations', 'triage', first.id], env);
    expect(nothing.code).toBe(2);
    const verify = await custody(['--data', data, 'verify'], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
