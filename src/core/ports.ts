import type { Readable } from 'node:stream';
import type { Sha256 } from '../domain/hash.ts';
import type { FfmpegProgress, FrameArgsOptions } from '../domain/ffmpeg-commands.ts';
import type { MediaSummary } from '../domain/media-summary.ts';
import type { RedactPlan } from '../domain/redaction-commands.ts';

/**
 * The seams where deployment modes differ (local files vs S3) or where an outside program is
 * involved (ffprobe). Everything else is plain functions over the database.
 */

export interface BlobWriteResult {
  readonly sha256: Sha256;
  readonly size: number;
  /** False when identical content was already stored (the new copy was discarded). */
  readonly created: boolean;
}

/** An open temporary blob being written; the hash decides its final name. */
export interface BlobWriter {
  write(chunk: Uint8Array): Promise<void>;
  /**
   * Flushes to stable storage and moves the blob to its content address. When `expected` is
   * given the computed hash must equal it or nothing is stored (BLOB.HASH_MISMATCH).
   */
  commit(sha256: Sha256, expected?: Sha256): Promise<BlobWriteResult>;
  /** Drops the temporary file. Safe to call after a failed commit. */
  abort(): Promise<void>;
  readonly size: number;
}

export interface BlobStore {
  /** Starts a new blob. The caller hashes while writing (to read the source only once). */
  create(): Promise<BlobWriter>;
  /** Reads a stored blob. */
  read(sha256: Sha256): Readable;
  /** Size of a stored blob, or null when it is missing. */
  stat(sha256: Sha256): Promise<number | null>;
  /** Every blob in the store, in no particular order, streaming. */
  list(): AsyncIterable<Sha256>;
  /** A local file path for programs that need one (ffprobe). */
  localPath(sha256: Sha256): string;
  /** Removes temporary files left by processes that died mid-write. */
  sweepTemporaries(): Promise<number>;
}

/** Result of probing one media file. */
export type ProbeOutcome =
  | { readonly ok: true; readonly raw: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly code: 'MEDIA.PROBE_FAILED' | 'MEDIA.PROBE_TIMEOUT' | 'MEDIA.TRUNCATED';
      readonly message: string;
    };

export interface MediaProber {
  probe(file: string): Promise<ProbeOutcome>;
}

/** An RFC 3161 time-stamp response, checked against the authority's root certificate. */
export interface TimestampToken {
  readonly tsaUrl: string;
  /** The time the authority put in the token. */
  readonly genTime: Date;
  /** The whole DER TimeStampResp, as `openssl ts -verify -in` reads it. */
  readonly response: Buffer;
}

/** A time-stamping authority: vouches that data existed no later than a time. */
export interface TimestampAuthority {
  readonly url: string;
  stamp(data: Uint8Array): Promise<TimestampToken>;
}

/** Checks a stored token against the configured roots (for `verify`). */
export type TimestampChecker = (
  response: Buffer,
  data: Uint8Array,
) => Promise<{ ok: true; genTime: Date } | { ok: false; reason: string }>;

/** Signs checkpoints of the custody log with the archive's Ed25519 key. */
export interface CheckpointSigner {
  /** SPKI public key, PEM. */
  publicKeyPem(): Promise<string>;
  /** SHA-256 (hex) of the DER public key. */
  keyId(): Promise<string>;
  sign(data: Uint8Array): Promise<Buffer>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(stored: string, password: string): Promise<boolean>;
}

/** Time-based one-time codes for the optional second factor. */
export interface TotpService {
  newSecret(): string;
  /** otpauth:// URI for authenticator apps (shown as text or a QR code). */
  uri(secret: string, label: string): string;
  verify(secret: string, code: string): Promise<boolean>;
}

/** Makes the derivatives people watch instead of the original (ffmpeg, as hostile input). */
export interface MediaDeriver {
  proxy(
    input: string,
    target: string,
    summary: MediaSummary,
    onProgress?: (p: FfmpegProgress) => void,
  ): Promise<{ readonly size: number }>;
  poster(input: string, target: string, summary: MediaSummary): Promise<{ readonly size: number }>;
  contactSheet(
    input: string,
    target: string,
    summary: MediaSummary,
  ): Promise<{ readonly size: number }>;
  /** A redacted copy of the original, rendered from a plan (src/domain/redaction-commands.ts). */
  redact(
    input: string,
    target: string,
    plan: RedactPlan,
    onProgress?: (p: FfmpegProgress) => void,
  ): Promise<{ readonly size: number }>;
  /**
   * A rendered redaction with `text` drawn over it, as fragmented MP4 made while it is read;
   * the stream errors when ffmpeg fails, and ffmpeg is killed when `signal` aborts.
   */
  watermarked(input: string, text: string, signal: AbortSignal): Readable;
}

export interface Clock {
  now(): Date;
}

/** One decoded frame, raw pixels row by row (1 byte per pixel for gray, 3 for rgb24). */
export interface RawFrame {
  /** 0, 1, 2, … in the order ffmpeg gave them. */
  readonly index: number;
  /** Seconds on the original's timeline: from + index ÷ rate (null without a rate). */
  readonly t: number | null;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface FrameRequest extends FrameArgsOptions {
  /** The media's length, which extends the time limit. */
  readonly mediaSeconds?: number | null | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Decodes frames of a video for analysis (perceptual hashes, the overlay, faces). Frames come
 * one at a time with backpressure: memory holds a frame or two, however long the video.
 */
export interface FrameSampler {
  /** @throws CustodyError MEDIA.ANALYSIS_FAILED when ffmpeg fails, times out or is aborted */
  frames(input: string, request: FrameRequest): AsyncIterable<RawFrame>;
}

/** An 8-bit grayscale picture, row by row. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface OcrOptions {
  /** Tesseract language codes joined by '+', e.g. 'rus+eng'. */
  readonly languages: string;
  /** Tesseract's page segmentation mode (6: a block of text, 7: one line). */
  readonly psm: number;
  readonly signal?: AbortSignal | undefined;
}

/** Reads printed text from a picture (Debian tesseract with its Russian and English data). */
export interface OcrEngine {
  /** The text read, lines joined by '\n'. @throws CustodyError MEDIA.ANALYSIS_FAILED */
  read(image: GrayImage, options: OcrOptions): Promise<string>;
}

/** A face found in one frame: the box as fractions of the frame's width and height. */
export interface DetectedFace {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly score: number;
}

/** Finds faces in frames (an rgb24 RawFrame). Loaded once per process: models are large. */
export interface FaceDetector {
  /** What detected, for the custody record, e.g. "human 3.3.6 blazeface (wasm)". */
  readonly name: string;
  detect(frame: RawFrame): Promise<DetectedFace[]>;
}
