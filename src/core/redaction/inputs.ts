import { z } from 'zod';

/**
 * What a user may send about a redaction, for the core (parse), the API (JSON Schema) and the
 * CLI. Positions are fractions of the displayed frame; times are seconds on the original's
 * timeline.
 */

const fraction = z.number().min(0).max(1);
const seconds = z
  .number()
  .min(0)
  .max(48 * 3600);

export const KeyframeInput = z
  .object({ t: seconds, x: fraction, y: fraction, w: fraction.positive(), h: fraction.positive() })
  .strict();

export const MaskInput = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'letters, digits and dashes'),
    fill: z.enum(['opaque', 'blur']).default('opaque'),
    start: seconds,
    end: seconds,
    keyframes: z.array(KeyframeInput).min(1).max(100_000),
    track: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((m) => m.end > m.start, { message: 'a mask must end after it starts', path: ['end'] });

export const AudioRangeInput = z
  .object({ start: seconds, end: seconds, mode: z.enum(['mute', 'bleep']).default('mute') })
  .strict()
  .refine((a) => a.end > a.start, { message: 'a range must end after it starts', path: ['end'] });

export const CutInput = z
  .object({ start: seconds, end: seconds })
  .strict()
  .refine((c) => c.end > c.start, { message: 'the cut must end after it starts', path: ['end'] });

export const SpecInput = z
  .object({
    masks: z.array(MaskInput).max(500),
    audio: z.array(AudioRangeInput).max(500),
    cut: CutInput.nullable(),
  })
  .strict()
  .refine((s) => new Set(s.masks.map((m) => m.id)).size === s.masks.length, {
    message: 'each mask id at most once',
    path: ['masks'],
  });

export const CreateRedactionInput = z
  .object({
    /** Cut to this segment of the item (its start and end). */
    segmentId: z.uuid().optional(),
    title: z.string().trim().max(300).optional(),
    /** Start from the item's face tracks as opaque masks (default: yes). */
    prefillFaces: z.boolean().optional(),
  })
  .strict();

export const UpdateRedactionInput = z
  .object({
    /** The version the editor loaded: a change made meanwhile refuses this one. */
    version: z.number().int().min(1),
    title: z.string().trim().max(300).optional(),
    spec: SpecInput.optional(),
  })
  .strict();

export const ReviewRedactionInput = z
  .object({
    decision: z.enum(['approve', 'return']),
    note: z.string().trim().max(5000).optional(),
    /** The version the reviewer watched. */
    version: z.number().int().min(1),
  })
  .strict();
