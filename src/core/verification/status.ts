import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { findRecord, type Subject } from '../../db/verification-query.ts';

/**
 * Whether a reviewer signed the item or incident off as verified, and no change since has
 * reopened it. For releases that must carry only verified material (docs/verification.md).
 */
export async function isVerified(db: Kysely<Database>, subject: Subject): Promise<boolean> {
  return (await findRecord(db, subject))?.status === 'verified';
}
