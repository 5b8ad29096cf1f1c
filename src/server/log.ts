import type { FastifyRequest } from 'fastify';

/**
 * Pages and API of people without an account: those who write to the archive, and those who
 * watch what it released (the public, and recipients of share links).
 */
const OUTSIDE = /^\/(report([/?]|$)|published([/?]|$)|shared\/|api\/public\/|api\/links\/)/;

/** A share link's token is a credential: it never goes into a log. */
const TOKEN_IN_PATH = /^\/(shared|api\/links)\/[^/?]+/;

/**
 * What a request log line says about the request. Submitters' requests are logged by method
 * and path only: no address, port or host, so the log cannot tie a submission to a network.
 * (Fastify's default adds the remote address and port to every line.)
 */
export function requestForLog(request: FastifyRequest): Record<string, unknown> {
  const base = { method: request.method, url: request.url.replace(TOKEN_IN_PATH, '/$1/[token]') };
  if (OUTSIDE.test(request.url)) return base;
  return {
    ...base,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket.remotePort,
  };
}

/** Where log lines go instead of stdout (tests read them). */
export interface LogStream {
  write(line: string): void;
}

/** The app's logger: request lines without bodies or cookies, and as above. */
export function loggerOptions(enabled: boolean, stream: LogStream | undefined) {
  if (!enabled && stream === undefined) return false;
  return {
    level: 'info',
    redact: ['req.headers.cookie'],
    serializers: { req: requestForLog },
    ...(stream === undefined ? {} : { stream }),
  };
}
