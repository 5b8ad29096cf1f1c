import type { CheckpointRecord, TimestampRecord } from '../../db/checkpoint-store.ts';
import type { CustodyEvent } from '../../domain/custody-event.ts';
import type { DescribedItem } from './items.ts';

/** What the page says about the package as a whole (its items are written one by one). */
export interface ReportModel {
  readonly exportId: string;
  readonly organization: string;
  readonly description: string | null;
  readonly createdAt: Date;
  readonly archiveId: string;
  readonly items: number;
  readonly checkpoint: CheckpointRecord;
  readonly timestamps: readonly TimestampRecord[];
}

/** Everything printed comes from evidence or users: escape all of it. */
function esc(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#111}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}code,.hash{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.note{background:#fffbe6;border:1px solid #e6d98c;padding:.5em 1em}`;

/**
 * A self-contained page for people (no scripts, no outside resources): what the package
 * holds, where each original was found, and its custody events. The machine-checkable truth
 * is in the JSON, events and manifests; this page says how to check them. Written in three
 * parts (head, one section per item, tail) so that a large package never sits in memory.
 */
export function reportHead(m: ReportModel): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Evidence package ${esc(m.exportId)}</title><style>${STYLE}</style></head><body>
<h1>Evidence package</h1>
<table>
<tr><th>Organisation</th><td>${esc(m.organization)}</td></tr>
<tr><th>Package id</th><td><code>${esc(m.exportId)}</code></td></tr>
<tr><th>Made</th><td>${esc(m.createdAt.toISOString())}</td></tr>
${m.description === null ? '' : `<tr><th>Description</th><td>${esc(m.description)}</td></tr>`}
<tr><th>Items</th><td>${m.items}</td></tr>
<tr><th>Archive</th><td><code>${esc(m.archiveId)}</code></td></tr>
</table>
<p class="note">Check this package without trusting its maker: follow <code>VERIFYING.md</code> at the top of the package
(<code>sha256sum</code>, <code>openssl</code> and <code>python3 verify-custody.py</code>). This page is a summary; the files are the evidence.</p>
${checkpointSection(m)}
<h2>Items</h2>
`;
}

export const REPORT_TAIL = '</body></html>\n';

function checkpointSection(m: ReportModel): string {
  const c = m.checkpoint;
  const stamps =
    m.timestamps.length === 0
      ? '<tr><td colspan="2"><strong>Not timestamped</strong>: no time-stamping authority was configured; the sealing time rests on the archive’s word.</td></tr>'
      : m.timestamps
          .map((t) => `<tr><td>${esc(t.tsaUrl)}</td><td>${esc(t.genTime.toISOString())}</td></tr>`)
          .join('');
  return `<h2>Seal of the custody log</h2>
<table>
<tr><th>Events sealed</th><td>${c.treeSize}</td></tr>
<tr><th>Tree head (SHA-256, base64)</th><td class="hash">${esc(c.rootHash)}</td></tr>
<tr><th>Signing key id (SHA-256 of the public key)</th><td class="hash">${esc(c.keyId)}</td></tr>
<tr><th>Signed at</th><td>${esc(c.createdAt.toISOString())}</td></tr>
</table>
<table><tr><th>Time-stamping authority</th><th>Time in its token</th></tr>${stamps}</table>`;
}

export function itemSection(
  item: DescribedItem,
  events: ReadonlyMap<number, CustodyEvent>,
): string {
  const media = item.media ?? {};
  const duration =
    typeof media['durationSeconds'] === 'number' ? `${media['durationSeconds']} s` : '';
  const paths = item.sightings
    .map(
      (s) =>
        `<li><code>${esc(s.path)}</code> <small>(acquisition ${esc(s.acquisition)})</small></li>`,
    )
    .join('');
  const problems = item.problems.map((p) => `<li>${esc(p.code)}: ${esc(p.message)}</li>`).join('');
  const rows = item.events
    .map((seq) => events.get(seq))
    .filter((e) => e !== undefined)
    .map(
      (e) =>
        `<tr><td>${e.seq}</td><td>${esc(e.at.toISOString())}</td><td>${esc(e.actor)}</td><td>${esc(e.action)}</td><td class="hash">${esc(e.hash)}</td></tr>`,
    )
    .join('');
  return `<h3><code>${esc(item.file)}</code></h3>
<table>
<tr><th>SHA-256</th><td class="hash">${esc(item.sha256)}</td></tr>
<tr><th>Size</th><td>${item.size} bytes</td></tr>
<tr><th>Kind</th><td>${esc(item.kind)}${duration === '' ? '' : `, ${esc(duration)}`}</td></tr>
<tr><th>Found as</th><td><ul>${paths}</ul></td></tr>
${problems === '' ? '' : `<tr><th>Problems</th><td><ul>${problems}</ul></td></tr>`}
</table>
<table><tr><th>Event</th><th>Time</th><th>By</th><th>Action</th><th>Hash</th></tr>${rows}</table>`;
}
