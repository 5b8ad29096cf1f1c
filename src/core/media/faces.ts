import type { AnalysisContext, AnalysisDeps } from './analysis.ts';

// eslint-disable-next-line @typescript-eslint/require-await
export async function detectFaces(
  deps: AnalysisDeps,
  itemId: string,
  job: AnalysisContext,
): Promise<void> {
  void deps;
  void job;
  throw new Error(`detectFaces is not built yet (${itemId})`);
}
