import { canonicalJson, type Json } from './canonical-json.ts';

/**
 * What happened to evidence. Names are stable: they are hashed into the chain and read by
 * third-party verifiers, so an action is never renamed, only added.
 */
export const CUSTODY_ACTIONS = [
  'archive.created',
  'acquisition.opened',
  'acquisition.closed',
  'item.ingested',
  'sighting.recorded',
  'entry.skipped',
  'item.probed',
  'fixity.checked',
  'signing-key.created',
  'evidence.exported',
  'account.invited',
  'account.created',
  'account.totp-enabled',
  'original.downloaded',
  'facility.created',
  'facility.updated',
  'organisation.created',
  'organisation.updated',
  'violation-type.added',
  'incident.created',
  'incident.updated',
  'person.created',
  'person.updated',
  'person.linked',
  'person.real-name-viewed',
  'segment.created',
  'segment.updated',
  'segment.deleted',
  'derivative.created',
  'export.downloaded',
  'overlay.read',
  'overlay.corrected',
  'fingerprint.computed',
  'faces.detected',
  'source.created',
  'source.updated',
  'claim.created',
  'claim.updated',
  'response.created',
  'response.updated',
  'response.withdrawn',
  'alias.confirmed',
  'alias.rejected',
  'verification.updated',
  'verification.signed-off',
  'allegation.received',
  'allegation.follow-up',
  'allegation.attachment-received',
  'allegation.updated',
  'allegation.replied',
  'redaction.created',
  'redaction.updated',
  'redaction.rendered',
  'redaction.reviewed',
  'release.created',
  'release.updated',
  'release.submitted',
  'release.approved',
  'release.revoked',
  'release.link-created',
  'release.link-revoked',
] as const;
export type CustodyAction = (typeof CUSTODY_ACTIONS)[number];

export type SubjectType =
  | 'archive'
  | 'acquisition'
  | 'item'
  | 'sighting'
  | 'export'
  | 'account'
  | 'facility'
  | 'organisation'
  | 'vocabulary'
  | 'incident'
  | 'person'
  | 'segment'
  | 'source'
  | 'claim'
  | 'response'
  | 'allegation'
  | 'redaction'
  | 'release';

/** An event before the log gives it a place in the chain. */
export interface NewCustodyEvent {
  readonly actor: string;
  readonly action: CustodyAction;
  readonly subjectType: SubjectType;
  readonly subjectId: string;
  readonly payload: { readonly [key: string]: Json };
}

/** An event as stored: its place (seq), time, the previous event's hash and its own. */
export interface CustodyEvent extends NewCustodyEvent {
  /** 1-based, gapless: a missing number means a deleted event. */
  readonly seq: number;
  readonly at: Date;
  /** Hash of event seq-1, or null for the first event. */
  readonly prevHash: string | null;
  readonly hash: string;
}

/** Version of the canonical form; bump only with a migration that documents both. */
export const CANONICAL_VERSION = 1;

/**
 * The exact bytes that are hashed for an event. Documented in docs/custody-log.md so that
 * anyone can recompute the chain without Custody.
 */
export function canonicalEvent(e: Omit<CustodyEvent, 'hash'>): string {
  return canonicalJson({
    v: CANONICAL_VERSION,
    seq: e.seq,
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    subject: { type: e.subjectType, id: e.subjectId },
    payload: e.payload,
    prev: e.prevHash,
  });
}

/** A problem found while walking the chain, named by the event where it shows. */
export type ChainProblem =
  | { readonly kind: 'hash-mismatch'; readonly seq: number }
  | { readonly kind: 'link-broken'; readonly seq: number }
  | { readonly kind: 'gap'; readonly seq: number; readonly expected: number };

/**
 * Checks events in seq order, one page at a time, carrying state between pages so that the
 * whole log never has to be in memory. `sha256` is injected to keep the domain free of IO.
 */
export class ChainChecker {
  #expectedSeq = 1;
  #prevHash: string | null = null;
  readonly #sha256: (text: string) => string;
  readonly problems: ChainProblem[] = [];
  checked = 0;

  constructor(sha256: (text: string) => string) {
    this.#sha256 = sha256;
  }

  check(event: CustodyEvent): void {
    this.checked += 1;
    if (event.seq !== this.#expectedSeq) {
      this.problems.push({ kind: 'gap', seq: event.seq, expected: this.#expectedSeq });
    }
    if (event.prevHash !== this.#prevHash) {
      this.problems.push({ kind: 'link-broken', seq: event.seq });
    }
    if (this.#sha256(canonicalEvent(event)) !== event.hash) {
      this.problems.push({ kind: 'hash-mismatch', seq: event.seq });
    }
    this.#expectedSeq = event.seq + 1;
    this.#prevHash = event.hash;
  }

  /** The hash of the last event seen: the root a checkpoint would sign. */
  get head(): string | null {
    return this.#prevHash;
  }
}
