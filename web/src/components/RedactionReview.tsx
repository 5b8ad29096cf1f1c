import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { api, type Account } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import {
  faceCheckOf,
  releasesApi,
  type FaceCheck,
  type FlaggedFace,
  type RedactionDetail,
} from '../releases-api.ts';
import { formatTime } from '../time.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { JobProgress } from './JobProgress.tsx';
import { FlagBoxes } from './MaskCanvas.tsx';
import { Untrusted } from './PathText.tsx';

/**
 * What follows the redaction editor: the render job's progress, the rendered copy with the
 * face check (flagged frames to seek to, their faces outlined), and the review by a second
 * person.
 */

const POLL_MS = 2000;

/** Moves a video to `t` (seconds), clamped to its length. */
export function seekVideo(v: HTMLVideoElement | null, t: number): void {
  if (v === null) return;
  const d = Number.isFinite(v.duration) ? v.duration : t;
  v.currentTime = Math.max(0, Math.min(t, d));
}

/** The flagged faces within half a sampling interval of `t` (original's timeline). */
export function facesNear(check: FaceCheck | null, t: number): readonly FlaggedFace[] {
  if (check === null || check.flagged.length === 0) return [];
  const half = check.rate > 0 ? 0.5 / check.rate : 0.25;
  let best: { d: number; faces: readonly FlaggedFace[] } | null = null;
  for (const f of check.flagged) {
    const d = Math.abs(f.t - t);
    if (d <= half && (best === null || d < best.d)) best = { d, faces: f.faces };
  }
  return best?.faces ?? [];
}

/** The render: its video with the flagged faces drawn, the face check, and why it failed. */
export function RenderResult({
  redaction,
  onSeekEditor,
}: {
  redaction: RedactionDetail;
  onSeekEditor: (t: number) => void;
}): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const render = redaction.render;
  const check = faceCheckOf(redaction.faceCheck);
  // The render starts at the cut: its time 0 is the cut's start on the original's timeline.
  const offset = redaction.spec.cut?.start ?? 0;
  return (
    <section className="redact-result" aria-labelledby="result-h" data-testid="render-result">
      <h2 id="result-h">{t('redaction.result')}</h2>
      {redaction.status === 'failed' && redaction.renderError !== null && (
        <div className="box box-error" role="alert">
          <p className="box-title">{t('redaction.result.failed')}</p>
          <p className="box-message">
            <Untrusted>{redaction.renderError}</Untrusted>
          </p>
        </div>
      )}
      {render === null ? (
        <p className="muted">{t('redaction.result.none')}</p>
      ) : (
        <>
          {!render.current && (
            <p className="box box-notice" role="status">
              {t('redaction.result.stale', { render: render.version, version: redaction.version })}
            </p>
          )}
          <div className="redact-result-grid">
            <div>
              <div className="player-frame">
                <video
                  ref={videoRef}
                  className="player"
                  controls
                  preload="metadata"
                  playsInline
                  src={releasesApi.renderUrl(redaction.id, render.version)}
                  poster={releasesApi.renderPosterUrl(redaction.id, render.version)}
                  aria-label={t('redaction.result.player')}
                  data-testid="render-player"
                />
                {check !== null && (
                  <FlagBoxes videoRef={videoRef} faces={(at) => facesNear(check, at + offset)} />
                )}
              </div>
              <p className="muted small">
                {t('redaction.result.facts', {
                  version: render.version,
                  when: render.at === null ? '?' : i18n.dateTime(render.at),
                })}{' '}
                {render.sha256 !== null && (
                  <code className="hash" title={render.sha256}>
                    {render.sha256.slice(0, 16)}…
                  </code>
                )}
              </p>
            </div>
            <div data-testid="face-check">
              <h3>{t('redaction.check')}</h3>
              {check === null ? (
                <p className="muted">{t('redaction.check.none')}</p>
              ) : check.flagged.length === 0 ? (
                <p className="box box-success" data-testid="face-check-summary">
                  {t('redaction.check.clean', { frames: check.frames })}
                </p>
              ) : (
                <>
                  <p className="box box-error" data-testid="face-check-summary">
                    {t('redaction.check.flagged', {
                      n: check.flagged.length,
                      frames: check.frames,
                    })}
                  </p>
                  <p className="field-help">{t('redaction.check.help')}</p>
                  <ul className="flag-list" data-testid="flag-list">
                    {check.flagged.slice(0, 300).map((f) => (
                      <li key={f.t}>
                        <button
                          type="button"
                          className="link-button"
                          onClick={() => {
                            const v = videoRef.current;
                            v?.pause();
                            seekVideo(v, f.t - offset);
                          }}
                        >
                          {formatTime(f.t)}
                        </button>{' '}
                        <span className="muted">
                          {t('redaction.check.faces', {
                            n: f.faces.length,
                            score: i18n.number(Math.max(0, ...f.faces.map((x) => x.score)), {
                              maximumFractionDigits: 2,
                            }),
                          })}
                        </span>{' '}
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          onClick={() => {
                            onSeekEditor(f.t);
                          }}
                        >
                          {t('redaction.check.toEditor')}
                        </button>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  );
}

/** The second pair of eyes: approve the render, or send it back with a note. */
export function Review({ redaction, me }: { redaction: RedactionDetail; me: Account }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);
  const review = useMutation({
    mutationFn: (decision: 'approve' | 'return') =>
      releasesApi.review(redaction.id, {
        decision,
        version: redaction.version,
        ...(note.trim() === '' ? {} : { note: note.trim() }),
      }),
    onSuccess: (data) => {
      queryClient.setQueryData(['redaction', redaction.id], data);
      void queryClient.invalidateQueries({ queryKey: ['redactions'] });
      setNote('');
    },
  });
  const past = redaction.review;
  const isReviewer = me.role === 'reviewer' || me.role === 'admin';
  return (
    <section className="redact-review" aria-labelledby="review-h" data-testid="review">
      <h2 id="review-h">{t('redaction.review')}</h2>
      {past !== null && (
        <div
          className={`box ${redaction.status === 'approved' ? 'box-success' : 'box-notice'}`}
          data-testid="review-outcome"
        >
          <p className="box-title">
            {t(
              redaction.status === 'approved'
                ? 'redaction.review.approvedBy'
                : 'redaction.review.returnedBy',
              {
                who: past.by,
                when: past.at === null ? '?' : i18n.dateTime(past.at),
              },
            )}
          </p>
          {past.note !== '' && (
            <p className="cell-note">
              <Untrusted>{past.note}</Untrusted>
            </p>
          )}
        </div>
      )}
      {redaction.canReview ? (
        <div className="form review-form">
          <p>{t('redaction.review.intro')}</p>
          {redaction.facesFlagged > 0 && (
            <p className="box box-notice">
              {t('redaction.review.flaggedNote', { n: redaction.facesFlagged })}
            </p>
          )}
          <div className={`field${noteError === null ? '' : ' field-invalid'}`}>
            <label htmlFor="review-note">{t('redaction.review.note')}</label>
            <textarea
              id="review-note"
              rows={3}
              maxLength={5000}
              value={note}
              aria-describedby={`review-note-help${noteError === null ? '' : ' review-note-error'}`}
              aria-invalid={noteError === null ? undefined : true}
              onChange={(e) => {
                setNote(e.target.value);
                setNoteError(null);
              }}
            />
            <p className="field-help" id="review-note-help">
              {t('redaction.review.noteHelp')}
            </p>
            {noteError !== null && (
              <p className="field-error" id="review-note-error" role="alert">
                {noteError}
              </p>
            )}
          </div>
          {review.isError && <ErrorBox title={t('redaction.review.failed')} error={review.error} />}
          <div className="form-actions">
            <button
              type="button"
              className="button"
              disabled={review.isPending}
              onClick={() => {
                review.mutate('approve');
              }}
            >
              {t('redaction.review.approve')}
            </button>
            <button
              type="button"
              className="button button-secondary"
              disabled={review.isPending}
              onClick={() => {
                if (note.trim() === '') {
                  setNoteError(t('redaction.review.noteNeeded'));
                  return;
                }
                review.mutate('return');
              }}
            >
              {t('redaction.review.return')}
            </button>
          </div>
        </div>
      ) : (
        <p className="muted" data-testid="review-why">
          {redaction.status === 'approved'
            ? t('redaction.review.done')
            : redaction.status !== 'rendered' || redaction.render?.current !== true
              ? t('redaction.review.notYet')
              : !isReviewer
                ? t('redaction.review.role')
                : redaction.authors.includes(me.email)
                  ? t('redaction.review.own')
                  : t('redaction.review.notYet')}
        </p>
      )}
    </section>
  );
}

/** The render job's progress (those who may see jobs), among the item's jobs. */
export function RenderJob({ redaction }: { redaction: RedactionDetail }): ReactNode {
  const { t } = useI18n();
  const jobs = useQuery({
    queryKey: ['jobs', { redaction: redaction.id }],
    queryFn: () => api.jobs({ item: redaction.itemId, limit: 50 }),
    refetchInterval: POLL_MS,
    staleTime: 0,
  });
  const job = jobs.data?.jobs.find((j) => {
    const p = j.payload as { redactionId?: unknown; version?: unknown } | null;
    return (
      j.name === 'media.redact' &&
      p?.redactionId === redaction.id &&
      p.version === redaction.version
    );
  });
  return (
    <div className="box box-notice" role="status" data-testid="render-job">
      <p className="box-title">{t('redaction.rendering')}</p>
      {job === undefined ? <p>{t('redaction.rendering.waiting')}</p> : <JobProgress job={job} />}
    </div>
  );
}
