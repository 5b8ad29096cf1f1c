import path from 'node:path';
import { exportBag, type ExportDeps } from '../export/export.ts';
import type { AnalysisDeps } from '../media/analysis.ts';
import { makeDerivative, type DerivativeDeps } from '../media/derivatives.ts';
import { detectFaces } from '../media/faces.ts';
import { fingerprintItem } from '../media/fingerprint.ts';
import { readOverlay } from '../media/overlay.ts';
import { renderRedaction } from '../redaction/render.ts';
import { defineHandlers, type JobHandlers } from './catalogue.ts';

export type JobDeps = DerivativeDeps & ExportDeps & AnalysisDeps & { readonly dataDir: string };

/** Where a package asked for in the web app is written (and downloaded from). */
export function exportDir(dataDir: string, exportId: string): string {
  return path.join(dataDir, 'exports', exportId);
}

/** The job catalogue's handlers, wired once (checked at boot by defineHandlers). */
export function jobHandlers(deps: JobDeps): JobHandlers {
  return defineHandlers({
    'media.proxy': async ({ itemId }, job) => {
      await makeDerivative(deps, itemId, 'proxy', (fraction) => {
        job.progress(fraction, 'transcoding');
      });
    },
    'media.thumbnails': async ({ itemId }, job) => {
      job.progress(0, 'poster');
      await makeDerivative(deps, itemId, 'poster');
      job.progress(0.5, 'contact sheet');
      await makeDerivative(deps, itemId, 'contact-sheet');
      job.progress(1, 'done');
    },
    'media.overlay': async ({ itemId }, job) => {
      await readOverlay(deps, itemId, job);
    },
    'media.fingerprint': async ({ itemId }, job) => {
      await fingerprintItem(deps, itemId, job);
    },
    'media.faces': async ({ itemId }, job) => {
      await detectFaces(deps, itemId, job);
    },
    'media.redact': async ({ redactionId, version }, job) => {
      await renderRedaction(deps, redactionId, version, job);
    },
    'export.bagit': async (p, job) => {
      await exportBag(
        { ...deps, actor: p.actor },
        {
          out: exportDir(deps.dataDir, p.exportId),
          exportId: p.exportId,
          selection: { all: p.all, items: p.items, incidents: p.incidents },
          description: p.description,
          signal: job.signal,
          onProgress: (progress) => {
            const { bytesDone, bytesTotal, filesDone, filesTotal } = progress;
            job.progress(
              bytesTotal !== null && bytesTotal > 0 ? bytesDone / bytesTotal : 0,
              `${String(filesDone)}/${String(filesTotal ?? '?')} files`,
            );
          },
        },
      );
    },
  });
}
