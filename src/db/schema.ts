import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

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

export interface Database {
  custody_event: CustodyEventTable;
  acquisition: AcquisitionTable;
  item: ItemTable;
  sighting: SightingTable;
  schema_migration: { name: string; applied_at: Generated<Date> };
}

export type ItemRow = Selectable<ItemTable>;
export type SightingRow = Selectable<SightingTable>;
export type NewSighting = Insertable<SightingTable>;
export type AcquisitionRow = Selectable<AcquisitionTable>;
