import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../src/archive.ts';
import { ingest } from '../src/core/ingest/ingest.ts';
import type { JobContext } from '../src/core/jobs/catalogue.ts';
import { jobHandlers } from '../src/core/jobs/handlers.ts';
import { redactionPath } from '../src/core/redaction/render.ts';
import { verifyArchive } from '../src/core/verify.ts';
import { buildApp } from '../src/server/app.ts';
import { writeReleaseSite } from '../src/server/published/site.ts';
import { makeCameraClips } from './fixtures/camera-clip.ts';
import { createTestArchive, DATABASES, tempDir } from './helpers/archive.ts';
import { appWithAccounts, call, emailOf, login, PASSWORD, SAME_ORIGIN } from './helpers/web.ts';

/**
 * Redaction and staged release end to end through the API, on a real video with real faces:
 * redact (face tracks pre-filled), render with ffmpeg, review by a second person, release to a
 * partner and to the public under an embargo (an injected clock), share links, revocation, the
 * static site, and what must never happen: a partner learning that anything unshared exists, or
 * anything identifying leaving in what outsiders receive (sentinel strings planted everywhere).
 */

const SENTINELS = {
  folder: 'SENTINEL-FOLDER-Корпус',
  file: 'SENTINEL-FILE-камера.mp4',
  acquisition: 'SENTINEL-ACQUISITION',
  metadata: 'SENTINEL-METADATA',
  device: 'SENTINEL-DEVICE-77',
  realName: 'SENTINEL-REALNAME Иванов',
  personNote: 'SENTINEL-PERSON-NOTE',
  incidentDescription: 'SENTINEL-INCIDENT-DESCRIPTION',
  incidentTitle: 'SENTINEL-INCIDENT-TITLE',
  segmentNote: 'SENTINEL-SEGMENT-NOTE',
  redactionTitle: 'SENTINEL-REDACTION-TITLE',
  reviewNote: 'SENTINEL-REVIEW-NOTE',
} as const;

const T0 = new Date('2026-11-23T10:00:00.000Z');
const hours = (n: number): Date => new Date(T0.getTime() + n * 3600_000);

/** A clock the test moves: embargoes and expiries without waiting. */
class TestClock {
  current = T0;
  now(): Date {
    return this.current;
  }
}

function jobContext(): JobContext {
  return {
    id: 'test',
    retryCount: 0,
    signal: new AbortController().signal,
    progress: () => undefined,
  };
}

describe.each(DATABASES)('redaction and release on %s', (database) => {
  let archive: Archive;
  let app: FastifyInstance;
  const clock = new TestClock();
  const cookies: Record<'admin' | 'investigator' | 'reviewer' | 'partner' | 'partner2', string> = {
    admin: '',
    investigator: '',
    reviewer: '',
    partner: '',
    partner2: '',
  };
  let itemId: string;
  let itemSha: string;
  let incidentId: string;
  let personId: string;
  let segmentId: string;
  let redaction: { id: string; version: number };
  let partnersRelease: string;
  let publicRelease: string;
  const logs: string[] = [];
  const tokens: string[] = [];
  /** Everything people outside received, to search for sentinels. */
  const outside: { what: string; body: string }[] = [];
  const seen = (what: string, res: LightMyRequestResponse): LightMyRequestResponse => {
    outside.push({ what, body: res.rawPayload.toString('latin1') + res.body });
    return res;
  };

  const handlers = () => jobHandlers(archive);

  /** Moves the clock (sessions end after an hour without use, so everyone signs in again). */
  const advance = async (to: Date): Promise<void> => {
    clock.current = to;
    for (const role of ['admin', 'investigator', 'reviewer', 'partner'] as const)
      cookies[role] = await login(app, emailOf(role));
    cookies.partner2 = await login(app, 'partner2@example.org');
  };

  beforeAll(async () => {
    ({ archive } = await createTestArchive(database));
    const dir = await tempDir('release');
    const folder = path.join(dir, 'drive', SENTINELS.folder);
    makeCameraClips(path.join(dir, 'made'), { original: 'clip.mp4', cut: 'cut.mp4' });
    await fs.mkdir(folder, { recursive: true });
    // Hostile metadata in the original: it must not reach a release.
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-i', path.join(dir, 'made', 'clip.mp4'), '-f', 'lavfi'],
      ...['-i', 'sine=f=300:d=12', '-map', '0:v', '-map', '1:a', '-c:v', 'copy', '-c:a', 'aac'],
      ...['-metadata', `title=${SENTINELS.metadata}`, '-metadata', `comment=${SENTINELS.device}`],
      ...['-metadata', 'location=+55.7558+037.6173/', '-shortest'],
      path.join(folder, SENTINELS.file),
    ]);
    await ingest(archive, {
      source: path.join(dir, 'drive'),
      acquisition: { name: SENTINELS.acquisition },
    });
    const item = await archive.db
      .selectFrom('item')
      .select(['id', 'sha256'])
      .executeTakeFirstOrThrow();
    itemId = item.id;
    itemSha = item.sha256;
    await handlers()['media.faces']({ itemId }, jobContext());
    await handlers()['media.proxy']({ itemId }, jobContext());
    // Accounts as people make them; then the app under test, with its request log.
    await (await appWithAccounts({ ...archive, clock })).close();
    app = await buildApp(
      { ...archive, clock },
      { logStream: { write: (line) => logs.push(line) } },
    );
    for (const role of ['admin', 'investigator', 'reviewer', 'partner'] as const)
      cookies[role] = await login(app, emailOf(role));
    // A second partner, with whom nothing is shared.
    const invite = await call(app, cookies.admin, 'POST', '/api/invitations', { role: 'partner' });
    const accepted = await app.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      headers: SAME_ORIGIN,
      payload: {
        token: invite.json<{ token: string }>().token,
        email: 'partner2@example.org',
        displayName: 'Other Outlet',
        password: PASSWORD,
      },
    });
    expect(accepted.statusCode, accepted.body).toBe(201);
    cookies.partner2 = await login(app, 'partner2@example.org');

    const inv = cookies.investigator;
    const facility = await call(app, inv, 'POST', '/api/facilities', { name: 'ИК-1 Ярославль' });
    incidentId = (
      await call(app, inv, 'POST', '/api/incidents', {
        title: SENTINELS.incidentTitle,
        startsAt: '2020-02-18T14:22:00+03:00',
        facilityId: facility.json<{ id: string }>().id,
        description: SENTINELS.incidentDescription,
        acts: ['beating'],
      })
    ).json<{ id: string }>().id;
    personId = (
      await call(app, inv, 'POST', '/api/people', {
        pseudonym: 'Заключённый А',
        realName: SENTINELS.realName,
        note: SENTINELS.personNote,
      })
    ).json<{ id: string }>().id;
    const segment = await call(app, inv, 'POST', '/api/segments', {
      itemId,
      start: 2,
      end: 8,
      incidentId,
      note: SENTINELS.segmentNote,
      people: [personId],
    });
    expect(segment.statusCode, segment.body).toBe(201);
    segmentId = segment.json<{ id: string }>().id;
    const overlay = await app.inject({
      method: 'PUT',
      url: `/api/items/${itemId}/overlay`,
      headers: { ...SAME_ORIGIN, cookie: inv },
      payload: { start: '2020-02-18 14:22:05', device: SENTINELS.device },
    });
    expect([200, 201], overlay.body).toContain(overlay.statusCode);
  }, 240_000);

  afterAll(async () => {
    await app.close();
    await archive.close();
  });

  it('starts a redaction of a segment with the face tracks as opaque masks, cut to the segment', async () => {
    const res = await call(app, cookies.investigator, 'POST', `/api/items/${itemId}/redactions`, {
      segmentId,
      title: SENTINELS.redactionTitle,
    });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json<{
      id: string;
      version: number;
      status: string;
      spec: { masks: { fill: string; track?: number }[]; cut: { start: number; end: number } };
    }>();
    expect(r.status).toBe('draft');
    expect(r.spec.cut).toEqual({ start: 2, end: 8 });
    expect(r.spec.masks.length).toBeGreaterThan(0);
    expect(r.spec.masks.every((m) => m.fill === 'opaque' && m.track !== undefined)).toBe(true);
    redaction = { id: r.id, version: r.version };
    // A reviewer may read it but not change it; a partner is told nothing exists.
    expect((await call(app, cookies.reviewer, 'GET', `/api/redactions/${r.id}`)).statusCode).toBe(
      200,
    );
    const patch = await call(app, cookies.reviewer, 'PATCH', `/api/redactions/${r.id}`, {
      version: 1,
    });
    expect(patch.statusCode).toBe(403);
    expect((await call(app, cookies.partner, 'GET', `/api/redactions/${r.id}`)).statusCode).toBe(
      404,
    );
  });

  it('changes the decisions with the version it loaded, refusing a stale one', async () => {
    const current = (
      await call(app, cookies.investigator, 'GET', `/api/redactions/${redaction.id}`)
    ).json<{
      spec: { masks: unknown[]; audio: unknown[]; cut: unknown };
    }>();
    const spec = {
      ...current.spec,
      masks: [
        ...current.spec.masks,
        {
          id: 'm1',
          fill: 'blur',
          start: 3,
          end: 5,
          keyframes: [{ t: 3, x: 0.05, y: 0.6, w: 0.2, h: 0.2 }],
        },
      ],
      audio: [{ start: 4, end: 5, mode: 'bleep' }],
    };
    // The admin adds to it: now the admin is one of its authors too.
    const res = await call(app, cookies.admin, 'PATCH', `/api/redactions/${redaction.id}`, {
      version: redaction.version,
      spec,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ version: number }>().version).toBe(2);
    const stale = await call(
      app,
      cookies.investigator,
      'PATCH',
      `/api/redactions/${redaction.id}`,
      {
        version: redaction.version,
        title: 'x',
      },
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json<{ error: { code: string } }>().error.code).toBe('REDACTION.CHANGED');
    const bad = await call(app, cookies.investigator, 'PATCH', `/api/redactions/${redaction.id}`, {
      version: 2,
      spec: { masks: [{ id: 'x', start: 5, end: 1, keyframes: [] }], audio: [], cut: null },
    });
    expect(bad.statusCode).toBe(400);
    redaction.version = 2;
  });

  it('renders it, records parent hash and decisions, and needs a second person to approve', async () => {
    const queued = await call(
      app,
      cookies.investigator,
      'POST',
      `/api/redactions/${redaction.id}/render`,
    );
    expect(queued.statusCode, queued.body).toBe(202);
    expect(queued.json<{ status: string }>().status).toBe('rendering');
    await handlers()['media.redact'](
      { redactionId: redaction.id, itemId, version: 2 },
      jobContext(),
    );
    const r = (await call(app, cookies.reviewer, 'GET', `/api/redactions/${redaction.id}`)).json<{
      status: string;
      render: { version: number; current: boolean; sha256: string } | null;
      canReview: boolean;
      facesFlagged: number;
      history: { action: string }[];
    }>();
    expect(r.status).toBe('rendered');
    expect(r.render?.current).toBe(true);
    expect(r.canReview).toBe(true);
    expect(r.history.map((h) => h.action)).toEqual([
      'redaction.created',
      'redaction.updated',
      'redaction.rendered',
    ]);
    const event = await archive.db
      .selectFrom('custody_event')
      .select(['payload'])
      .where('action', '=', 'redaction.rendered')
      .executeTakeFirstOrThrow();
    const payload = (
      typeof event.payload === 'string' ? JSON.parse(event.payload) : event.payload
    ) as {
      parent: string;
      sha256: string;
      decisions: { masks: unknown[]; cut: unknown };
    };
    expect(payload.parent).toBe(itemSha);
    expect(payload.sha256).toBe(r.render?.sha256);
    expect(payload.decisions.cut).toEqual({ start: 2, end: 8 });
    // Investigators do not review; an author (the admin changed it) may not either.
    const investigator = await call(
      app,
      cookies.investigator,
      'POST',
      `/api/redactions/${redaction.id}/review`,
      {
        decision: 'approve',
        version: 2,
      },
    );
    expect(investigator.statusCode).toBe(403);
    const own = await call(app, cookies.admin, 'POST', `/api/redactions/${redaction.id}/review`, {
      decision: 'approve',
      version: 2,
      note: 'ok',
    });
    expect(own.statusCode).toBe(403);
    expect(own.json<{ error: { code: string } }>().error.code).toBe('REDACTION.OWN_WORK');
    const note = r.facesFlagged > 0 ? { note: 'flagged frames checked: the masks cover them' } : {};
    const approved = await call(
      app,
      cookies.reviewer,
      'POST',
      `/api/redactions/${redaction.id}/review`,
      {
        decision: 'approve',
        version: 2,
        ...note,
      },
    );
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json<{ status: string }>().status).toBe('approved');
    const locked = await call(
      app,
      cookies.investigator,
      'PATCH',
      `/api/redactions/${redaction.id}`,
      {
        version: 2,
        title: 'x',
      },
    );
    expect(locked.json<{ error: { code: string } }>().error.code).toBe('REDACTION.LOCKED');
  });

  it('refuses a review by the author, and approval of a stale or unrendered version', async () => {
    const other = await call(app, cookies.investigator, 'POST', `/api/items/${itemId}/redactions`, {
      prefillFaces: false,
    });
    const id = other.json<{ id: string }>().id;
    const early = await call(app, cookies.reviewer, 'POST', `/api/redactions/${id}/review`, {
      decision: 'approve',
      version: 1,
    });
    expect(early.statusCode).toBe(409);
    expect(early.json<{ error: { code: string } }>().error.code).toBe('REDACTION.NOT_RENDERED');
    await call(app, cookies.investigator, 'POST', `/api/redactions/${id}/render`);
    await handlers()['media.redact']({ redactionId: id, itemId, version: 1 }, jobContext());
    // An investigator who is also an admin-free author: the database refuses as well.
    await expect(
      archive.db
        .updateTable('redaction')
        .set({ reviewed_by: emailOf('investigator') })
        .where('id', '=', id)
        .execute(),
    ).rejects.toThrow();
    const flagged = (await call(app, cookies.reviewer, 'GET', `/api/redactions/${id}`)).json<{
      facesFlagged: number;
    }>().facesFlagged;
    expect(flagged).toBeGreaterThan(0); // no masks at all: the face check sees the faces
    const noNote = await call(app, cookies.reviewer, 'POST', `/api/redactions/${id}/review`, {
      decision: 'approve',
      version: 1,
    });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json<{ error: { message: string } }>().error.message).toMatch(/face check/);
    const back = await call(app, cookies.reviewer, 'POST', `/api/redactions/${id}/review`, {
      decision: 'return',
      version: 1,
      note: SENTINELS.reviewNote,
    });
    expect(back.json<{ status: string }>().status).toBe('returned');
  });

  it('assembles a partners release that only a second person can approve', async () => {
    const partnerId = (await call(app, cookies.investigator, 'GET', '/api/partners'))
      .json<{ partners: { id: string; email: string }[] }>()
      .partners.find((p) => p.email === emailOf('partner'))?.id;
    expect(partnerId).toBeDefined();
    const created = await call(app, cookies.investigator, 'POST', '/api/releases', {
      title: 'Колония №1: первые видео',
      summary: 'Что мы публикуем и почему.',
      contentWarning: 'Насилие',
      audience: 'partners',
      embargoAt: hours(1).toISOString(),
      videos: [{ redactionId: redaction.id, caption: 'Коридор, 18 февраля 2020' }],
      texts: [{ incidentId, heading: 'Избиение в коридоре', body: 'Краткое описание без имён.' }],
      partners: [partnerId],
    });
    expect(created.statusCode, created.body).toBe(201);
    partnersRelease = created.json<{ id: string }>().id;
    const step = (who: string, what: string, version = 1) =>
      call(app, who, 'POST', `/api/releases/${partnersRelease}/${what}`, { version });
    expect((await step(cookies.reviewer, 'approve')).statusCode).toBe(409); // not submitted
    const edited = await call(app, cookies.admin, 'PATCH', `/api/releases/${partnersRelease}`, {
      version: 1,
      summary: 'Что мы публикуем, почему и когда.',
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await step(cookies.investigator, 'submit', 2)).statusCode).toBe(200);
    const edit = await call(
      app,
      cookies.investigator,
      'PATCH',
      `/api/releases/${partnersRelease}`,
      {
        version: 2,
        title: 'x',
      },
    );
    expect(edit.json<{ error: { code: string } }>().error.code).toBe('RELEASE.LOCKED');
    expect((await step(cookies.investigator, 'approve', 2)).statusCode).toBe(403);
    const own = await step(cookies.admin, 'approve', 2);
    expect(own.json<{ error: { code: string } }>().error.code).toBe('RELEASE.OWN_WORK');
    const view = await call(app, cookies.reviewer, 'GET', `/api/releases/${partnersRelease}`);
    expect(view.json<{ canApprove: boolean }>().canApprove).toBe(true);
    const approved = await step(cookies.reviewer, 'approve', 2);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json<{ status: string; published: boolean }>()).toMatchObject({
      status: 'approved',
      published: false,
    });
    // The accountability view of the incident lists what was released about it.
    const accountability = await call(
      app,
      cookies.reviewer,
      'GET',
      `/api/accountability?incident=${incidentId}`,
    );
    expect(accountability.json<{ releases: { id: string; status: string }[] }>().releases).toEqual([
      expect.objectContaining({ id: partnersRelease, status: 'approved', audience: 'partners' }),
    ]);
  });

  it('keeps an embargoed release invisible until its time, then shows it to its partner only', async () => {
    const list = () => call(app, cookies.partner, 'GET', '/api/shared/releases');
    const one = (who: string) => call(app, who, 'GET', `/api/shared/releases/${partnersRelease}`);
    expect((await list()).json<{ releases: unknown[] }>().releases).toEqual([]);
    expect((await one(cookies.partner)).statusCode).toBe(404);
    expect(
      (await call(app, cookies.partner, 'GET', `/api/shared/releases/${partnersRelease}/videos/1`))
        .statusCode,
    ).toBe(404);
    await advance(hours(2));
    const shown = seen('partner release', await one(cookies.partner));
    expect(shown.statusCode).toBe(200);
    const body = shown.json<{
      title: string;
      videos: { position: number }[];
      texts: { incident: { facility: string } }[];
    }>();
    expect(body.title).toBe('Колония №1: первые видео');
    expect(body.videos).toHaveLength(1);
    expect(body.texts[0]?.incident.facility).toBe('ИК-1 Ярославль');
    seen('partner list', await list());
    // The other partner: the same "not found" as an id that never existed.
    const other = await one(cookies.partner2);
    expect(other.statusCode).toBe(404);
    const never = await call(
      app,
      cookies.partner2,
      'GET',
      `/api/shared/releases/00000000-0000-4000-8000-000000000000`,
    );
    expect(other.body).toBe(never.body);
    expect(
      (await call(app, cookies.partner2, 'GET', '/api/shared/releases')).json<{
        releases: unknown[];
      }>().releases,
    ).toEqual([]);
  });

  it('plays, shows posters of the redacted render, and downloads a watermarked copy, all recorded', async () => {
    const base = `/api/shared/releases/${partnersRelease}/videos/1`;
    const video = seen('partner video', await call(app, cookies.partner, 'GET', base));
    expect(video.statusCode).toBe(200);
    expect(video.headers['content-type']).toBe('video/mp4');
    expect(video.headers['cache-control']).toBe('no-store');
    const rendered = await fs.readFile(redactionPath(archive.derivativesDir, redaction.id, 2));
    expect(video.rawPayload.equals(rendered)).toBe(true);
    const poster = seen(
      'partner poster',
      await call(app, cookies.partner, 'GET', `${base}/poster`),
    );
    expect(poster.statusCode).toBe(200);
    expect(poster.headers['content-type']).toBe('image/jpeg');
    expect(
      (await call(app, cookies.partner, 'GET', `/api/shared/releases/${partnersRelease}/videos/2`))
        .statusCode,
    ).toBe(404);
    const download = seen(
      'partner download',
      await call(app, cookies.partner, 'GET', `${base}/download`),
    );
    expect(download.statusCode, download.body.slice(0, 300)).toBe(200);
    expect(download.headers['content-disposition']).toMatch(
      /^attachment; filename="release-[0-9a-f]{8}-1\.mp4"$/,
    );
    const file = path.join(await tempDir('download'), 'd.mp4');
    await fs.writeFile(file, download.rawPayload);
    const probe = JSON.parse(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file],
        { encoding: 'utf8' },
      ),
    ) as { streams: { codec_type: string }[]; format: { tags?: Record<string, string> } };
    expect(probe.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(download.rawPayload.equals(rendered)).toBe(false); // a render of its own, watermarked
    const access = (
      await call(app, cookies.investigator, 'GET', `/api/releases/${partnersRelease}`)
    ).json<{
      access: { recipient: string; action: string; position: number | null }[];
    }>().access;
    const actions = access.map((a) => a.action).sort();
    expect(actions).toEqual(['download', 'play', 'view']);
    expect(access.every((a) => a.recipient.includes(emailOf('partner')))).toBe(true);
    const csv = await call(
      app,
      cookies.reviewer,
      'GET',
      `/api/releases/${partnersRelease}/access.csv`,
    );
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('at,recipient,action,video');
    expect(lines.slice(1).map((l) => l.split(',').at(-2))).toEqual(['view', 'play', 'download']);
    const hidden = await call(
      app,
      cookies.partner,
      'GET',
      `/api/releases/${partnersRelease}/access.csv`,
    );
    expect(hidden.statusCode).toBe(404);
  });

  it('gives a partner 404 for everything not released to it, by id guessing too', async () => {
    const release = await archive.db.selectFrom('release').select('id').executeTakeFirstOrThrow();
    const event = await archive.db
      .selectFrom('custody_event')
      .select('seq')
      .executeTakeFirstOrThrow();
    const ids = [
      itemId,
      incidentId,
      personId,
      segmentId,
      redaction.id,
      release.id,
      String(event.seq),
    ];
    let tried = 0;
    for (const route of app.declaredRoutes) {
      if (route.method !== 'GET' || route.access === 'public' || route.access === 'signed-in')
        continue;
      if (route.access.includes('partner')) continue;
      for (const id of ids) {
        const url = route.url.replace(':id', id).replace(':linkId', id).replace(':n', '1');
        const res = await call(app, cookies.partner, 'GET', url);
        expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(404);
        expect(res.body).toBe(
          '{"error":{"code":"NOT_FOUND","message":"No such page or API route.","hint":null}}',
        );
        tried += 1;
      }
    }
    expect(tried).toBeGreaterThan(100);
    for (const url of [
      `/api/items/${itemId}/proxy`,
      `/api/items/${itemId}/poster`,
      `/api/items/${itemId}/contact-sheet`,
      `/api/items/${itemId}/original`,
      `/api/incidents/${incidentId}`,
      `/api/people/${personId}`,
      `/api/redactions/${redaction.id}/video`,
    ])
      expect((await call(app, cookies.partner, 'GET', url)).statusCode, url).toBe(404);
  });

  it('publishes a public release at its embargo time, on the API, the pages and the static site', async () => {
    const created = await call(app, cookies.investigator, 'POST', '/api/releases', {
      title: 'Public: corridor video <script>alert(1)</script>',
      contentWarning: 'Violence against prisoners',
      audience: 'public',
      embargoAt: hours(3).toISOString(),
      videos: [{ redactionId: redaction.id }],
      texts: [{ incidentId, heading: 'What happened', body: 'Written for the public.' }],
    });
    publicRelease = created.json<{ id: string }>().id;
    await call(app, cookies.investigator, 'POST', `/api/releases/${publicRelease}/submit`, {
      version: 1,
    });
    const ok = await call(app, cookies.reviewer, 'POST', `/api/releases/${publicRelease}/approve`, {
      version: 1,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const anonymous = (url: string) => app.inject({ method: 'GET', url });
    expect(
      (await anonymous('/api/public/releases')).json<{ releases: unknown[] }>().releases,
    ).toEqual([]);
    const early = await anonymous(`/published/${publicRelease}?lang=en`);
    expect(early.statusCode).toBe(404);
    expect(early.body).toContain('Not available');
    expect((await anonymous(`/api/public/releases/${publicRelease}/videos/1`)).statusCode).toBe(
      404,
    );
    expect((await anonymous(`/api/public/releases/${partnersRelease}`)).statusCode).toBe(404);
    await advance(hours(4));
    const page = seen('public page', await anonymous(`/published/${publicRelease}?lang=en`));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Violence against prisoners');
    expect(page.body).toContain(`/api/public/releases/${publicRelease}/videos/1`);
    expect(page.body).not.toContain('<script');
    const index = seen('public index', await anonymous('/published?lang=ru'));
    expect(index.body).toContain('Public: corridor video &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(index.body).not.toContain('Колония №1'); // the partners release is not public
    seen('public api', await anonymous('/api/public/releases'));
    const video = seen(
      'public video',
      await anonymous(`/api/public/releases/${publicRelease}/videos/1`),
    );
    expect(video.statusCode).toBe(200);
    seen('public poster', await anonymous(`/api/public/releases/${publicRelease}/videos/1/poster`));
    const site = path.join(await tempDir('site'), 'out');
    const summary = await writeReleaseSite({ ...archive, clock }, site);
    expect(summary).toMatchObject({ releases: 1, videos: 1 });
    const files = (await fs.readdir(site, { recursive: true })).map(String).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'SHA256SUMS',
        'index.html',
        'style.css',
        `en/${publicRelease}.html`,
        `ru/${publicRelease}.html`,
        `media/${publicRelease}/video-1.mp4`,
        `media/${publicRelease}/poster-1.jpg`,
      ]),
    );
    execFileSync('sha256sum', ['--check', '--quiet', 'SHA256SUMS'], { cwd: site });
    for (const f of files) {
      const full = path.join(site, f);
      if ((await fs.stat(full)).isFile())
        outside.push({ what: `site ${f}`, body: (await fs.readFile(full)).toString('latin1') });
    }
    await expect(writeReleaseSite({ ...archive, clock }, site)).rejects.toThrow(/not empty/);
  });

  it('shares by link with a named recipient until it expires or is revoked', async () => {
    const made = await call(
      app,
      cookies.investigator,
      'POST',
      `/api/releases/${partnersRelease}/links`,
      {
        recipient: 'CPT delegation',
        expiresAt: hours(6).toISOString(),
      },
    );
    expect(made.statusCode, made.body).toBe(201);
    const { id, token, path: address } = made.json<{ id: string; token: string; path: string }>();
    tokens.push(token);
    const anonymous = (url: string) => app.inject({ method: 'GET', url });
    const page = seen('link page', await anonymous(`${address}?lang=en`));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Shared with CPT delegation');
    expect(page.body).toContain(`/api/links/${token}/videos/1/download`);
    seen('link json', await anonymous(`/api/links/${token}`));
    expect((await anonymous(`/api/links/${token}/videos/1`)).statusCode).toBe(200);
    expect((await anonymous(`/api/links/${'x'.repeat(43)}`)).statusCode).toBe(404);
    expect((await anonymous(`/api/public/releases/${partnersRelease}`)).statusCode).toBe(404);
    const revoked = await call(
      app,
      cookies.investigator,
      'DELETE',
      `/api/releases/${partnersRelease}/links/${id}`,
    );
    expect(revoked.statusCode, revoked.body).toBe(200);
    for (const url of [
      `/api/links/${token}`,
      `/api/links/${token}/videos/1`,
      `/api/links/${token}/videos/1/poster`,
      `/api/links/${token}/videos/1/download`,
      address,
    ])
      expect((await anonymous(url)).statusCode, url).toBe(404);
    // The partner account still sees it: only the link was revoked.
    expect(
      (await call(app, cookies.partner, 'GET', `/api/shared/releases/${partnersRelease}`))
        .statusCode,
    ).toBe(200);
    const second = (
      await call(app, cookies.investigator, 'POST', `/api/releases/${partnersRelease}/links`, {
        recipient: 'Newsroom',
        expiresAt: hours(5).toISOString(),
      })
    ).json<{ token: string }>().token;
    tokens.push(second);
    expect((await anonymous(`/api/links/${second}`)).statusCode).toBe(200);
    await advance(hours(5.5));
    expect((await anonymous(`/api/links/${second}`)).statusCode).toBe(404);
  });

  it('revokes a release everywhere from the next request on', async () => {
    const urls = [
      `/api/shared/releases/${partnersRelease}`,
      `/api/shared/releases/${partnersRelease}/videos/1`,
      `/api/shared/releases/${partnersRelease}/videos/1/poster`,
      `/api/shared/releases/${partnersRelease}/videos/1/download`,
    ];
    for (const url of urls)
      expect((await call(app, cookies.partner, 'GET', url)).statusCode, url).toBe(200);
    const res = await call(
      app,
      cookies.reviewer,
      'POST',
      `/api/releases/${partnersRelease}/revoke`,
      {
        reason: 'a source asked us to',
      },
    );
    expect(res.json<{ status: string }>().status).toBe('revoked');
    for (const url of urls)
      expect((await call(app, cookies.partner, 'GET', url)).statusCode, url).toBe(404);
    expect(
      (await call(app, cookies.partner, 'GET', '/api/shared/releases')).json<{
        releases: unknown[];
      }>().releases,
    ).toEqual([]);
    await call(app, cookies.reviewer, 'POST', `/api/releases/${publicRelease}/revoke`, {});
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/api/public/releases/${publicRelease}/videos/1/poster`,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'GET', url: `/published/${publicRelease}` })).statusCode,
    ).toBe(404);
  });

  it('refuses material that is not verified when the release requires it', async () => {
    const created = await call(app, cookies.investigator, 'POST', '/api/releases', {
      title: 'Verified only',
      audience: 'public',
      embargoAt: hours(10).toISOString(),
      requireVerified: true,
      videos: [{ redactionId: redaction.id }],
    });
    const id = created.json<{ id: string }>().id;
    const submit = await call(app, cookies.investigator, 'POST', `/api/releases/${id}/submit`, {
      version: 1,
    });
    expect(submit.statusCode).toBe(409);
    expect(submit.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'RELEASE.NOT_READY',
      message: expect.stringMatching(/not verified/) as unknown,
    });
    const unapproved = await call(app, cookies.investigator, 'POST', '/api/releases', {
      title: 'Unapproved video',
      audience: 'public',
      embargoAt: hours(10).toISOString(),
      videos: [
        {
          redactionId: (
            await archive.db
              .selectFrom('redaction')
              .select('id')
              .where('status', '=', 'returned')
              .executeTakeFirstOrThrow()
          ).id,
        },
      ],
    });
    const refused = await call(
      app,
      cookies.investigator,
      'POST',
      `/api/releases/${unapproved.json<{ id: string }>().id}/submit`,
      { version: 1 },
    );
    expect(refused.json<{ error: { message: string } }>().error.message).toMatch(
      /not an approved redaction/,
    );
  });

  it('lets nothing identifying out: sentinels, hashes and ids are in none of it', async () => {
    expect(outside.length).toBeGreaterThan(15);
    const rendered = await fs.readFile(redactionPath(archive.derivativesDir, redaction.id, 2));
    outside.push({ what: 'rendered file', body: rendered.toString('latin1') });
    const forbidden = [
      ...Object.values(SENTINELS),
      ...Object.values(SENTINELS).map((s) => Buffer.from(s, 'utf8').toString('latin1')),
      itemSha,
      itemId,
      redaction.id,
      incidentId,
      personId,
      segmentId,
      emailOf('investigator'),
      emailOf('reviewer'),
      '55.7558',
    ];
    for (const { what, body } of outside)
      for (const f of forbidden) expect(body.includes(f), `${f} in ${what}`).toBe(false);
    // The request log: no share-link token, and no address of anyone outside.
    expect(logs.length).toBeGreaterThan(50);
    for (const line of logs) {
      for (const token of tokens) expect(line, line).not.toContain(token);
      const { req } = JSON.parse(line) as { req?: { url: string; remoteAddress?: string } };
      if (req !== undefined && /^\/(published|shared\/|api\/public\/|api\/links\/)/.test(req.url))
        expect(req.remoteAddress, req.url).toBeUndefined();
    }
    expect(logs.some((l) => l.includes('/api/links/[token]'))).toBe(true);
    const report = await verifyArchive(archive);
    expect(report.ok, JSON.stringify(report.problems.slice(0, 3))).toBe(true);
  });
});
