import { z } from 'zod';

/** What a user may send about a release (core, API JSON Schema and CLI share these). */

const text = (max: number) => z.string().trim().max(max);

export const ReleaseVideoInput = z
  .object({ redactionId: z.uuid(), caption: text(2000).optional() })
  .strict();

/** A text of the release: written for it, optionally about an incident (its date and place). */
export const ReleaseTextInput = z
  .object({
    incidentId: z.uuid().nullable().optional(),
    heading: text(300).optional(),
    body: text(50_000).optional(),
  })
  .strict();

const fields = {
  title: text(300).min(1),
  summary: text(50_000),
  contentWarning: text(2000),
  audience: z.enum(['public', 'partners']),
  embargoAt: z.iso.datetime({ offset: true }),
  requireVerified: z.boolean(),
  videos: z.array(ReleaseVideoInput).max(500),
  texts: z.array(ReleaseTextInput).max(200),
  /** Partner accounts it is shared with (audience "partners"). */
  partners: z.array(z.uuid()).max(200),
};

export const ReleaseInput = z
  .object(fields)
  .partial()
  .required({ title: true, audience: true, embargoAt: true })
  .strict();

export const ReleasePatch = z
  .object(fields)
  .partial()
  .extend({ version: z.number().int().min(1) })
  .strict();

export const ReleaseDecisionInput = z
  .object({ version: z.number().int().min(1), note: text(5000).optional() })
  .strict();

export const RevokeInput = z.object({ reason: text(5000).optional() }).strict();

export const LinkInput = z
  .object({
    /** Who the link is for: named in the watermark of every download. */
    recipient: text(200).min(1),
    expiresAt: z.iso.datetime({ offset: true }),
  })
  .strict();
