import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Archive } from '../archive.ts';
import { declareAccess } from './access.ts';
import { answerErrors } from './errors.ts';
import { authRoutes } from './routes/auth.ts';
import { catalogueRoutes } from './routes/catalogue.ts';
import { analysisRoutes } from './routes/analysis.ts';
import { mediaRoutes } from './routes/media.ts';
import { exportRoutes } from './routes/exports.ts';
import { itemRoutes } from './routes/items.ts';
import { responseRoutes } from './routes/responses.ts';
import { verificationRoutes } from './routes/verification.ts';
import { publishedPages } from './published/pages.ts';
import { redactionRoutes } from './routes/redactions.ts';
import { releaseRoutes } from './routes/releases.ts';
import { sharedRoutes } from './routes/shared.ts';
import { allegationRoutes } from './routes/allegations.ts';
import { publicAllegations, type AllegationOptions } from './allegations/index.ts';
import { loggerOptions, type LogStream } from './log.ts';
import { secure } from './security.ts';
import { serveWeb } from './web.ts';

export interface AppOptions {
  /** Mark the session cookie Secure (behind HTTPS). */
  readonly secureCookies?: boolean;
  readonly logger?: boolean;
  /** Folder of the built web app (default web/dist). */
  readonly webDist?: string;
  /** Log lines go here (and logging is on) instead of stdout. */
  readonly logStream?: LogStream;
  /** The public submission pages and uploads (limits, part size). */
  readonly allegations?: Partial<AllegationOptions>;
}

/**
 * The HTTP app, built apart from `listen` so tests drive it with `inject`. It gets the
 * archive's ports from the composition root and nothing else.
 */
export async function buildApp(archive: Archive, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Requests are logged by method, URL and status; never bodies (passwords, evidence) or
    // cookies, and submitters' requests without any address (src/server/log.ts).
    logger: loggerOptions(opts.logger === true, opts.logStream),
    bodyLimit: 1 << 20,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  await app.register(cookie);
  declareAccess(app, archive);
  secure(app);
  answerErrors(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Custody API',
        version: '0.1.0',
        description:
          'The evidence archive. Sessions are cookies set by POST /api/session; state-changing requests from other sites are refused.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.get(
    '/api/openapi.json',
    { config: { access: 'public' }, schema: { hide: true } },
    (_request, reply) => reply.send(app.swagger()),
  );
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Liveness',
        tags: ['meta'],
        response: {
          200: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
        },
      },
    },
    (_request, reply) => reply.send({ ok: true }),
  );
  authRoutes(app, archive, { secureCookies: opts.secureCookies === true });
  itemRoutes(app, archive);
  catalogueRoutes(app, archive);
  mediaRoutes(app, archive);
  analysisRoutes(app, archive);
  exportRoutes(app, archive);
  responseRoutes(app, archive);
  verificationRoutes(app, archive);
  allegationRoutes(app, archive);
  redactionRoutes(app, archive);
  releaseRoutes(app, archive);
  sharedRoutes(app, archive);
  publishedPages(app, archive);
  await publicAllegations(app, archive, opts.allegations);
  await serveWeb(app, opts.webDist, archive.derivativesDir);
  await app.ready();
  return app;
}
