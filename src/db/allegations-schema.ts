import type { ColumnType } from 'kysely';

/**
 * Tables of allegations (migration 0010), kept apart from schema.ts so that file stays a list.
 * Nothing here holds an address, a user agent or the receipt code itself (docs/allegations.md).
 */

export const ALLEGATION_STATUSES = ['new', 'triaged', 'duplicate', 'closed'] as const;
export type AllegationStatus = (typeof ALLEGATION_STATUSES)[number];

/** The languages of the public pages. */
export const PUBLIC_LANGUAGES = ['en', 'ru'] as const;
export type PublicLanguage = (typeof PUBLIC_LANGUAGES)[number];

export interface AllegationTable {
  id: string;
  /** SHA-256 (hex) of the normalised receipt code. */
  receipt_hash: string;
  account: string;
  /** As the submitter typed them. */
  facility: string;
  occurred_on: string;
  people: string;
  language: PublicLanguage;
  status: AllegationStatus;
  duplicate_of: string | null;
  /** The acquisition its attachments came in under (made with the first one). */
  acquisition_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface AllegationMessageTable {
  id: string;
  allegation_id: string;
  author: 'submitter' | 'staff';
  /** The account that replied (never shown to the submitter); null for the submitter. */
  staff_actor: string | null;
  body: string;
  created_at: Date;
}

export interface AllegationAttachmentTable {
  id: string;
  allegation_id: string;
  /** The tus upload it came from (so a resumed client learns it is already done). */
  upload_id: string;
  item_id: string;
  /** The file name as the submitter's browser gave it. */
  name: string;
  /** The type the browser declared (not trusted: the probe says what it is). */
  declared_type: string;
  size: number;
  sha256: string;
  received_at: Date;
}

export interface AllegationUploadGrantTable {
  token_hash: string;
  allegation_id: string;
  uploads: ColumnType<number, number | undefined, number>;
  expires_at: Date;
}

export interface AllegationsDatabase {
  allegation: AllegationTable;
  allegation_message: AllegationMessageTable;
  allegation_attachment: AllegationAttachmentTable;
  allegation_upload_grant: AllegationUploadGrantTable;
  allegation_receipt_failure: { at: Date };
  allegation_incident: { allegation_id: string; incident_id: string };
  allegation_person: { allegation_id: string; person_id: string };
  allegation_facility: { allegation_id: string; facility_id: string };
}
