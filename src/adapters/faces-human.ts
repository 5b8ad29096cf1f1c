import type { FaceDetector } from '../core/ports.ts';

/** Placeholder until the Human (wasm) detector lands. */
// eslint-disable-next-line @typescript-eslint/require-await
export async function loadHumanFaceDetector(): Promise<FaceDetector> {
  throw new Error('the face detector is not built yet');
}
