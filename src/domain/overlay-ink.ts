import { labelled, median, type Gray } from './gray-image.ts';

/**
 * What tesseract gets of a camera overlay: black strokes on white paper, the scene gone. Built
 * from the same crop at several video times, because the overlay stays and the scene moves.
 */

/**
 * Black strokes on white, with a margin, from crops of one overlay at several video times
 * (upscaled so a line is `lineHeight` pixels). Most of the overlay does not change between
 * crops while the scene behind it does: a dark percentile of each pixel over the crops shows
 * the still text crisp on a darkened scene, and that is drawn in every crop, even where its
 * own scene is as bright as the text. Only the columns where the crops' text differs (the
 * ticking digits) are taken from each crop itself. A single crop keeps its brightest strokes.
 * Specks too big or too small for a stroke are dropped: tesseract reads them as letters.
 */
export function ocrImages(crops: readonly Gray[], lineHeight: number): Gray[] {
  const first = crops[0];
  if (first === undefined) return [];
  const { width: w, height: h } = first;
  const margin = Math.round(lineHeight / 2);
  const own = crops.map((c) => brightest(c, lineHeight));
  const finish = (ink: Uint8Array): Gray => paper(withoutDots(ink, w, h, lineHeight), w, h, margin);
  const still =
    crops.length >= 3
      ? dropSpecks(brightest(darkPercentile(crops), lineHeight), w, h, lineHeight)
      : null;
  if (still === null || !still.includes(1))
    return own.map((m) => finish(dropSpecks(m, w, h, lineHeight)));
  const ticking = tickingColumns(own, still, w, h, lineHeight);
  return own.map((mask) => {
    const ink = new Uint8Array(w * h);
    for (let i = 0; i < ink.length; i++) ink[i] = mask[i] === 1 && ticking[i] === 1 ? 1 : 0;
    const kept = dropSpecks(ink, w, h, lineHeight);
    for (let i = 0; i < kept.length; i++) if (still[i] === 1 && ticking[i] === 0) kept[i] = 1;
    return finish(kept);
  });
}

/** Each pixel's 30th percentile over the crops: the scene darkens, the text stays. */
function darkPercentile(crops: readonly Gray[]): Gray {
  const first = crops[0] ?? { width: 0, height: 0, data: new Uint8Array(0) };
  const rank = Math.floor((crops.length - 1) * 0.3);
  const out = new Uint8Array(first.data.length);
  const values = new Array<number>(crops.length);
  for (let i = 0; i < out.length; i++) {
    for (const [k, c] of crops.entries()) values[k] = c.data[i] ?? 0;
    values.sort((a, b) => a - b);
    out[i] = values[rank] ?? 0;
  }
  return { width: first.width, height: first.height, data: out };
}

/**
 * Where the text changes between crops: on the still text's lines, the columns where the
 * crops typically have more ink than the still text (a changing digit leaves little in the
 * dark percentile), widened by a third of a line to cover the whole character.
 */
function tickingColumns(
  own: readonly Uint8Array[],
  still: Uint8Array,
  w: number,
  h: number,
  lineHeight: number,
): Uint8Array {
  const out = new Uint8Array(w * h);
  const pad = Math.round(lineHeight / 4);
  const widen = Math.round(lineHeight / 3);
  for (const [y0, y1] of lineBands(still, w, h)) {
    const top = Math.max(0, y0 - pad);
    const bottom = Math.min(h - 1, y1 + pad);
    const changing = new Uint8Array(w);
    for (let x = 0; x < w; x++) {
      let fixed = 0;
      for (let y = top; y <= bottom; y++) fixed += still[y * w + x] ?? 0;
      const inks = own.map((m) => {
        let n = 0;
        for (let y = top; y <= bottom; y++) n += m[y * w + x] ?? 0;
        return n;
      });
      if (median(inks) - fixed >= 0.15 * lineHeight) changing[x] = 1;
    }
    for (let x = 0; x < w; x++) {
      if (changing[x] !== 1) continue;
      for (let xx = Math.max(0, x - widen); xx <= Math.min(w - 1, x + widen); xx++)
        for (let y = top; y <= bottom; y++) out[y * w + xx] = 1;
    }
  }
  return out;
}

/** Runs of rows that have ink: the text's lines, [first row, last row]. */
function lineBands(mask: Uint8Array, w: number, h: number): [number, number][] {
  const bands: [number, number][] = [];
  let start = -1;
  for (let y = 0; y <= h; y++) {
    let ink = false;
    if (y < h) for (let x = 0; x < w && !ink; x++) ink = mask[y * w + x] === 1;
    if (ink && start === -1) start = y;
    if (!ink && start !== -1) {
      bands.push([start, y - 1]);
      start = -1;
    }
  }
  return bands;
}

/**
 * The crop's brightest pixels, by hysteresis: seeds within a fifth of the way from its
 * near-white (the 98th percentile: overlay text) down to its median (the scene), grown a
 * stroke's edge deep into neighbours within two fifths. Strokes have bright cores and soft
 * edges; scene clutter a shade darker than the text has no core, and a bright wall behind a
 * stroke is not flooded in.
 */
function brightest(crop: Gray, lineHeight: number): Uint8Array {
  const { width: w, height: h, data } = crop;
  const histogram = new Uint32Array(256);
  for (const v of data) histogram[v] = (histogram[v] ?? 0) + 1;
  const at = (q: number): number => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v] ?? 0;
      if (seen > q * data.length) return v;
    }
    return 255;
  };
  const high = at(0.98);
  const range = high - at(0.5);
  const strong = high - 0.2 * range;
  const weak = high - 0.4 * range;
  const mask = new Uint8Array(w * h);
  let front: number[] = [];
  for (let i = 0; i < data.length; i++)
    if ((data[i] ?? 0) >= strong) {
      mask[i] = 1;
      front.push(i);
    }
  const depth = Math.max(1, Math.round(lineHeight * 0.06));
  for (let step = 0; step < depth && front.length > 0; step++) {
    const next: number[] = [];
    for (const p of front) {
      const x = p % w;
      for (const q of [p - w, p + w, x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1])
        if (q >= 0 && q < data.length && mask[q] === 0 && (data[q] ?? 0) >= weak) {
          mask[q] = 1;
          next.push(q);
        }
    }
    front = next;
  }
  return mask;
}

/** The mask without components too large or too small to be a stroke of a character. */
function dropSpecks(mask: Uint8Array, w: number, h: number, lineHeight: number): Uint8Array {
  const { label, found } = labelled(mask, w, h);
  const keep = found.map(
    (c) =>
      c.h <= 1.6 * lineHeight &&
      c.w <= 2.5 * lineHeight &&
      c.pixels >= Math.max(3, (lineHeight * lineHeight) / 400),
  );
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) {
    const l = label[i] ?? 0;
    if (l > 0 && keep[l - 1] === true) out[i] = 1;
  }
  return out;
}

/**
 * The mask without small marks inside another character's box: the dot or slash some camera
 * fonts put in a zero, which tesseract reads as a 9 or an 8. Colons and the № sign's small o
 * stand beside their neighbours, not inside them, and stay.
 */
function withoutDots(mask: Uint8Array, w: number, h: number, lineHeight: number): Uint8Array {
  const { label, found } = labelled(mask, w, h);
  // Only character-sized containers: a blob of scene has no dots to lose.
  const glyphs = found.filter((o) => o.h <= 1.6 * lineHeight && o.w <= 1.2 * lineHeight);
  const small = (lineHeight * lineHeight) / 8;
  const inside = found.map(
    (c) =>
      c.pixels < small &&
      glyphs.some(
        (o) =>
          o !== c &&
          o.pixels > 3 * c.pixels &&
          c.x > o.x &&
          c.y > o.y &&
          c.x + c.w < o.x + o.w &&
          c.y + c.h < o.y + o.h,
      ),
  );
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) {
    const l = label[i] ?? 0;
    if (l > 0 && inside[l - 1] !== true) out[i] = 1;
  }
  return out;
}

/** The mask as black ink on white paper with a margin (what tesseract reads best). */
function paper(mask: Uint8Array, w: number, h: number, margin: number): Gray {
  const W = w + 2 * margin;
  const H = h + 2 * margin;
  const data = new Uint8Array(W * H).fill(255);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) if (mask[y * w + x] === 1) data[(y + margin) * W + x + margin] = 0;
  return { width: W, height: H, data };
}

/**
 * Whether a prepared image can be text worth an OCR run: some ink, but not a page of it. A
 * crop full of scene clutter costs tesseract seconds to turn into nonsense.
 */
export function worthReading(image: Gray): boolean {
  let ink = 0;
  for (const v of image.data) if (v === 0) ink += 1;
  const share = ink / Math.max(1, image.data.length);
  return share >= 0.002 && share <= 0.25;
}

/**
 * The picture at `factor` of its size (area average, back to black and white). Tesseract's
 * slips depend on the text's size, so frames read at two sizes do not all slip alike and
 * their vote corrects them.
 */
export function resized(image: Gray, factor: number): Gray {
  const W = Math.max(1, Math.round(image.width * factor));
  const H = Math.max(1, Math.round(image.height * factor));
  const data = new Uint8Array(W * H);
  const sx = image.width / W;
  const sy = image.height / H;
  for (let y = 0; y < H; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < W; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++)
        for (let xx = x0; xx < x1; xx++) sum += image.data[yy * image.width + xx] ?? 255;
      data[y * W + x] = sum / ((y1 - y0) * (x1 - x0)) < 128 ? 0 : 255;
    }
  }
  return { width: W, height: H, data };
}
