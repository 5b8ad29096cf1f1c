/**
 * Tables of verification records (migration 0009), kept apart from schema.ts like the
 * responses' tables. A record is about one item or one incident (`subject_type`,
 * `subject_id`); the checklist's codes and the statuses are domain data
 * (src/domain/verification.ts).
 */
import type {
  CheckResult,
  Confidence,
  VerificationStatus,
  VerificationSubject,
} from '../domain/verification.ts';

export interface VerificationTable {
  subject_type: VerificationSubject;
  subject_id: string;
  status: VerificationStatus;
  confidence: Confidence | null;
  summary: string;
  /** Who made the last change to the content: they cannot sign it off (two-person rule). */
  updated_by: string;
  updated_at: Date;
  signed_off_by: string | null;
  signed_off_at: Date | null;
  sign_off_note: string;
}

export interface VerificationCheckTable {
  subject_type: VerificationSubject;
  subject_id: string;
  code: string;
  result: CheckResult;
  note: string;
  updated_by: string;
  updated_at: Date;
}

/** A check's evidence: a generic link ({type, id}) to an item, segment, source, claim… */
export interface VerificationEvidenceTable {
  subject_type: VerificationSubject;
  subject_id: string;
  code: string;
  link_type: string;
  link_id: string;
}

export interface VerificationDatabase {
  verification: VerificationTable;
  verification_check: VerificationCheckTable;
  verification_evidence: VerificationEvidenceTable;
}
