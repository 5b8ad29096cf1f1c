import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { JobContext } from '../jobs/catalogue.ts';
import type { BlobStore, Clock, FaceDetector, FrameSampler, OcrEngine } from '../ports.ts';

/** What the analysis jobs (overlay, fingerprint, faces) need. */
export interface AnalysisDeps {
  readonly db: Kysely<Database>;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly frames: FrameSampler;
  readonly ocr: OcrEngine;
  /** The face detector, loaded on first use (its models take a second and ~100 MB). */
  readonly faceDetector: () => Promise<FaceDetector>;
}

/** What an analysis learns about the job running it. */
export type AnalysisContext = Pick<JobContext, 'signal' | 'progress'>;
