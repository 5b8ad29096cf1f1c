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
function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export async function serveWeb(
  app: FastifyInstance,
  dist = WEB_DIST,
  derivativesDir?: string,
): Promise<void> {
  const built = fs.existsSync(path.join(dist, 'index.html'));
  // The plugin only lends reply.sendFile (which refuses paths outside `root`); the one route
  // below decides what is served, so its access is declared like every other route's.
  // sendFile with an explicit root (derivatives) needs that root allowed too.
  await app.register(fastifyStatic, {
    root: derivativesDir === undefined ? [dist] : [dist, derivativesDir],
    serve: false,
  });
  app.get(
    '/*',
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const url = request.url.split('?')[0] ?? '/';
      if (url.startsWith('/api/'))
        return reply.status(404).send({
          error: { code: 'NOT_FOUND', message: 'No such API route.', hint: 'See /api/docs.' },
        });
      if (!built)
        return reply
          .type('text/plain; charset=utf-8')
          .status(503)
          .send('The web app is not built yet: run "npm run build:web" (scripts/setup.sh does).\n');
      const file = decodeURIComponent(url).replace(/^\/+/, '');
      if (file.startsWith('assets/')) {
        // A missing asset (an old page after a rebuild) is a 404, not the app's index.html.
        if (!isFile(path.join(dist, file)))
          return reply.status(404).type('text/plain; charset=utf-8').send('No such file.\n');
        // Content-hashed names: safe to cache for good.
        return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(file);
      }
      if (file !== '' && !file.includes('/') && isFile(path.join(dist, file)))
        return reply.header('cache-control', 'no-cache').sendFile(file);
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    },
  );
}
