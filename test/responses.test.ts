import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { verifyArchive } from '../src/core/verify.ts';
import { eventsFor, readCustodyLog } from '../src/db/custody-log.ts';
import { createTestArchive, DATABASES, tempDir } from './helpers/archive.ts';
import { custody } from './helpers/cli.ts';
import { appWithAccounts, call, emailOf, login } from './helpers/web.ts';

/** Must never leave through a list, a view, an export or the log. */
const REAL_NAME = 'SENTINEL-REAL Иван Петрович Сидоров';
/** Internal notes and descriptions: in the archive, never in the accountability export. */
const NOTE = 'SENTINEL-NOTE источник в колонии';

interface Conflict {
  field: string;
  unit: string | null;
  values: {
    value: number | string;
    claims: { claimId: string; quote: string; source: { id: string; outlet: string } }[];
  }[];
}
interface ResponseView {
  id: string;
  type: string;
  date: string | null;
  actingBody: string | null;
  facility: string | null;
  people: { id: string; pseudonym: string; role: string }[];
  incidents: { id: string }[];
  claims: { id: string; figure: number | null }[];
  sources: { id: string; outlet: string }[];
  conflicts: Conflict[];
}
interface Timeline {
  scope: { kind: string; id: string; name: string };
  timeline: { kind: string; id: string; date: string | null }[];
  releases: unknown[];
  counts: { incidents: number; responses: number; byType: Record<string, number> };
}

const id = (res: LightMyRequestResponse): string => {
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
};

/** RFC 4180 reader, enough to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text.charAt(i + 1) === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe.each(DATABASES)('sources, claims and official responses on %s', (database) => {
  let archive: Archive;
  let app: FastifyInstance;
  let investigator: string;
  let reviewer: string;
  let partner: string;
  let pdfItem: string;

  beforeAll(async () => {
    ({ archive } = await createTestArchive(database));
    const source = path.join(await tempDir('responses'), 'press');
    await fs.mkdir(source);
    await fs.writeFile(path.join(source, 'novaya-gazeta-2018-07-20.pdf'), '%PDF-1.4 not really\n');
    await ingest(archive, { source, acquisition: { name: 'press cuttings' } });
    pdfItem = (await archive.db.selectFrom('item').select('id').executeTakeFirstOrThrow()).id;
    app = await appWithAccounts(archive);
    investigator = await login(app, emailOf('investigator'));
    reviewer = await login(app, emailOf('reviewer'));
    partner = await login(app, emailOf('partner'));
  });

  afterAll(async () => {
    await app.close();
    await archive.close();
  });

  const post = (url: string, body: unknown) => call(app, investigator, 'POST', url, body);

  it('records sources, claims and a dismissal, and shows where the sources disagree', async () => {
    const facility = id(await post('/api/facilities', { name: 'ИК-1 Ярославль' }));
    const fsin = id(
      await post('/api/organisations', {
        name: 'ФСИН России',
        aliases: ['FSIN', 'Federal Penitentiary Service'],
      }),
    );
    const incident = id(
      await post('/api/incidents', {
        title: 'Избиение Евгения М.',
        startsAt: '2017-06-29T12:00:00+03:00',
        facilityId: facility,
      }),
    );
    const official = id(
      await post('/api/people', { pseudonym: 'Начальник колонии', realName: REAL_NAME }),
    );
    const novaya = id(
      await post('/api/sources', {
        kind: 'news',
        outlet: 'Новая газета',
        author: 'Ирина Тумакова',
        url: 'https://novayagazeta.ru/articles/2018/07/20/77192',
        publishedOn: '2018-07-20',
        language: 'ru',
        title: 'Пытки в ярославской колонии',
        archivedText: 'Уволены три сотрудника колонии. Возбуждено уголовное дело.',
        itemId: pdfItem,
        note: NOTE,
      }),
    );
    const reuters = id(
      await post('/api/sources', {
        outlet: 'Reuters',
        url: 'https://www.reuters.com/article/russia-prison-idUSKBN1KE1XX',
        publishedOn: '2018-07-24',
        language: 'en',
        title: 'Russian prison officers fired after torture video',
      }),
    );
    const created = await post('/api/responses', {
      type: 'dismissed',
      date: '2018-07-24',
      actingBodyId: fsin,
      facilityId: facility,
      summary: 'Сотрудники ИК-1 уволены',
      incidents: [incident],
      people: [{ personId: official, role: 'subject' }],
    });
    const response = id(created);
    expect(created.json<ResponseView>()).toMatchObject({
      type: 'dismissed',
      date: '2018-07-24',
      actingBody: 'ФСИН России',
      facility: 'ИК-1 Ярославль',
      conflicts: [],
    });
    const three = id(
      await post('/api/claims', {
        sourceId: novaya,
        quote: 'Уволены три сотрудника колонии.',
        summary: 'three officials fired',
        figure: 3,
        figureUnit: 'people fired',
        claimedDate: '2018-07-20',
        responses: [response],
        incidents: [incident],
        organisations: [fsin],
      }),
    );
    const seven = id(
      await post('/api/claims', {
        sourceId: reuters,
        quote: 'Seven officers at the prison have been fired, the prison service said.',
        summary: 'seven officers fired',
        figure: 7,
        figureUnit: 'People fired',
        responses: [response],
        people: [official],
      }),
    );

    const page = await call(app, reviewer, 'GET', `/api/responses/${response}`);
    expect(page.statusCode, page.body).toBe(200);
    const view = page.json<ResponseView>();
    expect(view.people).toEqual([
      { id: official, pseudonym: 'Начальник колонии', role: 'subject' },
    ]);
    expect(view.incidents.map((i) => i.id)).toEqual([incident]);
    expect(view.sources.map((s) => s.outlet)).toEqual(['Новая газета', 'Reuters']);
    expect(view.conflicts).toHaveLength(1);
    expect(view.conflicts[0]).toMatchObject({
      field: 'figure',
      unit: 'people fired',
      values: [
        {
          value: 3,
          claims: [
            {
              claimId: three,
              quote: 'Уволены три сотрудника колонии.',
              source: { id: novaya, outlet: 'Новая газета', publishedOn: '2018-07-20' },
            },
          ],
        },
        {
          value: 7,
          claims: [
            {
              claimId: seven,
              source: {
                id: reuters,
                outlet: 'Reuters',
                url: 'https://www.reuters.com/article/russia-prison-idUSKBN1KE1XX',
              },
            },
          ],
        },
      ],
    });
    expect(page.body).not.toContain('SENTINEL-REAL');

    // A patch changes what it names: the figure, unit and links of the claim stay.
    const patched = await call(app, investigator, 'PATCH', `/api/claims/${seven}`, {
      summary: 'seven officers dismissed',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      figure: 7,
      figureUnit: 'People fired',
      responses: [response],
      people: [official],
      summary: 'seven officers dismissed',
    });
    const responsePatch = await call(app, investigator, 'PATCH', `/api/responses/${response}`, {
      summary: 'Семь сотрудников ИК-1 уволены',
    });
    expect(responsePatch.json<ResponseView>()).toMatchObject({
      date: '2018-07-24',
      actingBody: 'ФСИН России',
      people: [{ id: official }],
      incidents: [{ id: incident }],
    });

    const shown = await call(app, reviewer, 'GET', `/api/sources/${novaya}`);
    expect(shown.json()).toMatchObject({
      publishedOn: '2018-07-20',
      itemId: pdfItem,
      archivedText: 'Уволены три сотрудника колонии. Возбуждено уголовное дело.',
      claims: [{ id: three, incidents: [incident], organisations: [fsin] }],
    });
    const search = await call(app, reviewer, 'GET', '/api/sources?q=reuters');
    expect(search.json<{ sources: { id: string }[] }>().sources.map((s) => s.id)).toEqual([
      reuters,
    ]);
    const all = await call(app, reviewer, 'GET', '/api/sources?limit=1');
    const next = all.json<{ sources: { id: string }[]; next: string }>();
    expect(next.sources.map((s) => s.id)).toEqual([reuters]); // latest publication first
    const second = await call(
      app,
      reviewer,
      'GET',
      `/api/sources?limit=1&after=${encodeURIComponent(next.next)}`,
    );
    expect(second.json<{ sources: { id: string }[] }>().sources.map((s) => s.id)).toEqual([novaya]);

    const listed = async (query: string): Promise<string[]> => {
      const res = await call(app, reviewer, 'GET', `/api/responses?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ id: string }[]>().map((r) => r.id);
    };
    expect(await listed(`facility=${facility}`)).toEqual([response]);
    expect(await listed(`incident=${incident}`)).toEqual([response]);
    expect(await listed(`organisation=${fsin}`)).toEqual([response]);
    expect(await listed('type=dismissed')).toContain(response);
    expect(await listed('type=inspection')).not.toContain(response);
    const claims = await call(app, reviewer, 'GET', `/api/claims?response=${response}`);
    expect(claims.json<{ id: string }[]>().map((c) => c.id)).toEqual([three, seven]);

    const sourceEvents = await eventsFor(archive.db, 'source', novaya);
    expect(sourceEvents.map((e) => [e.action, e.actor])).toEqual([
      ['source.created', emailOf('investigator')],
    ]);
    // The archived text is fixed by its hash, not copied into the log.
    expect(sourceEvents[0]?.payload['archivedTextSha256']).toBe(
      createHash('sha256')
        .update('Уволены три сотрудника колонии. Возбуждено уголовное дело.')
        .digest('hex'),
    );
    expect(JSON.stringify(sourceEvents[0]?.payload)).not.toContain('три сотрудника');
    expect((await eventsFor(archive.db, 'claim', seven)).map((e) => e.action)).toEqual([
      'claim.created',
      'claim.updated',
    ]);
    expect((await eventsFor(archive.db, 'response', response)).map((e) => e.action)).toEqual([
      'response.created',
      'response.updated',
    ]);
  });

  it('builds the accountability timeline by date, counts by type, and exports it safely', async () => {
    const facility = id(
      await post('/api/facilities', { name: 'СИЗО-1 "Кресты", Санкт-Петербург' }),
    );
    const elsewhere = id(await post('/api/facilities', { name: 'ИК-10 Карелия' }));
    const body = id(await post('/api/organisations', { name: 'СК России' }));
    const incident = async (title: string, startsAt: string | null, at = facility) =>
      id(await post('/api/incidents', { title, startsAt, facilityId: at, description: NOTE }));
    const march = await incident('Избиение, "этап"\nвторой эпизод', '2020-03-04T09:30:00+03:00');
    const january = await incident('=HYPERLINK("http://evil")', '2020-01-10T12:00:00Z');
    const undated = await incident('Пытки в ШИЗО', null);
    const other = await incident('Другая колония', '2020-02-02T00:00:00Z', elsewhere);
    const officer = id(
      await post('/api/people', { pseudonym: 'Сотрудник Б', realName: REAL_NAME }),
    );
    const response = async (fields: Record<string, unknown>) =>
      id(await post('/api/responses', { summary: `ответ ${NOTE.length}`, ...fields }));
    const inspection = await response({
      type: 'inspection',
      date: '2020-03-10',
      facilityId: facility,
      actingBodyId: body,
    });
    const caseOpened = await response({
      type: 'criminal_case_opened',
      date: '2020-02-01',
      incidents: [january],
      actingBodyId: body,
      people: [{ personId: officer, role: 'subject' }],
    });
    const dismissed = await response({ type: 'dismissed', facilityId: facility });
    await response({ type: 'inspection', date: '2020-02-03', incidents: [other] });
    const source = id(
      await post('/api/sources', {
        outlet: 'Медиазона',
        url: 'https://zona.media/news/2020/03/10/kresty',
        publishedOn: '2020-03-10',
        note: NOTE,
        archivedText: NOTE,
      }),
    );
    id(
      await post('/api/claims', {
        sourceId: source,
        quote: 'В СИЗО прибыла проверка',
        responses: [inspection],
      }),
    );

    const res = await call(app, reviewer, 'GET', `/api/accountability?facility=${facility}`);
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json<Timeline>();
    expect(view.scope).toEqual({
      kind: 'facility',
      id: facility,
      name: 'СИЗО-1 "Кресты", Санкт-Петербург',
    });
    expect(view.timeline.map((e) => [e.kind, e.id, e.date])).toEqual([
      ['incident', january, '2020-01-10'],
      ['response', caseOpened, '2020-02-01'],
      ['incident', march, '2020-03-04'],
      ['response', inspection, '2020-03-10'],
      ['incident', undated, null],
      ['response', dismissed, null],
    ]);
    expect(view.releases).toEqual([]);
    expect(view.counts).toMatchObject({ incidents: 3, responses: 3 });
    expect(view.counts.byType).toMatchObject({
      inspection: 1,
      criminal_case_opened: 1,
      dismissed: 1,
      denial: 0,
    });
    const one = await call(app, reviewer, 'GET', `/api/accountability?incident=${january}`);
    expect(one.json<Timeline>().timeline.map((e) => e.id)).toEqual([january, caseOpened]);

    const csv = await call(app, reviewer, 'GET', `/api/accountability.csv?facility=${facility}`);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment/);
    expect([...csv.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(csv.body.slice(1));
    expect(rows[0]).toEqual([
      'date',
      'kind',
      'type',
      'title',
      'facility',
      'acting_body',
      'people',
      'incidents',
      'sources',
      'id',
    ]);
    expect(rows.slice(1).map((r) => r[9])).toEqual(view.timeline.map((e) => e.id));
    expect(rows[1]?.[3]).toBe('\'=HYPERLINK("http://evil")'); // not a formula in Excel
    expect(rows[2]).toEqual([
      '2020-02-01',
      'response',
      'criminal_case_opened',
      `ответ ${NOTE.length}`,
      '',
      'СК России',
      'Сотрудник Б (subject)',
      january,
      '',
      caseOpened,
    ]);
    expect(rows[3]?.slice(3, 5)).toEqual([
      'Избиение, "этап"\nвторой эпизод',
      'СИЗО-1 "Кресты", Санкт-Петербург',
    ]);
    expect(rows[4]?.[8]).toBe('Медиазона 2020-03-10 https://zona.media/news/2020/03/10/kresty');

    const json = await call(app, reviewer, 'GET', `/api/accountability.json?facility=${facility}`);
    expect(json.statusCode, json.body).toBe(200);
    expect(json.headers['content-disposition']).toMatch(/^attachment/);
    expect(json.json()).toEqual(view);
    for (const text of [res.body, csv.body, json.body]) {
      expect(text).not.toContain('SENTINEL');
      expect(text).not.toContain('@example.org');
    }

    for (const query of ['', `?facility=${facility}&incident=${january}`]) {
      const bad = await call(app, reviewer, 'GET', `/api/accountability${query}`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ error: { code: string } }>().error.code).toBe('REQUEST.INVALID');
    }
    const missing = await call(
      app,
      reviewer,
      'GET',
      `/api/accountability?facility=${randomUUID()}`,
    );
    expect(missing.statusCode).toBe(404);
  });

  it('suggests records across alphabets, matches pseudonyms only, and forgets a rejected pair', async () => {
    const cyrillic = id(await post('/api/people', { pseudonym: 'Хрущёв', realName: REAL_NAME }));
    const latin = id(await post('/api/people', { pseudonym: 'Khrushchev' }));
    const petrov = id(await post('/api/people', { pseudonym: 'Петров' }));
    const match = async (query: string): Promise<{ id: string; label: string }[]> => {
      const res = await call(app, reviewer, 'GET', `/api/match?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain('SENTINEL');
      return res.json<{ suggestions: { id: string; label: string }[] }>().suggestions;
    };
    const byName = await match(`kind=person&name=${encodeURIComponent('Chruschtschow')}`);
    expect(byName.map((s) => s.id).sort()).toEqual([cyrillic, latin].sort());
    expect(byName.map((s) => s.id)).not.toContain(petrov);
    // A real name is never matched, nor shown.
    expect(await match(`kind=person&name=Sidorov`)).toEqual([]);
    const ofLatin = await match(`kind=person&id=${latin}`);
    expect(ofLatin).toEqual([expect.objectContaining({ id: cyrillic, label: 'Хрущёв' })]);

    const rejected = await post('/api/merges', {
      kind: 'person',
      keep: cyrillic,
      merge: latin,
      decision: 'reject',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(await match(`kind=person&id=${latin}`)).toEqual([]);
    expect(await match(`kind=person&id=${cyrillic}`)).toEqual([]);
    expect((await eventsFor(archive.db, 'person', cyrillic)).map((e) => e.action)).toEqual([
      'person.created',
      'alias.rejected',
    ]);

    const kept = id(await post('/api/facilities', { name: 'ИК-5 Нижний Новгород' }));
    const duplicate = id(
      await post('/api/facilities', { name: 'IK-5 Nizhny Novgorod', aliases: ['Nijni Novgorod'] }),
    );
    expect((await match(`kind=facility&id=${duplicate}`)).map((s) => s.id)).toEqual([kept]);
    const confirmed = await post('/api/merges', {
      kind: 'facility',
      keep: kept,
      merge: duplicate,
      decision: 'confirm',
    });
    expect(confirmed.json()).toEqual({
      kind: 'facility',
      keep: kept,
      merge: duplicate,
      decision: 'confirmed',
      aliases: ['IK-5 Nizhny Novgorod', 'Nijni Novgorod'],
    });
    const facilities = await call(app, reviewer, 'GET', '/api/facilities');
    expect(
      facilities.json<{ id: string; aliases: string[] }[]>().find((f) => f.id === kept),
    ).toMatchObject({ aliases: ['IK-5 Nizhny Novgorod', 'Nijni Novgorod'] });
    const events = await eventsFor(archive.db, 'facility', kept);
    expect(events.at(-1)).toMatchObject({
      action: 'alias.confirmed',
      payload: { merge: duplicate, added: ['IK-5 Nizhny Novgorod', 'Nijni Novgorod'] },
    });

    // People carry aliases of their own, set like any field and matched like the pseudonym.
    const aliased = await call(app, investigator, 'PATCH', `/api/people/${petrov}`, {
      aliases: ['Petroff'],
    });
    expect(aliased.json()).toMatchObject({ pseudonym: 'Петров', aliases: ['Petroff'] });
    expect((await match('kind=person&name=Petrof')).map((s) => s.id)).toContain(petrov);
  });

  it('lets reviewers read but not write, shows partners nothing, and refuses bad input', async () => {
    const source = id(await post('/api/sources', { outlet: 'ТАСС' }));
    expect((await call(app, reviewer, 'GET', `/api/sources/${source}`)).statusCode).toBe(200);
    const writes: [string, string, unknown][] = [
      ['POST', '/api/sources', { outlet: 'x' }],
      ['PATCH', `/api/sources/${source}`, { outlet: 'x' }],
      ['POST', '/api/claims', { sourceId: source, quote: 'x' }],
      ['POST', '/api/responses', { type: 'denial' }],
      [
        'POST',
        '/api/merges',
        { kind: 'person', keep: randomUUID(), merge: randomUUID(), decision: 'reject' },
      ],
    ];
    for (const [method, url, payload] of writes)
      expect((await call(app, reviewer, method as 'POST', url, payload)).statusCode, url).toBe(403);
    for (const url of [
      '/api/sources',
      `/api/sources/${source}`,
      '/api/responses',
      `/api/claims?source=${source}`,
      '/api/match?kind=person&name=x',
      `/api/accountability.csv?facility=${randomUUID()}`,
    ])
      expect([403, 404], url).toContain((await call(app, partner, 'GET', url)).statusCode);

    const refused: [string, string, unknown, string][] = [
      [
        'POST',
        '/api/claims',
        { sourceId: randomUUID(), quote: 'x' },
        'CATALOGUE.INVALID_REFERENCE',
      ],
      ['POST', '/api/claims', { sourceId: source, quote: '' }, 'REQUEST.INVALID'],
      ['POST', '/api/responses', { type: 'fired' }, 'REQUEST.INVALID'],
      [
        'POST',
        '/api/responses',
        { type: 'denial', incidents: [randomUUID()] },
        'CATALOGUE.INVALID_REFERENCE',
      ],
      ['POST', '/api/sources', { publishedOn: '2021-02-30' }, 'REQUEST.INVALID'],
      ['POST', '/api/sources', { url: 'javascript:alert(1)' }, 'REQUEST.INVALID'],
      ['PATCH', `/api/sources/${randomUUID()}`, { outlet: 'x' }, 'CATALOGUE.NOT_FOUND'],
      [
        'POST',
        '/api/merges',
        { kind: 'person', keep: source, merge: source, decision: 'confirm' },
        'REQUEST.INVALID',
      ],
      [
        'POST',
        '/api/merges',
        { kind: 'person', keep: source, merge: randomUUID(), decision: 'confirm' },
        'CATALOGUE.NOT_FOUND',
      ],
    ];
    for (const [method, url, payload, code] of refused) {
      const res = await call(app, investigator, method as 'POST', url, payload);
      expect(res.json<{ error: { code: string } }>().error.code, `${method} ${url}`).toBe(code);
    }
    expect((await call(app, reviewer, 'GET', `/api/responses/${randomUUID()}`)).statusCode).toBe(
      404,
    );

    const denial = id(await post('/api/responses', { type: 'denial', date: '2021-10-06' }));
    expect((await call(app, investigator, 'DELETE', `/api/responses/${denial}`)).statusCode).toBe(
      204,
    );
    expect((await call(app, reviewer, 'GET', `/api/responses/${denial}`)).statusCode).toBe(404);
    const listed = await call(app, reviewer, 'GET', '/api/responses?type=denial');
    expect(listed.json<{ id: string }[]>().map((r) => r.id)).not.toContain(denial);
    expect((await eventsFor(archive.db, 'response', denial)).map((e) => e.action)).toEqual([
      'response.created',
      'response.withdrawn',
    ]);
  });

  it('keeps every change in a log that still verifies, without a real name in it', async () => {
    const report = await verifyArchive(archive, { quick: true });
    expect(report.problems).toEqual([]);
    const actions = new Set<string>();
    for await (const e of readCustodyLog(archive.db)) {
      actions.add(e.action);
      expect(JSON.stringify(e.payload)).not.toContain('SENTINEL-REAL');
    }
    for (const action of [
      'source.created',
      'claim.created',
      'claim.updated',
      'response.created',
      'response.updated',
      'response.withdrawn',
      'alias.confirmed',
      'alias.rejected',
    ])
      expect(actions).toContain(action);
  });
});

describe('sources, claims and responses from the command line', () => {
  it('adds sources and claims, shows a response with its conflict, matches names, exports', async () => {
    const dir = await tempDir('cli-responses');
    const data = path.join(dir, 'archive');
    expect((await custody(['init', data])).code).toBe(0);
    const json = async <T = Record<string, unknown>>(args: string[]): Promise<T> => {
      const r = await custody(['--data', data, '--json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as T;
    };
    const text = path.join(dir, 'article.txt');
    await fs.writeFile(text, 'Уволены три сотрудника колонии.\n');
    const facility = await json(['facilities', 'create', '--name', 'ИК-1 Ярославль']);
    const novaya = await json([
      'sources',
      'add',
      '--outlet',
      'Новая газета',
      '--url',
      'https://novayagazeta.ru/articles/2018/07/20/77192',
      '--published-on',
      '2018-07-20',
      '--language',
      'ru',
      '--text-file',
      text,
    ]);
    expect(novaya).toMatchObject({ archivedText: 'Уволены три сотрудника колонии.\n' });
    const reuters = await json([
      'sources',
      'add',
      '--outlet',
      'Reuters',
      '--published-on',
      '2018-07-24',
    ]);
    const response = await json([
      'responses',
      'add',
      '--type',
      'dismissed',
      '--date',
      '2018-07-24',
      '--facility',
      String(facility['id']),
    ]);
    for (const [source, figure, quote] of [
      [novaya, '3', 'Уволены три сотрудника колонии.'],
      [reuters, '7', 'Seven officers have been fired.'],
    ] as const)
      await json([
        'claims',
        'add',
        '--source',
        String(source['id']),
        '--quote',
        quote,
        '--figure',
        figure,
        '--unit',
        'people fired',
        '--response',
        String(response['id']),
      ]);
    const shown = await json<{ conflicts: Conflict[] }>([
      'responses',
      'show',
      String(response['id']),
    ]);
    expect(shown.conflicts).toHaveLength(1);
    expect(shown.conflicts[0]?.values.map((v) => [v.value, v.claims[0]?.source.outlet])).toEqual([
      [3, 'Новая газета'],
      [7, 'Reuters'],
    ]);
    const human = await custody(['--data', data, 'responses', 'show', String(response['id'])]);
    expect(human.stdout).toContain('SOURCES DISAGREE on the figure (people fired)');

    const listed = await json<{ id: string }[]>([
      'claims',
      'list',
      '--response',
      String(response['id']),
    ]);
    expect(listed).toHaveLength(2);

    await json(['people', 'create', '--pseudonym', 'Хрущёв', '--real-name', REAL_NAME]);
    const matches = await json<{ label: string; score: number }[]>([
      'names',
      'match',
      '--kind',
      'person',
      'Khrushchev',
    ]);
    expect(matches.map((m) => m.label)).toEqual(['Хрущёв']);

    const csvFile = path.join(dir, 'accountability.csv');
    const view = await json<Timeline>([
      'accountability',
      '--facility',
      String(facility['id']),
      '--csv',
      csvFile,
    ]);
    expect(view.counts.byType['dismissed']).toBe(1);
    const csv = await fs.readFile(csvFile, 'utf8');
    expect(csv.startsWith('\uFEFFdate,kind,')).toBe(true);
    expect(csv).toContain('dismissed');

    const usage = await custody(['--data', data, 'accountability']);
    expect(usage.code).toBe(2);
    const badFigure = await custody([
      '--data',
      data,
      'claims',
      'add',
      '--source',
      String(novaya['id']),
      '--quote',
      'x',
      '--figure',
      'seven',
    ]);
    expect(badFigure.code).toBe(2);
    expect((await custody(['--data', data, 'verify'])).code).toBe(0);
  }, 240_000); // some twenty runs of the real program, each opening the archive
});
