import type { Kysely } from 'kysely';
import {
  claimsWhere,
  findResponse,
  findSource,
  incidentsOfResponse,
  listResponses,
  peopleOfResponses,
  sourcesOfResponses,
  type ClaimWhere,
  type ResponseFilter,
} from '../../db/responses-query.ts';
import type { Database } from '../../db/schema.ts';
import { findConflicts, type Conflict } from '../../domain/conflicts.ts';
import { notFound } from '../catalogue/catalogue.ts';

/** The API's shapes of sources, claims and responses (camelCase, ISO times, days as text). */

type ClaimRow = Awaited<ReturnType<typeof claimsWhere>>[number];

export function claimJson(c: ClaimRow) {
  return {
    id: c.id,
    sourceId: c.source_id,
    quote: c.quote,
    summary: c.summary,
    figure: c.figure,
    figureUnit: c.figure_unit,
    claimedDate: c.claimed_date,
    source: {
      id: c.source_id,
      outlet: c.source_outlet,
      title: c.source_title,
      url: c.source_url,
      publishedOn: c.published_on,
    },
    incidents: c.incidents,
    people: c.people,
    organisations: c.organisations,
    responses: c.responses,
    createdBy: c.created_by,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}
export type ClaimJson = ReturnType<typeof claimJson>;

export async function claimsJson(db: Kysely<Database>, where: ClaimWhere): Promise<ClaimJson[]> {
  return (await claimsWhere(db, where)).map(claimJson);
}

export async function claimView(db: Kysely<Database>, id: string): Promise<ClaimJson> {
  const [claim] = await claimsJson(db, { id });
  if (claim === undefined) throw notFound('claim');
  return claim;
}

interface SourceListRow {
  id: string;
  kind: string;
  outlet: string;
  author: string;
  url: string | null;
  published_on: string | null;
  language: string;
  title: string;
  item_id: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export function sourceJson(s: SourceListRow) {
  return {
    id: s.id,
    kind: s.kind,
    outlet: s.outlet,
    author: s.author,
    url: s.url,
    publishedOn: s.published_on,
    language: s.language,
    title: s.title,
    itemId: s.item_id,
    createdBy: s.created_by,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}

/** A source with its archived text, note and claims. */
export async function sourceView(db: Kysely<Database>, id: string) {
  const source = await findSource(db, id);
  if (source === undefined) throw notFound('source');
  return {
    ...sourceJson(source),
    archivedText: source.archived_text,
    note: source.note,
    claims: await claimsJson(db, { sourceId: id }),
  };
}

type ResponseRow = Awaited<ReturnType<typeof listResponses>>[number];

function responseJson(r: Omit<ResponseRow, 'claims' | 'incidents'>) {
  return {
    id: r.id,
    type: r.type,
    date: r.date,
    actingBodyId: r.acting_body_id,
    actingBody: r.acting_body,
    facilityId: r.facility_id,
    facility: r.facility,
    summary: r.summary,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface SourceRef {
  readonly id: string;
  readonly outlet: string;
  readonly url: string | null;
  readonly publishedOn: string | null;
}

/** Responses for a list: each with its incidents, people and the sources that report it. */
export async function responsesJson(db: Kysely<Database>, filter: ResponseFilter) {
  const rows = await listResponses(db, filter);
  const ids = rows.map((r) => r.id);
  const people = await peopleOfResponses(db, ids);
  const sources = await sourcesOfResponses(db, ids);
  return rows.map((r) => ({
    ...responseJson(r),
    incidents: r.incidents,
    people: people
      .filter((p) => p.response_id === r.id)
      .map((p) => ({ id: p.id, pseudonym: p.pseudonym, role: p.role })),
    sources: sources
      .filter((s) => s.response_id === r.id)
      .map((s): SourceRef => ({
        id: s.id,
        outlet: s.outlet,
        url: s.url,
        publishedOn: s.published_on,
      })),
    claimCount: r.claims,
  }));
}
export type ResponseListJson = Awaited<ReturnType<typeof responsesJson>>[number];

export interface ResponseView extends ReturnType<typeof responseJson> {
  readonly people: readonly { id: string; pseudonym: string; role: string }[];
  readonly incidents: readonly {
    id: string;
    title: string;
    startsAt: string | null;
    status: string;
    facility: string | null;
  }[];
  readonly claims: readonly ClaimJson[];
  readonly sources: readonly SourceRef[];
  /** Where the claims that report it disagree on a figure or a date. */
  readonly conflicts: readonly Conflict[];
}

/** A response with everything that supports it, and where its sources disagree. */
export async function responseView(db: Kysely<Database>, id: string): Promise<ResponseView> {
  const response = await findResponse(db, id);
  if (response === undefined) throw notFound('response');
  const claims = await claimsJson(db, { responseId: id });
  const sources = new Map<string, SourceRef>();
  for (const c of claims)
    sources.set(c.source.id, {
      id: c.source.id,
      outlet: c.source.outlet,
      url: c.source.url,
      publishedOn: c.source.publishedOn,
    });
  return {
    ...responseJson(response),
    people: (await peopleOfResponses(db, [id])).map((p) => ({
      id: p.id,
      pseudonym: p.pseudonym,
      role: p.role,
    })),
    incidents: (await incidentsOfResponse(db, id)).map((i) => ({
      id: i.id,
      title: i.title,
      startsAt: i.starts_at?.toISOString() ?? null,
      status: i.status,
      facility: i.facility,
    })),
    claims,
    sources: [...sources.values()],
    conflicts: findConflicts(
      claims.map((c) => ({
        claimId: c.id,
        quote: c.quote,
        figure: c.figure,
        figureUnit: c.figureUnit,
        claimedDate: c.claimedDate,
        source: {
          id: c.source.id,
          outlet: c.source.outlet,
          url: c.source.url,
          publishedOn: c.source.publishedOn,
        },
      })),
    ),
  };
}
