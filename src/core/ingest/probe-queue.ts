import {
  probeItem,
  recordProbes,
  type PendingProbe,
  type ProbeDeps,
  type ProbeResult,
} from '../probe.ts';

/**
 * Probes new media items while the copy goes on: ffprobe reads the stored copy (already in the
 * page cache, usually) in its own processes, so probing overlaps the disk-bound copy instead
 * of following it. Results are recorded in batches, each with its custody events.
 */
export class ProbeQueue {
  readonly #deps: ProbeDeps;
  readonly #concurrency: number;
  readonly #waiting: PendingProbe[] = [];
  readonly #results: ProbeResult[] = [];
  #running = 0;
  #recording: Promise<void> = Promise.resolve();
  #idle: (() => void) | null = null;
  #error: unknown = null;
  readonly onDone: () => void;

  constructor(deps: ProbeDeps, concurrency: number, onDone: () => void) {
    this.#deps = deps;
    this.#concurrency = concurrency;
    this.onDone = onDone;
  }

  add(item: PendingProbe): void {
    this.#waiting.push(item);
    this.#pump();
  }

  /** Waits until every added item is probed and recorded; rethrows a recording failure. */
  async drain(): Promise<void> {
    if (this.#running > 0 || this.#waiting.length > 0) {
      await new Promise<void>((resolve) => (this.#idle = resolve));
    }
    this.#flush();
    await this.#recording;
    if (this.#error !== null)
      throw this.#error instanceof Error ? this.#error : new Error('probe recording failed');
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#waiting.length > 0) {
      const item = this.#waiting.shift() as PendingProbe;
      this.#running += 1;
      void probeItem(this.#deps, item)
        .then((result) => {
          this.#results.push(result);
          if (this.#results.length >= 50) this.#flush();
        })
        .catch((e: unknown) => (this.#error ??= e))
        .finally(() => {
          this.#running -= 1;
          this.onDone();
          this.#pump();
          if (this.#running === 0 && this.#waiting.length === 0) this.#idle?.();
        });
    }
  }

  #flush(): void {
    const batch = this.#results.splice(0);
    if (batch.length === 0) return;
    this.#recording = this.#recording
      .then(() => recordProbes(this.#deps, batch))
      .catch((e: unknown) => {
        this.#error ??= e;
      });
  }
}
