import type { IncidentTable, SegmentTable } from '../../db/schema.ts';

/** The API's shapes of catalogue records (camelCase, ISO times). */

export function incidentJson(i: IncidentTable & { facility_name?: string | null }) {
  return {
    id: i.id,
    title: i.title,
    startsAt: i.starts_at?.toISOString() ?? null,
    endsAt: i.ends_at?.toISOString() ?? null,
    facilityId: i.facility_id,
    facility: i.facility_name ?? null,
    description: i.description,
    status: i.status,
    acts: i.acts,
    createdAt: i.created_at.toISOString(),
    updatedAt: i.updated_at.toISOString(),
  };
}

export function personJson(p: {
  id: string;
  pseudonym: string;
  aliases: string[];
  note: string;
  has_real_name: boolean;
  created_at: Date;
  updated_at: Date;
}) {
  return {
    id: p.id,
    pseudonym: p.pseudonym,
    aliases: p.aliases,
    note: p.note,
    hasRealName: p.has_real_name,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
}

export function segmentJson(s: Omit<SegmentTable, 'deleted_at'> & { item_path: string | null }) {
  return {
    id: s.id,
    itemId: s.item_id,
    itemPath: s.item_path,
    start: s.start_seconds,
    end: s.end_seconds,
    incidentId: s.incident_id,
    note: s.note,
    tags: s.tags,
    people: s.people,
    createdBy: s.created_by,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}
