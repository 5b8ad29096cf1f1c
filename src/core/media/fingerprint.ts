import type { AnalysisContext, AnalysisDeps } from './analysis.ts';

/** Not built yet: the job fails with this message (its results are not made up). */
export function fingerprintItem(
  _deps: AnalysisDeps,
  itemId: string,
  job: AnalysisContext,
): Promise<void> {
  job.progress(0, 'not built yet');
  return Promise.reject(new Error(`fingerprintItem is not built yet (item ${itemId}).`));
}
