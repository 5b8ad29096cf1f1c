import { Command, CommanderError } from 'commander';
import { registerAcquisitions } from './commands/acquisitions.ts';
import { registerExport } from './commands/export.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerInit } from './commands/init.ts';
import { registerItems } from './commands/items.ts';
import { registerSeal } from './commands/seal.ts';
import { registerServe } from './commands/serve.ts';
import { registerJobs } from './commands/jobs.ts';
import { registerCatalogue } from './commands/catalogue.ts';
import { registerResponses } from './commands/responses.ts';
import { registerAccountability } from './commands/accountability.ts';
import { registerAllegations } from './commands/allegations.ts';
import { registerVerify } from './commands/verify.ts';
import { registerVerification } from './commands/verification.ts';
import { registerRedactions } from './commands/redactions.ts';
import { registerReleases } from './commands/releases.ts';
import { EXIT, reportError } from './output.ts';

const program = new Command('custody')
  .description('Custody: an evidence archive with a verifiable chain of custody')
  .option('-d, --data <dir>', 'archive folder (default: CUSTODY_DATA or ./archive)')
  .option('--json', 'machine-readable output on stdout (errors as JSON on stderr)')
  .option('-q, --quiet', 'no progress output')
  .showHelpAfterError()
  .exitOverride();

registerInit(program);
registerIngest(program);
registerItems(program);
registerAcquisitions(program);
registerVerify(program);
registerSeal(program);
registerExport(program);
registerServe(program);
registerJobs(program);
registerCatalogue(program);
registerResponses(program);
registerAccountability(program);
registerAllegations(program);
registerVerification(program);
registerRedactions(program);
registerReleases(program);

// `custody items list | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.exitCode = reportError(e, program.opts<{ json?: boolean }>().json === true);
  }
}
