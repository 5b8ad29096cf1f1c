import type { JobDeps } from '../jobs/handlers.ts';
import type { JobContext } from '../jobs/catalogue.ts';
import { CustodyError } from '../errors.ts';

/** Renders one version of a redaction (being built: see docs/redaction.md). */
export function renderRedaction(
  _deps: JobDeps,
  _redactionId: string,
  _version: number,
  _job: JobContext,
): Promise<void> {
  return Promise.reject(
    new CustodyError('MEDIA.TRANSCODE_FAILED', 'Redaction rendering is not built yet.'),
  );
}
