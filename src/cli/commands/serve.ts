import type { Command } from 'commander';
import { setupInvitation } from '../../core/accounts/accounts.ts';
import { isCustodyError } from '../../core/errors.ts';
import { seal } from '../../core/seal/seal.ts';
import { buildApp } from '../../server/app.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { usageError } from '../output.ts';
import { workJobs } from './jobs.ts';

interface ServeFlags {
  host: string;
  port: string;
  secureCookies?: boolean;
  sealMinutes: string;
  maxUploadGb: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the web app and its API (docs at /api/docs); seals the log on a timer')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--secure-cookies', 'mark session cookies Secure (when served behind HTTPS)')
    .option('--seal-minutes <n>', 'seal the custody log this often (0: never)', '15')
    .option('--max-upload-gb <n>', 'largest file the public report page accepts, in GiB', '20')
    .action(async (flags: ServeFlags) => {
      const opts = program.opts<GlobalOptions>();
      const port = Number(flags.port);
      const sealMinutes = Number(flags.sealMinutes);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw usageError('--port must be a whole number from 0 to 65535.');
      if (!Number.isInteger(sealMinutes) || sealMinutes < 0)
        throw usageError('--seal-minutes must be a whole number (0 to turn sealing off).');
      const maxUploadGb = Number(flags.maxUploadGb);
      if (!Number.isFinite(maxUploadGb) || maxUploadGb <= 0)
        throw usageError('--max-upload-gb must be a positive number, e.g. 20 or 0.5.');
      await withArchive(opts, async (archive) => {
        const app = await buildApp(archive, {
          secureCookies: flags.secureCookies === true,
          logger: opts.quiet !== true,
          allegations: { maxBytes: Math.floor(maxUploadGb * 1024 ** 3) },
        });
        const address = await app.listen({ host: flags.host, port });
        // Proxies and thumbnails are made in this process, one of each kind at a time.
        await workJobs(archive, 1);
        process.stdout.write(`Custody is serving ${address} (API docs: ${address}/api/docs)\n`);
        const setup = await setupInvitation(archive);
        if (setup !== null)
          process.stdout.write(
            [
              'No admin account yet. Create it within 72 hours with this one-time setup link',
              '(anyone who can read this console can use it):',
              `  ${address}/setup#token=${setup}`,
              'or, without a browser:',
              `  curl -X POST ${address}/api/invitations/accept -H 'content-type: application/json' \\`,
              `    -d '{"token":"${setup}","email":"you@example.org","displayName":"Your name","password":"a long passphrase"}'`,
              '',
            ].join('\n'),
          );
        const sealer =
          sealMinutes === 0
            ? undefined
            : setInterval(() => {
                seal(archive).catch((e: unknown) => {
                  app.log.error({ code: isCustodyError(e) ? e.code : 'INTERNAL' }, 'seal failed');
                });
              }, sealMinutes * 60_000);
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            resolve();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        if (sealer !== undefined) clearInterval(sealer);
        process.stdout.write('Stopping: finishing requests in progress…\n');
        await app.close();
      });
    });
}
