/**
 * Verification records of items and incidents, typed by hand after /api/openapi.json
 * (src/server/routes/verification.ts). Kept beside api.ts, on its `request`.
 */
import { request, type OverlaySummary } from './api.ts';

export const VERIFICATION_STATUSES = [
  'unverified',
  'in_review',
  'verified',
  'disputed',
  'rejected',
] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];
/** What an editor may set; the others come only from a reviewer's sign-off. */
export const OPEN_STATUSES = ['unverified', 'in_review'] as const;
export type OpenStatus = (typeof OPEN_STATUSES)[number];
export const FINAL_STATUSES = ['verified', 'disputed', 'rejected'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export const CONFIDENCE_LEVELS = ['low', 'medium', 'high'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

export const CHECK_RESULTS = ['not_checked', 'pass', 'concern', 'fail'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

export const CHECK_PARTS = ['technical', 'source', 'content'] as const;
export type CheckPart = (typeof CHECK_PARTS)[number];

export const EVIDENCE_TYPES = [
  'item',
  'segment',
  'incident',
  'source',
  'claim',
  'response',
] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export type SubjectType = 'item' | 'incident';

export interface EvidenceLink {
  readonly type: EvidenceType;
  readonly id: string;
}

export interface ShownEvidence extends EvidenceLink {
  /** A short text to show it by (untrusted), or null when the record is gone. */
  readonly label: string | null;
  readonly exists: boolean;
}

export interface Check {
  readonly code: string;
  readonly part: CheckPart;
  readonly label: { readonly en: string; readonly ru: string };
  readonly help: { readonly en: string; readonly ru: string };
  readonly result: CheckResult;
  readonly note: string;
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
  readonly evidence: readonly ShownEvidence[];
}

export type SignOffRefusal = 'role' | 'not-in-review' | 'own-work' | 'changed';

export interface Verification {
  readonly subject: { readonly type: SubjectType; readonly id: string };
  readonly status: VerificationStatus;
  readonly confidence: Confidence | null;
  readonly summary: string;
  /** Who made the last change to the content: not the one who may sign it off. */
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
  readonly signedOffBy: string | null;
  readonly signedOffAt: string | null;
  readonly signOffNote: string;
  readonly checks: readonly Check[];
  /** Whether the reader may sign it off now, and if not, why. */
  readonly signOff: { readonly allowed: boolean; readonly reason: SignOffRefusal | null };
  readonly history: readonly {
    seq: number;
    at: string;
    actor: string;
    action: string;
    status: string | null;
  }[];
}

export interface VerificationPatch {
  readonly status?: OpenStatus;
  readonly confidence?: Confidence | null;
  readonly summary?: string;
  readonly checks?: readonly {
    readonly code: string;
    readonly result?: CheckResult;
    readonly note?: string;
    readonly evidence?: readonly EvidenceLink[];
  }[];
}

export interface SignOffInput {
  readonly status: FinalStatus;
  readonly confidence?: Confidence | null;
  readonly note?: string;
  /** The `updatedAt` the reviewer looked at: a later change refuses the sign-off. */
  readonly seen?: string;
}

export type OffsetVerdict = 'agrees' | 'zone-offset' | 'differs';
export type FileTimeVerdict = 'before-recording' | 'while-recording' | 'later';

export interface ItemHints {
  readonly itemId: string;
  readonly name: string;
  readonly sha256: string;
  readonly kind: string;
  readonly probeStatus: string;
  readonly problems: readonly string[];
  readonly media: {
    readonly container: string | null;
    readonly videoCodec: string | null;
    readonly width: number | null;
    readonly height: number | null;
    readonly durationSeconds: number | null;
  };
  readonly time: {
    readonly overlay: OverlaySummary | null;
    readonly creationTime: string | null;
    readonly overlayVsCreation: {
      readonly differenceSeconds: number;
      readonly zoneOffsetMinutes: number | null;
      readonly verdict: OffsetVerdict;
    } | null;
    readonly files: readonly {
      readonly acquisition: string;
      readonly path: string;
      readonly mtime: string;
      readonly afterCreationSeconds: number | null;
      readonly verdict: FileTimeVerdict | null;
    }[];
  };
  readonly copies: {
    readonly cluster: string | null;
    readonly members: number;
    readonly similar: readonly {
      readonly itemId: string;
      readonly name: string | null;
      readonly relation: 'copy' | 'cut-of' | 'contains-cut' | 'overlap';
      readonly score: number;
      readonly offsetSeconds: number;
      readonly overlayStart: string | null;
      readonly overlayMismatchSeconds: number | null;
      readonly overlayAgrees: boolean | null;
      readonly verification: VerificationStatus;
    }[];
  };
  readonly source: {
    readonly acquisitions: readonly {
      readonly id: string;
      readonly name: string;
      readonly receivedAt: string | null;
      readonly openedAt: string;
      readonly receivedFromRecorded: boolean;
    }[];
  };
  readonly custody: CustodyIntegrity;
}

export interface CustodyIntegrity {
  readonly events: number;
  readonly intact: boolean;
  readonly broken: readonly number[];
  readonly firstAt: string | null;
  readonly archiveCheck: {
    readonly at: string;
    readonly ok: boolean;
    readonly mode: string | null;
    readonly events: number | null;
  } | null;
}

export interface IncidentHints {
  readonly incidentId: string;
  readonly segments: number;
  readonly itemCount: number;
  readonly items: readonly (ItemHints & {
    readonly verification: VerificationStatus;
    readonly segments: readonly { id: string; start: number; end: number }[];
  })[];
  readonly claims: readonly { id: string; quote: string; sourceId: string; outlet: string }[];
  readonly custody: CustodyIntegrity;
}

const base = (type: SubjectType, id: string): string =>
  `/api/${type === 'item' ? 'items' : 'incidents'}/${encodeURIComponent(id)}/verification`;

export const verificationApi = {
  get: (type: SubjectType, id: string) => request<Verification>('GET', base(type, id)),
  update: (type: SubjectType, id: string, patch: VerificationPatch) =>
    request<Verification>('PATCH', base(type, id), patch),
  signOff: (type: SubjectType, id: string, input: SignOffInput) =>
    request<Verification>('POST', `${base(type, id)}/sign-off`, input),
  itemHints: (id: string) => request<ItemHints>('GET', `${base('item', id)}/hints`),
  incidentHints: (id: string) => request<IncidentHints>('GET', `${base('incident', id)}/hints`),
};
