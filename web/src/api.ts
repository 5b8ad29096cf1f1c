/**
 * The REST API, typed by hand after /api/openapi.json. Every request is same-origin with the
 * session cookie; every error answer is `{error: {code, message, hint}}`, which becomes an
 * ApiError so pages can show the server's message and hint.
 */

import type { VerificationStatus } from './verification-api.ts';

export const ROLES = ['admin', 'investigator', 'reviewer', 'partner'] as const;
export type Role = (typeof ROLES)[number];

export const ITEM_KINDS = ['video', 'audio', 'image', 'document', 'other'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** Orders of the item list: by hash (stable), or newest/longest/largest first. */
export const ITEM_SORTS = ['hash', 'recorded', 'overlay', 'ingested', 'duration', 'size'] as const;
export type ItemSort = (typeof ITEM_SORTS)[number];

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly totp: boolean;
}

export interface ItemPath {
  readonly acquisitionId: string;
  readonly acquisition: string;
  readonly path: string;
  readonly mtime: string | null;
  readonly mode: string | null;
}

export interface StreamSummary {
  readonly index: number;
  readonly type: string;
  readonly codec: string | null;
  readonly width?: number;
  readonly height?: number;
  readonly frameRate?: number;
  readonly sampleRate?: number;
  readonly channels?: number;
  readonly durationSeconds?: number;
}

/** ffprobe's summary. Untrusted data: every field may be missing or of another type. */
export interface MediaSummary {
  readonly container?: string | null;
  readonly durationSeconds?: number | null;
  readonly bitRate?: number | null;
  readonly width?: number | null;
  readonly height?: number | null;
  readonly frameRate?: number | null;
  readonly videoCodec?: string | null;
  readonly audioCodec?: string | null;
  /** StreamSummary[] when well formed; checked before use. */
  readonly streams?: unknown;
  readonly creationTime?: string | null;
  /** Record<string, string> when well formed; checked before use. */
  readonly deviceTags?: unknown;
}

export interface Problem {
  readonly code: string;
  readonly message: string;
}

export interface Item {
  readonly id: string;
  readonly sha256: string;
  readonly size: number;
  readonly kind: ItemKind;
  readonly ingestedAt: string;
  readonly probeStatus: string;
  readonly paths: readonly ItemPath[];
  readonly media: MediaSummary | null;
  readonly problems: readonly Problem[];
  /** The camera overlay as read or corrected; null before it was read or when none was found. */
  readonly overlay: OverlaySummary | null;
  /** The same value for every copy and cut of one recording; null when it has none. */
  readonly cluster: string | null;
  /** Face tracks found; null before detection ran. */
  readonly faces: number | null;
  /** The verification record's status; 'unverified' when there is none. */
  readonly verification: VerificationStatus;
}

export interface OverlaySummary {
  /** Wall-clock time of the first frame, 'YYYY-MM-DDTHH:MM:SS', no zone (cameras give none). */
  readonly start: string | null;
  readonly device: string | null;
  readonly confidence: number;
  readonly source: 'ocr' | 'manual';
}

export interface OverlayReading extends OverlaySummary {
  readonly region: { x: number; y: number; w: number; h: number } | null;
  readonly frames: readonly { t: number; text: string }[];
  readonly ocr: { start: string | null; device: string | null; confidence: number };
  readonly readAt: string;
  readonly correctedBy: string | null;
  readonly correctedAt: string | null;
}

/** [t seconds, x, y, w, h as fractions of the frame, detector score]. */
export type FaceBox = readonly [number, number, number, number, number, number];

export interface FaceTrack {
  readonly track: number;
  readonly start: number;
  readonly end: number;
  readonly boxes: readonly FaceBox[];
}

export interface FacesAnswer {
  readonly run: {
    rate: number;
    frames: number;
    tracks: number;
    detector: string;
    ranAt: string;
  } | null;
  readonly tracks: readonly FaceTrack[];
}

/** Another item sharing a run of frames with this one. */
export interface SimilarItem {
  readonly itemId: string;
  /** Other's time = this item's time + offset. */
  readonly offsetSeconds: number;
  readonly thisRange: readonly [number, number];
  readonly otherRange: readonly [number, number];
  readonly matched: number;
  readonly score: number;
  /** copy: the same footage; cut-of: this is a part of the other; contains-cut: the reverse. */
  readonly relation: 'copy' | 'cut-of' | 'contains-cut' | 'overlap';
  readonly name: string | null;
}

export interface CustodyEvent {
  readonly seq: number | string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly payload: unknown;
  /** Absent in an incident's history (the item page shows it). */
  readonly hash?: string;
}

export type DerivativeKind = 'proxy' | 'poster' | 'contact-sheet';

/** A copy made from the item by a background job, for viewing (never evidence itself). */
export interface Derivative {
  readonly kind: DerivativeKind;
  readonly sha256: string;
  readonly size: number;
  readonly createdAt: string;
  readonly url: string;
}

export interface ItemDetail extends Item {
  readonly derivatives: readonly Derivative[];
  readonly events: readonly CustodyEvent[];
}

/** An entry of the items list: which derivatives exist, so only those are asked for. */
export interface ListedItem extends Item {
  readonly derivatives: readonly DerivativeKind[];
}

export interface ItemsPage {
  readonly items: readonly ListedItem[];
  readonly next: string | null;
}

export interface ItemsFilter {
  readonly kind?: ItemKind | undefined;
  readonly problems?: boolean | undefined;
  readonly acquisition?: string | undefined;
  /** Text in a path, a segment note or the media metadata. */
  readonly q?: string | undefined;
  /** Seen under this folder. */
  readonly folder?: string | undefined;
  /** Recorded (media creation time) from and to: ISO times with an offset. */
  readonly recordedFrom?: string | undefined;
  readonly recordedTo?: string | undefined;
  readonly minSeconds?: number | undefined;
  readonly maxSeconds?: number | undefined;
  /** Linked to an incident by a segment (true), by none (false). */
  readonly linked?: boolean | undefined;
  /** The camera overlay names this device (or a prefix). */
  readonly device?: string | undefined;
  /** Faces found (true), detection found none (false). */
  readonly faces?: boolean | undefined;
  /** Has other copies or cuts (true), or none (false). */
  readonly copies?: boolean | undefined;
  readonly verification?: VerificationStatus | undefined;
  /** Copies and cuts of one recording. */
  readonly cluster?: string | undefined;
  readonly sort?: ItemSort | undefined;
}

export const INCIDENT_STATUSES = ['open', 'documented', 'verified', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const PERSON_ROLES = ['victim', 'perpetrator', 'witness', 'official'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export interface Segment {
  readonly id: string;
  readonly itemId: string;
  /** The item's first path as shown (only in lists that gather segments of many items). */
  readonly itemPath: string | null;
  /** Seconds on the original's timeline (the proxy keeps it). */
  readonly start: number;
  readonly end: number;
  readonly incidentId: string | null;
  readonly note: string;
  readonly tags: readonly string[];
  readonly people: readonly string[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SegmentInput {
  readonly itemId: string;
  readonly start: number;
  readonly end: number;
  readonly incidentId?: string | null;
  readonly note?: string;
  readonly tags?: readonly string[];
  /** People shown in the segment, by id. */
  readonly people?: readonly string[];
}

export interface Incident {
  readonly id: string;
  readonly title: string;
  readonly startsAt: string | null;
  readonly endsAt: string | null;
  readonly facilityId: string | null;
  readonly facility: string | null;
  readonly description: string;
  readonly status: IncidentStatus;
  readonly acts: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface IncidentPerson {
  readonly id: string;
  readonly pseudonym: string;
  readonly role: PersonRole;
}

export interface IncidentDetail extends Incident {
  readonly people: readonly IncidentPerson[];
  readonly segments: readonly Segment[];
  readonly items: readonly string[];
  readonly history: readonly CustodyEvent[];
}

export interface IncidentInput {
  readonly title: string;
  readonly startsAt?: string | null;
  readonly endsAt?: string | null;
  readonly facilityId?: string | null;
  readonly description?: string;
  readonly status?: IncidentStatus;
  readonly acts?: readonly string[];
}

export interface IncidentsPage {
  readonly incidents: readonly (Incident & { readonly verification: VerificationStatus })[];
  readonly next: string | null;
}

/** A person as the catalogue shows them: by pseudonym only, never by real name. */
export interface Person {
  readonly id: string;
  readonly pseudonym: string;
  /** Other spellings of the pseudonym (never a real name). */
  readonly aliases: readonly string[];
  readonly note: string;
  readonly hasRealName: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Facilities come as stored (snake_case). */
export interface Facility {
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly type: string;
  readonly region: string;
  readonly latitude?: number | null;
  readonly longitude?: number | null;
}

export interface FacilityInput {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly type?: string;
  readonly region?: string;
  readonly latitude?: number | null;
  readonly longitude?: number | null;
}

/** Organisations (units, agencies, companies) come as stored (snake_case). */
export interface Organisation {
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly kind: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface OrganisationInput {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly kind?: string;
}

/** A drive or folder taken in: where items came from. */
export interface Acquisition {
  readonly id: string;
  readonly name: string;
  readonly openedAt: string;
  readonly files: number;
  readonly items: number;
}

/** One incident on the timeline: the month it started in (UTC) and where. */
export interface TimelineEntry {
  readonly month: string;
  readonly facilityId: string | null;
  readonly facility: string | null;
  readonly id: string;
  readonly title: string;
  readonly status: IncidentStatus;
  readonly startsAt: string;
}

export interface ViolationType {
  readonly code: string;
  readonly label_en: string;
  readonly label_ru: string;
}

export const JOB_STATES = [
  'created',
  'retry',
  'active',
  'completed',
  'cancelled',
  'failed',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface Job {
  readonly id: string;
  readonly name: string;
  readonly state: JobState;
  readonly payload: { readonly itemId?: string } | null;
  readonly createdOn: string;
  readonly startedOn: string | null;
  readonly completedOn: string | null;
  readonly error: string | null;
  readonly retryCount: number;
  readonly retryLimit: number;
  /** What the job last reported: 0…1 and what it was doing. */
  readonly progress: { fraction: number; detail: string | null; updatedOn: string } | null;
}

export interface JobsAnswer {
  readonly counts: Readonly<Record<string, Readonly<Record<JobState, number>>>>;
  readonly jobs: readonly Job[];
}

/** Roles that may change the catalogue (the server checks again). */
export const WRITE_ROLES: readonly Role[] = ['admin', 'investigator'];
export const canWrite = (account: Account): boolean => WRITE_ROLES.includes(account.role);

export class ApiError extends Error {
  readonly code: string;
  readonly hint: string | null;
  readonly status: number;

  constructor(status: number, code: string, message: string, hint: string | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.hint = hint;
  }
}

/** Codes this client makes itself, for failures that never reached a server answer. */
export const NETWORK_ERROR = 'CLIENT.NETWORK';
export const UNEXPECTED_ANSWER = 'CLIENT.UNEXPECTED';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One JSON request (exported for the API's other parts, e.g. verification-api.ts). */
export async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, NETWORK_ERROR, '', null);
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (res.ok && data !== null) return data as T;
  const error = isRecord(data) ? data['error'] : undefined;
  if (isRecord(error) && typeof error['code'] === 'string' && typeof error['message'] === 'string')
    throw new ApiError(
      res.status,
      error['code'],
      error['message'],
      typeof error['hint'] === 'string' ? error['hint'] : null,
    );
  throw new ApiError(res.status, UNEXPECTED_ANSWER, '', null);
}

const itemFile = (id: string, file: string): string =>
  `/api/items/${encodeURIComponent(id)}/${file}`;

export const api = {
  /** The signed-in account, or null when nobody is signed in. */
  async me(): Promise<Account | null> {
    try {
      return await request<Account>('GET', '/api/me');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  login: (input: { email: string; password: string; totp?: string }) =>
    request<Account>('POST', '/api/session', input),
  logout: () => request<undefined>('DELETE', '/api/session'),
  acceptInvitation: (input: {
    token: string;
    email: string;
    displayName: string;
    password: string;
  }) => request<Account>('POST', '/api/invitations/accept', input),
  invite: (input: { role: Role; email?: string }) =>
    request<{ token: string; expiresAt: string }>('POST', '/api/invitations', input),
  items(filter: ItemsFilter, after: string | null, limit: number): Promise<ItemsPage> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (after !== null) q.set('after', after);
    if (filter.kind !== undefined) q.set('kind', filter.kind);
    if (filter.problems === true) q.set('problems', 'true');
    if (filter.acquisition !== undefined) q.set('acquisition', filter.acquisition);
    if (filter.q !== undefined && filter.q !== '') q.set('q', filter.q);
    if (filter.folder !== undefined && filter.folder !== '') q.set('folder', filter.folder);
    if (filter.recordedFrom !== undefined) q.set('recordedFrom', filter.recordedFrom);
    if (filter.recordedTo !== undefined) q.set('recordedTo', filter.recordedTo);
    if (filter.minSeconds !== undefined) q.set('minSeconds', String(filter.minSeconds));
    if (filter.maxSeconds !== undefined) q.set('maxSeconds', String(filter.maxSeconds));
    if (filter.linked !== undefined) q.set('linked', String(filter.linked));
    if (filter.device !== undefined && filter.device !== '') q.set('device', filter.device);
    if (filter.faces !== undefined) q.set('faces', String(filter.faces));
    if (filter.copies !== undefined) q.set('copies', String(filter.copies));
    if (filter.cluster !== undefined) q.set('cluster', filter.cluster);
    if (filter.verification !== undefined) q.set('verification', filter.verification);
    if (filter.sort !== undefined && filter.sort !== 'hash') q.set('sort', filter.sort);
    return request<ItemsPage>('GET', `/api/items?${q.toString()}`);
  },
  item: (id: string) => request<ItemDetail>('GET', `/api/items/${encodeURIComponent(id)}`),
  originalUrl: (id: string) => itemFile(id, 'original'),
  proxyUrl: (id: string) => itemFile(id, 'proxy'),
  posterUrl: (id: string) => itemFile(id, 'poster'),
  contactSheetUrl: (id: string) => itemFile(id, 'contact-sheet'),
  jobs(filter: { limit?: number; state?: JobState; item?: string } = {}): Promise<JobsAnswer> {
    const q = new URLSearchParams({ limit: String(filter.limit ?? 1000) });
    if (filter.state !== undefined) q.set('state', filter.state);
    if (filter.item !== undefined) q.set('item', filter.item);
    return request<JobsAnswer>('GET', `/api/jobs?${q.toString()}`);
  },
  overlay: (id: string) =>
    request<{ reading: OverlayReading | null }>('GET', itemFile(id, 'overlay')),
  correctOverlay: (id: string, input: { start: string | null; device: string | null }) =>
    request<{ reading: OverlayReading }>('PUT', itemFile(id, 'overlay'), input),
  faces: (id: string) => request<FacesAnswer>('GET', itemFile(id, 'faces')),
  similar: (id: string) => request<{ items: SimilarItem[] }>('GET', itemFile(id, 'similar')),

  segments: (itemId: string) =>
    request<Segment[]>('GET', `/api/items/${encodeURIComponent(itemId)}/segments`),
  createSegment: (input: SegmentInput) => request<Segment>('POST', '/api/segments', input),
  deleteSegment: (id: string) =>
    request<undefined>('DELETE', `/api/segments/${encodeURIComponent(id)}`),

  incidents(
    filter: {
      status?: IncidentStatus | undefined;
      verification?: VerificationStatus | undefined;
    },
    after: string | null,
    limit: number,
  ): Promise<IncidentsPage> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (after !== null) q.set('after', after);
    if (filter.status !== undefined) q.set('status', filter.status);
    if (filter.verification !== undefined) q.set('verification', filter.verification);
    return request<IncidentsPage>('GET', `/api/incidents?${q.toString()}`);
  },
  /** Incidents with a start time, oldest first; from and to are ISO times. */
  timeline(range: {
    from?: string | undefined;
    to?: string | undefined;
  }): Promise<TimelineEntry[]> {
    const q = new URLSearchParams();
    if (range.from !== undefined) q.set('from', range.from);
    if (range.to !== undefined) q.set('to', range.to);
    const qs = q.toString();
    return request<TimelineEntry[]>('GET', `/api/incidents/timeline${qs === '' ? '' : `?${qs}`}`);
  },
  incident: (id: string) =>
    request<IncidentDetail>('GET', `/api/incidents/${encodeURIComponent(id)}`),
  createIncident: (input: IncidentInput) => request<Incident>('POST', '/api/incidents', input),
  updateIncident: (id: string, patch: Partial<IncidentInput>) =>
    request<Incident>('PATCH', `/api/incidents/${encodeURIComponent(id)}`, patch),
  linkPerson: (incidentId: string, input: { personId: string; role: PersonRole }) =>
    request<undefined>('POST', `/api/incidents/${encodeURIComponent(incidentId)}/people`, input),

  people: (after: string | null, limit: number) =>
    request<{ people: Person[]; next: string | null }>(
      'GET',
      `/api/people?limit=${limit}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`,
    ),
  /** Only a pseudonym and a note: the web app never sends or shows real names. */
  createPerson: (input: { pseudonym: string; note?: string }) =>
    request<Person>('POST', '/api/people', input),

  facilities: () => request<Facility[]>('GET', '/api/facilities'),
  createFacility: (input: FacilityInput) => request<Facility>('POST', '/api/facilities', input),
  violationTypes: () => request<ViolationType[]>('GET', '/api/violation-types'),
  /** Admins only. */
  createViolationType: (input: { code: string; labelEn: string; labelRu: string }) =>
    request<ViolationType>('POST', '/api/violation-types', input),
  organisations: () => request<Organisation[]>('GET', '/api/organisations'),
  createOrganisation: (input: OrganisationInput) =>
    request<Organisation>('POST', '/api/organisations', input),
  acquisitions: () => request<Acquisition[]>('GET', '/api/acquisitions'),
};
