import { CustodyError } from '../../core/errors.ts';

/**
 * Watermarked downloads are rendered while they are sent, one ffmpeg each: a few at a time keep
 * the server's CPU for everyone else. Further downloads wait their turn (the client just sees
 * the download start later); past a short line they are refused, so a leaked link or a script
 * cannot pile up hundreds of renders.
 */
export class DownloadSlots {
  readonly #running: number;
  readonly #maxWaiting: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(running: number, maxWaiting: number) {
    this.#running = running;
    this.#maxWaiting = maxWaiting;
  }

  /** Waits for a slot; returns the function that gives it back (call it exactly once). */
  async take(): Promise<() => void> {
    if (this.#active >= this.#running) {
      if (this.#waiting.length >= this.#maxWaiting)
        throw new CustodyError('RELEASE.BUSY', 'Too many downloads are being prepared right now.', {
          hint: 'Try again in a few minutes.',
        });
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#active += 1;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = this.#waiting.shift();
      if (next === undefined) this.#active -= 1;
      else next(); // the slot passes straight to the next in line
    };
  }
}
