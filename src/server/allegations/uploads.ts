import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { Server, type Upload } from '@tus/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  claimUploadGrant,
  forgetExpired,
  type AllegationDeps,
} from '../../core/allegations/allegations.ts';
import { recordUpload, type AttachmentDeps } from '../../core/allegations/attachments.ts';
import { isCustodyError } from '../../core/errors.ts';
import { UPLOAD_ENDPOINT } from './views.ts';

/**
 * Resumable uploads for the public pages (tus 1.0 with @tus/server and its file store).
 *
 * - An upload starts only with an upload token from a page that shows the allegation to its
 *   submitter (Upload-Metadata `token`); the stored metadata then names the allegation instead,
 *   with the file name and type the browser declared. Nothing about the client is stored.
 * - Parts land in DATA/uploads/tmp (mode 0700). A dropped connection keeps what arrived; the
 *   client asks for the offset (HEAD) and sends the rest (PATCH).
 * - When the last byte arrives the file is read once into the blob store and recorded as an
 *   item of the allegation (src/core/allegations/attachments.ts); then the part file goes.
 * - Unfinished uploads expire; a finished one whose recording failed is recorded by the next
 *   sweep (at start and every hour).
 */

export interface UploadOptions {
  /** Largest file accepted, in bytes. */
  readonly maxBytes: number;
  /** An unfinished upload is dropped this long after it started. */
  readonly expiryMs: number;
}

export const DEFAULT_UPLOADS: UploadOptions = {
  maxBytes: 20 * 1024 ** 3,
  expiryMs: 7 * 24 * 3_600_000,
};

const SWEEP_MS = 3_600_000;
/** A finished upload untouched this long is not being recorded by a request any more. */
const STALE_MS = 10 * 60_000;

type Deps = AllegationDeps & AttachmentDeps & { readonly dataDir: string };

/** A tus error answer: what @tus/server sends for a thrown `{status_code, body}`. */
const refuse = (status_code: number, body: string) => ({ status_code, body: `${body}\n` });

function metadataText(upload: Upload, key: string, max: number): string {
  const value = upload.metadata?.[key];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

export async function uploadRoutes(
  app: FastifyInstance,
  deps: Deps,
  options: UploadOptions,
): Promise<void> {
  const directory = path.join(deps.dataDir, 'uploads', 'tmp');
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  await fs.chmod(path.join(deps.dataDir, 'uploads'), 0o700);
  await fs.chmod(directory, 0o700);
  const store = new FileStore({ directory, expirationPeriodInMilliseconds: options.expiryMs });
  const recording = new Set<string>();

  const record = async (upload: Upload): Promise<void> => {
    const allegationId = metadataText(upload, 'allegation', 36);
    if (upload.size === undefined || allegationId === '') return;
    if (recording.has(upload.id)) return;
    recording.add(upload.id);
    try {
      await recordUpload(deps, {
        uploadId: upload.id,
        allegationId,
        name: metadataText(upload, 'filename', 1000),
        declaredType: metadataText(upload, 'filetype', 200),
        size: upload.size,
        file: path.join(directory, upload.id),
      });
      await store.remove(upload.id);
    } finally {
      recording.delete(upload.id);
    }
  };

  const tus = new Server({
    path: UPLOAD_ENDPOINT,
    datastore: store,
    maxSize: options.maxBytes,
    relativeLocation: true,
    respectForwardedHeaders: false,
    // Same-origin pages only: no CORS answer for anyone else.
    allowedOrigins: () => false,
    disableTerminationForFinishedUploads: true,
    onUploadCreate: async (_req, upload) => {
      const allegationId = await claimUploadGrant(deps, metadataText(upload, 'token', 200));
      if (allegationId === null)
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- @tus/server's error shape
        throw refuse(403, 'The upload token is unknown, expired or used up; reload the page.');
      return {
        metadata: {
          allegation: allegationId,
          filename: metadataText(upload, 'filename', 1000),
          filetype: metadataText(upload, 'filetype', 200),
        },
      };
    },
    onUploadFinish: async (_req, upload) => {
      try {
        await record(upload);
      } catch (e) {
        app.log.error(
          { code: isCustodyError(e) ? e.code : 'INTERNAL' },
          'a finished upload could not be recorded yet; the sweep retries it',
        );
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- @tus/server's error shape
        throw refuse(500, 'The file arrived but could not be stored yet; it will be retried.');
      }
      return {};
    },
    // Unknown failures say nothing about their cause (it may hold paths).
    onResponseError: (_req, err) =>
      'status_code' in err ? undefined : refuse(500, 'Something went wrong with that request.'),
  });

  /** Records finished uploads left behind, drops expired ones and stale tokens. */
  const sweep = async (): Promise<void> => {
    for (const id of (await store.configstore.list?.()) ?? []) {
      const upload = await store.getUpload(id).catch(() => null);
      if (upload === null || upload.size === undefined || upload.offset !== upload.size) continue;
      const stat = await fs.stat(path.join(directory, id)).catch(() => null);
      if (stat === null || Date.now() - stat.mtimeMs < STALE_MS) continue;
      await record(upload).catch((e: unknown) => {
        app.log.error(
          { code: isCustodyError(e) ? e.code : 'INTERNAL' },
          'a finished upload could not be recorded',
        );
      });
    }
    await store.deleteExpired();
    await forgetExpired(deps);
  };
  let sweeping: Promise<void> = Promise.resolve();
  const runSweep = (): void => {
    sweeping = sweeping.then(sweep).catch((e: unknown) => {
      app.log.error({ code: isCustodyError(e) ? e.code : 'INTERNAL' }, 'upload sweep failed');
    });
  };
  const timer = setInterval(runSweep, SWEEP_MS);
  timer.unref();
  app.addHook('onReady', (done) => {
    runSweep();
    done();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await sweeping; // before the archive's database closes
  });

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const answer = await tus.handleWeb(webRequest(request, reply));
    void reply.status(answer.status);
    answer.headers.forEach((value, name) => {
      // The stored metadata names the allegation: it stays on the server.
      if (name !== 'upload-metadata' && name !== 'content-length') void reply.header(name, value);
    });
    const body = await answer.text();
    return reply.send(body === '' ? undefined : body);
  };

  const tusHeaders = ['Tus-Resumable', 'Upload-Length', 'Upload-Offset', 'Upload-Metadata'];
  await app.register((scope, _options, done) => {
    // The body is the file: tus reads the raw stream; nothing is buffered or parsed here.
    scope.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => {
      done(null);
    });
    const access = { access: 'public' } as const;
    const tags = ['public'];
    scope.route({
      method: ['POST', 'OPTIONS'],
      url: UPLOAD_ENDPOINT,
      config: access,
      schema: {
        tags,
        summary: `Start a resumable upload (tus 1.0): headers ${tusHeaders.join(', ')}; Upload-Metadata carries the page's upload token`,
      },
      handler: handle,
    });
    scope.route({
      method: ['HEAD', 'PATCH'],
      url: `${UPLOAD_ENDPOINT}/:upload`,
      config: access,
      schema: {
        tags,
        summary: 'The offset of an upload (HEAD), or its next part (PATCH at Upload-Offset)',
        params: {
          type: 'object',
          required: ['upload'],
          properties: { upload: { type: 'string', pattern: '^[0-9a-f]{32}$' } },
        },
      },
      handler: async (request: FastifyRequest<{ Params: { upload: string } }>, reply) => {
        if (request.method === 'HEAD') {
          // Recorded and removed already (the answer to the last part was lost on the way):
          // tell the client it is complete.
          const done = await deps.db
            .selectFrom('allegation_attachment')
            .select('size')
            .where('upload_id', '=', request.params.upload)
            .executeTakeFirst();
          if (done !== undefined)
            return reply
              .status(200)
              .header('tus-resumable', '1.0.0')
              .header('cache-control', 'no-store')
              .header('upload-offset', String(done.size))
              .header('upload-length', String(done.size))
              .send();
        }
        return handle(request, reply);
      },
    });
    done();
  });
}

/**
 * The Fastify request as the Web Request @tus/server handles, streaming its body. The Node
 * request rides along (as srvx would put it) so that a dropped connection ends the write
 * gracefully: what arrived is kept, and the client resumes from there.
 */
function webRequest(request: FastifyRequest, reply: FastifyReply): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const hasBody = request.method === 'PATCH' || request.method === 'POST';
  const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers };
  if (hasBody) {
    init.body = Readable.toWeb(request.raw) as ReadableStream<Uint8Array>;
    init.duplex = 'half';
  }
  const web = new Request(`http://localhost${request.url}`, init);
  return Object.assign(web, {
    runtime: { name: 'node', node: { req: request.raw, res: reply.raw } },
  });
}
