import type {} from '@fastify/swagger';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { pack as tarPack } from 'tar-stream';
import { CustodyError } from '../../core/errors.ts';
import { exportDir } from '../../core/jobs/handlers.ts';
import type { JobQueue } from '../../core/jobs/queue.ts';
import type { Clock } from '../../core/ports.ts';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import type { AccountRow, Database } from '../../db/schema.ts';
import { idParams } from './params.ts';
import { WRITE_ROLES } from '../access.ts';

export interface ExportRouteDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly dataDir: string;
  startJobs(): Promise<JobQueue>;
}

const uuid = idParams.properties.id;

/**
 * Evidence packages from the web app: asked for here, written by a background job (so a
 * terabyte never ties up a request), listed with their job's state, and downloaded as one tar
 * file whose download is itself recorded.
 */
export function exportRoutes(app: FastifyInstance, deps: ExportRouteDeps): void {
  app.post<{
    Body: { all?: boolean; items?: string[]; incidents?: string[]; description?: string };
  }>(
    '/api/exports',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags: ['exports'],
        summary:
          'Ask for an evidence package (BagIt) of items or incidents, made in the background',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            all: { type: 'boolean' },
            items: {
              type: 'array',
              items: { type: 'string', minLength: 6, maxLength: 64 },
              maxItems: 100000,
            },
            incidents: { type: 'array', items: uuid, maxItems: 1000 },
            description: { type: 'string', maxLength: 2000 },
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      if (b.all !== true && (b.items ?? []).length === 0 && (b.incidents ?? []).length === 0)
        throw new CustodyError('REQUEST.INVALID', 'Say what to export.', {
          hint: 'Send all: true, or items, or incidents.',
        });
      const exportId = randomUUID();
      const jobs = await deps.startJobs();
      await jobs.send('export.bagit', {
        exportId,
        actor: (request.account as AccountRow).email,
        ...(b.all === undefined ? {} : { all: b.all }),
        ...(b.items === undefined ? {} : { items: b.items }),
        ...(b.incidents === undefined ? {} : { incidents: b.incidents }),
        ...(b.description === undefined ? {} : { description: b.description }),
      });
      return reply.status(202).send({ id: exportId });
    },
  );

  app.get(
    '/api/exports',
    {
      config: { access: WRITE_ROLES },
      schema: { tags: ['exports'], summary: 'Packages asked for, with their state' },
    },
    async () => {
      const jobs = await deps.startJobs();
      const list = await jobs.jobs({ name: 'export.bagit', limit: 200 });
      return list.map((j) => ({
        id: j.payload !== null && 'exportId' in j.payload ? j.payload.exportId : null,
        state: j.state,
        error: j.error,
        description:
          j.payload !== null && 'exportId' in j.payload ? (j.payload.description ?? null) : null,
        createdOn: j.createdOn.toISOString(),
        completedOn: j.completedOn?.toISOString() ?? null,
      }));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/exports/:id/download',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags: ['exports'],
        summary: 'The finished package as one tar file (the download is recorded)',
        params: idParams,
      },
    },
    async (request, reply) => {
      const dir = exportDir(deps.dataDir, request.params.id);
      if (!fs.existsSync(path.join(dir, 'bagit.txt')))
        throw new CustodyError('ITEM.NOT_FOUND', 'This package is not ready (or does not exist).', {
          hint: 'See its state in the list of exports.',
        });
      const account = request.account as AccountRow;
      await deps.db.transaction().execute((tx) =>
        appendCustodyEvents(
          tx,
          [
            {
              actor: account.email,
              action: 'export.downloaded',
              subjectType: 'export',
              subjectId: request.params.id,
              payload: { account: account.id },
            },
          ],
          deps.clock.now(),
        ),
      );
      const top = `custody-export-${request.params.id}`;
      const tar = tarPack();
      streamTree(dir, top, tar).catch((e: unknown) => {
        tar.destroy(e as Error);
      });
      return reply
        .type('application/x-tar')
        .header('content-disposition', `attachment; filename="${top}.tar"`)
        .send(tar);
    },
  );
}

/** Every file of the package into the tar, one after another, without loading any whole. */
async function streamTree(
  root: string,
  top: string,
  tar: ReturnType<typeof tarPack>,
): Promise<void> {
  const entries = await fs.promises.readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  for (const file of files) {
    const stat = await fs.promises.stat(file);
    const name = `${top}/${path.relative(root, file).split(path.sep).join('/')}`;
    await new Promise<void>((resolve, reject) => {
      const entry = tar.entry({ name, size: stat.size, mode: 0o644, mtime: stat.mtime }, (e) => {
        if (e) reject(e);
        else resolve();
      });
      fs.createReadStream(file).on('error', reject).pipe(entry);
    });
  }
  tar.finalize();
}
