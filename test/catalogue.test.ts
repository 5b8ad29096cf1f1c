import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { verifyArchive } from '../src/core/verify.ts';
import { eventsFor, readCustodyLog } from '../src/db/custody-log.ts';
import { createTestArchive, DATABASES, tempDir } from './helpers/archive.ts';
import { appWithAccounts, call, emailOf, login } from './helpers/web.ts';
import { custody } from './helpers/cli.ts';

const REAL_NAME = 'SENTINEL Иван Петрович Сидоров';
const HOSTILE = '<script>alert(1)</script>\u202Eevil';

interface Incident {
  id: string;
  title: string;
  acts: string[];
  facility: string | null;
  status: string;
}

describe.each(DATABASES)('the catalogue on %s', (database) => {
  let archive: Archive;
  let app: FastifyInstance;
  let itemId: string;
  let investigator: string;
  let reviewer: string;

  beforeAll(async () => {
    ({ archive } = await createTestArchive(database));
    const source = path.join(await tempDir('catalogue'), 'drive');
    await fs.mkdir(source);
    await fs.writeFile(path.join(source, 'камера-01.mp4'), 'not really a video\n');
    await fs.writeFile(path.join(source, 'other.txt'), 'another file\n');
    await fs.mkdir(path.join(source, 'DVR', 'ch1'), { recursive: true });
    await fs.writeFile(path.join(source, 'DVR', 'ch1', '100%_x.txt'), 'in a folder\n');
    await ingest(archive, { source, acquisition: { name: 'A' } });
    itemId = await itemAt('камера-01.mp4');
    app = await appWithAccounts(archive);
    investigator = await login(app, emailOf('investigator'));
    reviewer = await login(app, emailOf('reviewer'));
  });

  afterAll(async () => {
    await app.close();
    await archive.close();
  });

  async function itemAt(p: string): Promise<string> {
    const row = await archive.db
      .selectFrom('sighting')
      .select('item_id')
      .where('path_display', '=', p)
      .executeTakeFirstOrThrow();
    return row.item_id ?? '';
  }

  it('catalogues an incident with its facility, acts, people and segments, all in its history', async () => {
    const facility = await call(app, investigator, 'POST', '/api/facilities', {
      name: 'ИК-7 Сегежа',
      aliases: ['IK-7 Segezha', 'ФКУ ИК-7'],
      type: 'penal colony',
      region: 'Карелия',
      latitude: 63.74,
      longitude: 34.31,
    });
    expect(facility.statusCode, facility.body).toBe(201);
    const facilityId = facility.json<{ id: string }>().id;

    const created = await call(app, investigator, 'POST', '/api/incidents', {
      title: `Избиение в ШИЗО ${HOSTILE}`,
      startsAt: '2020-02-18T14:22:05+03:00',
      endsAt: '2020-02-18T14:40:00+03:00',
      facilityId,
      acts: ['beating', 'humiliation'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const incident = created.json<Incident>();
    expect(incident).toMatchObject({ facility: 'ИК-7 Сегежа', status: 'open' });
    expect(incident.title).toContain(HOSTILE); // stored as given; the UI renders it as text

    const person = await call(app, investigator, 'POST', '/api/people', {
      pseudonym: 'Заключённый А',
      realName: REAL_NAME,
    });
    expect(person.statusCode, person.body).toBe(201);
    const personId = person.json<{ id: string; hasRealName: boolean }>().id;
    expect(person.json<{ hasRealName: boolean }>().hasRealName).toBe(true);
    expect(person.body).not.toContain('SENTINEL');

    const link = await call(app, investigator, 'POST', `/api/incidents/${incident.id}/people`, {
      personId,
      role: 'victim',
    });
    expect(link.statusCode, link.body).toBe(204);

    const segment = await call(app, investigator, 'POST', '/api/segments', {
      itemId,
      start: 250,
      end: 280.5,
      incidentId: incident.id,
      note: 'Удары дубинкой',
      tags: ['дубинка'],
      people: [personId],
    });
    expect(segment.statusCode, segment.body).toBe(201);

    const updated = await call(app, investigator, 'PATCH', `/api/incidents/${incident.id}`, {
      status: 'documented',
    });
    // A patch changes what it names and nothing else.
    expect(updated.json<Incident>()).toMatchObject({
      status: 'documented',
      facility: 'ИК-7 Сегежа',
      acts: ['beating', 'humiliation'],
      startsAt: '2020-02-18T11:22:05.000Z',
    });
    const renamed = await call(app, investigator, 'PATCH', `/api/people/${personId}`, {
      note: 'свидетельствовал 2021-03-14',
    });
    expect(renamed.json<{ hasRealName: boolean }>().hasRealName).toBe(true);

    const page = await call(app, reviewer, 'GET', `/api/incidents/${incident.id}`);
    expect(page.statusCode).toBe(200);
    const body = page.json<{
      people: { pseudonym: string; role: string }[];
      segments: { start: number; end: number; itemPath: string; note: string }[];
      items: string[];
      history: { action: string; actor: string }[];
    }>();
    expect(body.people).toEqual([{ id: personId, pseudonym: 'Заключённый А', role: 'victim' }]);
    expect(body.segments).toEqual([
      expect.objectContaining({ start: 250, end: 280.5, itemPath: 'камера-01.mp4' }),
    ]);
    expect(body.items).toEqual([itemId]);
    expect(body.history.map((h) => h.action)).toEqual([
      'incident.created',
      'person.linked',
      'segment.created',
      'incident.updated',
    ]);
    expect(page.body).not.toContain('SENTINEL');

    const onItem = await call(app, reviewer, 'GET', `/api/items/${itemId}/segments`);
    expect(onItem.json<unknown[]>()).toHaveLength(1);
    const timeline = await call(app, reviewer, 'GET', '/api/incidents/timeline');
    expect(timeline.json()).toEqual([
      expect.objectContaining({
        month: '2020-02',
        facility: 'ИК-7 Сегежа',
        id: incident.id,
        startsAt: '2020-02-18T11:22:05.000Z',
      }),
    ]);
    const listed = await call(app, reviewer, 'GET', '/api/incidents?status=documented');
    expect(listed.json<{ incidents: Incident[] }>().incidents.map((i) => i.id)).toEqual([
      incident.id,
    ]);
  });

  it('finds items by path, segment note and metadata, by folder and by link to an incident', async () => {
    const found = async (query: string): Promise<string[]> => {
      const res = await call(app, reviewer, 'GET', `/api/items?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: { id: string }[] }>().items.map((i) => i.id);
    };
    const other = await itemAt('other.txt');
    const inFolder = await itemAt('DVR/ch1/100%_x.txt');
    expect(await found(`q=${encodeURIComponent('КАМЕРА')}`)).toEqual([itemId]);
    expect(await found(`q=${encodeURIComponent('дубинкой')}`)).toEqual([itemId]); // a segment note
    expect(await found('q=%25_x')).toEqual([inFolder]); // % and _ are literal characters
    expect(await found('q=nowhere-to-be-found')).toEqual([]);
    expect(await found('folder=DVR')).toEqual([inFolder]);
    expect(await found('folder=DV')).toEqual([]); // a folder, not a prefix of a name
    expect(await found('linked=true')).toEqual([itemId]);
    expect((await found('linked=false')).sort()).toEqual([other, inFolder].sort());
  });

  it('sorts largest or newest first and pages through every item exactly once', async () => {
    for (const sort of ['size', 'ingested', 'duration', 'recorded', 'hash']) {
      const seen: { id: string; size: number }[] = [];
      let after = '';
      for (let page = 0; page < 10; page++) {
        const res = await call(
          app,
          reviewer,
          'GET',
          `/api/items?limit=1&sort=${sort}&after=${encodeURIComponent(after)}`,
        );
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json<{ items: { id: string; size: number }[]; next: string | null }>();
        seen.push(...body.items);
        if (body.next === null) break;
        after = body.next;
      }
      expect(new Set(seen.map((i) => i.id)).size, sort).toBe(3);
      expect(seen, sort).toHaveLength(3);
      if (sort === 'size')
        expect(seen.map((i) => i.size)).toEqual([...seen.map((i) => i.size)].sort((a, b) => b - a));
    }
  });

  it('keeps real names out of lists, pages and the log; viewing one is recorded', async () => {
    const person = await call(app, investigator, 'POST', '/api/people', {
      pseudonym: 'Свидетель Б',
      realName: REAL_NAME,
    });
    const id = person.json<{ id: string }>().id;
    for (const url of ['/api/people', `/api/people/${id}`]) {
      const res = await call(app, reviewer, 'GET', url);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('SENTINEL');
    }
    expect((await call(app, reviewer, 'POST', `/api/people/${id}/real-name`)).statusCode).toBe(403);
    const shown = await call(app, investigator, 'POST', `/api/people/${id}/real-name`);
    expect(shown.json()).toEqual({ realName: REAL_NAME });
    const events = await eventsFor(archive.db, 'person', id);
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['person.created', emailOf('investigator')],
      ['person.real-name-viewed', emailOf('investigator')],
    ]);
    for await (const e of readCustodyLog(archive.db))
      expect(JSON.stringify(e.payload)).not.toContain('SENTINEL');
  });

  it('refuses what does not hold together, with the field named', async () => {
    const cases: [string, string, unknown, string][] = [
      [
        'POST',
        '/api/incidents',
        { title: 'x', acts: ['no-such-act'] },
        'CATALOGUE.INVALID_REFERENCE',
      ],
      [
        'POST',
        '/api/incidents',
        { title: 'x', startsAt: '2020-02-18T15:00:00Z', endsAt: '2020-02-18T14:00:00Z' },
        'REQUEST.INVALID',
      ],
      ['POST', '/api/segments', { itemId, start: 10, end: 5 }, 'REQUEST.INVALID'],
      [
        'POST',
        '/api/segments',
        { itemId: '00000000-0000-4000-8000-000000000000', start: 1, end: 2 },
        'CATALOGUE.INVALID_REFERENCE',
      ],
      [
        'PATCH',
        '/api/incidents/00000000-0000-4000-8000-000000000000',
        { status: 'closed' },
        'CATALOGUE.NOT_FOUND',
      ],
    ];
    for (const [method, url, payload, code] of cases) {
      const res = await call(app, investigator, method as 'POST', url, payload);
      expect(res.json<{ error: { code: string } }>().error.code, `${method} ${url}`).toBe(code);
    }
  });

  it('lets an admin extend the vocabulary of acts, and nobody else', async () => {
    const act = { code: 'electric-shock', labelEn: 'Electric shock', labelRu: 'Электрошок' };
    expect((await call(app, investigator, 'POST', '/api/violation-types', act)).statusCode).toBe(
      403,
    );
    const admin = await login(app, emailOf('admin'));
    expect((await call(app, admin, 'POST', '/api/violation-types', act)).statusCode).toBe(201);
    const incident = await call(app, investigator, 'POST', '/api/incidents', {
      title: 'Пытки током',
      acts: ['electric-shock'],
    });
    expect(incident.statusCode, incident.body).toBe(201);
  });

  it('withdraws a segment without erasing its record, and the archive still verifies', async () => {
    const created = await call(app, investigator, 'POST', '/api/segments', {
      itemId,
      start: 1,
      end: 2,
    });
    const id = created.json<{ id: string }>().id;
    expect((await call(app, investigator, 'DELETE', `/api/segments/${id}`)).statusCode).toBe(204);
    expect((await call(app, investigator, 'DELETE', `/api/segments/${id}`)).statusCode).toBe(404);
    const events = await eventsFor(archive.db, 'segment', id);
    expect(events.map((e) => e.action)).toEqual(['segment.created', 'segment.deleted']);
    const report = await verifyArchive(archive, { quick: true });
    expect(report.problems).toEqual([]);
  });
});

describe('the catalogue from the command line', () => {
  it('creates a facility, an incident and a person, links them, and shows the incident', async () => {
    const data = path.join(await tempDir('cli-catalogue'), 'archive');
    expect((await custody(['init', data])).code).toBe(0);
    const json = async (args: string[]): Promise<Record<string, unknown>> => {
      const r = await custody(['--data', data, '--json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const facility = await json(['facilities', 'create', '--name', 'СИЗО-1', '--alias', 'SIZO-1']);
    const incident = await json([
      'incidents',
      'create',
      '--title',
      'Избиение при этапировании',
      '--starts-at',
      '2020-03-04T09:30:11+03:00',
      '--facility',
      String(facility['id']),
      '--act',
      'beating',
    ]);
    const person = await json(['people', 'create', '--pseudonym', 'Б', '--real-name', REAL_NAME]);
    expect(JSON.stringify(person)).not.toContain('SENTINEL');
    await json([
      'incidents',
      'link',
      String(incident['id']),
      String(person['id']),
      '--role',
      'witness',
    ]);
    const shown = await json(['incidents', 'show', String(incident['id'])]);
    expect(shown).toMatchObject({
      facility: 'СИЗО-1',
      acts: ['beating'],
      people: [{ pseudonym: 'Б', role: 'witness' }],
      history: [
        expect.objectContaining({ action: 'incident.created', actor: 'tester' }),
        expect.objectContaining({ action: 'person.linked' }),
      ],
    });
    const refused = await custody([
      '--data',
      data,
      'incidents',
      'create',
      '--title',
      'x',
      '--act',
      'nope',
    ]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('CATALOGUE.INVALID_REFERENCE');
  });
});
