import { useEffect, useState, type ReactNode, type RefObject } from 'react';
import type { FaceBox, FaceTrack } from '../api.ts';

interface Shown {
  readonly track: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Half the usual sampling interval: a box is shown a little before and after its track. */
const MARGIN = 0.25;

/** A track's box at time t: interpolated between the samples around it. */
function boxAt(boxes: readonly FaceBox[], t: number): FaceBox | null {
  if (boxes.length === 0) return null;
  let lo = 0;
  let hi = boxes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((boxes[mid] as FaceBox)[0] <= t) lo = mid;
    else hi = mid - 1;
  }
  const a = boxes[lo] as FaceBox;
  const b = boxes[lo + 1];
  if (b === undefined || t <= a[0]) return a;
  const k = (t - a[0]) / (b[0] - a[0] || 1);
  const mix = (i: 1 | 2 | 3 | 4): number => a[i] + (b[i] - a[i]) * Math.min(1, Math.max(0, k));
  return [t, mix(1), mix(2), mix(3), mix(4), a[5]];
}

export function boxesAt(tracks: readonly FaceTrack[], t: number): Shown[] {
  const shown: Shown[] = [];
  for (const track of tracks) {
    if (t < track.start - MARGIN || t > track.end + MARGIN) continue;
    const box = boxAt(track.boxes, t);
    if (box !== null)
      shown.push({ track: track.track, x: box[1], y: box[2], w: box[3], h: box[4] });
  }
  return shown;
}

/** Where the picture sits inside the video element (letterboxed: object-fit contain). */
function pictureRect(v: HTMLVideoElement): {
  left: number;
  top: number;
  width: number;
  height: number;
} {
  const cw = v.clientWidth;
  const ch = v.clientHeight;
  if (v.videoWidth === 0 || v.videoHeight === 0) return { left: 0, top: 0, width: cw, height: ch };
  const scale = Math.min(cw / v.videoWidth, ch / v.videoHeight);
  const width = v.videoWidth * scale;
  const height = v.videoHeight * scale;
  return { left: (cw - width) / 2, top: (ch - height) / 2, width, height };
}

/**
 * The face tracks drawn over the player, following the picture frame by frame (the boxes are
 * fractions of the frame, so they fit the web copy as well as the original).
 */
export function FaceBoxes({
  tracks,
  videoRef,
}: {
  tracks: readonly FaceTrack[];
  videoRef: RefObject<HTMLVideoElement | null>;
}): ReactNode {
  const [state, setState] = useState<{ boxes: Shown[]; rect: ReturnType<typeof pictureRect> }>({
    boxes: [],
    rect: { left: 0, top: 0, width: 0, height: 0 },
  });
  useEffect(() => {
    let frame = 0;
    let last = '';
    const tick = (): void => {
      const v = videoRef.current;
      if (v !== null) {
        const next = { boxes: boxesAt(tracks, v.currentTime), rect: pictureRect(v) };
        const key = JSON.stringify(next);
        if (key !== last) {
          last = key;
          setState(next);
        }
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(frame);
    };
  }, [tracks, videoRef]);
  const { rect } = state;
  return (
    <div
      className="face-layer"
      aria-hidden="true"
      style={{ left: rect.left, top: rect.top, width: rect.width, height: rect.height }}
    >
      {state.boxes.map((b) => (
        <div
          key={b.track}
          className="face-box"
          data-testid="face-box"
          style={{
            left: `${String(b.x * 100)}%`,
            top: `${String(b.y * 100)}%`,
            width: `${String(b.w * 100)}%`,
            height: `${String(b.h * 100)}%`,
          }}
        />
      ))}
    </div>
  );
}
