import type { Kysely } from 'kysely';
import { eventsFor } from '../../db/custody-log.ts';
import type { Database } from '../../db/schema.ts';
import type { Subject } from '../../db/verification-query.ts';

/** The record's changes and sign-offs, from the custody log (oldest first). */
export async function verificationHistory(db: Kysely<Database>, subject: Subject) {
  const events = await eventsFor(db, subject.type, subject.id);
  return events
    .filter((e) => e.action.startsWith('verification.'))
    .map((e) => ({
      seq: e.seq,
      at: e.at.toISOString(),
      actor: e.actor,
      action: e.action,
      status: typeof e.payload['status'] === 'string' ? e.payload['status'] : null,
    }));
}
