import type { Kysely } from 'kysely';
import { facilityName, incidentsInScope } from '../../db/responses-query.ts';
import { RESPONSE_TYPES, type ResponseType } from '../../db/responses-schema.ts';
import type { Database } from '../../db/schema.ts';
import { toCsv } from '../../domain/csv.ts';
import { notFound } from '../catalogue/catalogue.ts';
import { releasesAbout, type ReleaseAbout } from '../release/view.ts';
import { responsesJson, type SourceRef } from './views.ts';

/**
 * What happened at a facility (or in one incident) and what the authorities did about it: a
 * timeline of incidents, releases and responses, counts by type of response, and the same as
 * CSV and JSON for others to read.
 *
 * The view is built to be handed out: it holds titles, dates, acts, bodies, pseudonyms and the
 * public sources that report each response, and never a real name, a note, an incident's
 * description, an archived text, who entered what, or anything about an acquisition.
 */

export type AccountabilityScope = { readonly facilityId: string } | { readonly incidentId: string };

export interface IncidentEntry {
  readonly kind: 'incident';
  readonly id: string;
  /** The day it began (UTC), 'YYYY-MM-DD'; null when unknown. */
  readonly date: string | null;
  readonly startsAt: string | null;
  readonly endsAt: string | null;
  readonly title: string;
  readonly status: string;
  readonly acts: readonly string[];
  readonly facility: string | null;
}

export interface ResponseEntry {
  readonly kind: 'response';
  readonly id: string;
  readonly date: string | null;
  readonly type: ResponseType;
  readonly summary: string;
  readonly actingBody: string | null;
  readonly facility: string | null;
  /** Ids of the incidents it answers. */
  readonly incidents: readonly string[];
  readonly people: readonly { pseudonym: string; role: string }[];
  readonly sources: readonly SourceRef[];
}

export type TimelineEntry = IncidentEntry | ResponseEntry;

export interface AccountabilityView {
  readonly scope: { kind: 'facility' | 'incident'; id: string; name: string };
  /** Oldest first; undated entries last. */
  readonly timeline: readonly TimelineEntry[];
  /**
   * Releases with material about the scope (a text about one of its incidents, or a video of
   * a segment marked with one), by embargo date, whatever their status.
   */
  readonly releases: readonly ReleaseAbout[];
  readonly counts: {
    readonly incidents: number;
    readonly responses: number;
    /** Every response type, in vocabulary order, zeros included. */
    readonly byType: Readonly<Record<ResponseType, number>>;
  };
}

const KIND_ORDER: Readonly<Record<TimelineEntry['kind'], number>> = { incident: 0, response: 1 };

/** By day; on one day incidents before what answered them; undated last. */
function byDate(x: TimelineEntry, y: TimelineEntry): number {
  const dx = x.date ?? '9999-99-99';
  const dy = y.date ?? '9999-99-99';
  if (dx !== dy) return dx < dy ? -1 : 1;
  if (x.kind !== y.kind) return KIND_ORDER[x.kind] - KIND_ORDER[y.kind];
  const tx = x.kind === 'incident' ? (x.startsAt ?? '') : '';
  const ty = y.kind === 'incident' ? (y.startsAt ?? '') : '';
  if (tx !== ty) return tx < ty ? -1 : 1;
  return 0;
}

export async function accountability(
  db: Kysely<Database>,
  scope: AccountabilityScope,
): Promise<AccountabilityView> {
  const incidents = await incidentsInScope(db, scope);
  let scopeInfo: AccountabilityView['scope'];
  if ('facilityId' in scope) {
    const name = await facilityName(db, scope.facilityId);
    if (name === undefined) throw notFound('facility');
    scopeInfo = { kind: 'facility', id: scope.facilityId, name };
  } else {
    const incident = incidents[0];
    if (incident === undefined) throw notFound('incident');
    scopeInfo = { kind: 'incident', id: incident.id, name: incident.title };
  }
  const responses = await responsesJson(
    db,
    'facilityId' in scope ? { facilityId: scope.facilityId } : { incidentId: scope.incidentId },
  );
  const entries: TimelineEntry[] = [
    ...incidents.map((i): IncidentEntry => ({
      kind: 'incident',
      id: i.id,
      date: i.starts_at?.toISOString().slice(0, 10) ?? null,
      startsAt: i.starts_at?.toISOString() ?? null,
      endsAt: i.ends_at?.toISOString() ?? null,
      title: i.title,
      status: i.status,
      acts: i.acts,
      facility: i.facility,
    })),
    ...responses.map((r): ResponseEntry => ({
      kind: 'response',
      id: r.id,
      date: r.date,
      type: r.type,
      summary: r.summary,
      actingBody: r.actingBody,
      facility: r.facility,
      incidents: r.incidents,
      people: r.people.map((p) => ({ pseudonym: p.pseudonym, role: p.role })),
      sources: r.sources,
    })),
  ];
  const byType = Object.fromEntries(RESPONSE_TYPES.map((t) => [t, 0])) as Record<
    ResponseType,
    number
  >;
  for (const r of responses) byType[r.type] += 1;
  return {
    scope: scopeInfo,
    // A stable sort: entries of one day and kind keep the queries' order.
    timeline: entries.sort(byDate),
    releases: await releasesAbout(
      db,
      incidents.map((i) => i.id),
    ),
    counts: { incidents: incidents.length, responses: responses.length, byType },
  };
}

export const ACCOUNTABILITY_CSV_HEADER = [
  'date',
  'kind',
  'type',
  'title',
  'facility',
  'acting_body',
  'people',
  'incidents',
  'sources',
  'id',
] as const;

function sourceCell(s: SourceRef): string {
  return [s.outlet, s.publishedOn, s.url].filter((v) => v !== null && v !== '').join(' ');
}

/**
 * The timeline as CSV (docs/responses.md): one row per entry, several values in a cell
 * separated by "; ". For incidents `type` holds the acts and `title` the title; for responses
 * `type` is the response type and `title` its summary.
 */
export function accountabilityCsv(view: AccountabilityView): string {
  const rows = view.timeline.map((e) =>
    e.kind === 'incident'
      ? [e.date, e.kind, e.acts.join('; '), e.title, e.facility, null, null, null, null, e.id]
      : [
          e.date,
          e.kind,
          e.type,
          e.summary,
          e.facility,
          e.actingBody,
          e.people.map((p) => `${p.pseudonym} (${p.role})`).join('; '),
          e.incidents.join('; '),
          e.sources.map(sourceCell).join('; '),
          e.id,
        ],
  );
  return toCsv(ACCOUNTABILITY_CSV_HEADER, rows);
}
