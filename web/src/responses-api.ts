/**
 * Sources, claims, official responses, name matches and the accountability view, typed by hand
 * after /api/openapi.json (src/server/routes/responses.ts, docs/responses.md). Kept beside
 * api.ts, on its `request`.
 */
import { request } from './api.ts';

export const SOURCE_KINDS = ['news', 'document', 'statement', 'court', 'other'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const RESPONSE_TYPES = [
  'inspection',
  'investigation_opened',
  'inquiry_opened',
  'criminal_case_opened',
  'dismissed',
  'resigned',
  'disciplined',
  'called_to_testify',
  'public_statement',
  'denial',
  'court_verdict',
  'other',
] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

/** subject: whom the act is about; official: who acted for the body. */
export const RESPONSE_PERSON_ROLES = ['subject', 'official', 'victim', 'witness', 'other'] as const;
export type ResponsePersonRole = (typeof RESPONSE_PERSON_ROLES)[number];

export const MATCH_KINDS = ['person', 'facility', 'organisation'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/** A source as lists show it (no archived text). Days are 'YYYY-MM-DD'. */
export interface Source {
  readonly id: string;
  readonly kind: SourceKind;
  readonly outlet: string;
  readonly author: string;
  readonly url: string | null;
  readonly publishedOn: string | null;
  readonly language: string;
  readonly title: string;
  readonly itemId: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SourceListEntry extends Source {
  /** How many claims are quoted from it. */
  readonly claims: number;
}

export interface SourceRef {
  readonly id: string;
  readonly outlet: string;
  readonly url: string | null;
  readonly publishedOn: string | null;
}

export interface Claim {
  readonly id: string;
  readonly sourceId: string;
  readonly quote: string;
  readonly summary: string;
  readonly figure: number | null;
  readonly figureUnit: string;
  readonly claimedDate: string | null;
  readonly source: SourceRef & { readonly title: string };
  /** Ids of the linked records. */
  readonly incidents: readonly string[];
  readonly people: readonly string[];
  readonly organisations: readonly string[];
  readonly responses: readonly string[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SourceDetail extends Source {
  readonly archivedText: string;
  readonly note: string;
  readonly claims: readonly Claim[];
}

export interface SourceInput {
  readonly kind: SourceKind;
  readonly outlet: string;
  readonly author: string;
  readonly url: string | null;
  readonly publishedOn: string | null;
  readonly language: string;
  readonly title: string;
  readonly archivedText: string;
  readonly itemId: string | null;
  readonly note: string;
}

export interface ClaimFields {
  readonly quote: string;
  readonly summary: string;
  readonly figure: number | null;
  readonly figureUnit: string;
  readonly claimedDate: string | null;
  readonly incidents: readonly string[];
  readonly people: readonly string[];
  readonly organisations: readonly string[];
  readonly responses: readonly string[];
}

export interface ResponsePersonRef {
  readonly id: string;
  readonly pseudonym: string;
  readonly role: ResponsePersonRole;
}

interface ResponseBase {
  readonly id: string;
  readonly type: ResponseType;
  readonly date: string | null;
  readonly actingBodyId: string | null;
  readonly actingBody: string | null;
  readonly facilityId: string | null;
  readonly facility: string | null;
  readonly summary: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly people: readonly ResponsePersonRef[];
  readonly sources: readonly SourceRef[];
}

export interface ResponseListEntry extends ResponseBase {
  /** Ids of the incidents it answers. */
  readonly incidents: readonly string[];
  readonly claimCount: number;
}

export interface ConflictClaim {
  readonly claimId: string;
  readonly quote: string;
  readonly source: SourceRef;
}

export interface Conflict {
  readonly field: 'figure' | 'date';
  /** For figures, the unit they count; null for dates. */
  readonly unit: string | null;
  /** Each distinct value once, ascending, with the claims that state it. */
  readonly values: readonly {
    readonly value: number | string;
    readonly claims: readonly ConflictClaim[];
  }[];
}

export interface ResponseDetail extends ResponseBase {
  readonly incidents: readonly {
    readonly id: string;
    readonly title: string;
    readonly startsAt: string | null;
    readonly status: string;
    readonly facility: string | null;
  }[];
  readonly claims: readonly Claim[];
  readonly conflicts: readonly Conflict[];
}

export interface ResponseInput {
  readonly type: ResponseType;
  readonly date: string | null;
  readonly actingBodyId: string | null;
  readonly facilityId: string | null;
  readonly summary: string;
  readonly people: readonly { personId: string; role: ResponsePersonRole }[];
  readonly incidents: readonly string[];
  readonly claims: readonly string[];
}

export interface ResponseFilter {
  readonly type?: ResponseType | undefined;
  readonly facility?: string | undefined;
  readonly incident?: string | undefined;
  readonly organisation?: string | undefined;
}

export interface NameSuggestion {
  readonly id: string;
  /** How the record is shown (its name, or a person's pseudonym). */
  readonly label: string;
  /** The alias that matched best. */
  readonly name: string;
  readonly score: number;
  /** Why, in English: "transliteration (BGN/PCGN)", "edit distance 1, word order". */
  readonly why: string;
}

export interface MergeResult {
  readonly kind: MatchKind;
  readonly keep: string;
  readonly merge: string;
  readonly decision: 'confirmed' | 'rejected';
  readonly aliases: readonly string[];
}

export interface AccountabilityIncident {
  readonly kind: 'incident';
  readonly id: string;
  readonly date: string | null;
  readonly startsAt: string | null;
  readonly endsAt: string | null;
  readonly title: string;
  readonly status: string;
  readonly acts: readonly string[];
  readonly facility: string | null;
}

export interface AccountabilityResponse {
  readonly kind: 'response';
  readonly id: string;
  readonly date: string | null;
  readonly type: ResponseType;
  readonly summary: string;
  readonly actingBody: string | null;
  readonly facility: string | null;
  readonly incidents: readonly string[];
  readonly people: readonly { pseudonym: string; role: ResponsePersonRole }[];
  readonly sources: readonly SourceRef[];
}

/** A release with material about the scope (a text or a video of one of its incidents). */
export interface AccountabilityRelease {
  readonly id: string;
  readonly title: string;
  readonly audience: 'public' | 'partners';
  readonly status: 'draft' | 'submitted' | 'approved' | 'revoked';
  readonly embargoAt: string;
}

export interface AccountabilityView {
  readonly scope: { kind: 'facility' | 'incident'; id: string; name: string };
  readonly timeline: readonly (AccountabilityIncident | AccountabilityResponse)[];
  readonly releases: readonly AccountabilityRelease[];
  readonly counts: {
    readonly incidents: number;
    readonly responses: number;
    readonly byType: Readonly<Record<ResponseType, number>>;
  };
}

export type AccountabilityScope = { facility: string } | { incident: string };

/** The list pages' filters, kept in the address (validated in router.tsx). */
export interface ResponsesSearch {
  type?: ResponseType | undefined;
  facility?: string | undefined;
  incident?: string | undefined;
  organisation?: string | undefined;
}

export interface AccountabilitySearch {
  facility?: string | undefined;
  incident?: string | undefined;
}

export interface SourcesSearch {
  q?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = (v: unknown): string | undefined =>
  typeof v === 'string' && UUID.test(v) ? v : undefined;
export const isUuid = (v: string): boolean => UUID.test(v);

export const responsesSearch = (search: Record<string, unknown>): ResponsesSearch => ({
  type: (RESPONSE_TYPES as readonly unknown[]).includes(search['type'])
    ? (search['type'] as ResponseType)
    : undefined,
  facility: uuid(search['facility']),
  incident: uuid(search['incident']),
  organisation: uuid(search['organisation']),
});

export const accountabilitySearch = (search: Record<string, unknown>): AccountabilitySearch => {
  const facility = uuid(search['facility']);
  // One scope at a time: a facility wins over an incident.
  return { facility, incident: facility === undefined ? uuid(search['incident']) : undefined };
};

export const sourcesSearch = (search: Record<string, unknown>): SourcesSearch => {
  const q = search['q'];
  return { q: typeof q === 'string' && q.trim() !== '' && q.length <= 200 ? q : undefined };
};

const enc = encodeURIComponent;

function scopeQuery(scope: AccountabilityScope): string {
  return 'facility' in scope
    ? `facility=${enc(scope.facility)}`
    : `incident=${enc(scope.incident)}`;
}

export const responsesApi = {
  sources(q: string | undefined, after: string | null, limit: number) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (q !== undefined && q.trim() !== '') query.set('q', q.trim());
    if (after !== null) query.set('after', after);
    return request<{ sources: SourceListEntry[]; next: string | null }>(
      'GET',
      `/api/sources?${query.toString()}`,
    );
  },
  source: (id: string) => request<SourceDetail>('GET', `/api/sources/${enc(id)}`),
  createSource: (input: SourceInput) => request<SourceDetail>('POST', '/api/sources', input),
  updateSource: (id: string, patch: Partial<SourceInput>) =>
    request<SourceDetail>('PATCH', `/api/sources/${enc(id)}`, patch),
  sourceClaims: (id: string) => request<Claim[]>('GET', `/api/sources/${enc(id)}/claims`),

  createClaim: (input: ClaimFields & { sourceId: string }) =>
    request<Claim>('POST', '/api/claims', input),
  updateClaim: (id: string, patch: Partial<ClaimFields>) =>
    request<Claim>('PATCH', `/api/claims/${enc(id)}`, patch),

  responses(filter: ResponseFilter) {
    const query = new URLSearchParams();
    if (filter.type !== undefined) query.set('type', filter.type);
    if (filter.facility !== undefined) query.set('facility', filter.facility);
    if (filter.incident !== undefined) query.set('incident', filter.incident);
    if (filter.organisation !== undefined) query.set('organisation', filter.organisation);
    const qs = query.toString();
    return request<ResponseListEntry[]>('GET', `/api/responses${qs === '' ? '' : `?${qs}`}`);
  },
  response: (id: string) => request<ResponseDetail>('GET', `/api/responses/${enc(id)}`),
  createResponse: (input: ResponseInput) =>
    request<ResponseDetail>('POST', '/api/responses', input),
  updateResponse: (id: string, patch: Partial<ResponseInput>) =>
    request<ResponseDetail>('PATCH', `/api/responses/${enc(id)}`, patch),
  withdrawResponse: (id: string) => request<undefined>('DELETE', `/api/responses/${enc(id)}`),

  /** Records a name may be, best first; people by pseudonym and aliases only. */
  match: (kind: MatchKind, name: string) =>
    request<{ suggestions: NameSuggestion[] }>(
      'GET',
      `/api/match?kind=${kind}&name=${enc(name)}&limit=5`,
    ),
  decideMatch: (input: {
    kind: MatchKind;
    keep: string;
    merge: string;
    decision: 'confirm' | 'reject';
  }) => request<MergeResult>('POST', '/api/merges', input),

  accountability: (scope: AccountabilityScope) =>
    request<AccountabilityView>('GET', `/api/accountability?${scopeQuery(scope)}`),
  accountabilityCsvUrl: (scope: AccountabilityScope) =>
    `/api/accountability.csv?${scopeQuery(scope)}`,
  accountabilityJsonUrl: (scope: AccountabilityScope) =>
    `/api/accountability.json?${scopeQuery(scope)}`,
};
