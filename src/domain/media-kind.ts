/** What an item is, as far as a person browsing the archive cares. */
export const ITEM_KINDS = ['video', 'audio', 'image', 'document', 'other'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

const EXTENSION_KIND: Readonly<Record<string, ItemKind>> = {
  // Video, including the raw streams and containers DVRs and body cameras write.
  mp4: 'video',
  m4v: 'video',
  mov: 'video',
  avi: 'video',
  mkv: 'video',
  webm: 'video',
  wmv: 'video',
  asf: 'video',
  flv: 'video',
  mpg: 'video',
  mpeg: 'video',
  ts: 'video',
  mts: 'video',
  m2ts: 'video',
  '3gp': 'video',
  vob: 'video',
  h264: 'video',
  '264': 'video',
  h265: 'video',
  '265': 'video',
  hevc: 'video',
  dav: 'video',
  ps: 'video',
  mp3: 'audio',
  wav: 'audio',
  m4a: 'audio',
  aac: 'audio',
  ogg: 'audio',
  oga: 'audio',
  opus: 'audio',
  flac: 'audio',
  amr: 'audio',
  wma: 'audio',
  jpg: 'image',
  jpeg: 'image',
  png: 'image',
  gif: 'image',
  bmp: 'image',
  tif: 'image',
  tiff: 'image',
  webp: 'image',
  heic: 'image',
  txt: 'document',
  pdf: 'document',
  doc: 'document',
  docx: 'document',
  odt: 'document',
  rtf: 'document',
  html: 'document',
  htm: 'document',
  csv: 'document',
  xls: 'document',
  xlsx: 'document',
  eml: 'document',
  md: 'document',
};

/** Kind suggested by the file name's extension (the last one, case-insensitive). */
export function kindFromName(name: string): ItemKind | null {
  const dot = name.lastIndexOf('.');
  if (dot < 0 || dot === name.length - 1) return null;
  return EXTENSION_KIND[name.slice(dot + 1).toLowerCase()] ?? null;
}

/** Kind suggested by the first bytes of the content (magic numbers), or null. */
export function kindFromMagic(head: Uint8Array): ItemKind | null {
  const at = (offset: number, ...bytes: number[]): boolean =>
    bytes.every((b, k) => head[offset + k] === b);
  const ascii = (offset: number, text: string): boolean =>
    at(offset, ...Array.from(text, (c) => c.charCodeAt(0)));
  if (ascii(4, 'ftyp')) return ascii(8, 'heic') || ascii(8, 'avif') ? 'image' : 'video';
  if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return 'video'; // Matroska / WebM
  if (ascii(0, 'RIFF') && ascii(8, 'AVI ')) return 'video';
  if (ascii(0, 'RIFF') && ascii(8, 'WAVE')) return 'audio';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image';
  if (at(0, 0x00, 0x00, 0x01, 0xba)) return 'video'; // MPEG-PS
  // Raw H.264 / HEVC (Annex B) as DVRs dump it: a start code, then an SPS, AUD or VPS unit.
  if (at(0, 0x00, 0x00, 0x00, 0x01) && [0x67, 0x27, 0x09].includes(head[4] ?? -1)) return 'video';
  if (at(0, 0x00, 0x00, 0x00, 0x01, 0x40, 0x01)) return 'video';
  if (at(0, 0x47) && at(188, 0x47)) return 'video'; // MPEG-TS sync bytes
  if (at(0, 0x30, 0x26, 0xb2, 0x75)) return 'video'; // ASF / WMV
  if (
    at(0, 0xff, 0xd8, 0xff) ||
    at(0, 0x89, 0x50, 0x4e, 0x47) ||
    ascii(0, 'GIF8') ||
    ascii(0, 'BM')
  ) {
    return 'image';
  }
  if (at(0, 0x49, 0x49, 0x2a, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2a)) return 'image'; // TIFF
  if (ascii(0, 'ID3') || at(0, 0xff, 0xfb) || ascii(0, 'fLaC') || ascii(0, 'OggS')) return 'audio';
  if (ascii(0, '%PDF')) return 'document';
  return null;
}

/** Worth handing to ffprobe: content or name says audio, video or image. */
export function looksLikeMedia(kind: ItemKind | null): boolean {
  return kind === 'video' || kind === 'audio' || kind === 'image';
}

/** Initial kind before probing: content first (names lie), then the name, else other. */
export function guessKind(head: Uint8Array, name: string): ItemKind {
  return kindFromMagic(head) ?? kindFromName(name) ?? 'other';
}
