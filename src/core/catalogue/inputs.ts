import { z } from 'zod';

/**
 * What a user may send to create or change catalogue records: one schema per record, used by
 * the core (parse), the HTTP API (as JSON Schema, for validation and OpenAPI) and the CLI.
 */

const text = (max: number) => z.string().trim().max(max);
const name = text(300).min(1);
const aliases = z.array(text(300).min(1)).max(50);
const when = z.iso.datetime({ offset: true }).nullable();
const id = z.uuid();

const facilityFields = {
  name,
  aliases,
  type: text(100),
  region: text(200),
  latitude: z.number().min(-90).max(90).nullable(),
  longitude: z.number().min(-180).max(180).nullable(),
};
export const FacilityInput = z
  .object({
    ...facilityFields,
    aliases: aliases.default([]),
    type: facilityFields.type.default(''),
    region: facilityFields.region.default(''),
    latitude: facilityFields.latitude.default(null),
    longitude: facilityFields.longitude.default(null),
  })
  .strict();
/** A patch changes only what it names: no defaults (zod keeps them under .partial()). */
export const FacilityPatch = z.object(facilityFields).partial().strict();

export const OrganisationInput = z
  .object({ name, aliases: aliases.default([]), kind: text(100).default('') })
  .strict();

export const ViolationTypeInput = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
    labelEn: text(200).min(1),
    labelRu: text(200).min(1),
  })
  .strict();

export const INCIDENT_STATUSES = ['open', 'documented', 'verified', 'closed'] as const;

const incidentFields = {
  title: text(500).min(1),
  startsAt: when,
  endsAt: when,
  facilityId: id.nullable(),
  description: text(20_000),
  status: z.enum(INCIDENT_STATUSES),
  acts: z.array(z.string().regex(/^[a-z][a-z0-9-]{1,40}$/)).max(50),
};
export const IncidentInput = z
  .object({
    ...incidentFields,
    startsAt: when.default(null),
    endsAt: when.default(null),
    facilityId: incidentFields.facilityId.default(null),
    description: incidentFields.description.default(''),
    status: incidentFields.status.default('open'),
    acts: incidentFields.acts.default([]),
  })
  .strict();
export const IncidentPatch = z.object(incidentFields).partial().strict();

export const PERSON_ROLES = ['victim', 'perpetrator', 'witness', 'official'] as const;

const personFields = {
  pseudonym: text(200).min(1),
  realName: text(300).min(1).nullable(),
  aliases,
  note: text(5000),
};
export const PersonInput = z
  .object({
    ...personFields,
    realName: personFields.realName.default(null),
    aliases: aliases.default([]),
    note: personFields.note.default(''),
  })
  .strict();
export const PersonPatch = z.object(personFields).partial().strict();

export const PersonLinkInput = z.object({ personId: id, role: z.enum(PERSON_ROLES) }).strict();

export const SegmentInput = z
  .object({
    itemId: id,
    start: z.number().min(0).max(1e7),
    end: z.number().min(0).max(1e7),
    incidentId: id.nullable().default(null),
    note: text(20_000).default(''),
    tags: z.array(text(100).min(1)).max(50).default([]),
    people: z.array(id).max(100).default([]),
  })
  .strict()
  .refine((s) => s.end > s.start, { message: 'end must be after start', path: ['end'] });
export const SegmentPatch = z
  .object({
    start: z.number().min(0).max(1e7),
    end: z.number().min(0).max(1e7),
    incidentId: id.nullable(),
    note: text(20_000),
    tags: z.array(text(100).min(1)).max(50),
    people: z.array(id).max(100),
  })
  .partial()
  .strict();

/** JSON Schema (draft 7) of an input, for Fastify's validation and the OpenAPI document. */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const full = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });
  return Object.fromEntries(Object.entries(full).filter(([key]) => key !== '$schema'));
}
