import type { Kysely } from 'kysely';
import { appendCustodyEvents, sha256Hex } from '../db/custody-log.ts';
import type { Database } from '../db/schema.ts';
import type { NewCustodyEvent } from '../domain/custody-event.ts';
import type { Sha256 } from '../domain/hash.ts';
import { kindFromProbe, summarizeProbe, summaryToJson } from '../domain/media-summary.ts';
import type { ItemKind } from '../domain/media-kind.ts';
import type { BlobStore, Clock, MediaProber } from './ports.ts';

export interface ProbeDeps {
  readonly db: Kysely<Database>;
  readonly blobs: BlobStore;
  readonly prober: MediaProber;
  readonly clock: Clock;
  readonly actor: string;
}

export interface PendingProbe {
  readonly id: string;
  readonly sha256: Sha256;
  readonly kind: ItemKind;
}

export interface ProbeResult {
  readonly item: PendingProbe;
  readonly ok: boolean;
  readonly kind: ItemKind;
  readonly media: Record<string, unknown> | null;
  readonly raw: Record<string, unknown> | null;
  readonly problem: { code: string; message: string } | null;
}

/** Probes the stored copy (never the source: it is read once, at ingest). */
export async function probeItem(
  deps: Pick<ProbeDeps, 'blobs' | 'prober'>,
  item: PendingProbe,
): Promise<ProbeResult> {
  const outcome = await deps.prober.probe(deps.blobs.localPath(item.sha256));
  if (!outcome.ok) {
    return {
      item,
      ok: false,
      kind: item.kind,
      media: null,
      raw: null,
      problem: { code: outcome.code, message: outcome.message },
    };
  }
  const kind = kindFromProbe(outcome.raw);
  const problem =
    kind === null
      ? { code: 'MEDIA.NO_STREAMS', message: 'ffprobe found no audio, video or image stream.' }
      : null;
  return {
    item,
    ok: true,
    kind: kind ?? item.kind,
    media: summaryToJson(summarizeProbe(outcome.raw)),
    raw: withoutStoragePath(outcome.raw, item.sha256),
    problem,
  };
}

/** Stores probe results, each with its `item.probed` custody event, in one transaction. */
export async function recordProbes(
  deps: Pick<ProbeDeps, 'db' | 'clock' | 'actor'>,
  results: readonly ProbeResult[],
): Promise<void> {
  if (results.length === 0) return;
  await deps.db.transaction().execute(async (tx) => {
    const events: NewCustodyEvent[] = [];
    for (const r of results) {
      const rawJson = r.raw === null ? null : safeJson(r.raw);
      const problems = r.problem === null ? [] : [r.problem];
      const updated = await tx
        .updateTable('item')
        .set({
          probe_status: r.ok ? 'ok' : 'failed',
          kind: r.kind,
          media: r.media === null ? null : safeJson(r.media),
          probe: rawJson,
          probe_text: rawJson,
          problems: JSON.stringify(problems),
        })
        .where('id', '=', r.item.id)
        .where('probe_status', '=', 'pending')
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) continue; // probed meanwhile by another process
      events.push({
        actor: deps.actor,
        action: 'item.probed',
        subjectType: 'item',
        subjectId: r.item.id,
        payload: {
          sha256: r.item.sha256,
          status: r.ok ? 'ok' : 'failed',
          kind: r.kind,
          problems,
          // Binds the stored probe report to the chain without copying it into the log.
          probeSha256: rawJson === null ? null : sha256Hex(rawJson),
        },
      });
    }
    await appendCustodyEvents(tx, events, deps.clock.now());
  });
}

/** Items still waiting for a probe, in pages (keyset on the content hash). */
export async function* pendingProbes(
  db: Kysely<Database>,
  pageSize = 200,
): AsyncGenerator<PendingProbe> {
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('item')
      .select(['id', 'sha256', 'kind'])
      .where('probe_status', '=', 'pending')
      .where('sha256', '>', after)
      .orderBy('sha256')
      .limit(pageSize)
      .execute();
    for (const r of rows) yield { id: r.id, sha256: r.sha256 as Sha256, kind: r.kind as ItemKind };
    const last = rows.at(-1);
    if (last === undefined || rows.length < pageSize) return;
    after = last.sha256;
  }
}

/**
 * ffprobe reports the file it read, which is a path inside our store: it would leak where the
 * archive lives into every export. The content address names the same bytes.
 */
function withoutStoragePath(raw: Record<string, unknown>, sha256: Sha256): Record<string, unknown> {
  const format = raw['format'];
  if (typeof format !== 'object' || format === null) return raw;
  return { ...raw, format: { ...format, filename: `sha256:${sha256}` } };
}

/** JSON text PostgreSQL accepts: jsonb refuses U+0000 inside strings, which hostile tags may hold. */
function safeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'string' ? v.replaceAll('\u0000', '\uFFFD') : v,
  );
}
