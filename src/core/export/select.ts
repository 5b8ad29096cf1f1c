import type { Kysely } from 'kysely';
import { allItemIds, itemIdsInAcquisition } from '../../db/export-query.ts';
import { findAcquisition, findItems } from '../../db/items-query.ts';
import type { Database } from '../../db/schema.ts';
import { isUuid } from '../../domain/ids.ts';
import { CustodyError } from '../errors.ts';

/** What to export: everything, named items, or what came in with named acquisitions. */
export interface Selection {
  readonly all?: boolean | undefined;
  /** Item ids or unambiguous SHA-256 prefixes (6+ hex digits). */
  readonly items?: readonly string[] | undefined;
  /** Acquisition ids or names. */
  readonly acquisitions?: readonly string[] | undefined;
  /** Incident ids: the items their segments mark. */
  readonly incidents?: readonly string[] | undefined;
}

/** Item ids of a selection, each once, sorted. Unknown names are errors, not silent gaps. */
export async function resolveSelection(db: Kysely<Database>, sel: Selection): Promise<string[]> {
  if (sel.all === true) return allItemIds(db);
  const ids = new Set<string>();
  for (const ref of sel.items ?? []) {
    const found = await findItems(db, ref);
    if (found.length === 0)
      throw new CustodyError('ITEM.NOT_FOUND', `No item ${ref}.`, {
        hint: 'Use an item id or 6+ hex digits of its SHA-256, as "custody items list" shows.',
      });
    if (found.length > 1)
      throw new CustodyError('ITEM.AMBIGUOUS', `${ref} matches more than one item.`, {
        hint: 'Give more digits of the SHA-256, or the item id.',
      });
    for (const item of found) ids.add(item.id);
  }
  for (const ref of sel.acquisitions ?? []) {
    const acquisition = await findAcquisition(db, ref);
    if (acquisition === undefined)
      throw new CustodyError('ACQUISITION.NOT_FOUND', `No acquisition ${ref}.`, {
        hint: 'See "custody acquisitions list" for names and ids.',
      });
    for (const id of await itemIdsInAcquisition(db, acquisition.id)) ids.add(id);
  }
  for (const ref of sel.incidents ?? []) {
    const incident = isUuid(ref)
      ? await db.selectFrom('incident').select('id').where('id', '=', ref).executeTakeFirst()
      : undefined;
    if (incident === undefined)
      throw new CustodyError('CATALOGUE.NOT_FOUND', `No incident ${ref}.`, {
        hint: 'See "custody incidents list" for ids.',
      });
    const rows = await db
      .selectFrom('segment')
      .select('item_id')
      .distinct()
      .where('incident_id', '=', incident.id)
      .where('deleted_at', 'is', null)
      .execute();
    for (const r of rows) ids.add(r.item_id);
  }
  return [...ids].sort();
}
