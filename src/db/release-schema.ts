import type { Generated } from 'kysely';

/**
 * Tables of redactions and releases (migration 0011), kept apart from schema.ts like the
 * other feature areas. `spec` and `face_check` hold JSON text (src/domain/redaction.ts).
 */
export type RedactionStatus =
  'draft' | 'rendering' | 'rendered' | 'failed' | 'approved' | 'returned';
export type ReleaseStatus = 'draft' | 'submitted' | 'approved' | 'revoked';
export type ReleaseAudience = 'public' | 'partners';
export type AccessAction = 'view' | 'play' | 'download';

export interface RedactionTable {
  id: string;
  item_id: string;
  segment_id: string | null;
  title: string;
  /** JSON of a RedactionSpec. */
  spec: string;
  /** Bumped by every change of the spec: a render and a review name the version they saw. */
  version: number;
  status: RedactionStatus;
  /** Everyone who changed it: none of them may approve it. */
  authors: string[];
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
  render_version: number | null;
  render_sha256: string | null;
  render_size: number | null;
  rendered_at: Date | null;
  render_error: string | null;
  /** JSON of a FaceCheck: faces the detector still found in the rendered output. */
  face_check: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_note: string;
}

export interface ReleaseTable {
  id: string;
  title: string;
  summary: string;
  content_warning: string;
  audience: ReleaseAudience;
  embargo_at: Date;
  require_verified: boolean;
  status: ReleaseStatus;
  version: number;
  authors: string[];
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  revoked_by: string | null;
  revoked_at: Date | null;
  revoke_reason: string;
}

export interface ReleaseVideoTable {
  release_id: string;
  position: number;
  redaction_id: string;
  caption: string;
}

export interface ReleaseTextTable {
  release_id: string;
  position: number;
  incident_id: string | null;
  heading: string;
  body: string;
}

export interface ReleasePartnerTable {
  release_id: string;
  account_id: string;
}

export interface ReleaseLinkTable {
  id: string;
  release_id: string;
  token_sha256: string;
  recipient: string;
  expires_at: Date;
  created_by: string;
  created_at: Date;
  revoked_by: string | null;
  revoked_at: Date | null;
}

export interface ReleaseAccessTable {
  id: Generated<string>;
  release_id: string;
  position: number | null;
  account_id: string | null;
  link_id: string | null;
  recipient: string;
  action: AccessAction;
  at: Date;
}

export interface ReleaseDatabase {
  redaction: RedactionTable;
  release: ReleaseTable;
  release_video: ReleaseVideoTable;
  release_text: ReleaseTextTable;
  release_partner: ReleasePartnerTable;
  release_link: ReleaseLinkTable;
  release_access: ReleaseAccessTable;
}
