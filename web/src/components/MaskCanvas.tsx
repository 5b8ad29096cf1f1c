import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent, ReactNode, RefObject } from 'react';
import { clampBox, maskBoxAt, MIN_SIDE, type Box } from '../redaction-spec.ts';
import type { FlaggedFace, Mask } from '../releases-api.ts';

export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Where the picture sits inside the video element (letterboxed: object-fit contain). */
export function pictureRect(v: HTMLVideoElement): Rect {
  const cw = v.clientWidth;
  const ch = v.clientHeight;
  if (v.videoWidth === 0 || v.videoHeight === 0) return { left: 0, top: 0, width: cw, height: ch };
  const scale = Math.min(cw / v.videoWidth, ch / v.videoHeight);
  const width = v.videoWidth * scale;
  const height = v.videoHeight * scale;
  return { left: (cw - width) / 2, top: (ch - height) / 2, width, height };
}

/** The video's time and picture rectangle, followed frame by frame while it plays or seeks. */
export function useVideoFrame(videoRef: RefObject<HTMLVideoElement | null>): {
  t: number;
  rect: Rect;
} {
  const [state, setState] = useState<{ t: number; rect: Rect }>({
    t: 0,
    rect: { left: 0, top: 0, width: 0, height: 0 },
  });
  useEffect(() => {
    let frame = 0;
    let last = '';
    const tick = (): void => {
      const v = videoRef.current;
      if (v !== null) {
        const next = { t: Math.round(v.currentTime * 1000) / 1000, rect: pictureRect(v) };
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
  }, [videoRef]);
  return state;
}

const px = (n: number): string => `${String(n * 100)}%`;
const boxStyle = (b: Box) => ({ left: px(b.x), top: px(b.y), width: px(b.w), height: px(b.h) });

type Corner = 'nw' | 'ne' | 'sw' | 'se';
const CORNERS: readonly Corner[] = ['nw', 'ne', 'sw', 'se'];
/** How near a corner (pixels) a press grabs it to resize. */
const GRAB = 12;

type Drag =
  | { readonly mode: 'draw'; readonly from: Point; readonly box: Box }
  | {
      readonly mode: 'move';
      readonly id: string;
      readonly from: Point;
      readonly orig: Box;
      readonly box: Box;
    }
  | {
      readonly mode: 'resize';
      readonly id: string;
      readonly corner: Corner;
      readonly orig: Box;
      readonly box: Box;
    };

interface Point {
  readonly x: number;
  readonly y: number;
}

function cornerPoint(b: Box, c: Corner): Point {
  return { x: c.endsWith('w') ? b.x : b.x + b.w, y: c.startsWith('n') ? b.y : b.y + b.h };
}

/** The box spanned by two points, kept inside the picture. */
function spanned(a: Point, b: Point): Box {
  const x = Math.max(0, Math.min(a.x, b.x));
  const y = Math.max(0, Math.min(a.y, b.y));
  return {
    x,
    y,
    w: Math.min(1, Math.max(a.x, b.x)) - x,
    h: Math.min(1, Math.max(a.y, b.y)) - y,
  };
}

/**
 * The redaction's masks drawn over the player as they will be rendered at the current time
 * (opaque: a solid black box; blur: a hatched, blurred box), and the editing by pointer: drag
 * on the picture to draw a new mask, drag a mask to move it, drag a corner of the selected one
 * to resize it. Each change is at the video's current time (the editor makes it a keyframe).
 * With the keyboard (the layer is focusable): arrows move the selected mask, Shift+arrows
 * resize it.
 */
export function MaskCanvas({
  videoRef,
  masks,
  selected,
  readOnly,
  label,
  help,
  onSelect,
  onDraw,
  onChange,
  flaggedAt,
}: {
  videoRef: RefObject<HTMLVideoElement | null>;
  masks: readonly Mask[];
  selected: string | null;
  readOnly: boolean;
  label: string;
  /** Id of the element that explains the controls. */
  help: string;
  onSelect: (id: string | null) => void;
  onDraw: (box: Box, t: number) => void;
  onChange: (id: string, box: Box, t: number) => void;
  /** Faces the last face check found near time `t` (drawn as outlines). */
  flaggedAt?: ((t: number) => readonly FlaggedFace[]) | undefined;
}): ReactNode {
  const { t, rect } = useVideoFrame(videoRef);
  const layerRef = useRef<HTMLDivElement | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);

  const point = (e: { clientX: number; clientY: number }): Point => {
    const box = layerRef.current?.getBoundingClientRect();
    if (box === undefined || box.width === 0 || box.height === 0) return { x: 0, y: 0 };
    return {
      x: Math.min(1, Math.max(0, (e.clientX - box.left) / box.width)),
      y: Math.min(1, Math.max(0, (e.clientY - box.top) / box.height)),
    };
  };
  const now = (): number => videoRef.current?.currentTime ?? t;
  const shown = masks.flatMap((m) => {
    const box = maskBoxAt(m, t);
    return box === null ? [] : [{ mask: m, box }];
  });

  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0) return;
    const v = videoRef.current;
    if (v !== null && !v.paused) v.pause();
    const p = point(e);
    const sel = shown.find((s) => s.mask.id === selected);
    if (sel !== undefined && !readOnly) {
      const corner = CORNERS.find((c) => {
        const q = cornerPoint(sel.box, c);
        return (
          Math.abs(q.x - p.x) * rect.width <= GRAB && Math.abs(q.y - p.y) * rect.height <= GRAB
        );
      });
      if (corner !== undefined) {
        e.currentTarget.setPointerCapture(e.pointerId);
        setDrag({ mode: 'resize', id: sel.mask.id, corner, orig: sel.box, box: sel.box });
        return;
      }
    }
    // The topmost (last drawn) mask under the pointer.
    const hit = [...shown]
      .reverse()
      .find(
        (s) =>
          p.x >= s.box.x && p.x <= s.box.x + s.box.w && p.y >= s.box.y && p.y <= s.box.y + s.box.h,
      );
    if (hit !== undefined) {
      onSelect(hit.mask.id);
      if (readOnly) return;
      e.currentTarget.setPointerCapture(e.pointerId);
      setDrag({ mode: 'move', id: hit.mask.id, from: p, orig: hit.box, box: hit.box });
      return;
    }
    if (readOnly) {
      onSelect(null);
      return;
    }
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag({ mode: 'draw', from: p, box: { x: p.x, y: p.y, w: 0, h: 0 } });
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    if (drag === null) return;
    const p = point(e);
    if (drag.mode === 'draw') setDrag({ ...drag, box: spanned(drag.from, p) });
    else if (drag.mode === 'move')
      setDrag({
        ...drag,
        box: clampBox({
          ...drag.orig,
          x: drag.orig.x + p.x - drag.from.x,
          y: drag.orig.y + p.y - drag.from.y,
        }),
      });
    else {
      const opposite: Corner = (
        { nw: 'se', ne: 'sw', sw: 'ne', se: 'nw' } as const satisfies Record<Corner, Corner>
      )[drag.corner];
      setDrag({ ...drag, box: spanned(cornerPoint(drag.orig, opposite), p) });
    }
  };

  const finish = (e: PointerEvent<HTMLDivElement>, commit: boolean): void => {
    if (drag === null) return;
    if (e.currentTarget.hasPointerCapture(e.pointerId))
      e.currentTarget.releasePointerCapture(e.pointerId);
    setDrag(null);
    if (!commit) return;
    if (drag.mode === 'draw') {
      if (drag.box.w >= MIN_SIDE && drag.box.h >= MIN_SIDE) onDraw(clampBox(drag.box), now());
      else onSelect(null);
      return;
    }
    const same =
      drag.box.x === drag.orig.x &&
      drag.box.y === drag.orig.y &&
      drag.box.w === drag.orig.w &&
      drag.box.h === drag.orig.h;
    if (!same && drag.box.w >= MIN_SIDE && drag.box.h >= MIN_SIDE)
      onChange(drag.id, clampBox(drag.box), now());
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (readOnly || selected === null) return;
    const step = 0.01;
    const delta: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const d = delta[e.key];
    const sel = shown.find((s) => s.mask.id === selected);
    if (d === undefined || sel === undefined) return;
    e.preventDefault();
    const [dx, dy] = d;
    const b = sel.box;
    onChange(
      selected,
      clampBox(
        e.shiftKey ? { ...b, w: b.w + dx, h: b.h + dy } : { ...b, x: b.x + dx, y: b.y + dy },
      ),
      now(),
    );
  };

  return (
    <div
      ref={layerRef}
      className={`mask-layer${readOnly ? ' mask-layer-readonly' : ''}`}
      data-testid="mask-layer"
      role="group"
      tabIndex={0}
      aria-label={label}
      aria-describedby={help}
      style={{ left: rect.left, top: rect.top, width: rect.width, height: rect.height }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={(e) => {
        finish(e, true);
      }}
      onPointerCancel={(e) => {
        finish(e, false);
      }}
      onKeyDown={onKeyDown}
    >
      {shown.map(({ mask, box }) => {
        const b = drag !== null && drag.mode !== 'draw' && drag.id === mask.id ? drag.box : box;
        const isSelected = mask.id === selected;
        return (
          <div
            key={mask.id}
            className={`mask-box mask-${mask.fill}${isSelected ? ' mask-selected' : ''}`}
            data-testid="mask-box"
            data-mask={mask.id}
            data-fill={mask.fill}
            aria-hidden="true"
            style={boxStyle(b)}
          >
            <span className="mask-label">{mask.id}</span>
            {isSelected &&
              !readOnly &&
              CORNERS.map((c) => <span key={c} className={`mask-handle mask-handle-${c}`} />)}
          </div>
        );
      })}
      {drag?.mode === 'draw' && (
        <div className="mask-box mask-new" aria-hidden="true" style={boxStyle(drag.box)} />
      )}
      {flaggedAt?.(t).map((f, i) => (
        <div
          key={`f${String(i)}`}
          className="flag-box"
          data-testid="flag-box"
          aria-hidden="true"
          style={boxStyle(f)}
        />
      ))}
    </div>
  );
}

/** Faces the check flagged, drawn over the rendered video (no editing). */
export function FlagBoxes({
  videoRef,
  faces,
}: {
  videoRef: RefObject<HTMLVideoElement | null>;
  /** The faces to draw at the video's time `t` (seconds of the render). */
  faces: (t: number) => readonly FlaggedFace[];
}): ReactNode {
  const { t, rect } = useVideoFrame(videoRef);
  return (
    <div
      className="flag-layer"
      aria-hidden="true"
      style={{ left: rect.left, top: rect.top, width: rect.width, height: rect.height }}
    >
      {faces(t).map((f, i) => (
        <div key={i} className="flag-box" data-testid="flag-box" style={boxStyle(f)} />
      ))}
    </div>
  );
}
