import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { isCustodyError } from '../../core/errors.ts';
import type { Clock } from '../../core/ports.ts';
import {
  openRelease,
  recordAccess,
  sharedReleaseJson,
  visibleReleases,
} from '../../core/release/shared.ts';
import type { PublicLanguage } from '../../db/allegations-schema.ts';
import type { Database } from '../../db/schema.ts';
import { html } from '../allegations/html.ts';
import { pickLanguage } from '../allegations/texts.ts';
import { releaseTexts } from './texts.ts';
import { errorBody, listBody, releaseBody, shell, type PageUrls } from './views.ts';

export const RELEASE_CSS = path.join(import.meta.dirname, 'public', 'release.css');
const CSS_URL = '/published/assets/release.css';

interface Deps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

function language(request: FastifyRequest): PublicLanguage {
  const query = request.query as Record<string, unknown> | undefined;
  return pickLanguage(query?.['lang'], request.headers['accept-language']);
}

function switchTo(pathname: string, lang: PublicLanguage) {
  const other: PublicLanguage = lang === 'ru' ? 'en' : 'ru';
  return { href: `${pathname}?lang=${other}`, language: other };
}

function send(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);
}

/**
 * The release pages people outside open in a browser, written on the server with no script:
 * `/published` (the public list and each release) and `/shared/:token` (one partners release
 * for one named recipient). Whatever is not open to the caller gets the same "not available"
 * page, whether it never existed, is embargoed, revoked or expired.
 */
export function publishedPages(app: FastifyInstance, deps: Deps): void {
  const config = { access: 'public' } as const;
  const tags = ['public'];
  const notAvailable = (request: FastifyRequest, reply: FastifyReply) => {
    const lang = language(request);
    const t = releaseTexts(lang);
    const urls = { css: CSS_URL, switchTo: null };
    return send(reply, 404, shell(t, lang, urls, t('error.title'), errorBody(t)));
  };

  app.get(
    CSS_URL,
    { config, schema: { tags, summary: 'The stylesheet of the release pages' } },
    async (_request, reply) =>
      reply
        .type('text/css; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(await fs.readFile(RELEASE_CSS)),
  );
  app.get(
    '/published',
    { config, schema: { tags, summary: 'The public release pages: every published release' } },
    async (request, reply) => {
      const lang = language(request);
      const t = releaseTexts(lang);
      const rows = await visibleReleases(deps.db, { kind: 'public' }, deps.clock.now());
      const releases = await Promise.all(rows.map((r) => sharedReleaseJson(deps.db, r)));
      const urls = { css: CSS_URL, switchTo: switchTo('/published', lang) };
      const body = listBody(t, lang, releases, { release: (id) => `/published/${id}` });
      return send(reply, 200, shell(t, lang, urls, t('list.title'), body));
    },
  );
  app.get<{ Params: { id: string } }>(
    '/published/:id',
    { config, schema: { tags, summary: 'One published release (a page; no login)' } },
    async (request, reply) => {
      const lang = language(request);
      const t = releaseTexts(lang);
      const id = request.params.id;
      let page: string;
      try {
        const opened = await openRelease(deps.db, { kind: 'public' }, id, deps.clock.now());
        const r = await sharedReleaseJson(deps.db, opened.release);
        const api = `/api/public/releases/${r.id}`;
        const urls: PageUrls = {
          css: CSS_URL,
          index: '/published',
          release: (rid) => `/published/${rid}`,
          video: (n) => `${api}/videos/${String(n)}`,
          poster: (n) => `${api}/videos/${String(n)}/poster`,
          download: null,
          switchTo: switchTo(`/published/${r.id}`, lang),
        };
        page = shell(t, lang, urls, r.title, releaseBody(t, lang, r, urls));
      } catch (e) {
        if (isCustodyError(e) && e.code === 'RELEASE.NOT_FOUND')
          return notAvailable(request, reply);
        throw e;
      }
      return send(reply, 200, page);
    },
  );
  app.get<{ Params: { token: string } }>(
    '/shared/:token',
    { config, schema: { tags, summary: 'A release shared by link with one recipient (a page)' } },
    async (request, reply) => {
      const lang = language(request);
      const t = releaseTexts(lang);
      const token = request.params.token;
      let page: string;
      try {
        const now = deps.clock.now();
        const opened = await openRelease(deps.db, { kind: 'link', token }, null, now);
        await recordAccess(deps.db, opened, 'view', null, now);
        const r = await sharedReleaseJson(deps.db, opened.release);
        const api = `/api/links/${token}`;
        const urls: PageUrls = {
          css: CSS_URL,
          index: null,
          release: () => `/shared/${token}`,
          video: (n) => `${api}/videos/${String(n)}`,
          poster: (n) => `${api}/videos/${String(n)}/poster`,
          download: (n) => `${api}/videos/${String(n)}/download`,
          switchTo: switchTo(`/shared/${token}`, lang),
        };
        const expires = opened.expiresAt?.toISOString().slice(0, 16).replace('T', ' ') ?? '';
        const note = html`<p class="note">
          ${t('link.for', { recipient: opened.recipient })}
          ${t('link.expires', { date: `${expires} UTC` })}
        </p>`;
        page = shell(t, lang, urls, r.title, releaseBody(t, lang, r, urls, note));
      } catch (e) {
        if (
          isCustodyError(e) &&
          (e.code === 'RELEASE.LINK_INVALID' || e.code === 'RELEASE.NOT_FOUND')
        )
          return notAvailable(request, reply);
        throw e;
      }
      return send(reply, 200, page);
    },
  );
}
