import type { Kysely } from 'kysely';
import {
  attachmentsOf,
  findAllegation,
  linksOf,
  listAllegations,
  messagesOf,
  type AllegationListRow,
} from '../../db/allegations-query.ts';
import type { AllegationStatus } from '../../db/allegations-schema.ts';
import { eventsFor } from '../../db/custody-log.ts';
import type { Database } from '../../db/schema.ts';
import { displayPath } from '../../domain/path-display.ts';
import { CustodyError } from '../errors.ts';
import { allegationNotFound } from './allegations.ts';

/**
 * The shapes of an allegation: in full for investigators (camelCase, ISO times), and the
 * submitter's view behind the receipt code, which names no investigator and shows nothing that
 * the submitter did not send, apart from the replies.
 */

export function allegationListJson(r: AllegationListRow) {
  return {
    id: r.id,
    status: r.status,
    language: r.language,
    excerpt: r.excerpt,
    facility: r.facility,
    occurredOn: r.occurred_on,
    duplicateOf: r.duplicate_of,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    attachments: r.attachments,
    messages: r.messages,
    lastMessageAt: r.last_message_at?.toISOString() ?? null,
    /** 'submitter' when the latest word is theirs: it waits for a reply. */
    lastMessageAuthor: r.last_message_author,
  };
}
export type AllegationListJson = ReturnType<typeof allegationListJson>;

/** Decodes the list's paging cursor (`next` of the previous page). */
export function allegationCursor(
  after: string | undefined,
): { createdAt: Date; id: string } | null {
  if (after === undefined || after === '') return null;
  const bar = after.lastIndexOf('|');
  const id = after.slice(bar + 1);
  const createdAt = new Date(after.slice(0, bar));
  if (bar < 0 || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime()))
    throw new CustodyError('REQUEST.INVALID', 'The paging cursor is malformed.', {
      hint: 'Pass back the `next` value of the previous page unchanged.',
    });
  return { createdAt, id };
}

export async function allegationsPage(
  db: Kysely<Database>,
  filter: { status?: AllegationStatus | undefined },
  after: string | undefined,
  limit: number,
): Promise<{ allegations: AllegationListJson[]; next: string | null }> {
  const rows = await listAllegations(db, filter, allegationCursor(after), limit);
  const last = rows.at(-1);
  return {
    allegations: rows.map(allegationListJson),
    next:
      rows.length === limit && last !== undefined
        ? `${last.created_at.toISOString()}|${last.id}`
        : null,
  };
}

export async function allegationView(db: Kysely<Database>, id: string) {
  const a = await findAllegation(db, id);
  if (a === undefined) throw allegationNotFound();
  const messages = await messagesOf(db, id);
  const attachments = await attachmentsOf(db, id);
  const links = await linksOf(db, id);
  const history = await eventsFor(db, 'allegation', id);
  return {
    id: a.id,
    status: a.status,
    language: a.language,
    account: a.account,
    facility: a.facility,
    occurredOn: a.occurred_on,
    people: a.people,
    duplicateOf: a.duplicate_of,
    duplicates: links.duplicates,
    acquisitionId: a.acquisition_id,
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
    messages: messages.map((m) => ({
      id: m.id,
      author: m.author,
      staffActor: m.staff_actor,
      body: m.body,
      createdAt: m.created_at.toISOString(),
    })),
    attachments: attachments.map((t) => ({
      id: t.id,
      itemId: t.item_id,
      /** As the browser sent it; `nameShown` escapes controls and direction overrides. */
      name: t.name,
      nameShown: displayPath(Buffer.from(t.name, 'utf8')),
      declaredType: t.declared_type,
      size: t.size,
      sha256: t.sha256,
      kind: t.kind,
      probeStatus: t.probe_status,
      receivedAt: t.received_at.toISOString(),
    })),
    links: {
      incidents: links.incidents,
      people: links.people,
      facilities: links.facilities,
    },
    history: history.map((e) => ({
      seq: e.seq,
      at: e.at.toISOString(),
      actor: e.actor,
      action: e.action,
      payload: e.payload,
    })),
  };
}
export type AllegationJson = Awaited<ReturnType<typeof allegationView>>;

/** What the receipt code shows: the submitter's own words, files by name, and the replies. */
export async function submitterView(db: Kysely<Database>, id: string) {
  const a = await findAllegation(db, id);
  if (a === undefined) throw allegationNotFound();
  const messages = await messagesOf(db, id);
  const attachments = await attachmentsOf(db, id);
  return {
    createdAt: a.created_at.toISOString(),
    account: a.account,
    facility: a.facility,
    occurredOn: a.occurred_on,
    people: a.people,
    messages: messages.map((m) => ({
      from: m.author === 'staff' ? ('organisation' as const) : ('you' as const),
      body: m.body,
      createdAt: m.created_at.toISOString(),
    })),
    attachments: attachments.map((t) => ({
      name: displayPath(Buffer.from(t.name, 'utf8')),
      size: t.size,
      receivedAt: t.received_at.toISOString(),
    })),
  };
}
export type SubmitterView = Awaited<ReturnType<typeof submitterView>>;
