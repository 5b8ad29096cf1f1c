import type {} from '@fastify/swagger';
import type {} from '@fastify/static';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/ports.ts';
import { redactionPath, redactionPosterPath } from '../../core/redaction/render.ts';
import {
  openRelease,
  recordAccess,
  releasedVideo,
  sharedReleaseJson,
  visibleReleases,
  type Opened,
  type Viewer,
} from '../../core/release/shared.ts';
import type { AccountRow, Database } from '../../db/schema.ts';
import type { Access } from '../access.ts';
import { DownloadSlots } from './download-slots.ts';

export interface SharedRouteDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly derivativesDir: string;
  readonly deriver: {
    watermarked(input: string, text: string, signal: AbortSignal): Readable;
  };
}

type Params = { id?: string; token?: string; n?: string };
type SharedRequest = FastifyRequest<{ Params: Params }>;

/** How each audience reaches releases: its path prefix, who may call, and who the caller is. */
interface Audience {
  readonly name: string;
  readonly prefix: string;
  /** The path piece that names the release: `:id` (public, partners) or `:token` (links). */
  readonly key: ':id' | ':token';
  readonly access: Access;
  readonly viewer: (request: SharedRequest) => Viewer;
  /** Partners and link recipients download a watermarked render; the public gets the file. */
  readonly watermark: boolean;
}

const AUDIENCES: readonly Audience[] = [
  {
    name: 'public',
    prefix: '/api/public/releases',
    key: ':id',
    access: 'public',
    viewer: () => ({ kind: 'public' }),
    watermark: false,
  },
  {
    name: 'partner',
    prefix: '/api/shared/releases',
    key: ':id',
    access: ['partner'],
    viewer: (request) => {
      const a = request.account as AccountRow;
      return { kind: 'partner', accountId: a.id, name: `${a.display_name} <${a.email}>` };
    },
    watermark: true,
  },
  {
    name: 'link',
    prefix: '/api/links',
    key: ':token',
    access: 'public',
    viewer: (request) => ({ kind: 'link', token: request.params.token ?? '' }),
    watermark: true,
  },
];

const releaseParams = (key: Audience['key'], withVideo: boolean) => ({
  type: 'object',
  required: [key.slice(1), ...(withVideo ? ['n'] : [])],
  properties: {
    ...(key === ':id'
      ? { id: { type: 'string', format: 'uuid' } }
      : { token: { type: 'string', minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' } }),
    ...(withVideo ? { n: { type: 'string', pattern: '^[1-9][0-9]{0,3}$' } } : {}),
  },
});

/** "Asel Nurova <asel@example.org> · 2026-11-23": who downloaded it, and when. */
export function downloadWatermark(recipient: string, at: Date): string {
  return `${recipient} · ${at.toISOString().slice(0, 10)}`;
}

/**
 * Releases as people outside see them: the public (no login), partner accounts, and share
 * links. Each answers only for releases open to that viewer at this moment (see
 * src/core/release/shared.ts); nothing is cached (`no-store`), so a revocation holds from the
 * next request, thumbnails and videos included. Views, plays and downloads are recorded.
 */
export function sharedRoutes(app: FastifyInstance, deps: SharedRouteDeps): void {
  const slots = new DownloadSlots(DOWNLOADS_AT_ONCE, DOWNLOADS_WAITING);
  for (const audience of AUDIENCES) registerAudience(app, deps, audience, slots);
}

/** Watermarked renders at once (each is one ffmpeg), and how many may wait for one. */
const DOWNLOADS_AT_ONCE = 2;
const DOWNLOADS_WAITING = 16;

function registerAudience(
  app: FastifyInstance,
  deps: SharedRouteDeps,
  a: Audience,
  slots: DownloadSlots,
): void {
  const tags = ['shared'];
  const open = (request: SharedRequest): Promise<Opened> =>
    openRelease(deps.db, a.viewer(request), request.params.id ?? null, deps.clock.now());
  const base = `${a.prefix}/${a.key}`;

  if (a.key === ':id')
    app.get(
      a.prefix,
      {
        config: { access: a.access },
        schema: { tags, summary: `Releases open to the ${a.name} now, newest first` },
      },
      async (request: SharedRequest, reply) => {
        const rows = await visibleReleases(deps.db, a.viewer(request), deps.clock.now());
        const releases = await Promise.all(rows.map((r) => sharedReleaseJson(deps.db, r)));
        return reply.header('cache-control', 'no-store').send({ releases });
      },
    );
  app.get(
    base,
    {
      config: { access: a.access },
      schema: {
        tags,
        summary: `One release open to the ${a.name}`,
        params: releaseParams(a.key, false),
      },
    },
    async (request: SharedRequest, reply) => {
      const opened = await open(request);
      if (a.name !== 'public') await recordAccess(deps.db, opened, 'view', null, deps.clock.now());
      return reply
        .header('cache-control', 'no-store')
        .send(await sharedReleaseJson(deps.db, opened.release));
    },
  );
  app.get(
    `${base}/videos/:n`,
    {
      config: { access: a.access },
      schema: {
        tags,
        summary: 'A released video (redacted; mp4 with Range requests)',
        params: releaseParams(a.key, true),
      },
    },
    async (request: SharedRequest, reply) => {
      const opened = await open(request);
      const video = await releasedVideo(deps.db, opened, Number(request.params.n));
      const range = request.headers.range;
      if (a.name !== 'public' && (range === undefined || /^bytes=0-/.test(range)))
        await recordAccess(deps.db, opened, 'play', video.position, deps.clock.now());
      return sendFile(
        reply,
        redactionPath(deps.derivativesDir, video.redactionId, video.version),
        'video/mp4',
      );
    },
  );
  app.get(
    `${base}/videos/:n/poster`,
    {
      config: { access: a.access },
      schema: {
        tags,
        summary: "A released video's poster (from the redacted render)",
        params: releaseParams(a.key, true),
      },
    },
    async (request: SharedRequest, reply) => {
      const opened = await open(request);
      const video = await releasedVideo(deps.db, opened, Number(request.params.n));
      return sendFile(
        reply,
        redactionPosterPath(deps.derivativesDir, video.redactionId, video.version),
        'image/jpeg',
      );
    },
  );
  app.get(
    `${base}/videos/:n/download`,
    {
      config: { access: a.access },
      schema: {
        tags,
        summary: a.watermark
          ? 'Download a released video, rendered now with a visible watermark naming the recipient and date'
          : 'Download a released video',
        params: releaseParams(a.key, true),
      },
    },
    async (request: SharedRequest, reply) => {
      const opened = await open(request);
      const video = await releasedVideo(deps.db, opened, Number(request.params.n));
      const now = deps.clock.now();
      const file = redactionPath(deps.derivativesDir, video.redactionId, video.version);
      const name = `release-${opened.release.id.slice(0, 8)}-${String(video.position)}.mp4`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (!a.watermark) return sendFile(reply, file, 'video/mp4');
      const release = await slots.take();
      // Gone while waiting for a slot: nothing to render for.
      if (request.raw.socket.destroyed) {
        release();
        return reply;
      }
      try {
        await recordAccess(deps.db, opened, 'download', video.position, now);
      } catch (e) {
        release();
        throw e;
      }
      const abort = new AbortController();
      // The response's close: the download finished, or the recipient went away mid-way.
      reply.raw.on('close', () => {
        abort.abort();
        release();
      });
      const stream = deps.deriver.watermarked(
        file,
        downloadWatermark(opened.recipient, now),
        abort.signal,
      );
      return reply.type('video/mp4').header('cache-control', 'no-store').send(stream);
    },
  );
}

function sendFile(reply: FastifyReply, file: string, type: string) {
  return reply
    .type(type)
    .header('cache-control', 'no-store')
    .sendFile(path.basename(file), path.dirname(file), { cacheControl: false });
}
