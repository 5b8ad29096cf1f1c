import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode, RefObject, SubmitEvent } from 'react';
import {
  api,
  canWrite,
  type Account,
  type Incident,
  type ItemDetail,
  type Job,
  type Segment,
} from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { FaceBoxes } from '../components/FaceBoxes.tsx';
import { TextAreaField } from '../components/Field.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { useI18n } from '../i18n/index.tsx';
import { formatTime, parseTime } from '../time.ts';
import { focusFirstInvalid } from './validation.ts';

/** Whether a background job has made the item's web copy. */
export const hasProxy = (item: ItemDetail): boolean =>
  item.derivatives.some((d) => d.kind === 'proxy');

/** How often a page waiting for a web copy asks again. */
export const POLL_MS = 3000;
/** Rounding slack when a segment's end is compared with the copy's duration. */
const SLACK = 0.05;

const finite = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;

/** Segments stacked in lanes so that overlapping ones stay visible. */
function lanes(segments: readonly Segment[]): { segment: Segment; lane: number }[] {
  const ends: number[] = [];
  return [...segments]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((segment) => {
      let lane = ends.findIndex((end) => end <= segment.start);
      if (lane < 0) lane = ends.length;
      ends[lane] = segment.end;
      return { segment, lane };
    });
}

const VIEW_W = 1000;
const LANE_H = 14;
const LANE_GAP = 4;

/**
 * The item's timeline: its segments as bars (stacked when they overlap), the one being marked
 * as a dashed bar, and where the player is. Drawn in SVG, so positions are attributes and
 * need no inline styles. A click moves the player there; the keyboard has the player's own
 * controls and the list of segments below, which says the same in words.
 */
function Timeline({
  duration,
  segments,
  current,
  draft,
  onSeek,
}: {
  duration: number | null;
  segments: readonly Segment[];
  current: number;
  draft: { start: number; end: number } | null;
  onSeek: (seconds: number) => void;
}): ReactNode {
  const placed = lanes(segments);
  const span = Math.max(duration ?? 0, ...segments.map((s) => s.end), draft?.end ?? 0, 0.001);
  const x = (seconds: number): number => (Math.min(Math.max(seconds, 0), span) / span) * VIEW_W;
  const laneCount = Math.max(1, ...placed.map((p) => p.lane + 1));
  const height = laneCount * (LANE_H + LANE_GAP) + LANE_GAP + (draft === null ? 0 : LANE_H);
  return (
    <div className="timeline">
      <svg
        className="timeline-svg"
        viewBox={`0 0 ${VIEW_W} ${height}`}
        preserveAspectRatio="none"
        height={height * 1.6}
        aria-hidden="true"
        data-testid="timeline"
        onClick={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          if (box.width > 0) onSeek(((e.clientX - box.left) / box.width) * span);
        }}
      >
        <rect className="timeline-track" x={0} y={0} width={VIEW_W} height={height} />
        {placed.map(({ segment, lane }) => (
          <rect
            key={segment.id}
            className={`timeline-segment${segment.incidentId === null ? '' : ' timeline-linked'}`}
            x={x(segment.start)}
            y={LANE_GAP + lane * (LANE_H + LANE_GAP)}
            width={Math.max(3, x(segment.end) - x(segment.start))}
            height={LANE_H}
            rx={2}
          >
            <title>{`${formatTime(segment.start)}–${formatTime(segment.end)} ${segment.note}`}</title>
          </rect>
        ))}
        {draft !== null && (
          <rect
            className="timeline-draft"
            x={x(draft.start)}
            y={height - LANE_H - LANE_GAP / 2}
            width={Math.max(3, x(draft.end) - x(draft.start))}
            height={LANE_H}
            rx={2}
          />
        )}
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

/** What the job list says about this item's web copy (admins and investigators see jobs). */
function JobState({ job, queued }: { job: Job | undefined; queued: number | null }): ReactNode {
  const { t } = useI18n();
  // Not among the newest jobs: either none was queued, or it waits behind many others.
  if (job === undefined)
    return <p>{queued === null ? t('player.job.none') : t('player.job.queued', { n: queued })}</p>;
  switch (job.state) {
    case 'created':
      return <p>{t('player.job.created')}</p>;
    case 'active':
      return <p>{t('player.job.active')}</p>;
    case 'retry':
      return (
        <p>
          {t('player.job.retry', { n: job.retryCount })}{' '}
          {job.error !== null && <Untrusted>{job.error}</Untrusted>}
        </p>
      );
    case 'completed':
      return <p>{t('player.job.completed')}</p>;
    case 'failed':
    case 'cancelled':
      return (
        <p className="field-error">
          {t('player.job.failed')} {job.error !== null && <Untrusted>{job.error}</Untrusted>}
        </p>
      );
  }
}

/**
 * Waits for the web copy while a background job makes it, and shows where the job is to
 * those who may see jobs.
 */
function Waiting({ itemId, me }: { itemId: string; me: Account }): ReactNode {
  const { t } = useI18n();
  const jobs = useQuery({
    queryKey: ['jobs', { item: itemId }],
    queryFn: () => api.jobs({ item: itemId, limit: 50 }),
    enabled: canWrite(me),
    refetchInterval: 2 * POLL_MS,
    staleTime: 0,
  });
  const job = jobs.data?.jobs.find((j) => j.name === 'media.proxy');
  const proxies = jobs.data?.counts['media.proxy'];
  const waiting = proxies === undefined ? 0 : proxies.created + proxies.retry + proxies.active;
  const queued = job === undefined && waiting > 0 ? waiting : null;
  return (
    <div className="player-waiting box box-notice" role="status" data-testid="proxy-waiting">
      <p className="box-title">{t('player.waiting.title')}</p>
      <p>{t('player.waiting.text')}</p>
      {canWrite(me) && jobs.isSuccess && <JobState job={job} queued={queued} />}
      <p className="box-hint">{t('player.waiting.poll')}</p>
    </div>
  );
}

interface Draft {
  readonly start: string;
  readonly end: string;
  readonly incidentId: string;
  readonly tags: string;
  readonly note: string;
  /** Ids of the people shown in the segment. */
  readonly people: readonly string[];
}

const EMPTY_DRAFT: Draft = { start: '', end: '', incidentId: '', tags: '', note: '', people: [] };

/** The people a segment may be marked with: the first 200, by pseudonym. */
function usePeopleChoices() {
  return useQuery({
    queryKey: ['people', 'choices'],
    queryFn: async () => (await api.people(null, 200)).people,
    retry: false,
  });
}

/** Checkboxes of people by pseudonym, for the segment being marked. */
function PeopleField({
  value,
  onChange,
}: {
  value: readonly string[];
  onChange: (people: string[]) => void;
}): ReactNode {
  const { t } = useI18n();
  const people = usePeopleChoices();
  return (
    <fieldset className="checks" aria-describedby="segment-people-help">
      <legend>
        {t('segment.people')} <span className="field-optional">{t('common.optional')}</span>
      </legend>
      <p className="field-help" id="segment-people-help">
        {t('segment.people.help')}
      </p>
      {people.isPending && (
        <p className="loading" role="status">
          {t('common.loading')}
        </p>
      )}
      {people.isError && <ErrorBox title={t('segment.people.failed')} error={people.error} />}
      {people.isSuccess && people.data.length === 0 && (
        <p className="muted">{t('segment.people.none')}</p>
      )}
      {people.isSuccess && people.data.length > 0 && (
        <div className="check-grid">
          {people.data.map((p) => (
            <label key={p.id} className="inline-check">
              <input
                type="checkbox"
                name="people"
                value={p.id}
                checked={value.includes(p.id)}
                onChange={(e) => {
                  onChange(
                    e.target.checked
                      ? [...value.filter((id) => id !== p.id), p.id]
                      : value.filter((id) => id !== p.id),
                  );
                }}
              />
              <span>
                <Untrusted>{p.pseudonym}</Untrusted>
              </span>
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

const tagList = (text: string): string[] => [
  ...new Set(
    text
      .split(/[,;\n]/)
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ),
];

function incidentChoice(i18n: ReturnType<typeof useI18n>, incident: Incident): string {
  return incident.startsAt === null
    ? incident.title
    : `${incident.title} (${i18n.dateTime(incident.startsAt)})`;
}

/** Marking a segment: times from the player or typed, an incident, tags and a note. */
function SegmentForm({
  itemId,
  draft,
  setDraft,
  current,
  playerReady,
  duration,
  incidents,
  onSaved,
}: {
  itemId: string;
  draft: Draft;
  setDraft: (update: (d: Draft) => Draft) => void;
  current: number;
  /** Whether the player has the video, so that its position means something. */
  playerReady: boolean;
  duration: number | null;
  incidents: readonly Incident[] | undefined;
  onSaved: (segment: Segment) => void;
}): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const formRef = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<{ start?: string | undefined; end?: string | undefined }>(
    {},
  );
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: api.createSegment,
    onSuccess: (segment) => {
      setSaved(true);
      setErrors({});
      setDraft((d) => ({ ...EMPTY_DRAFT, incidentId: d.incidentId }));
      onSaved(segment);
    },
  });

  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    setSaved(false);
    const start = parseTime(draft.start);
    const end = parseTime(draft.end);
    const next: { start?: string; end?: string } = {};
    if (draft.start.trim() === '') next.start = t('segment.startMissing');
    else if (start === null) next.start = t('validation.time');
    if (draft.end.trim() === '') next.end = t('segment.endMissing');
    else if (end === null) next.end = t('validation.time');
    else if (start !== null && end <= start) next.end = t('segment.endBeforeStart');
    else if (duration !== null && end > duration + SLACK)
      next.end = t('segment.endAfterDuration', { duration: formatTime(duration) });
    setErrors(next);
    if (next.start !== undefined || next.end !== undefined || start === null || end === null) {
      focusFirstInvalid(formRef.current);
      return;
    }
    save.mutate({
      itemId,
      start,
      end,
      incidentId: draft.incidentId === '' ? null : draft.incidentId,
      tags: tagList(draft.tags),
      note: draft.note.trim(),
      people: draft.people,
    });
  };

  const field = (key: Exclude<keyof Draft, 'people'>) => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) => {
      const value = e.target.value;
      setSaved(false);
      if (key === 'start' || key === 'end') setErrors((x) => ({ ...x, [key]: undefined }));
      setDraft((d) => ({ ...d, [key]: value }));
    },
  });

  return (
    <form
      ref={formRef}
      className="form segment-form"
      onSubmit={submit}
      noValidate
      aria-labelledby="mark-h"
    >
      <h3 id="mark-h">{t('segment.mark')}</h3>
      <div className="mark-times">
        {(['start', 'end'] as const).map((which) => {
          const error = errors[which];
          const id = `segment-${which}`;
          return (
            <div key={which} className={`field${error === undefined ? '' : ' field-invalid'}`}>
              <label htmlFor={id}>{t(`segment.${which}`)}</label>
              <div className="time-input">
                <input
                  id={id}
                  type="text"
                  inputMode="decimal"
                  autoComplete="off"
                  placeholder="0:00.0"
                  {...field(which)}
                  aria-invalid={error === undefined ? undefined : true}
                  aria-describedby={`${id}-help${error === undefined ? '' : ` ${id}-error`}`}
                />
                <button
                  type="button"
                  className="button button-secondary"
                  disabled={!playerReady}
                  onClick={() => {
                    setSaved(false);
                    setErrors((x) => ({ ...x, [which]: undefined }));
                    setDraft((d) => ({ ...d, [which]: formatTime(current) }));
                  }}
                >
                  {t(which === 'start' ? 'segment.startHere' : 'segment.endHere')}
                </button>
              </div>
              <p className="field-help sr-only" id={`${id}-help`}>
                {t('segment.time.help')}
              </p>
              {error !== undefined && (
                <p className="field-error" id={`${id}-error`} role="alert">
                  {error}
                </p>
              )}
            </div>
          );
        })}
      </div>
      <p className="field-help">{t('segment.time.help')}</p>

      <div className="field">
        <label htmlFor="segment-incident">{t('segment.incident')}</label>
        <select id="segment-incident" {...field('incidentId')}>
          <option value="">{t('segment.noIncident')}</option>
          {incidents?.map((incident) => (
            <option key={incident.id} value={incident.id}>
              {incidentChoice(i18n, incident)}
            </option>
          ))}
        </select>
        <p className="field-help">
          {incidents !== undefined && incidents.length === 0 && `${t('segment.noIncidents')} `}
          <Link to="/incidents" search={{}}>
            {t('segment.newIncident')}
          </Link>
        </p>
      </div>

      <div className="field">
        <label htmlFor="segment-tags">
          {t('segment.tags')}
          <span className="field-optional"> {t('common.optional')}</span>
        </label>
        <input
          id="segment-tags"
          type="text"
          autoComplete="off"
          maxLength={2000}
          aria-describedby="segment-tags-help"
          {...field('tags')}
        />
        <p className="field-help" id="segment-tags-help">
          {t('segment.tags.help')}
        </p>
      </div>

      <TextAreaField
        label={t('segment.note')}
        optional
        rows={3}
        maxLength={20_000}
        help={t('segment.note.help')}
        {...field('note')}
      />

      <PeopleField
        value={draft.people}
        onChange={(people) => {
          setSaved(false);
          setDraft((d) => ({ ...d, people }));
        }}
      />

      {save.isError && <ErrorBox title={t('segment.saveFailed')} error={save.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {t('segment.save')}
        </button>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            setDraft(() => EMPTY_DRAFT);
            setErrors({});
            setSaved(false);
            save.reset();
          }}
        >
          {t('segment.clear')}
        </button>
        <span className="form-status" role="status">
          {saved ? t('segment.saved') : ''}
        </span>
      </div>
    </form>
  );
}

/** A segment's people by pseudonym; those not among the choices loaded are left out. */
function SegmentPeople({
  ids,
  pseudonyms,
}: {
  ids: readonly string[];
  pseudonyms: ReadonlyMap<string, string>;
}): ReactNode {
  const { t } = useI18n();
  const known = ids.flatMap((id) => {
    const pseudonym = pseudonyms.get(id);
    return pseudonym === undefined ? [] : [{ id, pseudonym }];
  });
  if (known.length === 0) return <span className="muted">{t('common.none')}</span>;
  return (
    <ul className="chips">
      {known.map((p) => (
        <li key={p.id} className="chip">
          <Untrusted>{p.pseudonym}</Untrusted>
        </li>
      ))}
    </ul>
  );
}

/** The item's segments in words: each one's time seeks the player, and may be deleted. */
function SegmentList({
  segments,
  incidents,
  current,
  mayDelete,
  onSeek,
  onDeleted,
}: {
  segments: readonly Segment[];
  incidents: ReadonlyMap<string, Incident>;
  current: number;
  mayDelete: boolean;
  onSeek: (seconds: number) => void;
  onDeleted: (segment: Segment) => void;
}): ReactNode {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState<string | null>(null);
  const people = usePeopleChoices();
  const pseudonyms = new Map((people.data ?? []).map((p) => [p.id, p.pseudonym] as const));
  const remove = useMutation({
    mutationFn: (segment: Segment) => api.deleteSegment(segment.id),
    onSuccess: (_none, segment) => {
      setConfirming(null);
      onDeleted(segment);
    },
  });
  if (segments.length === 0) return <p className="muted">{t('segments.empty')}</p>;
  const sorted = [...segments].sort((a, b) => a.start - b.start || a.end - b.end);
  return (
    <>
      {remove.isError && <ErrorBox title={t('segment.deleteFailed')} error={remove.error} />}
      <div className="table-wrap">
        <table className="table segments-table">
          <caption className="sr-only">{t('segments.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('segments.col.time')}</th>
              <th scope="col">{t('segments.col.incident')}</th>
              <th scope="col">{t('segments.col.tags')}</th>
              <th scope="col">{t('segments.col.people')}</th>
              <th scope="col">{t('segments.col.note')}</th>
              <th scope="col">{t('segments.col.by')}</th>
              {mayDelete && (
                <th scope="col">
                  <span className="sr-only">{t('segments.col.actions')}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {sorted.map((s) => {
              const incident = s.incidentId === null ? undefined : incidents.get(s.incidentId);
              const playing = current >= s.start && current < s.end;
              const range = `${formatTime(s.start)}–${formatTime(s.end)}`;
              return (
                <tr key={s.id} className={playing ? 'segment-playing' : undefined}>
                  <td className="nowrap">
                    <button
                      type="button"
                      className="link-button time"
                      aria-label={t('segments.seek', { time: formatTime(s.start), range })}
                      onClick={() => {
                        onSeek(s.start);
                      }}
                    >
                      {range}
                    </button>
                  </td>
                  <td>
                    {s.incidentId === null ? (
                      <span className="muted">{t('segments.notLinked')}</span>
                    ) : (
                      <Link to="/incidents/$id" params={{ id: s.incidentId }}>
                        {incident === undefined ? (
                          t('segments.incident')
                        ) : (
                          <Untrusted>{incident.title}</Untrusted>
                        )}
                      </Link>
                    )}
                  </td>
                  <td>
                    <Tags tags={s.tags} />
                  </td>
                  <td>
                    <SegmentPeople ids={s.people} pseudonyms={pseudonyms} />
                  </td>
                  <td className="cell-note">
                    {s.note === '' ? (
                      <span className="muted">{t('common.none')}</span>
                    ) : (
                      <Untrusted>{s.note}</Untrusted>
                    )}
                  </td>
                  <td>
                    <Untrusted>{s.createdBy}</Untrusted>
                  </td>
                  {mayDelete && (
                    <td className="nowrap">
                      {confirming === s.id ? (
                        <span className="confirm" role="group" aria-label={t('segment.confirm')}>
                          <span>{t('segment.confirm')}</span>{' '}
                          <button
                            type="button"
                            className="button button-danger"
                            disabled={remove.isPending}
                            onClick={() => {
                              remove.mutate(s);
                            }}
                          >
                            {t('segment.delete.yes')}
                          </button>{' '}
                          <button
                            type="button"
                            className="button button-secondary"
                            // The keyboard lands on the safe choice.
                            autoFocus
                            onClick={() => {
                              setConfirming(null);
                            }}
                          >
                            {t('segment.delete.no')}
                          </button>
                        </span>
                      ) : (
                        <button
                          type="button"
                          className="button button-secondary"
                          aria-label={t('segment.delete.label', { range })}
                          onClick={() => {
                            remove.reset();
                            setConfirming(s.id);
                          }}
                        >
                          {t('segment.delete')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted small">{t('segments.deleteNote')}</p>
    </>
  );
}

export function Tags({ tags }: { tags: readonly string[] }): ReactNode {
  const { t } = useI18n();
  if (tags.length === 0) return <span className="muted">{t('common.none')}</span>;
  return (
    <ul className="chips">
      {tags.map((tag) => (
        <li key={tag} className="chip">
          <Untrusted>{tag}</Untrusted>
        </li>
      ))}
    </ul>
  );
}

/** The player: the web copy when it exists, else what is being done to make it. */
function Player({
  item,
  me,
  videoRef,
  onTime,
  onDuration,
  pendingSeek,
  children,
}: {
  item: ItemDetail;
  me: Account;
  videoRef: RefObject<HTMLVideoElement | null>;
  onTime: (seconds: number) => void;
  onDuration: (seconds: number) => void;
  pendingSeek: RefObject<number | undefined>;
  /** Drawn over the picture (face boxes). */
  children?: ReactNode;
}): ReactNode {
  const { t } = useI18n();
  const [failed, setFailed] = useState<number | null>(null);
  // While there is none, the item page asks the server again every few seconds (Item.tsx).
  if (!hasProxy(item)) return <Waiting itemId={item.id} me={me} />;
  return (
    <>
      <div className="player-frame">
        <video
          ref={videoRef}
          className="player"
          controls
          preload="metadata"
          playsInline
          src={api.proxyUrl(item.id)}
          aria-label={t('player.label')}
          data-testid="player"
          onLoadedMetadata={(e) => {
            const v = e.currentTarget;
            if (Number.isFinite(v.duration)) onDuration(v.duration);
            const at = pendingSeek.current;
            if (at !== undefined) {
              pendingSeek.current = undefined;
              v.currentTime = Math.min(at, Number.isFinite(v.duration) ? v.duration : at);
            }
          }}
          onDurationChange={(e) => {
            if (Number.isFinite(e.currentTarget.duration)) onDuration(e.currentTarget.duration);
          }}
          onTimeUpdate={(e) => {
            onTime(e.currentTarget.currentTime);
          }}
          onSeeked={(e) => {
            onTime(e.currentTarget.currentTime);
          }}
          onError={(e) => {
            setFailed(e.currentTarget.error?.code ?? 0);
          }}
        >
          {t('player.unsupported')}
        </video>
        {children}
      </div>
      {failed !== null && (
        <div className="box box-error" role="alert">
          <p className="box-title">{t('player.playFailed')}</p>
          <p>{t('player.playFailed.hint', { code: failed })}</p>
        </div>
      )}
    </>
  );
}

/**
 * Watching an item and marking segments of it: the web copy in a player, the timeline of its
 * segments, the form to mark one (for those who may write), and the list of them. `at` (from
 * the address) is where the player starts.
 */
export function Watch({
  item,
  me,
  at,
}: {
  item: ItemDetail;
  me: Account;
  at: number | undefined;
}): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const queryClient = useQueryClient();
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const pendingSeek = useRef<number | undefined>(at);
  const [current, setCurrent] = useState(at ?? 0);
  const [duration, setDuration] = useState<number | null>(finite(item.media?.durationSeconds));
  const [draft, setDraftState] = useState<Draft>(EMPTY_DRAFT);
  const [playerReady, setPlayerReady] = useState(false);
  const setDraft = (update: (d: Draft) => Draft): void => {
    setDraftState(update);
  };
  const mayWrite = canWrite(me);
  const playable = item.kind === 'video' && item.probeStatus === 'ok';
  const [showFaces, setShowFaces] = useState(false);
  const faces = useQuery({
    queryKey: ['faces', item.id],
    queryFn: () => api.faces(item.id),
    enabled: showFaces,
  });
  const markable = mayWrite && playable;

  const segments = useQuery({
    queryKey: ['segments', item.id],
    queryFn: () => api.segments(item.id),
  });
  const incidents = useQuery({
    queryKey: ['incidents', 'choices'],
    queryFn: async () => (await api.incidents({}, null, 500)).incidents,
  });
  const byId = useMemo(
    () => new Map((incidents.data ?? []).map((i) => [i.id, i] as const)),
    [incidents.data],
  );

  const seek = (seconds: number): void => {
    const v = videoRef.current;
    const target = Math.max(0, duration === null ? seconds : Math.min(seconds, duration));
    setCurrent(target);
    if (v === null) {
      pendingSeek.current = target;
      return;
    }
    if (v.readyState >= HTMLMediaElement.HAVE_METADATA) v.currentTime = target;
    else pendingSeek.current = target;
    const box = v.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) v.scrollIntoView({ block: 'nearest' });
  };

  // A new `t` in the address (a link from an incident to this same item) moves the player.
  useEffect(() => {
    if (at === undefined) return;
    const v = videoRef.current;
    if (v !== null && v.readyState >= HTMLMediaElement.HAVE_METADATA) v.currentTime = at;
    else pendingSeek.current = at;
    setCurrent(at);
  }, [at]);

  const changed = (segment: Segment): void => {
    void queryClient.invalidateQueries({ queryKey: ['segments', item.id] });
    void queryClient.invalidateQueries({ queryKey: ['items'] });
    if (segment.incidentId !== null)
      void queryClient.invalidateQueries({ queryKey: ['incident', segment.incidentId] });
  };

  const start = parseTime(draft.start);
  const end = parseTime(draft.end);
  const draftRange = start !== null && end !== null && end > start ? { start, end } : null;

  return (
    <section aria-labelledby="watch-h" className="watch">
      <h2 id="watch-h">{t('player.title')}</h2>
      {playable ? (
        <div className={markable ? 'watch-grid' : 'watch-grid watch-grid-single'}>
          <div className="watch-main">
            <Player
              item={item}
              me={me}
              videoRef={videoRef}
              onTime={setCurrent}
              onDuration={(seconds) => {
                setDuration(seconds);
                setPlayerReady(true);
              }}
              pendingSeek={pendingSeek}
            >
              {showFaces && faces.data !== undefined && (
                <FaceBoxes tracks={faces.data.tracks} videoRef={videoRef} />
              )}
            </Player>
            {item.faces !== null && item.faces > 0 && hasProxy(item) && (
              <label className="inline-check">
                <input
                  type="checkbox"
                  name="showFaces"
                  checked={showFaces}
                  onChange={(e) => {
                    setShowFaces(e.target.checked);
                  }}
                />
                <span>{t('faces.show')}</span>
              </label>
            )}
            <p className="player-time" aria-live="off">
              {t('player.position', {
                time: formatTime(current),
                duration: duration === null ? '?' : formatTime(duration),
              })}
            </p>
            <Timeline
              duration={duration}
              segments={segments.data ?? []}
              current={current}
              draft={draftRange}
              onSeek={seek}
            />
            {hasProxy(item) && <p className="timeline-note">{t('player.sameTimeline')}</p>}
          </div>
          {markable && (
            <SegmentForm
              itemId={item.id}
              draft={draft}
              setDraft={setDraft}
              current={current}
              playerReady={playerReady}
              duration={duration}
              incidents={incidents.data}
              onSaved={changed}
            />
          )}
        </div>
      ) : (
        // Nothing to watch, so nothing to mark: only segments marked before (if any) are listed.
        <div className="box box-notice" role="status">
          <p className="box-title">{t('player.none.title')}</p>
          <p>{t('player.none.text')}</p>
        </div>
      )}

      <h3 id="segments-h">{t('segments.title')}</h3>
      {segments.isPending ? (
        <p className="loading" role="status">
          {t('common.loading')}
        </p>
      ) : segments.isError ? (
        <ErrorBox
          title={t('segments.failed')}
          error={segments.error}
          onRetry={() => {
            void segments.refetch();
          }}
        />
      ) : (
        <SegmentList
          segments={segments.data}
          incidents={byId}
          current={current}
          mayDelete={mayWrite}
          onSeek={seek}
          onDeleted={changed}
        />
      )}
    </section>
  );
}
