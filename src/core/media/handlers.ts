import { defineHandlers, type JobHandlers } from '../jobs/catalogue.ts';
import { makeDerivative, type DerivativeDeps } from './derivatives.ts';

/** The job catalogue's handlers, wired once (checked at boot by defineHandlers). */
export function mediaHandlers(deps: DerivativeDeps): JobHandlers {
  return defineHandlers({
    'media.proxy': async ({ itemId }) => {
      await makeDerivative(deps, itemId, 'proxy');
    },
    'media.thumbnails': async ({ itemId }) => {
      await makeDerivative(deps, itemId, 'poster');
      await makeDerivative(deps, itemId, 'contact-sheet');
    },
  });
}
