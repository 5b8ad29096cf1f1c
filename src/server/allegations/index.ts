import type { FastifyInstance } from 'fastify';
import type { Archive } from '../../archive.ts';
import { publicRoutes } from './pages.ts';
import { DEFAULT_UPLOADS, uploadRoutes, type UploadOptions } from './uploads.ts';

/** How the public submission side behaves (`custody serve --max-upload-gb`, tests). */
export interface AllegationOptions extends UploadOptions {
  /** The part size the page's script sends with each PATCH. */
  readonly chunkBytes: number;
}

export const DEFAULT_ALLEGATIONS: AllegationOptions = {
  ...DEFAULT_UPLOADS,
  chunkBytes: 5 * 1024 * 1024,
};

/** The public pages, their JSON twins and the resumable uploads, on one archive. */
export async function publicAllegations(
  app: FastifyInstance,
  archive: Archive,
  options: Partial<AllegationOptions> = {},
): Promise<void> {
  const o = { ...DEFAULT_ALLEGATIONS, ...options };
  await uploadRoutes(app, archive, o);
  await publicRoutes(app, archive, o);
}
