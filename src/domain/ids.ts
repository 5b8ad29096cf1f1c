/**
 * Deterministic ids. A sighting's id is derived from its acquisition and exact path, so a
 * re-run after a crash, or a retry of a skipped file, names the same sighting again.
 * `sha256` is injected to keep the domain free of IO and of node:crypto.
 */
export function uuidFromDigest(hexDigest: string): string {
  const h = hexDigest.slice(0, 32).split('');
  h[12] = '5'; // version nibble: name-based (RFC 9562 §5.5 style, with SHA-256 instead of SHA-1)
  h[16] = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16); // variant 10xx
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
