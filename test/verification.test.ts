import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import { isVerified } from '../src/core/verification/status.ts';
import { verifyArchive } from '../src/core/verify.ts';
import { eventsFor } from '../src/db/custody-log.ts';
import { compareTimes, copyOverlayMismatch, signOffRefusal } from '../src/domain/verification.ts';
import { createTestArchive, DATABASES, tempDir } from './helpers/archive.ts';
import { custody } from './helpers/cli.ts';
import { appWithAccounts, call, emailOf, login } from './helpers/web.ts';

const CLIP = 'not really a video\n';

/** Who handed the drive over: must never appear in what the API shows about verification. */
const SOURCE_NAME = 'SENTINEL Пётр Источник';
/** When the camera says it recorded (metadata, UTC) and what its overlay shows (Moscow time). */
const RECORDED_AT = '2020-02-18T11:30:00.000000Z';
const OVERLAY_START = '2020-02-18 14:30:00';
/** The copy starts ten seconds later on the wall clock: its 0 s is the first video's 10 s. */
const COPY_OVERLAY_START = '2020-02-18 14:30:10';

interface View {
  status: string;
  confidence: string | null;
  summary: string;
  updatedBy: string | null;
  updatedAt: string | null;
  signedOffBy: string | null;
  signOff: { allowed: boolean; reason: string | null };
  checks: {
    code: string;
    part: string;
    label: { en: string; ru: string };
    result: string;
    note: string;
    evidence: { type: string; id: string; label: string | null; exists: boolean }[];
  }[];
  history: { action: string; actor: string; status: string | null }[];
}

function video(file: string, pattern: string): void {
  execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
      ...['-i', `${pattern}=duration=2:size=160x120:rate=10`],
      ...['-pix_fmt', 'yuv420p', '-c:v', 'libx264'],
      ...['-metadata', `creation_time=${RECORDED_AT}`, '-y', file],
    ],
    { stdio: 'pipe' },
  );
}

describe('the verification rules', () => {
  it('compares overlay, creation and file times, allowing for a time zone', () => {
    const moscow = compareTimes({
      overlayStart: OVERLAY_START,
      creationTime: RECORDED_AT,
      durationSeconds: 2,
      mtimes: ['2020-02-18T11:30:02Z', '2020-02-18T11:00:00Z', '2021-05-01T00:00:00Z'],
    });
    expect(moscow.overlayVsCreation).toEqual({
      differenceSeconds: 10_800,
      zoneOffsetMinutes: 180,
      verdict: 'zone-offset',
    });
    expect(moscow.files.map((f) => f.verdict)).toEqual([
      'while-recording',
      'before-recording',
      'later',
    ]);
    const off = compareTimes({
      overlayStart: '2020-02-18 11:52:00',
      creationTime: RECORDED_AT,
      durationSeconds: null,
      mtimes: [],
    });
    expect(off.overlayVsCreation?.verdict).toBe('differs');
    expect(
      compareTimes({
        overlayStart: '2020-02-18T11:30:40',
        creationTime: RECORDED_AT,
        durationSeconds: null,
        mtimes: [],
      }).overlayVsCreation,
    ).toEqual({ differenceSeconds: 40, zoneOffsetMinutes: 0, verdict: 'agrees' });
    expect(copyOverlayMismatch(OVERLAY_START, COPY_OVERLAY_START, -10)).toBe(0);
    expect(copyOverlayMismatch(OVERLAY_START, null, -10)).toBeNull();
  });

  it('lets only another person sign off a record in review', () => {
    const at = new Date('2024-01-01T00:00:00Z');
    const record = { status: 'in_review' as const, updatedBy: 'ann', updatedAt: at };
    expect(signOffRefusal(null, 'bob')).toBe('not-in-review');
    expect(signOffRefusal({ ...record, status: 'unverified' }, 'bob')).toBe('not-in-review');
    expect(signOffRefusal(record, 'ann')).toBe('own-work');
    expect(signOffRefusal(record, 'bob', new Date(0))).toBe('changed');
    expect(signOffRefusal(record, 'bob', at)).toBeNull();
  });
});

describe.each(DATABASES)('verification on %s', (database) => {
  let archive: Archive;
  let app: FastifyInstance;
  let itemId: string;
  let copyId: string;
  let noteId: string;
  let segmentId: string;
  let admin: string;
  let investigator: string;
  let reviewer: string;
  let partner: string;
  const itemUrl = (): string => `/api/items/${itemId}/verification`;

  beforeAll(async () => {
    ({ archive } = await createTestArchive(database));
    const source = path.join(await tempDir('verification'), 'drive');
    await fs.mkdir(source);
    video(path.join(source, 'камера-01.mp4'), 'testsrc2');
    video(path.join(source, 'копия.mp4'), 'testsrc');
    await fs.writeFile(path.join(source, 'note.txt'), 'a note\n');
    // The file was last written as the camera closed it, two seconds after it began.
    const closed = new Date('2020-02-18T11:30:02Z');
    await fs.utimes(path.join(source, 'камера-01.mp4'), closed, closed);
    await ingest(archive, {
      source,
      acquisition: { name: 'A', receivedFrom: SOURCE_NAME, receivedAt: '2021-03-14' },
    });
    const idOf = async (p: string): Promise<string> =>
      (
        await archive.db
          .selectFrom('sighting')
          .select('item_id')
          .where('path_display', '=', p)
          .executeTakeFirstOrThrow()
      ).item_id ?? '';
    itemId = await idOf('камера-01.mp4');
    copyId = await idOf('копия.mp4');
    noteId = await idOf('note.txt');
    // What the overlay and fingerprint jobs would have found (they have their own tests).
    const reading = (item_id: string, start: string) => ({
      item_id,
      start,
      device: 'ДОЗОР-77 №0123',
      confidence: 0.9,
      source: 'ocr' as const,
      region: null,
      frames: '[]',
      ocr: JSON.stringify({ start, device: 'ДОЗОР-77 №0123', confidence: 0.9 }),
      read_at: new Date(),
      corrected_by: null,
      corrected_at: null,
    });
    await archive.db
      .insertInto('overlay_reading')
      .values([reading(itemId, OVERLAY_START), reading(copyId, COPY_OVERLAY_START)])
      .execute();
    const [a, b] = [itemId, copyId].sort();
    // b's time = a's time + offset; the copy's time = the first's time - 10 s.
    const offset = a === itemId ? -10 : 10;
    await archive.db
      .insertInto('similar_pair')
      .values({
        a: a ?? '',
        b: b ?? '',
        offset_seconds: offset,
        a_start: a === itemId ? 10 : 0,
        a_end: 2,
        b_start: a === itemId ? 0 : 10,
        b_end: 2,
        matched: 4,
        score: 0.9,
      })
      .execute();
    await archive.db
      .insertInto('item_cluster')
      .values([
        { item_id: itemId, cluster: a ?? '' },
        { item_id: copyId, cluster: a ?? '' },
      ])
      .execute();

    app = await appWithAccounts(archive);
    admin = await login(app, emailOf('admin'));
    investigator = await login(app, emailOf('investigator'));
    reviewer = await login(app, emailOf('reviewer'));
    partner = await login(app, emailOf('partner'));
    const segment = await call(app, investigator, 'POST', '/api/segments', {
      itemId,
      start: 0.5,
      end: 1.5,
      note: 'Удар',
    });
    expect(segment.statusCode, segment.body).toBe(201);
    segmentId = segment.json<{ id: string }>().id;
  });

  afterAll(async () => {
    await app.close();
    await archive.close();
  });

  it('reads an item without a record as unverified, with the whole checklist unchecked', async () => {
    const res = await call(app, reviewer, 'GET', itemUrl());
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json<View>();
    expect(view).toMatchObject({ status: 'unverified', confidence: null, updatedBy: null });
    expect(view.signOff).toEqual({ allowed: false, reason: 'not-in-review' });
    expect(view.checks.map((c) => c.part)).toEqual([
      'technical',
      'technical',
      'technical',
      'technical',
      'source',
      'source',
      'content',
      'content',
      'content',
    ]);
    expect(view.checks.every((c) => c.result === 'not_checked')).toBe(true);
    expect(view.checks.find((c) => c.code === 'place')?.label).toEqual({
      en: 'Place',
      ru: 'Место',
    });
    const asInvestigator = (await call(app, investigator, 'GET', itemUrl())).json<View>();
    expect(asInvestigator.signOff).toEqual({ allowed: false, reason: 'role' });
    const missing = await call(
      app,
      reviewer,
      'GET',
      '/api/items/00000000-0000-4000-8000-000000000000/verification',
    );
    expect(missing.statusCode).toBe(404);
  });

  it('declares access on its routes, answers each role as declared, and documents them', async () => {
    const routes = app.declaredRoutes.filter((r) => r.url.includes('/verification'));
    expect(routes.length).toBe(8);
    const cookies = { admin, investigator, reviewer, partner } as const;
    for (const route of routes) {
      expect(route.access).not.toBe('public');
      for (const [who, cookie] of Object.entries(cookies)) {
        const res = await app.inject({
          method: route.method as 'GET',
          url: route.url.replace(':id', noteId),
          headers: { 'sec-fetch-site': 'same-origin', cookie },
          ...(route.method === 'GET' ? {} : { payload: {} }),
        });
        const allowed = route.access !== 'signed-in' && route.access.includes(who as 'admin');
        const label = `${route.method} ${route.url} as ${who}: ${res.body.slice(0, 200)}`;
        if (allowed) expect([401, 403], label).not.toContain(res.statusCode);
        else expect(res.statusCode, label).toBe(who === 'partner' ? 404 : 403);
      }
      const anonymous = await app.inject({
        method: route.method as 'GET',
        url: route.url.replace(':id', noteId),
      });
      expect(anonymous.statusCode).toBe(401);
    }
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    for (const r of routes)
      expect(doc.paths[r.url.replace(':id', '{id}')]?.[r.method.toLowerCase()]).toBeDefined();
  });

  it('shows no partner anything, and lets no reviewer change the checks', async () => {
    expect((await call(app, partner, 'GET', itemUrl())).statusCode).toBe(404);
    expect((await call(app, partner, 'GET', `${itemUrl()}/hints`)).statusCode).toBe(404);
    const patch = await call(app, reviewer, 'PATCH', itemUrl(), { summary: 'x' });
    expect(patch.statusCode).toBe(403);
    expect(patch.json<{ error: { code: string } }>().error.code).toBe('AUTH.FORBIDDEN');
  });

  it('records checks with notes and evidence links, refusing what does not exist', async () => {
    const res = await call(app, investigator, 'PATCH', itemUrl(), {
      checks: [
        {
          code: 'overlay-vs-file-time',
          result: 'pass',
          note: 'Overlay is Moscow time; metadata is UTC. <b>ok</b>',
          evidence: [
            { type: 'item', id: copyId },
            { type: 'segment', id: segmentId },
          ],
        },
        { code: 'place', result: 'concern', note: 'Corridor not yet matched to the facility' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json<View>();
    expect(view.status).toBe('unverified');
    expect(view.updatedBy).toBe(emailOf('investigator'));
    const check = view.checks.find((c) => c.code === 'overlay-vs-file-time');
    expect(check?.result).toBe('pass');
    expect(check?.note).toContain('<b>ok</b>');
    expect(check?.evidence).toEqual(
      expect.arrayContaining([
        { type: 'item', id: copyId, label: 'копия.mp4', exists: true },
        expect.objectContaining({ type: 'segment', id: segmentId, exists: true }),
      ]),
    );
    // A patch changes what it names: the note stays when only the result changes.
    const again = await call(app, investigator, 'PATCH', itemUrl(), {
      checks: [{ code: 'place', result: 'pass' }],
    });
    const place = again.json<View>().checks.find((c) => c.code === 'place');
    expect(place).toMatchObject({
      result: 'pass',
      note: 'Corridor not yet matched to the facility',
    });

    const unknown = await call(app, investigator, 'PATCH', itemUrl(), {
      checks: [
        {
          code: 'place',
          evidence: [{ type: 'claim', id: '00000000-0000-4000-8000-000000000000' }],
        },
      ],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ error: { code: string } }>().error.code).toBe(
      'CATALOGUE.INVALID_REFERENCE',
    );
    for (const body of [
      {},
      { status: 'verified' },
      { checks: [{ code: 'no-such-check', result: 'pass' }] },
      { checks: [{ code: 'place', result: 'maybe' }] },
    ]) {
      const bad = await call(app, investigator, 'PATCH', itemUrl(), body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(bad.json<{ error: { code: string } }>().error.code).toBe('REQUEST.INVALID');
    }
  });

  it('computes hints: overlay against creation and file times, copies, custody log', async () => {
    const res = await call(app, reviewer, 'GET', `${itemUrl()}/hints`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain('SENTINEL');
    const hints = res.json<{
      time: {
        overlay: { start: string; device: string };
        creationTime: string;
        overlayVsCreation: { differenceSeconds: number; zoneOffsetMinutes: number };
        files: { path: string; mtime: string; verdict: string }[];
      };
      copies: {
        members: number;
        similar: { itemId: string; overlayAgrees: boolean; overlayMismatchSeconds: number }[];
      };
      source: {
        acquisitions: { name: string; receivedAt: string; receivedFromRecorded: boolean }[];
      };
      custody: { events: number; intact: boolean; archiveCheck: unknown };
    }>();
    expect(hints.time.overlay).toMatchObject({
      start: '2020-02-18T14:30:00',
      device: 'ДОЗОР-77 №0123',
    });
    expect(hints.time.creationTime).toMatch(/^2020-02-18T11:30:00/);
    expect(hints.time.overlayVsCreation).toMatchObject({
      differenceSeconds: 10_800,
      zoneOffsetMinutes: 180,
    });
    expect(hints.time.files).toEqual([
      expect.objectContaining({ path: 'камера-01.mp4', verdict: 'while-recording' }),
    ]);
    expect(hints.copies.members).toBe(2);
    expect(hints.copies.similar).toEqual([
      expect.objectContaining({ itemId: copyId, overlayAgrees: true, overlayMismatchSeconds: 0 }),
    ]);
    expect(hints.source.acquisitions).toEqual([
      expect.objectContaining({ name: 'A', receivedAt: '2021-03-14', receivedFromRecorded: true }),
    ]);
    expect(hints.custody.intact).toBe(true);
    expect(hints.custody.events).toBeGreaterThanOrEqual(3); // ingested, sighting, probed
    expect(hints.custody.archiveCheck).toBeNull(); // verify has not run yet
  });

  it('needs a second person to sign off: not the author, not an investigator', async () => {
    const ready = await call(app, investigator, 'PATCH', itemUrl(), {
      status: 'in_review',
      confidence: 'medium',
      summary: 'Checks done; ready for review.',
    });
    expect(ready.json<View>()).toMatchObject({ status: 'in_review', confidence: 'medium' });
    const refused = await call(app, investigator, 'POST', `${itemUrl()}/sign-off`, {
      status: 'verified',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('AUTH.FORBIDDEN');

    // The admin edits the summary: now the admin is the author and may not sign it off.
    const edited = await call(app, admin, 'PATCH', itemUrl(), {
      summary: 'Checks done; the overlay is in Moscow time.',
    });
    const seen = edited.json<View>();
    expect(seen.signOff).toEqual({ allowed: false, reason: 'own-work' });
    const own = await call(app, admin, 'POST', `${itemUrl()}/sign-off`, { status: 'verified' });
    expect(own.statusCode).toBe(403);
    expect(own.json<{ error: { code: string } }>().error.code).toBe('VERIFICATION.OWN_WORK');

    // A reviewer who looked at an older version is told it changed.
    const stale = await call(app, reviewer, 'POST', `${itemUrl()}/sign-off`, {
      status: 'verified',
      seen: ready.json<View>().updatedAt,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<{ error: { code: string } }>().error.code).toBe('VERIFICATION.CHANGED');

    expect((await call(app, reviewer, 'GET', itemUrl())).json<View>().signOff).toEqual({
      allowed: true,
      reason: null,
    });
    const signed = await call(app, reviewer, 'POST', `${itemUrl()}/sign-off`, {
      status: 'verified',
      confidence: 'high',
      note: 'Checked the overlay and the copy myself.',
      seen: seen.updatedAt,
    });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json<View>()).toMatchObject({
      status: 'verified',
      confidence: 'high',
      signedOffBy: emailOf('reviewer'),
      updatedBy: emailOf('admin'),
    });
    expect(await isVerified(archive.db, { type: 'item', id: itemId })).toBe(true);
    const twice = await call(app, reviewer, 'POST', `${itemUrl()}/sign-off`, {
      status: 'disputed',
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json<{ error: { code: string } }>().error.code).toBe('VERIFICATION.NOT_IN_REVIEW');
  });

  it('filters the item list by verification status and shows it on every item', async () => {
    const list = async (query: string): Promise<{ id: string; verification: string }[]> => {
      const res = await call(app, reviewer, 'GET', `/api/items?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: { id: string; verification: string }[] }>().items;
    };
    expect((await list('verification=verified')).map((i) => i.id)).toEqual([itemId]);
    const unverified = (await list('verification=unverified')).map((i) => i.id);
    expect(unverified.sort()).toEqual([copyId, noteId].sort());
    expect((await list('verification=in_review')).length).toBe(0);
    expect((await list('')).find((i) => i.id === copyId)?.verification).toBe('unverified');
    const item = await call(app, reviewer, 'GET', `/api/items/${itemId}`);
    expect(item.json<{ verification: string }>().verification).toBe('verified');
    expect((await call(app, reviewer, 'GET', '/api/items?verification=maybe')).statusCode).toBe(
      400,
    );
  });

  it('reopens a signed-off record when its content changes', async () => {
    const res = await call(app, investigator, 'PATCH', itemUrl(), {
      checks: [{ code: 'no-editing', result: 'concern', note: 'A jump of 2 s at 0:01' }],
    });
    expect(res.json<View>()).toMatchObject({
      status: 'in_review',
      signedOffBy: null,
      updatedBy: emailOf('investigator'),
    });
    expect(await isVerified(archive.db, { type: 'item', id: itemId })).toBe(false);
    const disputed = await call(app, reviewer, 'POST', `${itemUrl()}/sign-off`, {
      status: 'disputed',
    });
    expect(disputed.json<View>().status).toBe('disputed');
  });

  it('verifies incidents, with their items in the hints, and filters the incident list', async () => {
    const created = await call(app, investigator, 'POST', '/api/incidents', {
      title: 'Избиение в коридоре',
    });
    const incidentId = created.json<{ id: string }>().id;
    const other = (
      await call(app, investigator, 'POST', '/api/incidents', { title: 'Другое' })
    ).json<{ id: string }>().id;
    await call(app, investigator, 'PATCH', `/api/segments/${segmentId}`, { incidentId });
    const source = await call(app, investigator, 'POST', '/api/sources', {
      outlet: 'Новая газета',
      title: 'Видео из колонии',
    });
    const claim = await call(app, investigator, 'POST', '/api/claims', {
      sourceId: source.json<{ id: string }>().id,
      quote: 'На видео избиение в коридоре.',
      incidents: [incidentId],
    });
    expect(claim.statusCode, claim.body).toBe(201);
    const claimId = claim.json<{ id: string }>().id;

    const url = `/api/incidents/${incidentId}/verification`;
    const hints = await call(app, reviewer, 'GET', `${url}/hints`);
    expect(hints.statusCode, hints.body).toBe(200);
    expect(hints.json()).toMatchObject({
      segments: 1,
      itemCount: 1,
      items: [{ itemId, verification: 'disputed', segments: [{ id: segmentId }] }],
      claims: [{ id: claimId, outlet: 'Новая газета' }],
      custody: { intact: true },
    });
    const patched = await call(app, investigator, 'PATCH', url, {
      status: 'in_review',
      checks: [
        { code: 'time', result: 'pass', evidence: [{ type: 'claim', id: claimId }] },
        { code: 'place', result: 'fail', evidence: [{ type: 'item', id: itemId }] },
      ],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const signed = await call(app, reviewer, 'POST', `${url}/sign-off`, { status: 'rejected' });
    expect(signed.json<View>().status).toBe('rejected');

    const list = async (query: string) =>
      (await call(app, reviewer, 'GET', `/api/incidents?${query}`)).json<{
        incidents: { id: string; verification: string }[];
      }>().incidents;
    expect((await list('verification=rejected')).map((i) => [i.id, i.verification])).toEqual([
      [incidentId, 'rejected'],
    ]);
    expect((await list('verification=unverified')).map((i) => i.id)).toEqual([other]);
    expect((await list('verification=verified')).length).toBe(0);
    const events = await eventsFor(archive.db, 'incident', incidentId);
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['verification.updated', 'verification.signed-off']),
    );
  });

  it('writes every change to the custody log, and the archive still verifies', async () => {
    const events = (await eventsFor(archive.db, 'item', itemId)).filter((e) =>
      e.action.startsWith('verification.'),
    );
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['verification.updated', emailOf('investigator')],
      ['verification.updated', emailOf('investigator')],
      ['verification.updated', emailOf('investigator')],
      ['verification.updated', emailOf('admin')],
      ['verification.signed-off', emailOf('reviewer')],
      ['verification.updated', emailOf('investigator')],
      ['verification.signed-off', emailOf('reviewer')],
    ]);
    expect(events[4]?.payload).toMatchObject({
      status: 'verified',
      from: 'in_review',
      author: emailOf('admin'),
    });
    expect(events[5]?.payload).toMatchObject({
      from: 'verified',
      status: 'in_review',
      reopened: true,
    });
    const history = (await call(app, reviewer, 'GET', itemUrl())).json<View>().history;
    expect(history).toHaveLength(7);
    const report = await verifyArchive(archive, { quick: true });
    expect(report.problems).toEqual([]);
    const hints = await call(app, reviewer, 'GET', `${itemUrl()}/hints`);
    expect(
      hints.json<{ custody: { intact: boolean; archiveCheck: { ok: boolean } } }>().custody,
    ).toMatchObject({ intact: true, archiveCheck: { ok: true } });
  });
});

describe('verification from the command line', () => {
  it('records checks, refuses the author’s sign-off, takes another’s, and filters items', async () => {
    const dir = await tempDir('cli-verification');
    const data = path.join(dir, 'archive');
    const drive = path.join(dir, 'drive');
    await fs.mkdir(drive);
    await fs.writeFile(path.join(drive, 'clip.mp4'), CLIP);
    await fs.writeFile(path.join(drive, 'other.txt'), 'other\n');
    expect((await custody(['init', data])).code).toBe(0);
    expect((await custody(['--data', data, 'ingest', drive, '-a', 'A', '-q'])).code).toBe(0);
    const json = async (args: string[], actor = 'alice'): Promise<Record<string, unknown>> => {
      const r = await custody(['--data', data, '--json', ...args], { CUSTODY_ACTOR: actor });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const id = createHash('sha256').update(CLIP).digest('hex').slice(0, 10);
    const set = await json(['verification', 'set', id, '--status', 'in_review']);
    expect(set).toMatchObject({ status: 'in_review', updatedBy: 'alice' });
    const clipId = (set['subject'] as { id: string }).id;
    await json([
      'verification',
      'check',
      id,
      'chain-of-custody',
      '--result',
      'pass',
      '--note',
      'Hashed on arrival',
      '--evidence',
      `item:${clipId}`,
    ]);
    const own = await custody(
      ['--data', data, '--json', 'verification', 'sign-off', id, '--status', 'verified'],
      { CUSTODY_ACTOR: 'alice' },
    );
    expect(own.code).toBe(4);
    expect(own.stderr).toContain('VERIFICATION.OWN_WORK');
    const signed = await json(['verification', 'sign-off', id, '--status', 'verified'], 'bob');
    expect(signed).toMatchObject({ status: 'verified', signedOffBy: 'bob' });
    const shown = await json(['verification', 'show', id, '--hints']);
    const custodyCheck = (shown['checks'] as View['checks']).find(
      (c) => c.code === 'chain-of-custody',
    );
    expect(custodyCheck).toMatchObject({ result: 'pass', note: 'Hashed on arrival' });
    expect(custodyCheck?.evidence).toEqual([
      { type: 'item', id: clipId, label: 'clip.mp4', exists: true },
    ]);
    expect(shown['hints']).toMatchObject({ custody: { intact: true } });
    const verified = (await json(['items', 'list', '--verification', 'verified'])) as unknown as {
      id: string;
      verification: string;
    }[];
    expect(verified.map((i) => [i.id, i.verification])).toEqual([[clipId, 'verified']]);
    const usage = await custody(['--data', data, 'items', 'list', '--verification', 'maybe']);
    expect(usage.code).toBe(2);
  });
});
