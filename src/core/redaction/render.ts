import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import type { Database } from '../../db/schema.ts';
import type { Json } from '../../domain/canonical-json.ts';
import { displayedSize } from '../../domain/displayed-size.ts';
import { asSha256 } from '../../domain/hash.ts';
import { summarizeProbe } from '../../domain/media-summary.ts';
import {
  redactPlan,
  renderedSeconds,
  renderWindow,
  type RedactPlan,
} from '../../domain/redaction-commands.ts';
import type { RedactionSpec } from '../../domain/redaction.ts';
import { CustodyError, isCustodyError } from '../errors.ts';
import type { JobContext } from '../jobs/catalogue.ts';
import type { AnalysisDeps } from '../media/analysis.ts';
import type { DerivativeDeps } from '../media/derivatives.ts';
import { checkFaces, type FaceCheck } from './face-check.ts';
import { SpecInput } from './inputs.ts';

/** What a render needs: the derivative makers' ports and the face detector's. */
export type RenderDeps = DerivativeDeps & Pick<AnalysisDeps, 'frames' | 'faceDetector'>;

/** Where the render of one version of a redaction lives (never in the blob store). */
export function redactionPath(
  derivativesDir: string,
  redactionId: string,
  version: number,
): string {
  return path.join(derivativesDir, 'redactions', redactionId, `v${String(version)}.mp4`);
}

/** Its poster: a frame of the RENDER (never of the original, which shows what was hidden). */
export function redactionPosterPath(
  derivativesDir: string,
  redactionId: string,
  version: number,
): string {
  return path.join(derivativesDir, 'redactions', redactionId, `v${String(version)}.jpg`);
}

/** Share of the job's progress bar taken by the render (the face check takes the rest). */
const RENDER_SHARE = 0.75;

/**
 * Renders one version of a redaction from the stored original (never the source), makes its
 * poster from the render, runs the face check over the render, and records the result with a
 * custody event in one transaction, unless the decisions changed meanwhile (a newer version
 * has its own job) or this version was approved. On failure the redaction says why (the
 * CustodyError's message, which names no path) and the error is rethrown for the queue.
 */
export async function renderRedaction(
  deps: RenderDeps,
  redactionId: string,
  version: number,
  job: Pick<JobContext, 'signal' | 'progress'>,
): Promise<void> {
  const row = await deps.db
    .selectFrom('redaction')
    .select(['id', 'item_id', 'spec', 'version', 'status'])
    .where('id', '=', redactionId)
    .executeTakeFirst();
  if (row === undefined)
    throw new CustodyError('REDACTION.NOT_FOUND', 'No such redaction.', {
      hint: 'It may have been removed before its render started.',
    });
  if (row.version !== version || row.status === 'approved') return;
  try {
    const rendered = await render(deps, row, job);
    await record(deps, redactionId, version, rendered);
  } catch (e) {
    await markFailed(deps.db, redactionId, version, e);
    throw e;
  }
}

interface Rendered {
  readonly item: { readonly id: string; readonly sha256: string };
  readonly spec: RedactionSpec;
  readonly sha256: string;
  readonly size: number;
  readonly faceCheck: FaceCheck;
}

async function render(
  deps: RenderDeps,
  row: { readonly id: string; readonly item_id: string; readonly spec: string; version: number },
  job: Pick<JobContext, 'signal' | 'progress'>,
): Promise<Rendered> {
  const item = await videoItem(deps.db, row.item_id);
  const spec = parseSpec(row.spec);
  const plan = redactPlan(spec, {
    display: item.display,
    audio: item.audio,
    durationSeconds: item.summary.durationSeconds,
    frameRate: item.summary.frameRate,
    container: item.summary.container,
  });
  const input = deps.blobs.localPath(asSha256(item.sha256));
  const target = redactionPath(deps.derivativesDir, row.id, row.version);
  await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  const seconds = renderedSeconds(plan);
  const share = (fraction: number): number =>
    seconds !== null && seconds > 0 ? Math.min(1, fraction / seconds) : 0;
  job.progress(0, 'rendering');
  await deps.deriver.redact(input, target, plan, (p) => {
    job.progress(RENDER_SHARE * share(p.outTimeSeconds), 'rendering');
  });
  const { sha256, size } = await hashFile(target);
  await makePoster(
    deps,
    target,
    redactionPosterPath(deps.derivativesDir, row.id, row.version),
    plan,
  );
  job.progress(RENDER_SHARE, 'checking for faces');
  const faceCheck = await checkFaces(
    deps,
    {
      input: target,
      width: plan.width,
      height: plan.height,
      durationSeconds: seconds,
      offset: renderWindow(spec).start,
    },
    job,
    (fraction) => {
      job.progress(RENDER_SHARE + (1 - RENDER_SHARE) * fraction, 'checking for faces');
    },
  );
  return { item, spec, sha256, size, faceCheck };
}

async function makePoster(
  deps: RenderDeps,
  rendered: string,
  target: string,
  plan: RedactPlan,
): Promise<void> {
  const seconds = renderedSeconds(plan);
  const summary = summarizeProbe({
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: seconds },
  });
  await deps.deriver.poster(rendered, target, summary);
}

async function record(
  deps: RenderDeps,
  redactionId: string,
  version: number,
  r: Rendered,
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('redaction')
      .set({
        status: 'rendered',
        render_version: version,
        render_sha256: r.sha256,
        render_size: r.size,
        rendered_at: now,
        render_error: null,
        face_check: JSON.stringify(r.faceCheck),
      })
      .where('id', '=', redactionId)
      .where('version', '=', version)
      .where('status', '!=', 'approved')
      .executeTakeFirst();
    // The decisions changed while this rendered: the newer version's job renders them.
    if (updated.numUpdatedRows === 0n) return;
    const payload: { [key: string]: Json } = {
      redaction: redactionId,
      version,
      parent: r.item.sha256,
      sha256: r.sha256,
      size: r.size,
      decisions: JSON.parse(JSON.stringify(r.spec)) as Json,
      faces_flagged: r.faceCheck.flagged.length,
      tool: 'ffmpeg',
    };
    await appendCustodyEvents(
      tx,
      [
        {
          actor: 'custody',
          action: 'redaction.rendered',
          subjectType: 'item',
          subjectId: r.item.id,
          payload,
        },
      ],
      now,
    );
  });
}

/** The redaction says why it failed, in words for a person; never a storage path. */
async function markFailed(
  db: Kysely<Database>,
  redactionId: string,
  version: number,
  error: unknown,
): Promise<void> {
  const message = isCustodyError(error)
    ? error.message
    : 'The render failed unexpectedly; the worker log has the details.';
  await db
    .updateTable('redaction')
    .set({ status: 'failed', render_error: message })
    .where('id', '=', redactionId)
    .where('version', '=', version)
    .where('status', '!=', 'approved')
    .execute();
}

async function videoItem(db: Kysely<Database>, itemId: string) {
  const item = await db
    .selectFrom('item')
    .select(['id', 'sha256', 'kind', 'probe_status', 'probe_text'])
    .where('id', '=', itemId)
    .executeTakeFirst();
  if (item === undefined)
    throw new CustodyError('ITEM.NOT_FOUND', 'No such item.', { hint: 'It may have been a typo.' });
  const notVideo = new CustodyError(
    'MEDIA.TRANSCODE_FAILED',
    'This item is not a readable video.',
    {
      hint: 'Only videos that ffprobe could read can be redacted.',
    },
  );
  if (item.probe_status !== 'ok' || item.probe_text === null || item.kind !== 'video')
    throw notVideo;
  const raw = JSON.parse(item.probe_text) as Record<string, unknown>;
  const display = displayedSize(raw);
  if (display === null) throw notVideo;
  const summary = summarizeProbe(raw);
  const firstAudio = summary.streams.find((s) => s.type === 'audio');
  const audio = summary.audioCodec === null ? null : { channels: firstAudio?.channels ?? null };
  return { id: item.id, sha256: item.sha256, summary, display, audio };
}

/** The stored decisions, checked as the editor's input is: a bad row fails this render only. */
function parseSpec(text: string): RedactionSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const parsed = SpecInput.safeParse(raw);
  if (!parsed.success)
    throw new CustodyError(
      'MEDIA.TRANSCODE_FAILED',
      "The redaction's decisions are not readable.",
      {
        hint: 'Open the redaction in the editor and save it again.',
      },
    );
  return parsed.data;
}

/** SHA-256 and size of a file, streamed: a render of hours of video is gigabytes. */
async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
  }
  return { sha256: hash.digest('hex'), size };
}
