/**
 * Redactions, releases and what partners see, typed by hand after /api/openapi.json
 * (src/server/routes/redactions.ts, releases.ts, shared.ts). Kept beside api.ts, on its
 * `request`.
 */
import { request } from './api.ts';

export const REDACTION_STATUSES = [
  'draft',
  'rendering',
  'rendered',
  'failed',
  'approved',
  'returned',
] as const;
export type RedactionStatus = (typeof REDACTION_STATUSES)[number];

export const RELEASE_STATUSES = ['draft', 'submitted', 'approved', 'revoked'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export type Audience = 'public' | 'partners';
export type MaskFill = 'opaque' | 'blur';
export type AudioMode = 'mute' | 'bleep';

/** Where a box is at one moment: fractions of the displayed picture, seconds of the original. */
export interface Keyframe {
  readonly t: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface Mask {
  readonly id: string;
  readonly fill: MaskFill;
  readonly start: number;
  readonly end: number;
  /** At least one, sorted by time; between two the box moves linearly. */
  readonly keyframes: readonly Keyframe[];
  /** The face track it was pre-filled from. */
  readonly track?: number | undefined;
}

export interface AudioRange {
  readonly start: number;
  readonly end: number;
  readonly mode: AudioMode;
}

export interface Cut {
  readonly start: number;
  readonly end: number;
}

export interface RedactionSpec {
  readonly masks: readonly Mask[];
  readonly audio: readonly AudioRange[];
  readonly cut: Cut | null;
}

export interface FlaggedFace {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly score: number;
}

/** What the face detector still found in a render; `t` on the ORIGINAL's timeline. */
export interface FaceCheck {
  readonly rate: number;
  readonly frames: number;
  readonly flagged: readonly { readonly t: number; readonly faces: readonly FlaggedFace[] }[];
}

export interface Redaction {
  readonly id: string;
  readonly itemId: string;
  readonly segmentId: string | null;
  readonly title: string;
  readonly version: number;
  readonly status: RedactionStatus;
  readonly spec: RedactionSpec;
  readonly authors: readonly string[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedBy: string;
  readonly updatedAt: string;
  readonly render: {
    readonly version: number;
    /** Whether it is of the current version of the decisions. */
    readonly current: boolean;
    readonly sha256: string | null;
    readonly size: number | null;
    readonly at: string | null;
  } | null;
  readonly renderError: string | null;
  /** Untrusted shape: read it with faceCheckOf. */
  readonly faceCheck: unknown;
  readonly facesFlagged: number;
  readonly review: {
    readonly by: string;
    readonly at: string | null;
    readonly note: string;
  } | null;
}

export interface RedactionEvent {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly version: number | null;
  readonly decision: string | null;
}

export interface RedactionDetail extends Redaction {
  /** Whether the reader may review it now (a reviewer or admin who did not change it). */
  readonly canReview: boolean;
  readonly history: readonly RedactionEvent[];
}

export interface ReleaseListEntry {
  readonly id: string;
  readonly title: string;
  readonly audience: Audience;
  readonly status: ReleaseStatus;
  readonly published: boolean;
  readonly embargoAt: string;
  readonly updatedAt: string;
  readonly createdBy: string;
  readonly approvedBy: string | null;
}

export interface Partner {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

export interface ReleaseVideo {
  readonly position: number;
  readonly caption: string;
  readonly redactionId: string;
  readonly itemId: string;
  readonly title: string;
  readonly status: RedactionStatus;
}

export interface ReleaseText {
  readonly position: number;
  readonly incidentId: string | null;
  readonly heading: string;
  readonly body: string;
}

export interface ReleaseLink {
  readonly id: string;
  readonly recipient: string;
  readonly expiresAt: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly active: boolean;
}

export interface ReleaseAccess {
  readonly recipient: string;
  readonly action: 'view' | 'play' | 'download';
  readonly position: number | null;
  readonly at: string;
}

export interface Release {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly contentWarning: string;
  readonly audience: Audience;
  readonly embargoAt: string;
  readonly requireVerified: boolean;
  readonly status: ReleaseStatus;
  readonly published: boolean;
  readonly version: number;
  readonly authors: readonly string[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  readonly revokedBy: string | null;
  readonly revokedAt: string | null;
  readonly revokeReason: string;
  readonly videos: readonly ReleaseVideo[];
  readonly texts: readonly ReleaseText[];
  readonly partners: readonly Partner[];
  readonly links: readonly ReleaseLink[];
  readonly access: readonly ReleaseAccess[];
  /** Whether the reader may approve it now (a reviewer who did not change it). */
  readonly canApprove: boolean;
  readonly history: readonly {
    readonly seq: number;
    readonly at: string;
    readonly actor: string;
    readonly action: string;
  }[];
}

/** What a release form sends; the lists replace the release's lists. */
export interface ReleaseInput {
  readonly title: string;
  readonly summary: string;
  readonly contentWarning: string;
  readonly audience: Audience;
  readonly embargoAt: string;
  readonly requireVerified: boolean;
  readonly videos: readonly { readonly redactionId: string; readonly caption: string }[];
  readonly texts: readonly {
    readonly incidentId: string | null;
    readonly heading: string;
    readonly body: string;
  }[];
  readonly partners: readonly string[];
}

/** A release as a partner sees it: no ids of items, redactions, incidents or people. */
export interface SharedRelease {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly contentWarning: string;
  readonly publishedAt: string;
  readonly videos: readonly {
    readonly position: number;
    readonly caption: string;
    readonly durationSeconds: number | null;
  }[];
  readonly texts: readonly {
    readonly position: number;
    readonly heading: string;
    readonly body: string;
    readonly incident: {
      readonly startsAt: string | null;
      readonly endsAt: string | null;
      readonly facility: string | null;
      readonly acts: readonly { readonly en: string; readonly ru: string }[];
    } | null;
  }[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The face check as stored, read defensively (null when there is none or it is malformed). */
export function faceCheckOf(v: unknown): FaceCheck | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const flagged = Array.isArray(o['flagged']) ? (o['flagged'] as unknown[]) : [];
  return {
    rate: num(o['rate']) ?? 0,
    frames: num(o['frames']) ?? 0,
    flagged: flagged.flatMap((f) => {
      if (typeof f !== 'object' || f === null) return [];
      const r = f as Record<string, unknown>;
      const t = num(r['t']);
      if (t === null) return [];
      const faces = (Array.isArray(r['faces']) ? (r['faces'] as unknown[]) : []).flatMap(
        (x): FlaggedFace[] => {
          if (typeof x !== 'object' || x === null) return [];
          const b = x as Record<string, unknown>;
          const [bx, by, bw, bh] = [num(b['x']), num(b['y']), num(b['w']), num(b['h'])];
          if (bx === null || by === null || bw === null || bh === null) return [];
          return [{ x: bx, y: by, w: bw, h: bh, score: num(b['score']) ?? 0 }];
        },
      );
      return [{ t, faces }];
    }),
  };
}

const enc = encodeURIComponent;
const redactionUrl = (id: string, rest = ''): string => `/api/redactions/${enc(id)}${rest}`;
const releaseUrl = (id: string, rest = ''): string => `/api/releases/${enc(id)}${rest}`;
const sharedUrl = (id: string, rest = ''): string => `/api/shared/releases/${enc(id)}${rest}`;

export const releasesApi = {
  itemRedactions: (itemId: string) =>
    request<{ redactions: Redaction[] }>('GET', `/api/items/${enc(itemId)}/redactions`),
  createRedaction: (
    itemId: string,
    input: { segmentId?: string; title?: string; prefillFaces?: boolean },
  ) => request<RedactionDetail>('POST', `/api/items/${enc(itemId)}/redactions`, input),
  redactions(filter: { status?: RedactionStatus | undefined } = {}) {
    const q = filter.status === undefined ? '' : `?status=${enc(filter.status)}`;
    return request<{ redactions: Redaction[] }>('GET', `/api/redactions${q}`);
  },
  redaction: (id: string) => request<RedactionDetail>('GET', redactionUrl(id)),
  updateRedaction: (id: string, input: { version: number; title?: string; spec?: RedactionSpec }) =>
    request<RedactionDetail>('PATCH', redactionUrl(id), input),
  render: (id: string) => request<RedactionDetail>('POST', redactionUrl(id, '/render')),
  review: (id: string, input: { decision: 'approve' | 'return'; note?: string; version: number }) =>
    request<RedactionDetail>('POST', redactionUrl(id, '/review'), input),
  /** The render of `version` (the query only keeps a browser from showing an older one). */
  renderUrl: (id: string, version: number) => redactionUrl(id, `/video?v=${String(version)}`),
  renderPosterUrl: (id: string, version: number) =>
    redactionUrl(id, `/poster?v=${String(version)}`),

  releases(filter: { status?: ReleaseStatus | undefined } = {}) {
    const q = filter.status === undefined ? '' : `?status=${enc(filter.status)}`;
    return request<{ releases: ReleaseListEntry[] }>('GET', `/api/releases${q}`);
  },
  partners: () => request<{ partners: Partner[] }>('GET', '/api/partners'),
  release: (id: string) => request<Release>('GET', releaseUrl(id)),
  createRelease: (input: ReleaseInput) => request<Release>('POST', '/api/releases', input),
  updateRelease: (id: string, input: Partial<ReleaseInput> & { version: number }) =>
    request<Release>('PATCH', releaseUrl(id), input),
  releaseStep: (
    id: string,
    step: 'submit' | 'approve' | 'return',
    input: { version: number; note?: string },
  ) => request<Release>('POST', releaseUrl(id, `/${step}`), input),
  revokeRelease: (id: string, input: { reason?: string }) =>
    request<Release>('POST', releaseUrl(id, '/revoke'), input),
  createLink: (id: string, input: { recipient: string; expiresAt: string }) =>
    request<{ id: string; token: string; path: string }>('POST', releaseUrl(id, '/links'), input),
  revokeLink: (id: string, linkId: string) =>
    request<Release>('DELETE', releaseUrl(id, `/links/${enc(linkId)}`)),

  sharedReleases: () => request<{ releases: SharedRelease[] }>('GET', '/api/shared/releases'),
  sharedRelease: (id: string) => request<SharedRelease>('GET', sharedUrl(id)),
  sharedVideoUrl: (id: string, n: number) => sharedUrl(id, `/videos/${String(n)}`),
  sharedPosterUrl: (id: string, n: number) => sharedUrl(id, `/videos/${String(n)}/poster`),
  sharedDownloadUrl: (id: string, n: number) => sharedUrl(id, `/videos/${String(n)}/download`),
};
