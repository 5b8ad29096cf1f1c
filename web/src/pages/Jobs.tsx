import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { api, JOB_STATES, type Job, type JobsAnswer, type JobState } from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { JobProgress, useJobName } from '../components/JobProgress.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Protected } from '../components/Protected.tsx';
import { useI18n } from '../i18n/index.tsx';

const REFRESH_MS = 2000;

function total(counts: JobsAnswer['counts'], states: readonly JobState[]): number {
  return Object.values(counts).reduce((sum, c) => sum + states.reduce((s, k) => s + c[k], 0), 0);
}

function About({ job }: { job: Job }): ReactNode {
  const { t } = useI18n();
  const itemId = job.payload?.itemId;
  // media.redact: {redactionId, itemId, version}: the redaction is what a user opens.
  const redaction = (job.payload as { redactionId?: unknown; version?: unknown } | null)
    ?.redactionId;
  if (typeof redaction === 'string')
    return (
      <Link to="/redactions/$id" params={{ id: redaction }}>
        {t('jobs.redaction')} <code>{redaction.slice(0, 8)}</code>
      </Link>
    );
  if (itemId !== undefined)
    return (
      <Link to="/items/$id" params={{ id: itemId }} search={{}}>
        {t('jobs.item')} <code>{itemId.slice(0, 8)}</code>
      </Link>
    );
  return <span>{t('jobs.export')}</span>;
}

function JobsList(): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const jobName = useJobName();
  const [state, setState] = useState<JobState | undefined>(undefined);
  const query = useQuery({
    queryKey: ['jobs', { state }],
    queryFn: () => api.jobs({ limit: 200, ...(state === undefined ? {} : { state }) }),
    refetchInterval: REFRESH_MS,
  });
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('jobs.title')}</h1>
      </div>
      <p className="muted">{t('jobs.intro')}</p>
      {query.data !== undefined && (
        <p role="status" data-testid="job-counts">
          {t('jobs.counts', {
            running: total(query.data.counts, ['active']),
            waiting: total(query.data.counts, ['created', 'retry']),
            done: total(query.data.counts, ['completed']),
            failed: total(query.data.counts, ['failed']),
          })}
        </p>
      )}
      <label className="filter">
        <span>{t('jobs.filter.state')}</span>
        <select
          name="state"
          value={state ?? ''}
          onChange={(e) => {
            const v = e.target.value;
            setState((JOB_STATES as readonly string[]).includes(v) ? (v as JobState) : undefined);
          }}
        >
          <option value="">{t('jobs.filter.state.any')}</option>
          {JOB_STATES.map((s) => (
            <option key={s} value={s}>
              {i18n.maybe(`jobState.${s}`) ?? s}
            </option>
          ))}
        </select>
      </label>
      {query.isPending ? (
        <p className="loading" role="status">
          {t('common.loading')}
        </p>
      ) : query.isError ? (
        <ErrorBox
          title={t('jobs.failed')}
          error={query.error}
          onRetry={() => {
            void query.refetch();
          }}
        />
      ) : query.data.jobs.length === 0 ? (
        <div className="empty">
          <p className="empty-title">{t('jobs.empty')}</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table jobs-table">
            <caption className="sr-only">{t('jobs.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('jobs.col.job')}</th>
                <th scope="col">{t('jobs.col.about')}</th>
                <th scope="col">{t('jobs.col.state')}</th>
                <th scope="col">{t('jobs.col.created')}</th>
              </tr>
            </thead>
            <tbody>
              {query.data.jobs.map((job) => (
                <tr key={job.id} data-job={job.name}>
                  <td>{jobName(job.name)}</td>
                  <td>
                    <About job={job} />
                  </td>
                  <td>
                    <JobProgress job={job} />
                  </td>
                  <td className="nowrap">
                    <time dateTime={job.createdOn}>{i18n.dateTime(job.createdOn)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function JobsPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('jobs.title'));
  return <Protected roles={['admin', 'investigator']}>{() => <JobsList />}</Protected>;
}
