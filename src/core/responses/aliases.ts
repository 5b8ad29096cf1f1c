import type { Kysely } from 'kysely';
import { decidedPartners, namedRecords } from '../../db/responses-query.ts';
import type { MatchKind } from '../../db/responses-schema.ts';
import type { Database } from '../../db/schema.ts';
import { suggestMatches, type MatchSuggestion } from '../../domain/transliterate.ts';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import { notFound, parse, type CatalogueDeps } from '../catalogue/catalogue.ts';
import { CustodyError } from '../errors.ts';
import { MergeInput } from './inputs.ts';

/**
 * Names across alphabets: which known person, facility or organisation a name may be, and the
 * investigator's answer. Confirming a match adds the other record's names to the kept record's
 * aliases; rejecting one remembers the pair so it is not suggested again. Neither deletes or
 * re-points anything: the second record and its links stay as they are.
 *
 * People are matched on their pseudonym and its aliases only; a real name is never read here.
 */

export interface NameSuggestion extends MatchSuggestion<string> {
  /** How the record is shown (its name, or a person's pseudonym). */
  readonly label: string;
}

export interface MatchQuery {
  readonly kind: MatchKind;
  /** The name to look up; without it, the names of `id`. */
  readonly name?: string | undefined;
  /** The record being looked at: left out of the answer, as are records already decided with it. */
  readonly id?: string | undefined;
  readonly limit?: number | undefined;
}

export async function suggestNames(
  db: Kysely<Database>,
  query: MatchQuery,
): Promise<NameSuggestion[]> {
  const records = await namedRecords(db, query.kind);
  const self = query.id === undefined ? undefined : records.find((r) => r.id === query.id);
  if (query.id !== undefined && self === undefined) throw notFound(query.kind);
  const names = query.name !== undefined ? [query.name] : self ? [self.label, ...self.aliases] : [];
  if (names.every((n) => n.trim() === ''))
    throw new CustodyError('REQUEST.INVALID', 'Give a name to match, or the id of a record.', {
      hint: 'Add ?name=… or ?id=… to the request.',
    });
  const decided =
    query.id === undefined ? new Set<string>() : await decidedPartners(db, query.kind, query.id);
  const candidates = records
    .filter((r) => r.id !== query.id && !decided.has(r.id))
    .map((r) => ({ id: r.id, names: [r.label, ...r.aliases] }));
  const labels = new Map(records.map((r) => [r.id, r.label]));
  // Each of the record's own names is looked up; a candidate keeps its best score.
  const best = new Map<string, MatchSuggestion<string>>();
  for (const name of names)
    for (const s of suggestMatches(name, candidates, { limit: candidates.length })) {
      const previous = best.get(s.id);
      if (previous === undefined || s.score > previous.score) best.set(s.id, s);
    }
  return [...best.values()]
    .sort((x, y) => y.score - x.score)
    .slice(0, query.limit ?? 10)
    .map((s) => ({ ...s, label: labels.get(s.id) ?? s.name }));
}

async function namesOf(
  db: Kysely<Database>,
  kind: MatchKind,
  id: string,
): Promise<{ label: string; aliases: string[] } | undefined> {
  if (kind === 'person')
    return db
      .selectFrom('person')
      .select(['pseudonym as label', 'aliases'])
      .where('id', '=', id)
      .executeTakeFirst();
  return db
    .selectFrom(kind)
    .select(['name as label', 'aliases'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The merged record's names that the kept one does not have yet (compared without case). */
function newNames(
  kept: { label: string; aliases: readonly string[] },
  merged: { label: string; aliases: readonly string[] },
): string[] {
  const known = new Set([kept.label, ...kept.aliases].map((n) => n.toLowerCase()));
  const added: string[] = [];
  for (const name of [merged.label, ...merged.aliases]) {
    if (known.has(name.toLowerCase())) continue;
    known.add(name.toLowerCase());
    added.push(name);
  }
  return added;
}

export interface MergeResult {
  readonly kind: MatchKind;
  readonly keep: string;
  readonly merge: string;
  readonly decision: 'confirmed' | 'rejected';
  /** The kept record's aliases afterwards. */
  readonly aliases: readonly string[];
}

/** Records an investigator's answer to a suggested match, with its custody event. */
export async function decideMatch(
  deps: CatalogueDeps,
  actor: string,
  input: unknown,
): Promise<MergeResult> {
  const m = parse(MergeInput, input);
  const decision = m.decision === 'confirm' ? 'confirmed' : 'rejected';
  const [a, b] = m.keep < m.merge ? [m.keep, m.merge] : [m.merge, m.keep];
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const kept = await namesOf(tx, m.kind, m.keep);
    const merged = await namesOf(tx, m.kind, m.merge);
    if (kept === undefined || merged === undefined) throw notFound(m.kind);
    const added = decision === 'confirmed' ? newNames(kept, merged) : [];
    const aliases = [...kept.aliases, ...added];
    if (added.length > 0)
      await tx
        .updateTable(m.kind)
        .set({ aliases, updated_at: now })
        .where('id', '=', m.keep)
        .execute();
    await tx
      .insertInto('alias_decision')
      .values({ kind: m.kind, a, b, decision, decided_by: actor, decided_at: now })
      .onConflict((oc) =>
        oc
          .columns(['kind', 'a', 'b'])
          .doUpdateSet({ decision, decided_by: actor, decided_at: now }),
      )
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: decision === 'confirmed' ? 'alias.confirmed' : 'alias.rejected',
          subjectType: m.kind,
          subjectId: m.keep,
          payload: { kind: m.kind, keep: m.keep, merge: m.merge, added },
        },
      ],
      now,
    );
    return { kind: m.kind, keep: m.keep, merge: m.merge, decision, aliases };
  });
}
