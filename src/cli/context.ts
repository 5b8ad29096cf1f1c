import { initArchive, openArchive, type Archive } from '../archive.ts';
import { loadConfig } from '../config.ts';

/** Options every command accepts (commander puts them on the root program). */
export interface GlobalOptions {
  readonly data?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

function config(opts: GlobalOptions, dataDir?: string) {
  return loadConfig({ dataDir: dataDir ?? opts.data });
}

/** Opens the archive for one command and always closes it, whatever happens. */
export async function withArchive<T>(
  opts: GlobalOptions,
  run: (archive: Archive) => Promise<T>,
): Promise<T> {
  const archive = await openArchive(config(opts));
  try {
    return await run(archive);
  } finally {
    await archive.close();
  }
}

export async function createArchive(
  opts: GlobalOptions,
  dataDir: string | undefined,
): Promise<Archive> {
  return initArchive(config(opts, dataDir));
}
