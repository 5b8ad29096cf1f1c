import type { ItemAnalysis } from '../db/analysis-query.ts';
import type { ItemPath } from '../db/items-query.ts';
import type { ItemRow } from '../db/schema.ts';

export type ItemJson = ReturnType<typeof itemJson>;

/** The shape of an item for scripts and the web app (README: `items list --json`). */
export function itemJson(row: ItemRow, paths: readonly ItemPath[], analysis: ItemAnalysis) {
  return {
    id: row.id,
    sha256: row.sha256,
    size: row.size,
    kind: row.kind,
    ingestedAt: row.ingested_at.toISOString(),
    probeStatus: row.probe_status,
    paths: paths.map((p) => ({
      acquisitionId: p.acquisitionId,
      acquisition: p.acquisition,
      path: p.path,
      mtime: nsToIso(p.mtimeNs),
      mode: p.mode === null ? null : (p.mode & 0o7777).toString(8),
    })),
    media: row.media,
    problems: row.problems,
    overlay: analysis.overlay,
    cluster: analysis.cluster,
    faces: analysis.faces,
    verification: analysis.verification,
  };
}

function nsToIso(ns: string | null): string | null {
  if (ns === null) return null;
  const big = BigInt(ns);
  const ms = big / 1_000_000n;
  const frac = (big % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(Number(ms)).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}
