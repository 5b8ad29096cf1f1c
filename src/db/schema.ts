import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { ResponsesDatabase } from './responses-schema.ts';
import type { VerificationDatabase } from './verification-schema.ts';
import type { AllegationsDatabase } from './allegations-schema.ts';
import type { ReleaseDatabase } from './release-schema.ts';

/** jsonb columns: written as JSON text, read back as parsed values. */
type JsonColumn<T> = ColumnType<T, string, string>;

export interface CustodyEventTable {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  payload: JsonColumn<Record<string, unknown>>;
  prev_hash: string | null;
  hash: string;
}

export interface AcquisitionTable {
  id: string;
  name: string;
  received_from: string | null;
  received_at: string | null;
  note: string | null;
  source_path: string;
  opened_at: Date;
  closed_at: Date | null;
  summary: JsonColumn<Record<string, unknown>> | null;
}

export interface ItemTable {
  id: string;
  sha256: string;
  size: number;
  kind: string;
  ingested_at: Date;
  probe_status: ColumnType<
    'pending' | 'ok' | 'failed' | 'not-media',
    'pending' | 'not-media',
    string
  >;
  media: JsonColumn<Record<string, unknown>> | null;
  probe: JsonColumn<Record<string, unknown>> | null;
  problems: JsonColumn<{ code: string; message: string }[]>;
  /** The probe report's exact JSON text, whose SHA-256 the `item.probed` event holds. */
  probe_text: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SightingTable {
  id: string;
  acquisition_id: string;
  /** The entry's path relative to the acquisition root, exact bytes. */
  path: Uint8Array;
  path_display: string;
  entry_type: 'file' | 'symlink' | 'skipped';
  item_id: string | null;
  size: number | null;
  /** Modification time in nanoseconds since the epoch, as a decimal string (exact). */
  mtime_ns: string | null;
  mode: number | null;
  uid: number | null;
  gid: number | null;
  link_target: Uint8Array | null;
  link_target_display: string | null;
  skip_code: string | null;
  skip_message: string | null;
  recorded_at: Date;
}

/** A signed seal over the first `tree_size` custody events. Append-only. */
export interface CheckpointTable {
  tree_size: number;
  origin: string;
  /** RFC 9162 tree head, base64. */
  root_hash: string;
  /** Hash (hex) of event `tree_size`: the chain head at sealing. */
  head_hash: string;
  /** The tree's right edge, so the next seal hashes only newer events. */
  frontier: JsonColumn<{ start: number; size: number; hash: string }[]>;
  /** The signed text (C2SP tlog-checkpoint body). */
  body: string;
  signature: Uint8Array;
  key_id: string;
  public_key: string;
  created_at: Date;
}

export interface CheckpointTimestampTable {
  tree_size: number;
  tsa_url: string;
  gen_time: Date;
  response: Uint8Array;
}

export type Role = 'admin' | 'investigator' | 'reviewer' | 'partner';

export interface AccountTable {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  totp_secret: string | null;
  created_at: Date;
  disabled_at: Date | null;
}

export interface InvitationTable {
  token_hash: string;
  role: Role;
  email: string | null;
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  account_id: string | null;
}

export interface SessionTable {
  token_hash: string;
  account_id: string;
  created_at: Date;
  expires_at: Date;
  last_seen_at: Date;
}

export interface FacilityTable {
  id: string;
  name: string;
  aliases: string[];
  type: string;
  region: string;
  latitude: number | null;
  longitude: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface OrganisationTable {
  id: string;
  name: string;
  aliases: string[];
  kind: string;
  created_at: Date;
  updated_at: Date;
}

export interface ViolationTypeTable {
  code: string;
  label_en: string;
  label_ru: string;
  created_at: Date;
}

export type IncidentStatus = 'open' | 'documented' | 'verified' | 'closed';

export interface IncidentTable {
  id: string;
  title: string;
  starts_at: Date | null;
  ends_at: Date | null;
  facility_id: string | null;
  description: string;
  status: IncidentStatus;
  acts: string[];
  created_at: Date;
  updated_at: Date;
}

export interface PersonTable {
  id: string;
  pseudonym: string;
  /** Sensitive: shown only on request to admins and investigators, never logged in clear. */
  real_name: string | null;
  /** Other spellings of the pseudonym (Хрущёв, Khrushchev): shown like it, so never a real name. */
  aliases: string[];
  note: string;
  created_at: Date;
  updated_at: Date;
}

export type PersonRole = 'victim' | 'perpetrator' | 'witness' | 'official';

export interface SegmentTable {
  id: string;
  item_id: string;
  start_seconds: number;
  end_seconds: number;
  incident_id: string | null;
  note: string;
  tags: string[];
  people: string[];
  created_by: string;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export type DerivativeKind = 'proxy' | 'poster' | 'contact-sheet';

export interface DerivativeTable {
  item_id: string;
  kind: DerivativeKind;
  sha256: string;
  size: number;
  created_at: Date;
}

export interface OverlayReadingTable {
  item_id: string;
  /** Wall-clock time of the first frame as burned in, 'YYYY-MM-DD HH:MM:SS' (no zone). */
  start: ColumnType<string | null, string | null, string | null>;
  device: string | null;
  confidence: number;
  source: 'ocr' | 'manual';
  region: JsonColumn<{ x: number; y: number; w: number; h: number }> | null;
  frames: JsonColumn<OverlayFrame[]>;
  /** The machine reading, kept when an investigator corrects start or device. */
  ocr: JsonColumn<{ start: string | null; device: string | null; confidence: number }>;
  read_at: Date;
  corrected_by: string | null;
  corrected_at: Date | null;
}

/** One frame the overlay was read from: its time in the video and what OCR saw. */
export interface OverlayFrame {
  readonly t: number;
  readonly text: string;
}

export interface FingerprintTable {
  item_id: string;
  rate: number;
  frames: number;
  kept: number;
  computed_at: Date;
}

export interface FrameHashTable {
  item_id: string;
  t: number;
  /** 64-bit perceptual hash as a signed bigint (pg returns int8 as a string). */
  h: ColumnType<string, string | bigint, string | bigint>;
}

export interface SimilarPairTable {
  a: string;
  b: string;
  offset_seconds: number;
  a_start: number;
  a_end: number;
  b_start: number;
  b_end: number;
  matched: number;
  score: number;
}

export interface FaceRunTable {
  item_id: string;
  rate: number;
  frames: number;
  tracks: number;
  detector: string;
  ran_at: Date;
}

/** [t seconds, x, y, w, h as fractions of the frame, detector score]. */
export type FaceBox = readonly [number, number, number, number, number, number];

export interface FaceTrackTable {
  item_id: string;
  track: number;
  start_seconds: number;
  end_seconds: number;
  boxes: JsonColumn<FaceBox[]>;
}

export interface JobProgressTable {
  job_id: string;
  fraction: number;
  detail: string | null;
  updated_at: Date;
}

export interface Database
  extends ResponsesDatabase, VerificationDatabase, AllegationsDatabase, ReleaseDatabase {
  custody_event: CustodyEventTable;
  acquisition: AcquisitionTable;
  item: ItemTable;
  sighting: SightingTable;
  checkpoint: CheckpointTable;
  checkpoint_timestamp: CheckpointTimestampTable;
  account: AccountTable;
  invitation: InvitationTable;
  session: SessionTable;
  login_failure: { email: string; at: Date };
  facility: FacilityTable;
  organisation: OrganisationTable;
  violation_type: ViolationTypeTable;
  incident: IncidentTable;
  person: PersonTable;
  incident_person: { incident_id: string; person_id: string; role: PersonRole };
  segment: SegmentTable;
  derivative: DerivativeTable;
  overlay_reading: OverlayReadingTable;
  fingerprint: FingerprintTable;
  frame_hash: FrameHashTable;
  similar_pair: SimilarPairTable;
  item_cluster: { item_id: string; cluster: string };
  face_run: FaceRunTable;
  face_track: FaceTrackTable;
  job_progress: JobProgressTable;
  schema_migration: { name: string; applied_at: Generated<Date> };
}

export type ItemRow = Selectable<ItemTable>;
export type SightingRow = Selectable<SightingTable>;
export type NewSighting = Insertable<SightingTable>;
export type AcquisitionRow = Selectable<AcquisitionTable>;
export type AccountRow = Selectable<AccountTable>;
