import {
  components,
  median,
  strokeMask,
  type Box,
  type Component,
  type Gray,
} from './gray-image.ts';

/**
 * Where in the frame a camera overlay is. Overlay text is white, thin and still while the
 * scene moves: a pixel is overlay when it is a bright stroke (brighter than what lies a
 * stroke's width away: a white top-hat, which drops bright walls and skies) in most of a few
 * frames taken seconds apart. Such pixels joined into lines and lines into blocks are the
 * candidates; OCR then tells which block is the overlay.
 */

/** Where overlay text probably is, and how tall its lines are (pixels of the frames given). */
export interface OverlayCandidate extends Box {
  readonly lineHeight: number;
  /** Stable text pixels found there; candidates come best first. */
  readonly score: number;
}

/**
 * Finds text lines that stay put across frames sampled over the video and groups stacked
 * lines into blocks, best (most stable text, nearest the top or bottom edge) first. The
 * frames must share one size; a few low-resolution frames (≈640 px wide) are enough.
 */
export function findOverlayCandidates(frames: readonly Gray[], limit = 3): OverlayCandidate[] {
  const first = frames[0];
  if (first === undefined) return [];
  const { width: w, height: h } = first;
  const radius = Math.max(2, Math.round(h / 160));
  const count = new Uint8Array(w * h);
  for (const frame of frames) {
    const mask = strokeMask(frame, { radius });
    for (let i = 0; i < count.length; i++) count[i] = (count[i] ?? 0) + (mask[i] ?? 0);
  }
  // Still in most frames: the ticking seconds are not, but the rest of their line is.
  const needed = Math.max(1, Math.ceil(frames.length * 0.75));
  const stable = new Uint8Array(w * h);
  for (let i = 0; i < stable.length; i++) stable[i] = (count[i] ?? 0) >= needed ? 1 : 0;
  const lines = textLines(stable, w, h);
  return blocks(lines, w, h)
    .slice(0, limit)
    .map((b) => grow(b, w, h));
}

/** Characters joined into lines by a horizontal smear of about a character's gap. */
function textLines(stable: Uint8Array, w: number, h: number): Component[] {
  const gap = Math.max(3, Math.round(h / 30));
  const smeared = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    let last = -gap - 1;
    for (let x = 0; x < w; x++) {
      if (stable[y * w + x] === 1) {
        if (x - last <= gap) for (let f = last + 1; f < x; f++) smeared[y * w + f] = 1;
        smeared[y * w + x] = 1;
        last = x;
      }
    }
  }
  const minHeight = Math.max(6, h / 60);
  const maxHeight = h / 9;
  return components(smeared, w, h).filter((c) => {
    if (c.h < minHeight || c.h > maxHeight || c.w < 1.5 * c.h) return false;
    const fill = countIn(stable, w, c) / (c.w * c.h);
    return fill >= 0.06 && fill <= 0.6;
  });
}

function countIn(mask: Uint8Array, w: number, b: Box): number {
  let n = 0;
  for (let y = b.y; y < b.y + b.h; y++)
    for (let x = b.x; x < b.x + b.w; x++) n += mask[y * w + x] ?? 0;
  return n;
}

/**
 * Text pieces near each other (words of a line, lines stacked within a line's height, up to
 * two characters apart sideways) are one block.
 */
function blocks(pieces: readonly Component[], w: number, h: number): OverlayCandidate[] {
  const parent = pieces.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] ?? i;
    return i;
  };
  for (const [i, a] of pieces.entries())
    for (const [j, b] of pieces.entries()) {
      if (j <= i) continue;
      const size = Math.max(a.h, b.h);
      const dy = Math.max(a.y, b.y) - Math.min(a.y + a.h, b.y + b.h);
      const dx = Math.max(a.x, b.x) - Math.min(a.x + a.w, b.x + b.w);
      if (dy <= 1.2 * size && dx <= 2 * size) parent[root(j)] = root(i);
    }
  const groups = new Map<number, Component[]>();
  for (const [i, p] of pieces.entries()) groups.set(root(i), [...(groups.get(root(i)) ?? []), p]);
  return [...groups.values()]
    .map((g) => {
      const x = Math.min(...g.map((l) => l.x));
      const y = Math.min(...g.map((l) => l.y));
      const box = {
        x,
        y,
        w: Math.max(...g.map((l) => l.x + l.w)) - x,
        h: Math.max(...g.map((l) => l.y + l.h)) - y,
      };
      const lineHeight = median(g.map((l) => l.h));
      const pixels = g.reduce((n, l) => n + l.pixels, 0);
      // Cameras put the overlay along the top or bottom edge.
      const edge = Math.min(box.y, h - (box.y + box.h)) / h;
      const side = Math.min(box.x, w - (box.x + box.w)) / w;
      const score = pixels * (edge < 0.2 ? 2 : 1) * (side < 0.2 ? 1.5 : 1);
      return { ...box, lineHeight, score };
    })
    .filter(
      // A line of a few characters at least; a few lines at most (clutter chains up taller).
      (b) => b.w >= 3 * b.lineHeight && b.h <= 6 * b.lineHeight && b.h <= 0.35 * h,
    )
    .sort((a, b) => b.score - a.score);
}

/** Room for what the stable pixels miss: the ticking seconds and the strokes' own width. */
function grow(c: OverlayCandidate, w: number, h: number): OverlayCandidate {
  const dx = Math.round(2.2 * c.lineHeight);
  const dy = Math.round(0.6 * c.lineHeight);
  const x = Math.max(0, c.x - dx);
  const y = Math.max(0, c.y - dy);
  return {
    ...c,
    x,
    y,
    w: Math.min(w, c.x + c.w + dx) - x,
    h: Math.min(h, c.y + c.h + dy) - y,
  };
}

/** The top and bottom bands, for when no text line stands out (a still scene). */
export function edgeBands(w: number, h: number): OverlayCandidate[] {
  const band = Math.round(h * 0.14);
  const lineHeight = Math.max(4, Math.round(h / 30));
  return [
    { x: 0, y: 0, w, h: band, lineHeight, score: 0 },
    { x: 0, y: h - band, w, h: band, lineHeight, score: 0 },
  ];
}
