import type { FastifyInstance } from 'fastify';
import { CustodyError } from '../core/errors.ts';

/** The app's own pages load only their own scripts and styles; nothing is framed or inlined. */
const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The API docs viewer (swagger-ui) needs inline styles; it serves no evidence. */
const DOCS_CSP = APP_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Security headers on every answer, and the CSRF rule for state-changing requests: a browser
 * says where a request comes from (Sec-Fetch-Site, or Origin in older browsers), and anything
 * cross-site is refused. Clients that are not browsers send neither and are not at risk.
 */
export function secure(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (SAFE_METHODS.has(request.method)) {
      done();
      return;
    }
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin;
    const host = request.headers.host;
    const crossSite =
      site !== undefined
        ? site !== 'same-origin' && site !== 'none'
        : origin !== undefined && (host === undefined || !sameHost(origin, host));
    done(
      crossSite
        ? new CustodyError('AUTH.CROSS_SITE', 'Refused: this request came from another site.', {
            hint: 'Use Custody from its own address.',
          })
        : undefined,
    );
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!reply.hasHeader('content-security-policy'))
      reply.header(
        'content-security-policy',
        request.url.startsWith('/api/docs') ? DOCS_CSP : APP_CSP,
      );
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}

function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
