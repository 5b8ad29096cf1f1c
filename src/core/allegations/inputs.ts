import { z } from 'zod';
import { ALLEGATION_STATUSES, PUBLIC_LANGUAGES } from '../../db/allegations-schema.ts';

/**
 * What a submitter and an investigator may send: one schema each, for the core (parse), the
 * API (JSON Schema, validation and OpenAPI), the public pages and the CLI. Free text keeps its
 * line breaks; only the ends are trimmed.
 */

export const ACCOUNT_MAX = 100_000;
export const MESSAGE_MAX = 20_000;

const text = (max: number) => z.string().trim().max(max);
const id = z.uuid();
const ids = z.array(id).max(200);

export const SubmissionInput = z
  .object({
    account: text(ACCOUNT_MAX).min(1),
    facility: text(300).default(''),
    occurredOn: text(200).default(''),
    people: text(5000).default(''),
    language: z.enum(PUBLIC_LANGUAGES).default('ru'),
  })
  .strict();

/** A follow-up: the receipt code and, optionally, more text (attachments come by upload). */
export const FollowUpInput = z
  .object({
    receipt: z.string().max(200),
    message: text(MESSAGE_MAX).default(''),
  })
  .strict();

export const ReplyInput = z.object({ body: text(MESSAGE_MAX).min(1) }).strict();

/** Triage: what is sent changes; a list of links replaces the links of that kind. */
export const TriagePatch = z
  .object({
    status: z.enum(ALLEGATION_STATUSES),
    duplicateOf: id.nullable(),
    incidents: ids,
    people: ids,
    facilities: ids,
  })
  .partial()
  .strict();
