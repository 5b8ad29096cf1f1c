/**
 * Tables of sources, claims and official responses (migration 0008), kept apart from schema.ts
 * so that file stays a list.
 *
 * `date` columns are calendar days. The two drivers read them differently (`pg` as a local
 * midnight Date, PGlite as a UTC one), so they are typed as 'YYYY-MM-DD' text and always
 * selected as `col::text` (src/db/responses-query.ts); never `selectAll()` them.
 */

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

/** subject: whom the act is about (dismissed, charged, called); official: who acted for the body. */
export const RESPONSE_PERSON_ROLES = ['subject', 'official', 'victim', 'witness', 'other'] as const;
export type ResponsePersonRole = (typeof RESPONSE_PERSON_ROLES)[number];

export const MATCH_KINDS = ['person', 'facility', 'organisation'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/** A calendar day as 'YYYY-MM-DD' (see the note above). */
type Day = string | null;

export interface SourceTable {
  id: string;
  kind: SourceKind;
  outlet: string;
  author: string;
  url: string | null;
  published_on: Day;
  language: string;
  title: string;
  archived_text: string;
  item_id: string | null;
  note: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface ClaimTable {
  id: string;
  source_id: string;
  quote: string;
  summary: string;
  figure: number | null;
  figure_unit: string;
  claimed_date: Day;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface ResponseTable {
  id: string;
  type: ResponseType;
  date: Day;
  acting_body_id: string | null;
  facility_id: string | null;
  summary: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface AliasDecisionTable {
  kind: MatchKind;
  /** The pair's ids in order (a < b). */
  a: string;
  b: string;
  decision: 'confirmed' | 'rejected';
  decided_by: string;
  decided_at: Date;
}

export interface ResponsesDatabase {
  source: SourceTable;
  claim: ClaimTable;
  claim_response: { claim_id: string; response_id: string };
  claim_incident: { claim_id: string; incident_id: string };
  claim_person: { claim_id: string; person_id: string };
  claim_organisation: { claim_id: string; organisation_id: string };
  response: ResponseTable;
  response_person: { response_id: string; person_id: string; role: ResponsePersonRole };
  response_incident: { response_id: string; incident_id: string };
  alias_decision: AliasDecisionTable;
}
