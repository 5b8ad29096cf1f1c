import type { Command } from 'commander';
import type { Archive } from '../../archive.ts';
import {
  createFacility,
  createIncident,
  createOrganisation,
  createPerson,
  linkPerson,
} from '../../core/catalogue/catalogue.ts';
import { CustodyError } from '../../core/errors.ts';
import {
  findIncident,
  listFacilities,
  listIncidents,
  listOrganisations,
  listPeople,
  peopleOfIncident,
  segmentsWhere,
} from '../../db/catalogue-query.ts';
import { eventsFor } from '../../db/custody-log.ts';
import { incidentJson, personJson, segmentJson } from '../../core/catalogue/views.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { printJson } from '../output.ts';
import { verificationFlag } from './items.ts';

const list = (v: string, prev: string[] = []): string[] => [...prev, v];

/**
 * The catalogue from the command line: the same use cases (and the same custody events) as
 * the web app, acting as CUSTODY_ACTOR.
 */
export function registerCatalogue(program: Command): void {
  const run =
    <T>(fn: (archive: Archive) => Promise<T>, text: (value: T) => string) =>
    async (): Promise<void> => {
      const opts = program.opts<GlobalOptions>();
      const value = await withArchive(opts, fn);
      if (opts.json === true) printJson(value);
      else process.stdout.write(text(value) + '\n');
    };

  const incidents = program.command('incidents').description('incidents: list, create, show');
  incidents
    .command('list')
    .description('incidents, newest first by when they happened')
    .option('--status <status>', 'open, documented, verified or closed')
    .option('--verification <status>', 'only incidents of this verification status')
    .option('--limit <n>', 'at most this many', '100')
    .action((flags: { status?: string; verification?: string; limit: string }) =>
      run(
        async (a) =>
          (
            await listIncidents(
              a.db,
              { status: flags.status, verification: verificationFlag(flags.verification) },
              null,
              Number(flags.limit),
            )
          ).map((r) => ({ ...incidentJson(r), verification: r.verification })),
        (rows) =>
          rows.length === 0
            ? 'No incidents.'
            : rows
                .map(
                  (i) => `${i.id}  ${i.startsAt ?? '(no date)'}  ${i.status.padEnd(10)} ${i.title}`,
                )
                .join('\n'),
      )(),
    );
  incidents
    .command('create')
    .description('create an incident')
    .requiredOption('--title <title>', 'what happened, in a line')
    .option('--starts-at <iso>', 'when it began (ISO 8601 with offset)')
    .option('--ends-at <iso>', 'when it ended')
    .option('--facility <id>', 'facility id')
    .option('--description <text>', 'what is known')
    .option('--act <code>', 'an act from the vocabulary (repeatable)', list)
    .action(
      (flags: {
        title: string;
        startsAt?: string;
        endsAt?: string;
        facility?: string;
        description?: string;
        act?: string[];
      }) =>
        run(
          async (a) =>
            incidentJson(
              await createIncident(a, a.actor, {
                title: flags.title,
                ...(flags.startsAt === undefined ? {} : { startsAt: flags.startsAt }),
                ...(flags.endsAt === undefined ? {} : { endsAt: flags.endsAt }),
                ...(flags.facility === undefined ? {} : { facilityId: flags.facility }),
                ...(flags.description === undefined ? {} : { description: flags.description }),
                acts: flags.act ?? [],
              }),
            ),
          (i) => `Created incident ${i.id}: ${i.title}`,
        )(),
    );
  incidents
    .command('show')
    .argument('<id>', 'incident id')
    .description('an incident with its people, segments and history')
    .action((id: string) =>
      run(
        async (a) => {
          const incident = await findIncident(a.db, id);
          if (incident === undefined)
            throw new CustodyError('CATALOGUE.NOT_FOUND', `No incident ${id}.`, {
              hint: 'See "custody incidents list".',
            });
          return {
            ...incidentJson(incident),
            people: await peopleOfIncident(a.db, id),
            segments: (await segmentsWhere(a.db, { incidentId: id })).map(segmentJson),
            history: (await eventsFor(a.db, 'incident', id)).map((e) => ({
              seq: e.seq,
              at: e.at.toISOString(),
              actor: e.actor,
              action: e.action,
            })),
          };
        },
        (i) =>
          [
            `${i.title} [${i.status}] ${i.startsAt ?? ''}${i.facility === null ? '' : ` at ${i.facility}`}`,
            ...i.people.map((p) => `  ${p.role}: ${p.pseudonym}`),
            ...i.segments.map(
              (s) => `  segment ${s.start}–${s.end} s of ${s.itemPath ?? s.itemId}: ${s.note}`,
            ),
            ...i.history.map((h) => `  #${h.seq} ${h.at} ${h.actor} ${h.action}`),
          ].join('\n'),
      )(),
    );
  incidents
    .command('link')
    .argument('<incident>', 'incident id')
    .argument('<person>', 'person id')
    .requiredOption('--role <role>', 'victim, perpetrator, witness or official')
    .description('link a person to an incident in a role')
    .action((incident: string, person: string, flags: { role: string }) =>
      run(
        async (a) => {
          await linkPerson(a, a.actor, incident, { personId: person, role: flags.role });
          return { incident, person, role: flags.role };
        },
        (l) => `Linked ${l.person} to ${l.incident} as ${l.role}.`,
      )(),
    );

  const people = program.command('people').description('people: list, create');
  people
    .command('list')
    .description('people by pseudonym (real names are never listed)')
    .action(() =>
      run(
        async (a) =>
          (await listPeople(a.db, '00000000-0000-0000-0000-000000000000', 10_000)).map(personJson),
        (rows) => rows.map((p) => `${p.id}  ${p.pseudonym}`).join('\n') || 'No people.',
      )(),
    );
  people
    .command('create')
    .requiredOption('--pseudonym <name>', 'how the person is shown')
    .option('--real-name <name>', 'sensitive: stored, never listed or logged in clear')
    .option('--note <text>', 'a note')
    .description('create a person')
    .action((flags: { pseudonym: string; realName?: string; note?: string }) =>
      run(
        async (a) => {
          const row = await createPerson(a, a.actor, {
            pseudonym: flags.pseudonym,
            ...(flags.realName === undefined ? {} : { realName: flags.realName }),
            ...(flags.note === undefined ? {} : { note: flags.note }),
          });
          return personJson({ ...row, has_real_name: row.real_name !== null });
        },
        (p) => `Created person ${p.id}: ${p.pseudonym}`,
      )(),
    );

  const organisations = program.command('organisations').description('organisations: list, create');
  organisations
    .command('list')
    .description('organisations by name')
    .action(() =>
      run(
        (a) => listOrganisations(a.db),
        (rows) => rows.map((o) => `${o.id}  ${o.name}`).join('\n') || 'No organisations.',
      )(),
    );
  organisations
    .command('create')
    .requiredOption('--name <name>', 'its name')
    .option('--alias <name>', 'another name (repeatable)', list)
    .option('--kind <kind>', 'e.g. prison service, prosecutor, NGO')
    .description('create an organisation')
    .action((flags: { name: string; alias?: string[]; kind?: string }) =>
      run(
        (a) =>
          createOrganisation(a, a.actor, {
            name: flags.name,
            aliases: flags.alias ?? [],
            ...(flags.kind === undefined ? {} : { kind: flags.kind }),
          }),
        (o) => `Created organisation ${o.id}: ${o.name}`,
      )(),
    );

  const facilities = program.command('facilities').description('facilities: list, create');
  facilities
    .command('list')
    .description('facilities by name')
    .action(() =>
      run(
        (a) => listFacilities(a.db),
        (rows) =>
          rows
            .map(
              (f) =>
                `${f.id}  ${f.name}${f.aliases.length > 0 ? ` (${f.aliases.join(', ')})` : ''}`,
            )
            .join('\n') || 'No facilities.',
      )(),
    );
  facilities
    .command('create')
    .requiredOption('--name <name>', 'its name')
    .option('--alias <name>', 'another name, e.g. in Latin or Cyrillic (repeatable)', list)
    .option('--type <type>', 'e.g. penal colony, pre-trial detention centre')
    .option('--region <region>', 'region')
    .option('--lat <degrees>', 'latitude')
    .option('--lon <degrees>', 'longitude')
    .description('create a facility')
    .action(
      (flags: {
        name: string;
        alias?: string[];
        type?: string;
        region?: string;
        lat?: string;
        lon?: string;
      }) =>
        run(
          (a) =>
            createFacility(a, a.actor, {
              name: flags.name,
              aliases: flags.alias ?? [],
              ...(flags.type === undefined ? {} : { type: flags.type }),
              ...(flags.region === undefined ? {} : { region: flags.region }),
              ...(flags.lat === undefined ? {} : { latitude: Number(flags.lat) }),
              ...(flags.lon === undefined ? {} : { longitude: Number(flags.lon) }),
            }),
          (f) => `Created facility ${f.id}: ${f.name}`,
        )(),
    );
}
