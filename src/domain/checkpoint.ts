/**
 * The signed text of a checkpoint: a C2SP tlog-checkpoint body (origin, tree size, base64
 * tree head, each line ending in a newline). Signed with Ed25519 and timestamped as is, so a
 * verifier needs only `openssl` to check it.
 */
export function checkpointOrigin(archiveId: string): string {
  return `custody/${archiveId}`;
}

export function checkpointBody(origin: string, treeSize: number, rootBase64: string): string {
  return `${origin}\n${treeSize}\n${rootBase64}\n`;
}

export function parseCheckpointBody(
  body: string,
): { origin: string; treeSize: number; root: string } | null {
  const m = /^(custody\/[^\n]+)\n([1-9]\d{0,15})\n([A-Za-z0-9+/]{43}=)\n$/.exec(body);
  if (m === null) return null;
  return { origin: m[1] as string, treeSize: Number(m[2]), root: m[3] as string };
}
