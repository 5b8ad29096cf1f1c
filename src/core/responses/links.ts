import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { badReference } from '../catalogue/catalogue.ts';

/** Checks that every id names a live record of the table, naming the first that does not. */
export async function checkAll(
  tx: Transaction<Database>,
  table: 'incident' | 'person' | 'organisation' | 'facility' | 'claim' | 'response' | 'source',
  ids: readonly string[],
): Promise<void> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return;
  const rows =
    table === 'response'
      ? await tx
          .selectFrom('response')
          .select('id')
          .where('id', 'in', wanted)
          .where('deleted_at', 'is', null)
          .execute()
      : await tx.selectFrom(table).select('id').where('id', 'in', wanted).execute();
  const found = new Set(rows.map((r) => r.id));
  const missing = wanted.find((id) => !found.has(id));
  if (missing !== undefined) throw badReference(`${table} ${missing}`);
}
