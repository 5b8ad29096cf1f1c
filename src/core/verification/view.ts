import type { Kysely } from 'kysely';
import type { Database, Role } from '../../db/schema.ts';
import { checksOf, findRecord, liveIds, type Subject } from '../../db/verification-query.ts';
import {
  CHECKS,
  EVIDENCE_TYPES,
  signOffRefusal,
  type EvidenceType,
  type SignOffRefusal,
} from '../../domain/verification.ts';

export type VerificationView = Awaited<ReturnType<typeof verificationView>>;

/** Roles that may sign a record off (the route declares the same). */
export const SIGN_OFF_ROLES = ['admin', 'reviewer'] as const satisfies readonly Role[];

/**
 * A record as the API and the CLI show it: status, confidence, who changed and who signed it,
 * and every check of the checklist (labels in English and Russian) with its result, note and
 * evidence. A subject without a record reads as unverified with nothing checked.
 */
export async function verificationView(db: Kysely<Database>, subject: Subject) {
  const [record, { checks, evidence }] = await Promise.all([
    findRecord(db, subject),
    checksOf(db, subject),
  ]);
  const labels = new Map<EvidenceType, Map<string, string>>();
  for (const type of EVIDENCE_TYPES) {
    const ids = evidence.filter((e) => e.link_type === type).map((e) => e.link_id);
    labels.set(type, await liveIds(db, type, [...new Set(ids)]));
  }
  const byCode = new Map(checks.map((c) => [c.code, c]));
  return {
    subject: { type: subject.type, id: subject.id },
    status: record?.status ?? 'unverified',
    confidence: record?.confidence ?? null,
    summary: record?.summary ?? '',
    updatedBy: record?.updated_by ?? null,
    updatedAt: record?.updated_at.toISOString() ?? null,
    signedOffBy: record?.signed_off_by ?? null,
    signedOffAt: record?.signed_off_at?.toISOString() ?? null,
    signOffNote: record?.sign_off_note ?? '',
    checks: CHECKS.map((def) => {
      const c = byCode.get(def.code);
      return {
        code: def.code,
        part: def.part,
        label: { en: def.en.label, ru: def.ru.label },
        help: { en: def.en.help, ru: def.ru.help },
        result: c?.result ?? 'not_checked',
        note: c?.note ?? '',
        updatedBy: c?.updated_by ?? null,
        updatedAt: c?.updated_at.toISOString() ?? null,
        evidence: evidence
          .filter((e) => e.code === def.code)
          .map((e) => {
            const label = labels.get(e.link_type as EvidenceType)?.get(e.link_id);
            // A link to a record since withdrawn or deleted stays, marked as gone.
            return {
              type: e.link_type,
              id: e.link_id,
              label: label ?? null,
              exists: label !== undefined,
            };
          }),
      };
    }),
  };
}

/** Whether this account may sign the record off now, and if not, why. */
export function signOffFor(
  view: VerificationView,
  account: { readonly email: string; readonly role: Role },
): { readonly allowed: boolean; readonly reason: SignOffRefusal | 'role' | null } {
  if (!(SIGN_OFF_ROLES as readonly Role[]).includes(account.role))
    return { allowed: false, reason: 'role' };
  const reason = signOffRefusal(
    {
      status: view.status,
      updatedBy: view.updatedBy,
      updatedAt: view.updatedAt === null ? null : new Date(view.updatedAt),
    },
    account.email,
  );
  return { allowed: reason === null, reason };
}
