/**
 * Small operations on 8-bit grayscale pictures for reading camera overlays: rank filters,
 * connected components, crops and resampling. Pure and allocation-light: the pictures are a
 * few hundred thousand pixels.
 */

/** An 8-bit grayscale picture, row by row (the shape of ports' GrayImage, kept pure here). */
export interface Gray {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A rectangle in pixels. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/**
 * Min (erode) or max (dilate) over a (2r+1)² square: two 1-D passes of van Herk/Gil-Werman,
 * three comparisons a pixel whatever the radius.
 */
function rankFilter(img: Gray, r: number, op: 'min' | 'max'): Uint8Array {
  const { width: w, height: h } = img;
  const scratch = {
    left: new Uint8Array(Math.max(w, h) + 2 * r),
    right: new Uint8Array(Math.max(w, h) + 2 * r),
  };
  const rows = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) line(img.data, rows, y * w, 1, w, r, op === 'max', scratch);
  const out = new Uint8Array(w * h);
  for (let x = 0; x < w; x++) line(rows, out, x, w, h, r, op === 'max', scratch);
  return out;
}

/** One row or column (`n` values from `start`, `step` apart) of rankFilter. */
function line(
  src: Uint8Array,
  dst: Uint8Array,
  start: number,
  step: number,
  n: number,
  r: number,
  max: boolean,
  scratch: { left: Uint8Array; right: Uint8Array },
): void {
  const k = 2 * r + 1;
  const len = n + 2 * r;
  const pad = max ? 0 : 255;
  const { left, right } = scratch;
  // Outside the picture counts as neither bright nor dark: it never wins.
  for (let i = 0; i < len; i++) {
    const v = i < r || i >= n + r ? pad : (src[start + (i - r) * step] ?? pad);
    const prev = left[i - 1] ?? pad;
    left[i] = i % k === 0 ? v : max ? (prev > v ? prev : v) : prev < v ? prev : v;
  }
  for (let i = len - 1; i >= 0; i--) {
    const v = i < r || i >= n + r ? pad : (src[start + (i - r) * step] ?? pad);
    const next = right[i + 1] ?? pad;
    right[i] =
      i % k === k - 1 || i === len - 1 ? v : max ? (next > v ? next : v) : next < v ? next : v;
  }
  for (let i = 0; i < n; i++) {
    const a = right[i] ?? pad;
    const b = left[i + k - 1] ?? pad;
    dst[start + i * step] = max ? (a > b ? a : b) : a < b ? a : b;
  }
}

export interface MaskOptions {
  /** Larger than a stroke's half width: structures wider than 2r+1 are not text. */
  readonly radius: number;
  /** How much brighter than the surroundings a stroke is (default 45). */
  readonly contrast?: number;
  /** How bright a stroke is at least (default 140: overlay text is near white). */
  readonly brightness?: number;
}

/** 1 where the picture has a thin bright stroke (white top-hat), 0 elsewhere. */
export function strokeMask(img: Gray, options: MaskOptions): Uint8Array {
  const contrast = options.contrast ?? 45;
  const brightness = options.brightness ?? 140;
  const opened = rankFilter(
    { ...img, data: rankFilter(img, options.radius, 'min') },
    options.radius,
    'max',
  );
  const mask = new Uint8Array(img.data.length);
  for (let i = 0; i < mask.length; i++) {
    const v = img.data[i] ?? 0;
    mask[i] = v >= brightness && v - (opened[i] ?? 0) >= contrast ? 1 : 0;
  }
  return mask;
}

export interface Component extends Box {
  readonly pixels: number;
}

/** 8-connected components of a 0/1 mask, with their boxes and pixel counts. */
export function components(mask: Uint8Array, w: number, h: number): Component[] {
  return labelled(mask, w, h).found;
}

/** Components, and each pixel's component (1-based; 0 for background). */
export function labelled(
  mask: Uint8Array,
  w: number,
  h: number,
): { label: Int32Array; found: Component[] } {
  const label = new Int32Array(w * h);
  const found: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || label[start] !== 0) continue;
    label[start] = found.length + 1;
    stack.push(start);
    let [x0, y0, x1, y1, pixels] = [w, h, 0, 0, 0];
    while (stack.length > 0) {
      const p = stack.pop() ?? 0;
      const px = p % w;
      const py = (p - px) / w;
      pixels += 1;
      x0 = Math.min(x0, px);
      x1 = Math.max(x1, px);
      y0 = Math.min(y0, py);
      y1 = Math.max(y1, py);
      for (let dy = -1; dy <= 1; dy++) {
        const ny = py + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          if (nx < 0 || nx >= w) continue;
          const q = ny * w + nx;
          if (mask[q] === 1 && label[q] === 0) {
            label[q] = found.length + 1;
            stack.push(q);
          }
        }
      }
    }
    found.push({ x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1, pixels });
  }
  return { label, found };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** A box in frames of one size, in another (rounded outwards, clamped). */
export function scaleBox(b: Box, from: Box, to: { w: number; h: number }): Box {
  const sx = to.w / from.w;
  const sy = to.h / from.h;
  const x = Math.max(0, Math.floor(b.x * sx));
  const y = Math.max(0, Math.floor(b.y * sy));
  return {
    x,
    y,
    w: Math.min(to.w, Math.ceil((b.x + b.w) * sx)) - x,
    h: Math.min(to.h, Math.ceil((b.y + b.h) * sy)) - y,
  };
}

/** The picture shrunk to w×h, each output pixel the mean of the input pixels it covers. */
export function downscaled(image: Gray, w: number, h: number): Gray {
  const data = new Uint8Array(w * h);
  const sx = image.width / w;
  const sy = image.height / h;
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++)
        for (let xx = x0; xx < x1; xx++) sum += image.data[yy * image.width + xx] ?? 0;
      data[y * w + x] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return { width: w, height: h, data };
}

/** The box of the picture, stretched to w×h by bilinear interpolation (for upscaling text). */
export function cropScaled(image: Gray, box: Box, w: number, h: number): Gray {
  const data = new Uint8Array(w * h);
  const sx = box.w / w;
  const sy = box.h / h;
  const W = image.width;
  const px = (x: number, y: number): number =>
    image.data[Math.min(image.height - 1, Math.max(0, y)) * W + Math.min(W - 1, Math.max(0, x))] ??
    0;
  for (let y = 0; y < h; y++) {
    const fy = box.y + (y + 0.5) * sy - 0.5;
    const y0 = Math.floor(fy);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = box.x + (x + 0.5) * sx - 0.5;
      const x0 = Math.floor(fx);
      const tx = fx - x0;
      const top = px(x0, y0) * (1 - tx) + px(x0 + 1, y0) * tx;
      const bottom = px(x0, y0 + 1) * (1 - tx) + px(x0 + 1, y0 + 1) * tx;
      data[y * w + x] = Math.round(top * (1 - ty) + bottom * ty);
    }
  }
  return { width: w, height: h, data };
}
