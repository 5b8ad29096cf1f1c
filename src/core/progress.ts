/** A snapshot of long work (ingest, verify), for a progress line or a JSON line. */
export interface Progress {
  readonly phase: 'scanning' | 'copying' | 'probing' | 'verifying' | 'exporting' | 'done';
  readonly filesDone: number;
  readonly filesTotal: number | null;
  readonly bytesDone: number;
  readonly bytesTotal: number | null;
  readonly bytesPerSecond: number;
  readonly etaSeconds: number | null;
  readonly probesDone: number;
  readonly probesQueued: number;
}

/**
 * Counts work and derives rate and ETA from a sliding window (the last ~10 s), so the ETA
 * follows the disk as it is now, not as it was at the start.
 */
export class ProgressTracker {
  phase: Progress['phase'] = 'scanning';
  filesDone = 0;
  filesTotal: number | null = null;
  bytesDone = 0;
  bytesTotal: number | null = null;
  probesDone = 0;
  probesQueued = 0;
  readonly #now: () => number;
  readonly #samples: { t: number; bytes: number }[] = [];

  constructor(now: () => number) {
    this.#now = now;
  }

  snapshot(): Progress {
    const t = this.#now();
    this.#samples.push({ t, bytes: this.bytesDone });
    while (this.#samples.length > 2 && t - (this.#samples[0]?.t ?? t) > 10_000)
      this.#samples.shift();
    const first = this.#samples[0] ?? { t, bytes: this.bytesDone };
    const seconds = (t - first.t) / 1000;
    const rate = seconds > 0 ? (this.bytesDone - first.bytes) / seconds : 0;
    const left = this.bytesTotal === null ? null : Math.max(0, this.bytesTotal - this.bytesDone);
    return {
      phase: this.phase,
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      bytesPerSecond: Math.round(rate),
      etaSeconds: left === null || rate <= 0 ? null : Math.round(left / rate),
      probesDone: this.probesDone,
      probesQueued: this.probesQueued,
    };
  }
}
