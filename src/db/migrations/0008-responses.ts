import { sql, type Kysely } from 'kysely';

/**
 * The record of the official response: sources (news reports, documents), claims quoted from
 * them, the official acts they report (responses) with the people and incidents concerned, and
 * the investigators' decisions on suggested name matches. People get aliases, like facilities
 * and organisations already have (spellings of a pseudonym across alphabets; never a real name).
 *
 * Dates of sources, claims and responses are calendar days (`date`): a report says "on 5 October",
 * not at what hour. Figures are `double precision`: counts and sums as the source states them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `ALTER TABLE person ADD COLUMN aliases text[] NOT NULL DEFAULT '{}'`,
    `CREATE TABLE source (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('news', 'document', 'statement', 'court', 'other')),
      outlet text NOT NULL DEFAULT '',
      author text NOT NULL DEFAULT '',
      url text,
      published_on date,
      language text NOT NULL DEFAULT '',
      title text NOT NULL DEFAULT '',
      archived_text text NOT NULL DEFAULT '',
      item_id uuid REFERENCES item (id),
      note text NOT NULL DEFAULT '',
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`,
    `CREATE INDEX source_published ON source (published_on, id)`,
    `CREATE TABLE response (
      id uuid PRIMARY KEY,
      type text NOT NULL CHECK (type IN ('inspection', 'investigation_opened', 'inquiry_opened',
        'criminal_case_opened', 'dismissed', 'resigned', 'disciplined', 'called_to_testify',
        'public_statement', 'denial', 'court_verdict', 'other')),
      date date,
      acting_body_id uuid REFERENCES organisation (id),
      facility_id uuid REFERENCES facility (id),
      summary text NOT NULL DEFAULT '',
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      deleted_at timestamptz
    )`,
    `CREATE INDEX response_date ON response (date, id)`,
    `CREATE INDEX response_facility ON response (facility_id)`,
    `CREATE INDEX response_body ON response (acting_body_id)`,
    `CREATE TABLE response_person (
      response_id uuid NOT NULL REFERENCES response (id),
      person_id uuid NOT NULL REFERENCES person (id),
      role text NOT NULL CHECK (role IN ('subject', 'official', 'victim', 'witness', 'other')),
      PRIMARY KEY (response_id, person_id, role)
    )`,
    `CREATE TABLE response_incident (
      response_id uuid NOT NULL REFERENCES response (id),
      incident_id uuid NOT NULL REFERENCES incident (id),
      PRIMARY KEY (response_id, incident_id)
    )`,
    `CREATE INDEX response_incident_incident ON response_incident (incident_id)`,
    `CREATE TABLE claim (
      id uuid PRIMARY KEY,
      source_id uuid NOT NULL REFERENCES source (id),
      quote text NOT NULL,
      summary text NOT NULL DEFAULT '',
      figure double precision,
      figure_unit text NOT NULL DEFAULT '',
      claimed_date date,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`,
    `CREATE INDEX claim_source ON claim (source_id)`,
    `CREATE TABLE claim_response (
      claim_id uuid NOT NULL REFERENCES claim (id),
      response_id uuid NOT NULL REFERENCES response (id),
      PRIMARY KEY (claim_id, response_id)
    )`,
    `CREATE INDEX claim_response_response ON claim_response (response_id)`,
    `CREATE TABLE claim_incident (
      claim_id uuid NOT NULL REFERENCES claim (id),
      incident_id uuid NOT NULL REFERENCES incident (id),
      PRIMARY KEY (claim_id, incident_id)
    )`,
    `CREATE TABLE claim_person (
      claim_id uuid NOT NULL REFERENCES claim (id),
      person_id uuid NOT NULL REFERENCES person (id),
      PRIMARY KEY (claim_id, person_id)
    )`,
    `CREATE TABLE claim_organisation (
      claim_id uuid NOT NULL REFERENCES claim (id),
      organisation_id uuid NOT NULL REFERENCES organisation (id),
      PRIMARY KEY (claim_id, organisation_id)
    )`,
    // One row per pair (a < b), the latest decision: a rejected pair is not suggested again.
    `CREATE TABLE alias_decision (
      kind text NOT NULL CHECK (kind IN ('person', 'facility', 'organisation')),
      a uuid NOT NULL,
      b uuid NOT NULL,
      decision text NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
      decided_by text NOT NULL,
      decided_at timestamptz NOT NULL,
      PRIMARY KEY (kind, a, b),
      CHECK (a < b)
    )`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
