/**
 * Allegations sent through the public report page, typed by hand after /api/openapi.json
 * (src/server/routes/allegations.ts). Kept beside api.ts, on its `request`.
 */
import { request, type CustodyEvent } from './api.ts';

export const ALLEGATION_STATUSES = ['new', 'triaged', 'duplicate', 'closed'] as const;
export type AllegationStatus = (typeof ALLEGATION_STATUSES)[number];

export interface ListedAllegation {
  readonly id: string;
  readonly status: AllegationStatus;
  readonly language: string;
  /** The account's first 200 characters. Untrusted text. */
  readonly excerpt: string;
  /** Where, as the submitter typed it. */
  readonly facility: string;
  readonly occurredOn: string;
  readonly duplicateOf: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly attachments: number;
  readonly messages: number;
  readonly lastMessageAt: string | null;
  /** 'submitter' when the latest word is theirs: it waits for a reply. */
  readonly lastMessageAuthor: 'submitter' | 'staff' | null;
}

export interface AllegationsPage {
  readonly allegations: readonly ListedAllegation[];
  readonly next: string | null;
}

export interface AllegationMessage {
  readonly id: string;
  readonly author: 'submitter' | 'staff';
  /** Who replied (never shown to the submitter). */
  readonly staffActor: string | null;
  readonly body: string;
  readonly createdAt: string;
}

export interface AllegationAttachment {
  readonly id: string;
  readonly itemId: string;
  readonly name: string;
  /** The name with controls and direction overrides escaped. */
  readonly nameShown: string;
  readonly declaredType: string;
  readonly size: number;
  readonly sha256: string;
  readonly kind: string;
  readonly probeStatus: string;
  readonly receivedAt: string;
}

export interface Allegation {
  readonly id: string;
  readonly status: AllegationStatus;
  readonly language: string;
  readonly account: string;
  readonly facility: string;
  readonly occurredOn: string;
  readonly people: string;
  readonly duplicateOf: string | null;
  /** Allegations marked as repeats of this one. */
  readonly duplicates: readonly string[];
  readonly acquisitionId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly messages: readonly AllegationMessage[];
  readonly attachments: readonly AllegationAttachment[];
  readonly links: {
    readonly incidents: readonly { id: string; title: string }[];
    readonly people: readonly { id: string; pseudonym: string }[];
    readonly facilities: readonly { id: string; name: string }[];
  };
  readonly history: readonly CustodyEvent[];
}

/** A triage: what is sent changes; a list of ids replaces the links of that kind. */
export interface TriagePatch {
  readonly status?: AllegationStatus;
  readonly duplicateOf?: string | null;
  readonly incidents?: readonly string[];
  readonly people?: readonly string[];
  readonly facilities?: readonly string[];
}

export const allegationsApi = {
  list(
    filter: { status?: AllegationStatus | undefined },
    after: string | null,
    limit: number,
  ): Promise<AllegationsPage> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (after !== null) q.set('after', after);
    if (filter.status !== undefined) q.set('status', filter.status);
    return request<AllegationsPage>('GET', `/api/allegations?${q.toString()}`);
  },
  get: (id: string) => request<Allegation>('GET', `/api/allegations/${encodeURIComponent(id)}`),
  triage: (id: string, patch: TriagePatch) =>
    request<Allegation>('PATCH', `/api/allegations/${encodeURIComponent(id)}`, patch),
  reply: (id: string, body: string) =>
    request<Allegation>('POST', `/api/allegations/${encodeURIComponent(id)}/replies`, { body }),
};
