import type { Command } from 'commander';
import type { Archive } from '../../archive.ts';
import { incidentHints, itemHints } from '../../core/verification/hints.ts';
import { verificationHistory } from '../../core/verification/history.ts';
import { signOff } from '../../core/verification/sign-off.ts';
import { resolveSubject } from '../../core/verification/subject.ts';
import { updateVerification } from '../../core/verification/update.ts';
import { verificationView, type VerificationView } from '../../core/verification/view.ts';
import { CHECK_CODES, EVIDENCE_TYPES } from '../../domain/verification.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { printJson, usageError } from '../output.ts';

const list = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `type:id` as given to --evidence. */
function evidenceLink(text: string): { type: string; id: string } {
  const colon = text.indexOf(':');
  const type = text.slice(0, colon);
  if (colon < 0 || !(EVIDENCE_TYPES as readonly string[]).includes(type))
    throw usageError(
      `--evidence takes TYPE:ID, TYPE one of ${EVIDENCE_TYPES.join(', ')} (got "${text.slice(0, 60)}").`,
    );
  return { type, id: text.slice(colon + 1) };
}

function describe(v: VerificationView): string {
  const lines = [
    `${v.subject.type} ${v.subject.id}: ${v.status}${v.confidence === null ? '' : ` (confidence ${v.confidence})`}`,
  ];
  if (v.updatedBy !== null) lines.push(`  last changed by ${v.updatedBy} at ${v.updatedAt ?? ''}`);
  if (v.signedOffBy !== null)
    lines.push(`  signed off by ${v.signedOffBy} at ${v.signedOffAt ?? ''}`);
  if (v.summary !== '') lines.push(`  ${v.summary}`);
  for (const c of v.checks) {
    lines.push(
      `  [${c.part}] ${c.code.padEnd(22)} ${c.result}${c.note === '' ? '' : `: ${c.note}`}`,
    );
    for (const e of c.evidence)
      lines.push(`      ${e.type}:${e.id}${e.exists ? '' : ' (gone)'} ${e.label ?? ''}`);
  }
  return lines.join('\n');
}

/**
 * Verification records from the command line: the same use cases and custody events as the
 * API, acting as CUSTODY_ACTOR. Whoever runs the CLI holds the archive itself, so sign-off
 * asks no role; the two-person rule still holds by actor name.
 */
export function registerVerification(program: Command): void {
  const run =
    <T>(fn: (archive: Archive) => Promise<T>, text: (value: T) => string) =>
    async (): Promise<void> => {
      const opts = program.opts<GlobalOptions>();
      const value = await withArchive(opts, fn);
      if (opts.json === true) printJson(value);
      else process.stdout.write(text(value) + '\n');
    };
  const show = async (a: Archive, id: string) => {
    const subject = await resolveSubject(a.db, id);
    return {
      ...(await verificationView(a.db, subject)),
      history: await verificationHistory(a.db, subject),
    };
  };

  const verification = program
    .command('verification')
    .description('verification records of items and incidents: checks, status, sign-off');
  verification
    .command('show')
    .argument('<id>', 'item id or hash prefix, or incident id')
    .option('--hints', 'add what Custody computes for the checks (times, copies, custody log)')
    .description('the record with its checklist and history')
    .action((id: string, flags: { hints?: boolean }) =>
      run(
        async (a) => {
          const view = await show(a, id);
          if (flags.hints !== true) return view;
          const hints =
            view.subject.type === 'item'
              ? await itemHints(a.db, view.subject.id)
              : await incidentHints(a.db, view.subject.id);
          return { ...view, hints };
        },
        (v) => describe(v) + ('hints' in v ? `\n${JSON.stringify(v.hints, null, 2)}` : ''),
      )(),
    );
  verification
    .command('set')
    .argument('<id>', 'item id or hash prefix, or incident id')
    .option('--status <status>', 'unverified or in_review (the final statuses come by sign-off)')
    .option('--confidence <level>', 'low, medium, high, or none')
    .option('--summary <text>', 'what the checks found, in a few lines')
    .description('change the status, confidence or summary')
    .action((id: string, flags: { status?: string; confidence?: string; summary?: string }) =>
      run(async (a) => {
        const subject = await resolveSubject(a.db, id);
        await updateVerification(a, a.actor, subject, {
          ...(flags.status === undefined ? {} : { status: flags.status }),
          ...(flags.confidence === undefined
            ? {}
            : { confidence: flags.confidence === 'none' ? null : flags.confidence }),
          ...(flags.summary === undefined ? {} : { summary: flags.summary }),
        });
        return show(a, id);
      }, describe)(),
    );
  verification
    .command('check')
    .argument('<id>', 'item id or hash prefix, or incident id')
    .argument('<code>', `the check (${CHECK_CODES.join(', ')})`)
    .option('--result <result>', 'not_checked, pass, concern or fail')
    .option('--note <text>', 'what was looked at and found')
    .option(
      '--evidence <type:id>',
      `evidence for it, repeatable (${EVIDENCE_TYPES.join(', ')}); replaces the list`,
      list,
    )
    .option('--no-evidence', 'remove the evidence links')
    .description('record one check of the checklist')
    .action(
      (
        id: string,
        code: string,
        flags: { result?: string; note?: string; evidence?: string[] | false },
      ) =>
        run(async (a) => {
          const subject = await resolveSubject(a.db, id);
          await updateVerification(a, a.actor, subject, {
            checks: [
              {
                code,
                ...(flags.result === undefined ? {} : { result: flags.result }),
                ...(flags.note === undefined ? {} : { note: flags.note }),
                ...(flags.evidence === undefined
                  ? {}
                  : { evidence: flags.evidence === false ? [] : flags.evidence.map(evidenceLink) }),
              },
            ],
          });
          return show(a, id);
        }, describe)(),
    );
  verification
    .command('sign-off')
    .argument('<id>', 'item id or hash prefix, or incident id')
    .requiredOption('--status <status>', 'verified, disputed or rejected')
    .option('--confidence <level>', 'low, medium or high')
    .option('--note <text>', "the reviewer's note")
    .description('sign a record in review off (not by its last author)')
    .action((id: string, flags: { status: string; confidence?: string; note?: string }) =>
      run(async (a) => {
        const subject = await resolveSubject(a.db, id);
        await signOff(a, a.actor, subject, {
          status: flags.status,
          ...(flags.confidence === undefined ? {} : { confidence: flags.confidence }),
          ...(flags.note === undefined ? {} : { note: flags.note }),
        });
        return show(a, id);
      }, describe)(),
    );
}
