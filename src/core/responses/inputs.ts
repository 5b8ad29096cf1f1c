import { z } from 'zod';
import {
  MATCH_KINDS,
  RESPONSE_PERSON_ROLES,
  RESPONSE_TYPES,
  SOURCE_KINDS,
} from '../../db/responses-schema.ts';

/**
 * What a user may send about sources, claims, responses and name matches: one schema each, for
 * the core (parse), the API (JSON Schema, validation and OpenAPI) and the CLI. Patches carry no
 * defaults: zod keeps them under .partial(), which would reset fields a patch did not name.
 */

const text = (max: number) => z.string().trim().max(max);
const id = z.uuid();
const ids = z.array(id).max(200);
const day = z.iso.date().nullable();

const sourceFields = {
  kind: z.enum(SOURCE_KINDS),
  outlet: text(300),
  author: text(300),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable(),
  publishedOn: day,
  language: text(35),
  title: text(1000),
  archivedText: z.string().max(500_000),
  itemId: id.nullable(),
  note: text(20_000),
};
export const SourceInput = z
  .object({
    ...sourceFields,
    kind: sourceFields.kind.default('news'),
    outlet: sourceFields.outlet.default(''),
    author: sourceFields.author.default(''),
    url: sourceFields.url.default(null),
    publishedOn: day.default(null),
    language: sourceFields.language.default(''),
    title: sourceFields.title.default(''),
    archivedText: sourceFields.archivedText.default(''),
    itemId: sourceFields.itemId.default(null),
    note: sourceFields.note.default(''),
  })
  .strict();
export const SourcePatch = z.object(sourceFields).partial().strict();

const claimFields = {
  quote: text(5000).min(1),
  summary: text(1000),
  figure: z.number().min(-1e12).max(1e12).nullable(),
  figureUnit: text(200),
  claimedDate: day,
  incidents: ids,
  people: ids,
  organisations: ids,
  responses: ids,
};
export const ClaimInput = z
  .object({
    sourceId: id,
    ...claimFields,
    summary: claimFields.summary.default(''),
    figure: claimFields.figure.default(null),
    figureUnit: claimFields.figureUnit.default(''),
    claimedDate: day.default(null),
    incidents: ids.default([]),
    people: ids.default([]),
    organisations: ids.default([]),
    responses: ids.default([]),
  })
  .strict();
/** Link lists in a patch replace the claim's links of that kind. */
export const ClaimPatch = z.object(claimFields).partial().strict();

const responsePeople = z
  .array(z.object({ personId: id, role: z.enum(RESPONSE_PERSON_ROLES) }).strict())
  .max(200);

const responseFields = {
  type: z.enum(RESPONSE_TYPES),
  date: day,
  actingBodyId: id.nullable(),
  facilityId: id.nullable(),
  summary: text(5000),
  people: responsePeople,
  incidents: ids,
  claims: ids,
};
export const ResponseInput = z
  .object({
    ...responseFields,
    date: day.default(null),
    actingBodyId: responseFields.actingBodyId.default(null),
    facilityId: responseFields.facilityId.default(null),
    summary: responseFields.summary.default(''),
    people: responsePeople.default([]),
    incidents: ids.default([]),
    claims: ids.default([]),
  })
  .strict();
/** Link lists in a patch replace the response's links of that kind. */
export const ResponsePatch = z.object(responseFields).partial().strict();

export const MergeInput = z
  .object({
    kind: z.enum(MATCH_KINDS),
    keep: id,
    merge: id,
    decision: z.enum(['confirm', 'reject']),
  })
  .strict()
  .refine((m) => m.keep !== m.merge, { message: 'keep and merge must differ', path: ['merge'] });
