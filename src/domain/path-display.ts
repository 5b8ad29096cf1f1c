/**
 * File names on a leaked drive are hostile input: any bytes but '/' and NUL. We keep the exact
 * bytes as evidence and show a safe rendering: valid UTF-8 as is; invalid bytes as \xNN;
 * control characters and bidirectional overrides (which can disguise an extension, e.g.
 * "cod\u202Egpj.exe") as \u{...}; the backslash itself doubled so the rendering is unambiguous.
 */
export function displayPath(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const decoded = decodeUtf8At(bytes, i);
    if (decoded === null) {
      out += '\\x' + hex2(bytes[i] ?? 0);
      i += 1;
      continue;
    }
    out += escapeCodePoint(decoded.codePoint);
    i += decoded.length;
  }
  return out;
}

function escapeCodePoint(cp: number): string {
  if (cp === 0x5c) return '\\\\';
  if (isUnsafe(cp)) return '\\u{' + cp.toString(16) + '}';
  return String.fromCodePoint(cp);
}

function isUnsafe(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0x200b && cp <= 0x200f) || // zero-width and directional marks
    (cp >= 0x202a && cp <= 0x202e) || // bidi embeddings and overrides
    (cp >= 0x2066 && cp <= 0x2069) || // bidi isolates
    cp === 0xfeff
  );
}

function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** Strict UTF-8 decoding of one code point: no overlongs, no surrogates, nothing above U+10FFFF. */
function decodeUtf8At(b: Uint8Array, i: number): { codePoint: number; length: number } | null {
  const b0 = b[i] ?? 0;
  if (b0 < 0x80) return { codePoint: b0, length: 1 };
  let length: number;
  let min: number;
  let cp: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) [length, min, cp] = [2, 0x80, b0 & 0x1f];
  else if (b0 >= 0xe0 && b0 <= 0xef) [length, min, cp] = [3, 0x800, b0 & 0x0f];
  else if (b0 >= 0xf0 && b0 <= 0xf4) [length, min, cp] = [4, 0x10000, b0 & 0x07];
  else return null;
  if (i + length > b.length) return null;
  for (let k = 1; k < length; k++) {
    const bk = b[i + k] ?? 0;
    if ((bk & 0xc0) !== 0x80) return null;
    cp = (cp << 6) | (bk & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
  return { codePoint: cp, length };
}
