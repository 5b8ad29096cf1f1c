import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The built web app (npm run build:web writes it; scripts/setup.sh builds it). */
export const WEB_DIST = path.resolve(import.meta.dirname, '../../web/dist');

/**
 * Serves the single-page web app: its hashed assets as files, and index.html for every other
 * path outside /api, so that the app's own router handles deep links. Without a build the
 * server says how to make one instead of failing.
 */
export async function serveWeb(app: FastifyInstance, dist = WEB_DIST): Promise<void> {
  const built = fs.existsSync(path.join(dist, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      wildcard: false,
      index: false,
      // Assets have content hashes in their names: cache them; index.html never.
      setHeaders: (reply, file) => {
        void reply.header(
          'cache-control',
          file.includes(`${path.sep}assets${path.sep}`)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        );
      },
      allowedPath: (pathName) => !pathName.startsWith('/api/'),
    });
  }
  app.get(
    '/*',
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      if (request.url.startsWith('/api/'))
        return reply.status(404).send({
          error: { code: 'NOT_FOUND', message: 'No such API route.', hint: 'See /api/docs.' },
        });
      if (!built)
        return reply
          .type('text/plain; charset=utf-8')
          .status(503)
          .send('The web app is not built yet: run "npm run build:web" (scripts/setup.sh does).\n');
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    },
  );
}
