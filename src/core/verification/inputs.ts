import { z } from 'zod';
import {
  CHECK_CODES,
  CHECK_RESULTS,
  CONFIDENCE_LEVELS,
  EVIDENCE_TYPES,
  FINAL_STATUSES,
  OPEN_STATUSES,
} from '../../domain/verification.ts';

/**
 * What a user may send about a verification record, for the core (parse), the API (JSON Schema)
 * and the CLI. A patch changes only what it names (no defaults: zod keeps them under .partial()).
 */

const text = (max: number) => z.string().trim().max(max);

export const EvidenceLinkInput = z.object({ type: z.enum(EVIDENCE_TYPES), id: z.uuid() }).strict();

/** One check: its result, note and evidence; an evidence list sent replaces the check's list. */
export const CheckPatch = z
  .object({
    code: z.enum(CHECK_CODES),
    result: z.enum(CHECK_RESULTS).optional(),
    note: text(20_000).optional(),
    evidence: z.array(EvidenceLinkInput).max(100).optional(),
  })
  .strict();

export const VerificationPatch = z
  .object({
    status: z.enum(OPEN_STATUSES),
    confidence: z.enum(CONFIDENCE_LEVELS).nullable(),
    summary: text(20_000),
    checks: z.array(CheckPatch).max(CHECK_CODES.length),
  })
  .partial()
  .strict()
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message: 'name at least one of status, confidence, summary or checks',
  })
  .refine((p) => new Set(p.checks?.map((c) => c.code)).size === (p.checks?.length ?? 0), {
    message: 'each check at most once',
    path: ['checks'],
  });

export const SignOffInput = z
  .object({
    status: z.enum(FINAL_STATUSES),
    confidence: z.enum(CONFIDENCE_LEVELS).nullable().optional(),
    note: text(5000).optional(),
    /** The record's `updatedAt` as the reviewer saw it: a later change refuses the sign-off. */
    seen: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
