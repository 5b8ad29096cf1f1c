import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, canWrite, type Account, type ItemDetail, type OverlayReading } from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field } from '../components/Field.tsx';
import { JobProgress, useJobName } from '../components/JobProgress.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { useI18n } from '../i18n/index.tsx';
import { formatTime } from '../time.ts';

const ANALYSIS_JOBS = ['media.overlay', 'media.fingerprint', 'media.faces'];
const REFRESH_MS = 3000;

const wallClock = (iso: string | null): string => (iso === null ? '?' : iso.replace('T', ' '));
const range = (r: readonly [number, number]): string => `${formatTime(r[0])}–${formatTime(r[1])}`;

/** The analysis jobs of this item while any is unfinished (those who may see jobs). */
function AnalysisJobs({ itemId, onDone }: { itemId: string; onDone: () => void }): ReactNode {
  const { t } = useI18n();
  const jobName = useJobName();
  const [finished, setFinished] = useState(false);
  const query = useQuery({
    queryKey: ['jobs', { item: itemId }],
    queryFn: () => api.jobs({ item: itemId, limit: 50 }),
    refetchInterval: finished ? false : REFRESH_MS,
  });
  const latest = new Map<string, NonNullable<typeof query.data>['jobs'][number]>();
  for (const job of query.data?.jobs ?? [])
    if (ANALYSIS_JOBS.includes(job.name) && !latest.has(job.name)) latest.set(job.name, job);
  const open = [...latest.values()].some((j) => ['created', 'retry', 'active'].includes(j.state));
  const allDone = query.isSuccess && !open && latest.size > 0;
  // When the last of them finishes, the sections below reload what it found.
  useEffect(() => {
    if (allDone && !finished) {
      setFinished(true);
      onDone();
    }
  }, [allDone, finished, onDone]);
  if (latest.size === 0) return null;
  return (
    <div className="analysis-jobs">
      <h3>{t('analysis.jobs')}</h3>
      <ul>
        {[...latest.values()].map((job) => (
          <li key={job.id}>
            {jobName(job.name)}: <JobProgress job={job} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function OverlayForm({
  itemId,
  reading,
  onSaved,
}: {
  itemId: string;
  reading: OverlayReading | null;
  onSaved: () => void;
}): ReactNode {
  const { t } = useI18n();
  const [start, setStart] = useState(wallClock(reading?.start ?? null).replace('?', ''));
  const [device, setDevice] = useState(reading?.device ?? '');
  const [submitted, setSubmitted] = useState(false);
  const valid =
    start.trim() === '' || /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$/.test(start.trim());
  const save = useMutation({
    mutationFn: () =>
      api.correctOverlay(itemId, {
        start: start.trim() === '' ? null : start.trim().replace(' ', 'T'),
        device: device.trim() === '' ? null : device.trim(),
      }),
    onSuccess: onSaved,
  });
  return (
    <details className="overlay-correct">
      <summary>{t('overlay.correct')}</summary>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted(true);
          if (valid) save.mutate();
        }}
      >
        <Field
          label={t('overlay.correct.start')}
          name="overlayStart"
          value={start}
          dir="ltr"
          error={submitted && !valid ? t('overlay.correct.invalid') : null}
          onChange={(e) => {
            setStart(e.target.value);
          }}
        />
        <Field
          label={t('overlay.correct.device')}
          name="overlayDevice"
          value={device}
          maxLength={100}
          onChange={(e) => {
            setDevice(e.target.value);
          }}
        />
        <button type="submit" className="button" disabled={save.isPending}>
          {t('overlay.correct.save')}
        </button>
        {save.isSuccess && <p role="status">{t('overlay.correct.saved')}</p>}
        {save.isError && <ErrorBox title={t('overlay.correct.failed')} error={save.error} />}
      </form>
    </details>
  );
}

function Overlay({ item, me }: { item: ItemDetail; me: Account }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: ['overlay', item.id], queryFn: () => api.overlay(item.id) });
  const reading = query.data?.reading ?? null;
  const percent = (n: number): string =>
    i18n.number(n, { style: 'percent', maximumFractionDigits: 0 });
  let body: ReactNode;
  if (query.isPending) body = <p className="loading">{t('common.loading')}</p>;
  else if (query.isError) body = <ErrorBox title={t('overlay.title')} error={query.error} />;
  else if (reading === null) body = <p className="muted">{t('overlay.pending')}</p>;
  else if (reading.start === null && reading.device === null)
    body = <p className="muted">{t('overlay.none')}</p>;
  else
    body = (
      <dl className="facts" data-testid="overlay">
        <div>
          <dt>{t('overlay.start')}</dt>
          <dd>
            <span data-testid="overlay-start">{wallClock(reading.start)}</span>{' '}
            <span className="muted">{t('overlay.start.note')}</span>
          </dd>
        </div>
        <div>
          <dt>{t('overlay.device')}</dt>
          <dd data-testid="overlay-device">
            <Untrusted>{reading.device ?? '?'}</Untrusted>
          </dd>
        </div>
        <div>
          <dt>{t('overlay.confidence')}</dt>
          <dd>
            {percent(reading.confidence)},{' '}
            {reading.source === 'manual'
              ? t('overlay.source.manual', { who: reading.correctedBy ?? '?' })
              : t('overlay.source.ocr')}
          </dd>
        </div>
      </dl>
    );
  return (
    <section aria-labelledby="overlay-h">
      <h3 id="overlay-h">{t('overlay.title')}</h3>
      {body}
      {reading !== null && reading.source === 'manual' && (
        <p className="muted">
          {t('overlay.machine', {
            start: wallClock(reading.ocr.start),
            device: reading.ocr.device ?? '?',
            confidence: percent(reading.ocr.confidence),
          })}
        </p>
      )}
      {reading !== null && reading.frames.length > 0 && (
        <details>
          <summary>{t('overlay.frames')}</summary>
          <ul className="overlay-frames">
            {reading.frames.map((f) => (
              <li key={f.t}>
                {formatTime(f.t)}: <Untrusted>{f.text}</Untrusted>
              </li>
            ))}
          </ul>
        </details>
      )}
      {canWrite(me) && query.isSuccess && (
        <OverlayForm
          itemId={item.id}
          reading={reading}
          onSaved={() => {
            void queryClient.invalidateQueries({ queryKey: ['overlay', item.id] });
            void queryClient.invalidateQueries({ queryKey: ['item', item.id] });
            void queryClient.invalidateQueries({ queryKey: ['items'] });
          }}
        />
      )}
    </section>
  );
}

function Similar({ item }: { item: ItemDetail }): ReactNode {
  const { t, plural } = useI18n();
  const query = useQuery({ queryKey: ['similar', item.id], queryFn: () => api.similar(item.id) });
  const fingerprinted = item.events.some((e) => e.action === 'fingerprint.computed');
  let body: ReactNode;
  if (query.isPending) body = <p className="loading">{t('common.loading')}</p>;
  else if (query.isError) body = <ErrorBox title={t('similar.failed')} error={query.error} />;
  else if (query.data.items.length === 0)
    body = <p className="muted">{fingerprinted ? t('similar.none') : t('similar.pending')}</p>;
  else
    body = (
      <>
        <p data-testid="similar-count">{plural('similar.count', query.data.items.length)}</p>
        <ul className="similar-list" data-testid="similar">
          {query.data.items.map((s) => (
            <li key={s.itemId}>
              {s.relation === 'copy'
                ? t('similar.copy', { range: range(s.thisRange) })
                : t(`similar.${s.relation}`, {
                    thisRange: range(s.thisRange),
                    otherRange: range(s.otherRange),
                  })}{' '}
              <Link to="/items/$id" params={{ id: s.itemId }} search={{ t: s.otherRange[0] }}>
                <Untrusted>{s.name ?? s.itemId.slice(0, 8)}</Untrusted>
              </Link>
            </li>
          ))}
        </ul>
        {item.cluster !== null && (
          <Link to="/items" search={{ cluster: item.cluster }}>
            {t('similar.showAll')}
          </Link>
        )}
      </>
    );
  return (
    <section aria-labelledby="similar-h">
      <h3 id="similar-h">{t('similar.title')}</h3>
      {body}
    </section>
  );
}

function Faces({ item }: { item: ItemDetail }): ReactNode {
  const { t, plural } = useI18n();
  const query = useQuery({
    queryKey: ['faces', item.id],
    queryFn: () => api.faces(item.id),
    enabled: item.faces !== null,
  });
  let body: ReactNode;
  if (item.faces === null) body = <p className="muted">{t('faces.pending')}</p>;
  else if (item.faces === 0) body = <p className="muted">{t('faces.none')}</p>;
  else if (query.isPending) body = <p className="loading">{t('common.loading')}</p>;
  else if (query.isError) body = <ErrorBox title={t('faces.failed')} error={query.error} />;
  else
    body = (
      <>
        <p data-testid="faces-count">{plural('faces.count', item.faces)}</p>
        {query.data.run !== null && (
          <p className="muted">
            {t('faces.detector', { detector: query.data.run.detector, rate: query.data.run.rate })}
          </p>
        )}
        <ul className="face-tracks">
          {query.data.tracks.map((track) => (
            <li key={track.track}>
              <Link to="/items/$id" params={{ id: item.id }} search={{ t: track.start }}>
                {t('faces.track', {
                  n: track.track + 1,
                  start: formatTime(track.start),
                  end: formatTime(track.end),
                })}
              </Link>
            </li>
          ))}
        </ul>
      </>
    );
  return (
    <section aria-labelledby="faces-h">
      <h3 id="faces-h">{t('faces.title')}</h3>
      {body}
    </section>
  );
}

/** What the analysis jobs found in a video: the camera overlay, copies and cuts, faces. */
export function ItemAnalysis({ item, me }: { item: ItemDetail; me: Account }): ReactNode {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const reload = useCallback(() => {
    for (const key of ['item', 'overlay', 'similar', 'faces'])
      void queryClient.invalidateQueries({ queryKey: [key, item.id] });
  }, [queryClient, item.id]);
  return (
    <section aria-labelledby="analysis-h" className="analysis">
      <h2 id="analysis-h">{t('analysis.title')}</h2>
      {canWrite(me) && <AnalysisJobs itemId={item.id} onDone={reload} />}
      <div className="analysis-grid">
        <Overlay item={item} me={me} />
        <Similar item={item} />
        <Faces item={item} />
      </div>
    </section>
  );
}
