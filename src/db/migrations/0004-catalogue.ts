import { sql, type Kysely } from 'kysely';

/**
 * The catalogue investigators build on top of the evidence: facilities, organisations,
 * incidents with their acts (a controlled vocabulary admins extend), people with their role in
 * an incident (a pseudonym by default; the real name is a sensitive field), and segments of
 * videos linked to incidents, people and tags.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `CREATE TABLE facility (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      aliases text[] NOT NULL DEFAULT '{}',
      type text NOT NULL DEFAULT '',
      region text NOT NULL DEFAULT '',
      latitude double precision CHECK (latitude BETWEEN -90 AND 90),
      longitude double precision CHECK (longitude BETWEEN -180 AND 180),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`,
    `CREATE TABLE organisation (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      aliases text[] NOT NULL DEFAULT '{}',
      kind text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`,
    `CREATE TABLE violation_type (
      code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9-]{1,40}$'),
      label_en text NOT NULL,
      label_ru text NOT NULL,
      created_at timestamptz NOT NULL
    )`,
    `INSERT INTO violation_type (code, label_en, label_ru, created_at) VALUES
      ('beating', 'Beating', 'Избиение', now()),
      ('torture', 'Torture', 'Пытки', now()),
      ('sexual-violence', 'Sexual violence', 'Сексуальное насилие', now()),
      ('humiliation', 'Humiliation', 'Унижение', now()),
      ('threats', 'Threats', 'Угрозы', now()),
      ('denial-of-medical-care', 'Denial of medical care', 'Отказ в медицинской помощи', now()),
      ('forced-labour', 'Forced labour', 'Принудительный труд', now()),
      ('solitary-confinement', 'Solitary confinement', 'Одиночное заключение', now()),
      ('death-in-custody', 'Death in custody', 'Смерть под стражей', now())`,
    `CREATE TABLE incident (
      id uuid PRIMARY KEY,
      title text NOT NULL,
      starts_at timestamptz,
      ends_at timestamptz,
      facility_id uuid REFERENCES facility (id),
      description text NOT NULL DEFAULT '',
      status text NOT NULL CHECK (status IN ('open', 'documented', 'verified', 'closed')),
      acts text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at)
    )`,
    `CREATE INDEX incident_starts ON incident (starts_at, id)`,
    `CREATE TABLE person (
      id uuid PRIMARY KEY,
      pseudonym text NOT NULL,
      real_name text,
      note text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`,
    `CREATE TABLE incident_person (
      incident_id uuid NOT NULL REFERENCES incident (id),
      person_id uuid NOT NULL REFERENCES person (id),
      role text NOT NULL CHECK (role IN ('victim', 'perpetrator', 'witness', 'official')),
      PRIMARY KEY (incident_id, person_id, role)
    )`,
    `CREATE TABLE segment (
      id uuid PRIMARY KEY,
      item_id uuid NOT NULL REFERENCES item (id),
      start_seconds double precision NOT NULL CHECK (start_seconds >= 0),
      end_seconds double precision NOT NULL,
      incident_id uuid REFERENCES incident (id),
      note text NOT NULL DEFAULT '',
      tags text[] NOT NULL DEFAULT '{}',
      people uuid[] NOT NULL DEFAULT '{}',
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      deleted_at timestamptz,
      CHECK (end_seconds > start_seconds)
    )`,
    `CREATE INDEX segment_item ON segment (item_id, start_seconds)`,
    `CREATE INDEX segment_incident ON segment (incident_id)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
