import { describe, expect, it } from 'vitest';
import { DownloadSlots } from '../src/server/routes/download-slots.ts';

/** Lets every settled promise run its callbacks. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('watermarked download slots', () => {
  it('runs a few at once, lets the next wait its turn, and refuses past the line', async () => {
    const slots = new DownloadSlots(2, 1);
    const first = await slots.take();
    const second = await slots.take();
    let thirdStarted = false;
    const third = slots.take().then((done) => {
      thirdStarted = true;
      return done;
    });
    await expect(slots.take()).rejects.toMatchObject({ code: 'RELEASE.BUSY' });
    await settle();
    expect(thirdStarted).toBe(false);
    first();
    first(); // giving a slot back twice frees it once
    await third;
    expect(thirdStarted).toBe(true);
    let fourthStarted = false;
    const fourth = slots.take().then((done) => {
      fourthStarted = true;
      return done;
    });
    await settle();
    expect(fourthStarted).toBe(false); // two are running: the second and the third
    second();
    (await fourth)();
    expect(fourthStarted).toBe(true);
  });
});
