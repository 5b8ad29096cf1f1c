import { createHash, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import type { SourceTable } from '../../db/responses-schema.ts';
import {
  badReference,
  change,
  notFound,
  parse,
  type CatalogueDeps,
} from '../catalogue/catalogue.ts';
import { SourceInput, SourcePatch } from './inputs.ts';

/**
 * Sources: the news reports, statements and documents that tell of the official response. The
 * custody log records the archived text by its SHA-256 and length, not in full: the hash fixes
 * what was archived, and the log stays small.
 */

type SourceColumns = Omit<SourceTable, 'id' | 'created_by' | 'created_at' | 'updated_at'>;

function sourceColumns(s: z.output<typeof SourcePatch>): Partial<SourceColumns> {
  return {
    ...(s.kind === undefined ? {} : { kind: s.kind }),
    ...(s.outlet === undefined ? {} : { outlet: s.outlet }),
    ...(s.author === undefined ? {} : { author: s.author }),
    ...(s.url === undefined ? {} : { url: s.url }),
    ...(s.publishedOn === undefined ? {} : { published_on: s.publishedOn }),
    ...(s.language === undefined ? {} : { language: s.language }),
    ...(s.title === undefined ? {} : { title: s.title }),
    ...(s.archivedText === undefined ? {} : { archived_text: s.archivedText }),
    ...(s.itemId === undefined ? {} : { item_id: s.itemId }),
    ...(s.note === undefined ? {} : { note: s.note }),
  };
}

/** What the log says about a source change: the fields sent, the text by its hash. */
function logged(s: z.output<typeof SourcePatch>): Record<string, unknown> {
  const { archivedText, ...rest } = s;
  if (archivedText === undefined) return rest;
  return {
    ...rest,
    archivedTextSha256: createHash('sha256').update(archivedText, 'utf8').digest('hex'),
    archivedTextLength: archivedText.length,
  };
}

async function checkItem(tx: Transaction<Database>, itemId: string | null | undefined) {
  if (itemId == null) return;
  const row = await tx.selectFrom('item').select('id').where('id', '=', itemId).executeTakeFirst();
  if (row === undefined) throw badReference('item');
}

export async function createSource(
  deps: CatalogueDeps,
  actor: string,
  input: unknown,
): Promise<{ id: string }> {
  const s = parse(SourceInput, input);
  const id = randomUUID();
  return change(
    deps,
    actor,
    { action: 'source.created', subjectType: 'source', subjectId: id, payload: logged(s) },
    async (tx, now) => {
      await checkItem(tx, s.itemId);
      await tx
        .insertInto('source')
        .values({
          id,
          kind: s.kind,
          outlet: s.outlet,
          author: s.author,
          url: s.url,
          published_on: s.publishedOn,
          language: s.language,
          title: s.title,
          archived_text: s.archivedText,
          item_id: s.itemId,
          note: s.note,
          created_by: actor,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return { id };
    },
  );
}

export async function updateSource(
  deps: CatalogueDeps,
  actor: string,
  id: string,
  input: unknown,
): Promise<{ id: string }> {
  const s = parse(SourcePatch, input);
  return change(
    deps,
    actor,
    { action: 'source.updated', subjectType: 'source', subjectId: id, payload: logged(s) },
    async (tx, now) => {
      await checkItem(tx, s.itemId);
      const result = await tx
        .updateTable('source')
        .set({ ...sourceColumns(s), updated_at: now })
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('source');
      return { id };
    },
  );
}
