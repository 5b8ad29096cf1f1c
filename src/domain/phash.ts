/**
 * Perceptual frame hashes for finding copies and cuts of one recording: a 64-bit DCT hash of a
 * small gray frame that survives what a leak does to a video (re-encoding at a low bitrate,
 * downscaling, a logo or a caption in a corner, remuxing) and the small misalignment between
 * two videos sampled at different instants, plus the test that leaves low-information frames
 * (black, flat, fades from black) out, since two different recordings would match on them.
 *
 * The decoder hands over a FRAME_SIDE × FRAME_SIDE gray frame (the picture stretched to a
 * square: both copies are stretched alike). Only its central HASH_SIDE × HASH_SIDE part is
 * hashed: the outer tenth on each side is where cameras and re-publishers burn in time stamps,
 * device names and logos, which differ between copies and are the same between different
 * recordings of one camera.
 */

/** The side of the gray frame asked of the decoder, in pixels. */
export const FRAME_SIDE = 40;
/** The side of the hashed central square. */
export const HASH_SIDE = 32;
/**
 * Below this standard deviation of the hashed square (0…255 grey levels), a frame carries too
 * little picture for its hash to mean anything: the bits of a flat frame are the noise's.
 */
export const MIN_INFORMATIVE_STD = 6;

/** Highest frequency used along either axis (the hash uses diagonals u+v ≤ 10). */
const MAX_FREQ = 10;

/**
 * The first 64 AC coefficients of the 32×32 DCT in JPEG zigzag order, as [u (horizontal), v
 * (vertical)]: the lowest frequencies, where the picture's layout lives and where compression,
 * scaling and a small overlay change least. The DC term (mean brightness) is left out: it moves
 * with every levels change and says nothing about the picture.
 */
export const HASH_COEFFICIENTS: readonly (readonly [number, number])[] = (() => {
  const out: [number, number][] = [];
  for (let s = 1; out.length < 64; s++) {
    // JPEG zigzag: odd diagonals run from the top row down, even ones from the left column up.
    for (let i = 0; i <= s && out.length < 64; i++) {
      const row = s % 2 === 1 ? i : s - i;
      out.push([s - row, row]);
    }
  }
  return out;
})();

/** cos((2x+1)uπ / 2N) for u ≤ MAX_FREQ, x < N: the DCT-II basis, computed once. */
const BASIS: readonly Float64Array[] = Array.from({ length: MAX_FREQ + 1 }, (_, u) => {
  const row = new Float64Array(HASH_SIDE);
  for (let x = 0; x < HASH_SIDE; x++)
    row[x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * HASH_SIDE));
  return row;
});

export interface FrameHash {
  /** The hash as an unsigned 64-bit integer; bit 63 is the first coefficient. */
  readonly hash: bigint;
  /** Whether the frame has enough picture to be matched on (see MIN_INFORMATIVE_STD). */
  readonly informative: boolean;
  /** Standard deviation of the hashed square, in grey levels. */
  readonly std: number;
}

/**
 * Hashes one gray frame of FRAME_SIDE × FRAME_SIDE pixels (row by row, one byte per pixel):
 * each of the 64 coefficients of HASH_COEFFICIENTS gives one bit, set when the coefficient is
 * above their median. Thresholding at the median makes the hash blind to brightness and
 * contrast (a fade, a re-encode's levels) and sets 32 bits of 64, which spreads hashes evenly
 * over the index bands.
 */
export function hashFrame(data: Uint8Array, width = FRAME_SIDE, height = FRAME_SIDE): FrameHash {
  if (width < HASH_SIDE || height < HASH_SIDE || data.length < width * height)
    throw new RangeError(`a frame of at least ${HASH_SIDE}×${HASH_SIDE} gray pixels is needed`);
  const left = Math.floor((width - HASH_SIDE) / 2);
  const top = Math.floor((height - HASH_SIDE) / 2);
  // Rows first: rowSums[y][u] = Σx p(x, y)·cos(u, x), for the few u the hash uses.
  const rows = new Float64Array(HASH_SIDE * (MAX_FREQ + 1));
  let sum = 0;
  let squares = 0;
  for (let y = 0; y < HASH_SIDE; y++) {
    const base = (top + y) * width + left;
    for (let x = 0; x < HASH_SIDE; x++) {
      const p = data[base + x] ?? 0;
      sum += p;
      squares += p * p;
    }
    for (let u = 0; u <= MAX_FREQ; u++) {
      const basis = BASIS[u] ?? new Float64Array(HASH_SIDE);
      let acc = 0;
      for (let x = 0; x < HASH_SIDE; x++) acc += (data[base + x] ?? 0) * (basis[x] ?? 0);
      rows[y * (MAX_FREQ + 1) + u] = acc;
    }
  }
  const n = HASH_SIDE * HASH_SIDE;
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, squares / n - mean * mean));
  const coefficients = HASH_COEFFICIENTS.map(([u, v]) => {
    const basis = BASIS[v] ?? new Float64Array(HASH_SIDE);
    let acc = 0;
    for (let y = 0; y < HASH_SIDE; y++)
      acc += (rows[y * (MAX_FREQ + 1) + u] ?? 0) * (basis[y] ?? 0);
    return acc;
  });
  const sorted = [...coefficients].sort((a, b) => a - b);
  const median = ((sorted[31] ?? 0) + (sorted[32] ?? 0)) / 2;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 64; i++) {
    const bit = (coefficients[i] ?? 0) > median ? 1 : 0;
    if (i < 32) hi = (hi << 1) | bit;
    else lo = (lo << 1) | bit;
  }
  const hash = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return { hash, informative: std >= MIN_INFORMATIVE_STD, std };
}

/** Bits set in a 32-bit integer. */
export function popcount32(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** The number of bits in which two 64-bit hashes differ. */
export function hamming(a: bigint, b: bigint): number {
  const x = BigInt.asUintN(64, a ^ b);
  return popcount32(Number(x >> 32n)) + popcount32(Number(x & 0xffffffffn));
}

/** The hash as PostgreSQL stores it: a signed 64-bit integer (bigint has no unsigned form). */
export function toSigned(hash: bigint): bigint {
  return BigInt.asIntN(64, hash);
}

/** The hash from its stored (signed) form, e.g. from `h::text`. */
export function fromStored(value: string | bigint): bigint {
  return BigInt.asUintN(64, BigInt(value));
}

/**
 * How a video is sampled. Each hash stands for half a second: the mean of four frames taken
 * 1/8 s apart. A hash of one instant changes as fast as the picture moves, and two copies are
 * never sampled at the same instants (another frame rate, a dropped frame, a cut that starts
 * between frames): averaging over the window makes the hash of a moving camera change
 * smoothly, so copies sampled a few hundredths of a second apart still agree.
 */
export const SAMPLING = {
  /** Hashes per second: hash k covers [k / rate, (k + 1) / rate). */
  rate: 2,
  /** Frames decoded per second (ffmpeg's fps filter). */
  decodeRate: 8,
  /** Decoded frames averaged into one hash: decodeRate / rate. */
  window: 4,
} as const;

/** A hash of one window of frames, with the window's start on the video's timeline. */
export interface WindowHash extends FrameHash {
  readonly t: number;
}

/**
 * Averages consecutive FRAME_SIDE² gray frames, SAMPLING.window at a time, and hashes each
 * mean. Frames must come in order at SAMPLING.decodeRate; a last window that is at least half
 * full is hashed too, so a video's end is not lost.
 */
export class WindowHasher {
  readonly #sum = new Uint16Array(FRAME_SIDE * FRAME_SIDE);
  #count = 0;
  #window = 0;

  /** Adds the next decoded frame; returns the window's hash when this frame completes it. */
  push(data: Uint8Array): WindowHash | null {
    if (data.length !== this.#sum.length)
      throw new RangeError(`frames must be ${FRAME_SIDE}×${FRAME_SIDE} gray pixels`);
    const sum = this.#sum;
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] ?? 0) + (data[i] ?? 0);
    this.#count += 1;
    return this.#count === SAMPLING.window ? this.#emit() : null;
  }

  /** The hash of the last, partial window when it holds at least half a window of frames. */
  flush(): WindowHash | null {
    return this.#count * 2 >= SAMPLING.window ? this.#emit() : null;
  }

  #emit(): WindowHash {
    const n = this.#count;
    const mean = new Uint8Array(this.#sum.length);
    for (let i = 0; i < mean.length; i++) mean[i] = Math.round((this.#sum[i] ?? 0) / n);
    const t = this.#window / SAMPLING.rate;
    this.#window += 1;
    this.#count = 0;
    this.#sum.fill(0);
    return { ...hashFrame(mean), t };
  }
}
