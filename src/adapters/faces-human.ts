import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CustodyError } from '../core/errors.ts';
import type { DetectedFace, FaceDetector, RawFrame } from '../core/ports.ts';
import { boxIou, type FaceRect } from '../domain/face-tracks.ts';

/**
 * Face detection with Human's BlazeFace model on TensorFlow.js's WebAssembly backend: no native
 * addon, no GPU, the same numbers on every machine, and nothing downloaded: the weights ship in
 * the package and are read from disk.
 *
 * Three things about Human 3.3.6 shape this file. Its package `exports` send Node to a build
 * that needs tfjs-node (not installable here), so the wasm build is loaded by path. It loads
 * models with fetch(), which has no file:// in Node, so a tfjs load router answers for files
 * inside its models folder (and nothing else). Its own `square` option puts boxes in the wrong
 * place on padded frames, so frames are padded here and boxes mapped back.
 */

export interface HumanFaceDetectorOptions {
  /**
   * Also search square tiles as tall as the frame across its long side (default true). BlazeFace
   * sees 256×256 pixels, so on a 16:9 frame a face is 1.8× larger in a tile than in the whole
   * frame: faces half as large are found, at 3 passes per frame instead of 1.
   */
  readonly tiles?: boolean;
  /** Detector scores below this are not reported (default and least 0.2, Human's default). */
  readonly minScore?: number;
}

export interface HumanFaceDetector extends FaceDetector {
  /** Passes of the model per frame (1, or 1 + tiles): for benchmarks. */
  passes(width: number, height: number): number;
  /**
   * Lets go of Human: when no other detector of the process uses it, its weights and state are
   * freed (Human has no dispose of its own). detect() fails afterwards; a later load starts
   * afresh.
   */
  dispose(): void;
}

// The few parts of TensorFlow.js and Human used here (both are untyped CommonJS loads).
interface TfTensor {
  dispose(): void;
}
interface WeightGroup {
  readonly paths: readonly string[];
}
interface ModelJson {
  readonly weightsManifest: readonly WeightGroup[];
}
type LoadWeights = (manifest: readonly WeightGroup[]) => Promise<[unknown, ArrayBuffer]>;
interface Tf {
  tensor4d(values: Uint8Array, shape: [number, number, number, number], dtype: 'int32'): TfTensor;
  getBackend(): string;
  memory(): { numTensors: number };
  io: {
    registerLoadRouter(router: (url: unknown) => { load(): Promise<unknown> } | null): void;
    getModelArtifactsForJSON(json: ModelJson, loadWeights: LoadWeights): Promise<unknown>;
    getWeightSpecs(manifest: readonly WeightGroup[]): unknown;
  };
}
interface HumanFace {
  readonly boxRaw: readonly [number, number, number, number];
  readonly score: number;
}
interface HumanResult {
  readonly face: readonly HumanFace[];
  readonly error?: string | null;
}
interface HumanInstance {
  readonly version: string;
  readonly models: { models: Record<string, { dispose(): void } | null>; reset(): void };
  load(): Promise<void>;
  detect(input: TfTensor): Promise<HumanResult>;
  reset(): void;
}
type HumanConstructor = new (config: Record<string, unknown>) => HumanInstance;

interface Paths {
  readonly bundle: string;
  readonly models: string;
  readonly wasm: string;
}

/**
 * Where Human and the wasm binaries are, found the way Node finds packages from this file
 * (so it works from bin/custody, tests and benchmarks alike, whatever the working directory).
 * Human's "node" entry is resolved only for its folder: it is never loaded.
 */
function locate(): Paths {
  const here = createRequire(import.meta.url);
  const dist = path.dirname(here.resolve('@vladmandic/human'));
  const bundle = path.join(dist, 'human.node-wasm.js');
  // Human finds tfjs from its own location; so do we, so both get the same module instance.
  const fromHuman = createRequire(bundle);
  const wasm = path.dirname(fromHuman.resolve('@tensorflow/tfjs-backend-wasm'));
  return { bundle, models: path.join(path.dirname(dist), 'models'), wasm: wasm + path.sep };
}

const routed = new Set<string>();

/**
 * Lets tfjs read models from `dir` on disk. tfjs has no way to remove a router, so each folder
 * is registered once per process; the router answers only file:// URLs of files inside it.
 */
function routeModels(tf: Tf, dir: string): void {
  if (routed.has(dir)) return;
  routed.add(dir);
  tf.io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const file = fileURLToPath(url);
    if (path.dirname(file) !== dir || !file.endsWith('.json')) return null;
    return {
      load: async () => {
        const json = JSON.parse(await readFile(file, 'utf8')) as ModelJson;
        return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
          const parts: Buffer[] = [];
          for (const group of manifest)
            for (const p of group.paths) {
              const weights = path.join(dir, p);
              if (path.dirname(weights) !== dir) throw new Error(`weights outside ${dir}: ${p}`);
              parts.push(await readFile(weights));
            }
          const all = Buffer.concat(parts);
          const buffer = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
          return [tf.io.getWeightSpecs(manifest), buffer];
        });
      },
    };
  });
}

function humanConfig(paths: Paths, floor: number): Record<string, unknown> {
  const off = { enabled: false };
  return {
    backend: 'wasm',
    wasmPath: paths.wasm,
    modelBasePath: pathToFileURL(paths.models).href + '/',
    debug: false,
    warmup: 'none',
    // Every frame is analysed afresh: Human's video shortcuts (reusing the last boxes while the
    // picture changes little) would hide a face that just appeared.
    cacheSensitivity: 0,
    skipAllowed: false,
    filter: off,
    face: {
      enabled: true,
      detector: {
        modelPath: 'blazeface.json',
        rotation: false,
        maxDetected: 64,
        minConfidence: floor,
        iouThreshold: 0.3,
        skipFrames: 0,
        skipTime: 0,
        square: false,
        return: false,
      },
      mesh: off,
      attention: off,
      iris: off,
      emotion: off,
      description: off,
      antispoof: off,
      liveness: off,
      gear: off,
    },
    body: off,
    hand: off,
    object: off,
    gesture: off,
    segmentation: off,
  };
}

/** A square part of a frame, in pixels. */
export interface Tile {
  readonly x: number;
  readonly y: number;
  readonly side: number;
}

/**
 * Square tiles as large as the frame's short side, spread across its long side so that
 * neighbours overlap by at least a fifth of it (72 px at 640×360): a small face cut by one
 * tile's edge is whole in the next, and a larger one is found in the whole frame. None for a
 * frame that is nearly square (the whole frame is one already). Two for 16:9 and 4:3.
 */
export function frameTiles(width: number, height: number): Tile[] {
  const side = Math.min(width, height);
  const long = Math.max(width, height);
  if (long <= side * 1.2) return [];
  const count = Math.ceil((long - side) / (side * 0.8)) + 1;
  const tiles: Tile[] = [];
  for (let i = 0; i < count; i++) {
    const at = Math.round((i * (long - side)) / (count - 1));
    tiles.push(width >= height ? { x: at, y: 0, side } : { x: 0, y: at, side });
  }
  return tiles;
}

/**
 * One face seen by several passes becomes one: the best-scoring box is kept and any other that
 * overlaps it (IoU over 0.3), or lies mostly inside it or around it (a face cut by a tile's
 * edge), is dropped.
 */
export function mergeFaces(faces: readonly DetectedFace[]): DetectedFace[] {
  const kept: DetectedFace[] = [];
  for (const f of [...faces].sort((a, b) => b.score - a.score)) {
    if (!kept.some((k) => boxIou(k, f) > 0.3 || overlapOfSmaller(k, f) > 0.6)) kept.push(f);
  }
  return kept;
}

function overlapOfSmaller(a: FaceRect, b: FaceRect): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.min(a.w * a.h, b.w * b.h);
}

/** Copies a square of `frame` (rgb24) onto a black square canvas of `canvas` pixels. */
function squareCut(
  frame: RawFrame,
  x: number,
  y: number,
  side: number,
  canvas: number,
): Uint8Array {
  const out = new Uint8Array(canvas * canvas * 3);
  const w = Math.min(side, frame.width - x);
  const h = Math.min(side, frame.height - y);
  for (let row = 0; row < h; row++) {
    const from = ((y + row) * frame.width + x) * 3;
    out.set(frame.data.subarray(from, from + w * 3), row * canvas * 3);
  }
  return out;
}

/** Human's scores below this are never reported (its own default). */
const FLOOR_SCORE = 0.2;

/**
 * The one Human of the process. Human keeps its models and per-call state in module variables,
 * so two instances would share (and race on) them anyway: every detector handle uses this one,
 * detections run one at a time (the wasm backend has one thread), and the weights are freed
 * when the last handle is disposed.
 */
interface Engine {
  readonly human: HumanInstance;
  readonly tf: Tf;
  users: number;
  freed: boolean;
  queue: Promise<unknown>;
}

let engine: Promise<Engine> | null = null;

async function startEngine(): Promise<Engine> {
  const paths = locate();
  const load = createRequire(paths.bundle);
  const tf = load('@tensorflow/tfjs-core') as Tf;
  routeModels(tf, paths.models);
  const { Human } = load(paths.bundle) as { Human: HumanConstructor };
  const human = new Human(humanConfig(paths, FLOOR_SCORE));
  await human.load();
  if (tf.getBackend() !== 'wasm') throw new Error(`backend is ${tf.getBackend()}, not wasm`);
  if (!human.models.models['blazeface']) throw new Error('the BlazeFace model did not load');
  return { human, tf, users: 0, freed: false, queue: Promise.resolve() };
}

async function acquire(): Promise<Engine> {
  for (;;) {
    const started = (engine ??= startEngine().catch((e: unknown) => {
      engine = null;
      throw e;
    }));
    const e = await started;
    if (e.freed) continue; // released while we waited: start afresh
    e.users += 1;
    return e;
  }
}

function release(e: Engine): void {
  e.users -= 1;
  if (e.users > 0) return;
  e.freed = true;
  engine = null;
  // Human has no dispose: free the weights, forget the models, and reset() marks its module
  // state as initial so that the next load reads the weights again.
  for (const model of Object.values(e.human.models.models)) model?.dispose();
  e.human.models.reset();
  e.human.reset();
}

/**
 * A face detector on the process's Human (loaded on first use: about a second, ~0.5 MB of
 * weights read from disk; later calls share it).
 */
export async function loadHumanFaceDetector(
  options: HumanFaceDetectorOptions = {},
): Promise<HumanFaceDetector> {
  const minScore = Math.max(FLOOR_SCORE, options.minScore ?? FLOOR_SCORE);
  const useTiles = options.tiles ?? true;
  let e: Engine;
  try {
    e = await acquire();
  } catch (err) {
    throw new CustodyError(
      'MEDIA.ANALYSIS_FAILED',
      `The face detector could not be loaded (${err instanceof Error ? err.message : String(err)}).`,
      { hint: 'Reinstall the dependencies (npm ci): Human ships its models in the package.' },
    );
  }
  const { human, tf } = e;
  const name = `human ${human.version} blazeface (wasm)${useTiles ? ' +tiles' : ''}`;
  let disposed = false;

  async function pass(
    frame: RawFrame,
    x: number,
    y: number,
    side: number,
    canvas: number,
  ): Promise<DetectedFace[]> {
    const input = tf.tensor4d(
      squareCut(frame, x, y, side, canvas),
      [1, canvas, canvas, 3],
      'int32',
    );
    let result: HumanResult;
    try {
      result = await human.detect(input);
    } finally {
      input.dispose();
    }
    if (typeof result.error === 'string' && result.error !== '')
      throw new Error(`Human: ${result.error}`);
    // Boxes are fractions of the canvas; the frame's part of it starts at its top left.
    const out: DetectedFace[] = [];
    for (const f of result.face) {
      const [bx, by, bw, bh] = f.boxRaw;
      const x0 = clamp01((x + bx * canvas) / frame.width);
      const y0 = clamp01((y + by * canvas) / frame.height);
      const x1 = clamp01((x + (bx + bw) * canvas) / frame.width);
      const y1 = clamp01((y + (by + bh) * canvas) / frame.height);
      if (x1 > x0 && y1 > y0 && f.score >= minScore)
        out.push({ x: x0, y: y0, w: x1 - x0, h: y1 - y0, score: f.score });
    }
    return out;
  }

  async function detectNow(frame: RawFrame): Promise<DetectedFace[]> {
    if (disposed) throw new Error('the face detector was disposed');
    const { width, height } = frame;
    if (width < 1 || height < 1 || frame.data.length !== width * height * 3)
      throw new Error(`not an rgb24 frame of ${String(width)}×${String(height)}`);
    const found = await pass(frame, 0, 0, Math.max(width, height), Math.max(width, height));
    if (useTiles)
      for (const t of frameTiles(width, height))
        found.push(...(await pass(frame, t.x, t.y, t.side, t.side)));
    return mergeFaces(found);
  }

  return {
    name,
    passes: (width, height) => 1 + (useTiles ? frameTiles(width, height).length : 0),
    detect(frame) {
      const run = e.queue.then(() => detectNow(frame));
      e.queue = run.catch(() => undefined);
      return run.catch((err: unknown) => {
        throw new CustodyError(
          'MEDIA.ANALYSIS_FAILED',
          `Face detection failed (${err instanceof Error ? err.message : String(err)}).`,
          { hint: 'The original is untouched; the job is retried.' },
        );
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      release(e);
    },
  };
}

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}
