import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useRef, useState } from 'react';
import type { ReactNode, RefObject } from 'react';
import { api, ApiError, canWrite, type Account, type ItemDetail } from '../api.ts';
import { DetailState } from '../components/DetailState.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { History } from '../components/History.tsx';
import { useTitle } from '../components/Layout.tsx';
import { MaskCanvas } from '../components/MaskCanvas.tsx';
import { AudioPanel, CutPanel } from '../components/RedactionPanels.tsx';
import {
  facesNear,
  RenderJob,
  RenderResult,
  Review,
  seekVideo,
} from '../components/RedactionReview.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { RedactionStatusBadge } from '../components/RedactionBits.tsx';
import { useI18n } from '../i18n/index.tsx';
import {
  deleteKeyframe,
  newMask,
  replaceMask,
  roundTime,
  setKeyframe,
  specProblem,
  type Box,
} from '../redaction-spec.ts';
import {
  faceCheckOf,
  releasesApi,
  type Mask,
  type MaskFill,
  type RedactionDetail,
  type RedactionSpec,
} from '../releases-api.ts';
import { formatTime } from '../time.ts';
import { hasProxy } from './ItemWatch.tsx';
import '../releases.css';

const POLL_MS = 2000;
const FRAME = 1 / 25;

const finite = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;

/** Play, pause, step and seek: the editor's own controls (the picture is for drawing). */
function PlayerControls({
  videoRef,
  current,
  duration,
  playing,
}: {
  videoRef: RefObject<HTMLVideoElement | null>;
  current: number;
  duration: number | null;
  playing: boolean;
}): ReactNode {
  const { t } = useI18n();
  const step = (d: number): void => {
    const v = videoRef.current;
    if (v === null) return;
    v.pause();
    seekVideo(v, v.currentTime + d);
  };
  return (
    <div className="player-controls" role="group" aria-label={t('redaction.controls')}>
      <button
        type="button"
        className="button"
        onClick={() => {
          const v = videoRef.current;
          if (v === null) return;
          if (v.paused) void v.play().catch(() => undefined);
          else v.pause();
        }}
      >
        {playing ? t('redaction.pause') : t('redaction.play')}
      </button>
      <button
        type="button"
        className="button button-secondary"
        aria-label={t('redaction.back1s')}
        onClick={() => {
          step(-1);
        }}
      >
        −1 s
      </button>
      <button
        type="button"
        className="button button-secondary"
        aria-label={t('redaction.backFrame')}
        onClick={() => {
          step(-FRAME);
        }}
      >
        ◂
      </button>
      <button
        type="button"
        className="button button-secondary"
        aria-label={t('redaction.fwdFrame')}
        onClick={() => {
          step(FRAME);
        }}
      >
        ▸
      </button>
      <button
        type="button"
        className="button button-secondary"
        aria-label={t('redaction.fwd1s')}
        onClick={() => {
          step(1);
        }}
      >
        +1 s
      </button>
      <input
        type="range"
        className="player-seek"
        min={0}
        max={duration ?? 0}
        step={0.01}
        value={Math.min(current, duration ?? current)}
        disabled={duration === null}
        aria-label={t('redaction.position')}
        aria-valuetext={formatTime(current)}
        onChange={(e) => {
          const v = videoRef.current;
          v?.pause();
          seekVideo(v, Number(e.target.value));
        }}
      />
      <span className="player-clock" data-testid="editor-time">
        {formatTime(current)} / {duration === null ? '?' : formatTime(duration)}
      </span>
    </div>
  );
}

/** Lanes so that bars that overlap in time stay visible. */
function lanesOf(rows: readonly { start: number; end: number }[]): number[] {
  const ends: number[] = [];
  return rows.map((r) => {
    let lane = ends.findIndex((end) => end <= r.start);
    if (lane < 0) lane = ends.length;
    ends[lane] = r.end;
    return lane;
  });
}

const VIEW_W = 1000;
const BAR = 8;
const GAP = 3;

/**
 * The decisions on the video's timeline: the part the cut keeps, each mask's span (the
 * selected one with its keyframes), the audio ranges, where the face check found faces, and
 * where the player is. A click moves the player there; the lists beside say the same in words.
 */
function SpecTimeline({
  spec,
  duration,
  current,
  selected,
  flagged,
  onSeek,
}: {
  spec: RedactionSpec;
  duration: number | null;
  current: number;
  selected: string | null;
  flagged: readonly number[];
  onSeek: (t: number) => void;
}): ReactNode {
  const span = Math.max(
    duration ?? 0,
    ...spec.masks.map((m) => m.end),
    ...spec.audio.map((a) => a.end),
    0.001,
  );
  const x = (s: number): number => (Math.min(Math.max(s, 0), span) / span) * VIEW_W;
  const maskLanes = lanesOf(spec.masks);
  const nMask = Math.max(1, ...maskLanes.map((l) => l + 1));
  const audioLanes = lanesOf(spec.audio);
  const nAudio = Math.max(1, ...audioLanes.map((l) => l + 1));
  const audioTop = GAP * 2 + nMask * (BAR + GAP);
  const height = audioTop + nAudio * (BAR + GAP) + GAP;
  return (
    <div className="timeline">
      <svg
        className="timeline-svg"
        viewBox={`0 0 ${String(VIEW_W)} ${String(height)}`}
        preserveAspectRatio="none"
        height={height * 1.6}
        aria-hidden="true"
        data-testid="redaction-timeline"
        onClick={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          if (box.width > 0) onSeek(((e.clientX - box.left) / box.width) * span);
        }}
      >
        <rect className="timeline-track" x={0} y={0} width={VIEW_W} height={height} />
        {spec.cut !== null && (
          <>
            <rect className="rt-outside" x={0} y={0} width={x(spec.cut.start)} height={height} />
            <rect
              className="rt-outside"
              x={x(spec.cut.end)}
              y={0}
              width={Math.max(0, VIEW_W - x(spec.cut.end))}
              height={height}
            />
          </>
        )}
        {spec.masks.map((m, i) => {
          const y = GAP + (maskLanes[i] ?? 0) * (BAR + GAP);
          return (
            <g key={m.id}>
              <rect
                className={`rt-mask rt-mask-${m.fill}${m.id === selected ? ' rt-selected' : ''}`}
                x={x(m.start)}
                y={y}
                width={Math.max(3, x(m.end) - x(m.start))}
                height={BAR}
                rx={2}
              />
              {m.id === selected &&
                m.keyframes.map((k) => (
                  <rect
                    key={k.t}
                    className="rt-key"
                    x={x(k.t) - 2}
                    y={y - 1}
                    width={4}
                    height={BAR + 2}
                  />
                ))}
            </g>
          );
        })}
        {spec.audio.map((a, i) => (
          <rect
            key={`a${String(i)}`}
            className={`rt-audio rt-audio-${a.mode}`}
            x={x(a.start)}
            y={audioTop + (audioLanes[i] ?? 0) * (BAR + GAP)}
            width={Math.max(3, x(a.end) - x(a.start))}
            height={BAR}
            rx={2}
          />
        ))}
        {flagged.map((t) => (
          <line
            key={t}
            className="rt-flag"
            x1={x(t)}
            x2={x(t)}
            y1={0}
            y2={height}
            vectorEffect="non-scaling-stroke"
          />
        ))}
        <line
          className="timeline-playhead"
          x1={x(current)}
          x2={x(current)}
          y1={0}
          y2={height}
          vectorEffect="non-scaling-stroke"
        />
      </svg>
      <div className="timeline-scale" aria-hidden="true">
        <span>{formatTime(0)}</span>
        <span>{formatTime(span / 2)}</span>
        <span>{formatTime(span)}</span>
      </div>
    </div>
  );
}

function maskName(t: ReturnType<typeof useI18n>['t'], m: Mask): string {
  return m.track === undefined
    ? t('redaction.mask.name', { id: m.id })
    : t('redaction.mask.face', { n: m.track + 1 });
}

/** The masks in words: pick one, and change the picked one's fill, times and keyframes. */
function MaskPanel({
  spec,
  selected,
  readOnly,
  current,
  onSelect,
  onSpec,
  onSeek,
}: {
  spec: RedactionSpec;
  selected: string | null;
  readOnly: boolean;
  current: number;
  onSelect: (id: string | null) => void;
  onSpec: (spec: RedactionSpec) => void;
  onSeek: (t: number) => void;
}): ReactNode {
  const { t } = useI18n();
  const [timeError, setTimeError] = useState<string | null>(null);
  const mask = spec.masks.find((m) => m.id === selected) ?? null;
  const change = (m: Mask): void => {
    onSpec(replaceMask(spec, m));
  };
  const setTime = (which: 'start' | 'end'): void => {
    if (mask === null) return;
    const at = roundTime(current);
    const next = { ...mask, [which]: at };
    if (!(next.end > next.start)) {
      setTimeError(
        t(which === 'start' ? 'redaction.mask.startAfterEnd' : 'redaction.mask.endBeforeStart'),
      );
      return;
    }
    setTimeError(null);
    change(next);
  };
  return (
    <section className="redact-panel" aria-labelledby="masks-h">
      <h2 id="masks-h">
        {t('redaction.masks')} <span className="muted">({spec.masks.length})</span>
      </h2>
      {spec.masks.length === 0 ? (
        <p className="muted">{t('redaction.masks.none')}</p>
      ) : (
        <ul className="mask-list" data-testid="mask-list">
          {spec.masks.map((m) => (
            <li key={m.id}>
              <button
                type="button"
                className="mask-pick"
                aria-pressed={m.id === selected}
                onClick={() => {
                  setTimeError(null);
                  onSelect(m.id === selected ? null : m.id);
                }}
              >
                <span className={`mask-swatch mask-swatch-${m.fill}`} aria-hidden="true" />
                <span className="mask-pick-name">{maskName(t, m)}</span>
                <span className="muted">
                  {formatTime(m.start)}–{formatTime(m.end)} · {t(`redaction.fill.${m.fill}`)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {mask !== null && (
        <div className="mask-detail" data-testid="mask-detail">
          <h3>{maskName(t, mask)}</h3>
          <div className="field">
            <label htmlFor="mask-fill">{t('redaction.fill')}</label>
            <select
              id="mask-fill"
              value={mask.fill}
              disabled={readOnly}
              aria-describedby="mask-fill-help"
              onChange={(e) => {
                change({ ...mask, fill: e.target.value as MaskFill });
              }}
            >
              <option value="opaque">{t('redaction.fill.opaque')}</option>
              <option value="blur">{t('redaction.fill.blur')}</option>
            </select>
            <p className="field-help" id="mask-fill-help">
              {t('redaction.fill.help')}
            </p>
          </div>
          <p>
            {t('redaction.mask.shown', {
              start: formatTime(mask.start),
              end: formatTime(mask.end),
            })}
          </p>
          {!readOnly && (
            <div className="button-row">
              <button
                type="button"
                className="button button-secondary"
                onClick={() => {
                  setTime('start');
                }}
              >
                {t('redaction.mask.startHere')}
              </button>
              <button
                type="button"
                className="button button-secondary"
                onClick={() => {
                  setTime('end');
                }}
              >
                {t('redaction.mask.endHere')}
              </button>
            </div>
          )}
          {timeError !== null && (
            <p className="field-error" role="alert">
              {timeError}
            </p>
          )}
          <h4>{t('redaction.keyframes', { n: mask.keyframes.length })}</h4>
          <p className="field-help">{t('redaction.keyframes.help')}</p>
          <ol className="keyframe-list">
            {mask.keyframes.slice(0, 200).map((k, i) => (
              <li key={`${String(k.t)}-${String(i)}`}>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    onSeek(k.t);
                  }}
                >
                  {formatTime(k.t)}
                </button>
                {!readOnly && mask.keyframes.length > 1 && (
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={t('redaction.keyframe.deleteLabel', { time: formatTime(k.t) })}
                    onClick={() => {
                      change(deleteKeyframe(mask, i));
                    }}
                  >
                    {t('redaction.keyframe.delete')}
                  </button>
                )}
              </li>
            ))}
          </ol>
          {mask.keyframes.length > 200 && (
            <p className="muted small">
              {t('redaction.keyframes.more', { n: mask.keyframes.length - 200 })}
            </p>
          )}
          {!readOnly && (
            <button
              type="button"
              className="button button-danger"
              onClick={() => {
                onSelect(null);
                onSpec({ ...spec, masks: spec.masks.filter((m) => m.id !== mask.id) });
              }}
            >
              {t('redaction.mask.delete')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function Editor({
  redaction,
  item,
  me,
}: {
  redaction: RedactionDetail;
  item: ItemDetail;
  me: Account;
}): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const queryClient = useQueryClient();
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const [spec, setSpecState] = useState<RedactionSpec>(redaction.spec);
  const [title, setTitle] = useState(redaction.title);
  const [base, setBase] = useState(redaction.version);
  const [dirty, setDirty] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [current, setCurrent] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [duration, setDuration] = useState<number | null>(finite(item.media?.durationSeconds));
  const [problem, setProblem] = useState<string | null>(null);
  // A newer version arrived (a render finished, someone else saved) and nothing is unsaved
  // here: show it.
  if (redaction.version !== base && !dirty) {
    setBase(redaction.version);
    setSpecState(redaction.spec);
    setTitle(redaction.title);
  }
  const segments = useQuery({
    queryKey: ['segments', item.id],
    queryFn: () => api.segments(item.id),
  });
  const mayWrite = canWrite(me);
  const readOnly = !mayWrite || redaction.status === 'approved' || redaction.status === 'rendering';
  /** Whether this reader may ever change it (it is not approved): the save bar is shown. */
  const editable = mayWrite && redaction.status !== 'approved';
  const check = faceCheckOf(redaction.faceCheck);

  const setSpec = (next: RedactionSpec): void => {
    setSpecState(next);
    setDirty(true);
    setProblem(null);
  };
  const loaded = (data: RedactionDetail): void => {
    queryClient.setQueryData(['redaction', data.id], data);
    void queryClient.invalidateQueries({ queryKey: ['redactions'] });
    void queryClient.invalidateQueries({ queryKey: ['item-redactions', data.itemId] });
    setBase(data.version);
    setSpecState(data.spec);
    setTitle(data.title);
    setDirty(false);
  };
  const save = useMutation({
    mutationFn: () => releasesApi.updateRedaction(redaction.id, { version: base, title, spec }),
    onSuccess: loaded,
  });
  const render = useMutation({
    mutationFn: async () => {
      if (dirty)
        loaded(await releasesApi.updateRedaction(redaction.id, { version: base, title, spec }));
      return releasesApi.render(redaction.id);
    },
    onSuccess: loaded,
  });
  const changedElsewhere =
    (save.error instanceof ApiError && save.error.code === 'REDACTION.CHANGED') ||
    (render.error instanceof ApiError && render.error.code === 'REDACTION.CHANGED');

  const checkSpec = (): boolean => {
    const p = specProblem(spec);
    if (p === null) return true;
    setProblem(
      p.key === 'mask'
        ? t('redaction.problem.mask', { id: p.id })
        : p.key === 'audio'
          ? t('redaction.problem.audio', { n: p.n })
          : t('redaction.problem.cut'),
    );
    return false;
  };

  const seek = (at: number): void => {
    const v = videoRef.current;
    v?.pause();
    seekVideo(v, at);
    setCurrent(at);
    v?.scrollIntoView({ block: 'nearest' });
  };
  const end = spec.cut?.end ?? duration ?? current + 5;

  const onDraw = (box: Box, at: number): void => {
    const mask = newMask(spec.masks, at, end, box);
    setSpec({ ...spec, masks: [...spec.masks, mask] });
    setSelected(mask.id);
  };
  const onChange = (id: string, box: Box, at: number): void => {
    const mask = spec.masks.find((m) => m.id === id);
    if (mask === undefined) return;
    setSpec(replaceMask(spec, setKeyframe(mask, at, box)));
  };

  return (
    <article className="page redaction" data-testid="redaction-editor">
      <p className="back">
        <Link to="/items/$id" params={{ id: item.id }} search={{}}>
          {t('redaction.backToItem')}
        </Link>{' '}
        ·{' '}
        <Link to="/redactions" search={{}}>
          {t('redaction.backToList')}
        </Link>
      </p>
      <div className="page-head redact-head">
        <div>
          <h1>
            {t('redaction.title')}
            {redaction.title !== '' && (
              <>
                {': '}
                <Untrusted>{redaction.title}</Untrusted>
              </>
            )}
          </h1>
          <p className="redact-facts">
            <RedactionStatusBadge status={redaction.status} />{' '}
            <span data-testid="redaction-version">
              {t('redaction.version', { n: redaction.version })}
            </span>{' '}
            <span className="muted">
              {t('redaction.changedBy', {
                who: redaction.updatedBy,
                when: i18n.dateTime(redaction.updatedAt),
              })}
            </span>
          </p>
        </div>
        {editable && (
          <div className="button-row redact-buttons" data-testid="redaction-actions">
            <span
              className={`form-status${dirty ? ' redact-unsaved' : ''}`}
              role="status"
              data-testid="save-state"
            >
              {dirty
                ? t('redaction.unsaved')
                : save.isSuccess
                  ? t('redaction.saved', { n: redaction.version })
                  : ''}
            </span>
            <button
              type="button"
              className="button"
              disabled={readOnly || !dirty || save.isPending}
              onClick={() => {
                if (checkSpec()) save.mutate();
              }}
            >
              {t('redaction.save')}
            </button>
            <button
              type="button"
              className="button"
              disabled={readOnly || render.isPending}
              onClick={() => {
                if (checkSpec()) render.mutate();
              }}
            >
              {dirty ? t('redaction.saveRender') : t('redaction.render')}
            </button>
          </div>
        )}
      </div>

      {redaction.status === 'approved' && (
        <p className="box box-success" role="status">
          {t('redaction.readOnly.approved')}
        </p>
      )}
      {!mayWrite && redaction.status !== 'approved' && (
        <p className="box box-notice" role="status">
          {t('redaction.readOnly.role')}
        </p>
      )}
      {problem !== null && (
        <p className="box box-error" role="alert">
          {problem}
        </p>
      )}
      {changedElsewhere ? (
        <div className="box box-error" role="alert">
          <p className="box-title">{t('redaction.changed')}</p>
          <p>{t('redaction.changed.hint')}</p>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              save.reset();
              render.reset();
              setDirty(false);
              void queryClient.invalidateQueries({ queryKey: ['redaction', redaction.id] });
            }}
          >
            {t('redaction.reload')}
          </button>
        </div>
      ) : (
        <>
          {save.isError && <ErrorBox title={t('redaction.saveFailed')} error={save.error} />}
          {render.isError && <ErrorBox title={t('redaction.renderFailed')} error={render.error} />}
        </>
      )}
      {redaction.status === 'rendering' && canWrite(me) && <RenderJob redaction={redaction} />}
      {redaction.status === 'rendering' && !canWrite(me) && (
        <p className="box box-notice" role="status">
          {t('redaction.rendering')}
        </p>
      )}

      <div className="redact-grid">
        <div className="redact-main">
          {hasProxy(item) ? (
            <>
              <div className="player-frame redact-frame">
                <video
                  ref={videoRef}
                  className="player"
                  preload="auto"
                  playsInline
                  src={api.proxyUrl(item.id)}
                  aria-label={t('redaction.player')}
                  data-testid="editor-player"
                  onLoadedMetadata={(e) => {
                    const d = e.currentTarget.duration;
                    if (Number.isFinite(d)) setDuration(d);
                  }}
                  onTimeUpdate={(e) => {
                    setCurrent(e.currentTarget.currentTime);
                  }}
                  onSeeked={(e) => {
                    setCurrent(e.currentTarget.currentTime);
                  }}
                  onPlay={() => {
                    setPlaying(true);
                  }}
                  onPause={() => {
                    setPlaying(false);
                  }}
                />
                <MaskCanvas
                  videoRef={videoRef}
                  masks={spec.masks}
                  selected={selected}
                  readOnly={readOnly}
                  label={t('redaction.canvas')}
                  help="canvas-help"
                  onSelect={setSelected}
                  onDraw={onDraw}
                  onChange={onChange}
                  flaggedAt={(at) => facesNear(check, at)}
                />
                {spec.cut !== null && (current < spec.cut.start || current > spec.cut.end) && (
                  <p className="redact-outside" role="status">
                    {t('redaction.cut.outsideHere')}
                  </p>
                )}
              </div>
              <PlayerControls
                videoRef={videoRef}
                current={current}
                duration={duration}
                playing={playing}
              />
            </>
          ) : (
            <div className="box box-notice" role="status">
              <p className="box-title">{t('player.waiting.title')}</p>
              <p>{t('player.waiting.text')}</p>
            </div>
          )}
          <p className="field-help" id="canvas-help">
            {readOnly ? t('redaction.canvas.helpReadOnly') : t('redaction.canvas.help')}
          </p>
          <SpecTimeline
            spec={spec}
            duration={duration}
            current={current}
            selected={selected}
            flagged={check?.flagged.map((f) => f.t) ?? []}
            onSeek={seek}
          />
          <p className="legend small" aria-hidden="true">
            <span className="legend-item legend-opaque">{t('redaction.fill.opaque')}</span>
            <span className="legend-item legend-blur">{t('redaction.fill.blur')}</span>
            <span className="legend-item legend-audio">{t('redaction.audio')}</span>
            <span className="legend-item legend-flag">{t('redaction.check.legend')}</span>
            <span className="legend-item legend-outside">{t('redaction.cut.outside')}</span>
          </p>
        </div>
        <aside className="redact-side">
          {editable && (
            <div className="field redact-title">
              <label htmlFor="redaction-title">
                {t('redaction.name')} <span className="field-optional">{t('common.optional')}</span>
              </label>
              <input
                id="redaction-title"
                type="text"
                maxLength={300}
                value={title}
                disabled={readOnly}
                onChange={(e) => {
                  setTitle(e.target.value);
                  setDirty(true);
                }}
              />
            </div>
          )}
          <MaskPanel
            spec={spec}
            selected={selected}
            readOnly={readOnly}
            current={current}
            onSelect={setSelected}
            onSpec={setSpec}
            onSeek={seek}
          />
        </aside>
      </div>

      <div className="redact-panels">
        <AudioPanel
          spec={spec}
          readOnly={readOnly}
          current={current}
          onSpec={setSpec}
          onSeek={seek}
        />
        <CutPanel
          spec={spec}
          readOnly={readOnly}
          current={current}
          segments={segments.data ?? []}
          onSpec={setSpec}
          onSeek={seek}
        />
      </div>

      <RenderResult redaction={redaction} onSeekEditor={seek} />
      <Review redaction={redaction} me={me} />

      <section aria-labelledby="rhistory-h">
        <h2 id="rhistory-h">{t('redaction.history')}</h2>
        <History
          rows={redaction.history.map((e) => ({
            key: `e${String(e.seq)}`,
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            payload: null,
            about:
              e.version === null && e.decision === null
                ? undefined
                : [
                    e.version === null ? null : t('redaction.version', { n: e.version }),
                    e.decision === null
                      ? null
                      : (i18n.maybe(`redaction.decision.${e.decision}`) ?? e.decision),
                  ]
                    .filter((x) => x !== null)
                    .join(' · '),
          }))}
          caption={t('redaction.history')}
          empty={t('redaction.history.empty')}
        />
      </section>
    </article>
  );
}

function EditorLoader({ me }: { me: Account }): ReactNode {
  const { t } = useI18n();
  const { id } = useParams({ from: '/redactions/$id' });
  const query = useQuery({
    queryKey: ['redaction', id],
    queryFn: () => releasesApi.redaction(id),
    // While it renders, ask again until the job has finished.
    refetchInterval: (q) => (q.state.data?.status === 'rendering' ? POLL_MS : false),
  });
  const itemId = query.data?.itemId;
  const item = useQuery({
    queryKey: ['item', itemId],
    queryFn: () => api.item(itemId ?? ''),
    enabled: itemId !== undefined,
  });
  useTitle(t('redaction.title'));
  const back = (
    <Link to="/redactions" search={{}}>
      {t('redaction.backToList')}
    </Link>
  );
  return (
    <DetailState query={query} failed={t('redaction.failed')} back={back}>
      {(redaction) => (
        <DetailState query={item} failed={t('redaction.itemFailed')} back={back}>
          {(data) => <Editor redaction={redaction} item={data} me={me} />}
        </DetailState>
      )}
    </DetailState>
  );
}

export function RedactionEditorPage(): ReactNode {
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <EditorLoader me={me} />}
    </Protected>
  );
}
