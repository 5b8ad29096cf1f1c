import type { ReactNode } from 'react';
import type { Job } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { Untrusted } from './PathText.tsx';

/** A job's state in words, with a progress bar while it runs and the reason when it failed. */
export function JobProgress({ job }: { job: Job }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const state = i18n.maybe(`jobState.${job.state}`) ?? job.state;
  const fraction = job.state === 'completed' ? 1 : (job.progress?.fraction ?? null);
  return (
    <span className={`job-progress job-${job.state}`} data-testid="job-progress">
      <span className="job-state">{state}</span>
      {job.state === 'active' && fraction !== null && (
        <>
          <progress max={1} value={fraction} aria-label={t('jobs.col.progress')} />
          <span className="job-percent">
            {i18n.number(fraction, { style: 'percent', maximumFractionDigits: 0 })}
          </span>
          {job.progress?.detail != null && (
            <span className="muted job-detail">
              <Untrusted>{job.progress.detail}</Untrusted>
            </span>
          )}
        </>
      )}
      {job.error !== null && (job.state === 'failed' || job.state === 'retry') && (
        <span className="field-error job-error">
          <Untrusted>{job.error}</Untrusted>
        </span>
      )}
    </span>
  );
}

/** The job's kind in words ("Camera overlay"). */
export function useJobName(): (name: string) => string {
  const i18n = useI18n();
  return (name) => i18n.maybe(`job.${name}`) ?? name;
}
