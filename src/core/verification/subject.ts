import type { Kysely } from 'kysely';
import { findItems } from '../../db/items-query.ts';
import type { Database } from '../../db/schema.ts';
import type { Subject } from '../../db/verification-query.ts';
import { isUuid } from '../../domain/ids.ts';
import { notFound } from '../catalogue/catalogue.ts';
import { CustodyError } from '../errors.ts';

export type { Subject } from '../../db/verification-query.ts';

export const noItem = (): CustodyError =>
  new CustodyError('ITEM.NOT_FOUND', 'No such item.', { hint: 'Check the id.' });

/** Throws the subject's not-found error unless it exists. */
export async function mustExist(db: Kysely<Database>, subject: Subject): Promise<void> {
  const row =
    subject.type === 'item'
      ? await db.selectFrom('item').select('id').where('id', '=', subject.id).executeTakeFirst()
      : await db
          .selectFrom('incident')
          .select('id')
          .where('id', '=', subject.id)
          .executeTakeFirst();
  if (row === undefined) throw subject.type === 'item' ? noItem() : notFound('incident');
}

/**
 * What an id given on the command line names: an item (by id or hash prefix) or an incident
 * (by id). Ids are UUIDs, so one never names both.
 */
export async function resolveSubject(db: Kysely<Database>, idOrPrefix: string): Promise<Subject> {
  const id = idOrPrefix.toLowerCase();
  if (isUuid(id)) {
    const incident = await db
      .selectFrom('incident')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (incident !== undefined) return { type: 'incident', id };
  }
  const items = await findItems(db, id);
  if (items.length > 1)
    throw new CustodyError('ITEM.AMBIGUOUS', `Several items match ${idOrPrefix}.`, {
      hint: 'Give more digits of the hash, or the item id.',
    });
  const item = items[0];
  if (item === undefined)
    throw new CustodyError('ITEM.NOT_FOUND', `No item or incident ${idOrPrefix}.`, {
      hint: 'Give an item id or hash prefix ("custody items list"), or an incident id.',
    });
  return { type: 'item', id: item.id };
}
