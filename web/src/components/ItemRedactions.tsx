import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { api, canWrite, type Account, type ItemDetail, type Segment } from '../api.ts';
import { splitPath } from '../format.ts';
import { useI18n } from '../i18n/index.tsx';
import { releasesApi } from '../releases-api.ts';
import { formatTime } from '../time.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { Untrusted } from './PathText.tsx';
import { RedactionStatusBadge } from './RedactionBits.tsx';

/**
 * On an item's page: its redactions (redacted copies being prepared or approved for release),
 * and for those who may write, starting one of the whole video or of one of its segments. A new
 * redaction starts with a mask over every face track.
 */
export function ItemRedactions({ item, me }: { item: ItemDetail; me: Account }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const redactions = useQuery({
    queryKey: ['item-redactions', item.id],
    queryFn: async () => (await releasesApi.itemRedactions(item.id)).redactions,
  });
  const segments = useQuery({
    queryKey: ['segments', item.id],
    queryFn: () => api.segments(item.id),
    enabled: canWrite(me),
  });
  // Named after the file (staff see redaction titles; outsiders never do), and the segment.
  const name = splitPath(item.paths[0]?.path ?? '').name.slice(0, 200);
  const create = useMutation({
    mutationFn: (segment: Segment | undefined) =>
      releasesApi.createRedaction(
        item.id,
        segment === undefined
          ? { title: name }
          : {
              segmentId: segment.id,
              title: `${name} ${formatTime(segment.start)}–${formatTime(segment.end)}`.trim(),
            },
      ),
    onSuccess: async (data) => {
      queryClient.setQueryData(['redaction', data.id], data);
      void queryClient.invalidateQueries({ queryKey: ['item-redactions', item.id] });
      void queryClient.invalidateQueries({ queryKey: ['redactions'] });
      await navigate({ to: '/redactions/$id', params: { id: data.id } });
    },
  });
  const mayRedact = canWrite(me) && item.probeStatus === 'ok';
  return (
    <section aria-labelledby="redactions-h" data-testid="item-redactions">
      <h2 id="redactions-h">{t('itemRedactions.title')}</h2>
      <p className="muted">{t('itemRedactions.intro')}</p>
      {mayRedact && (
        <div className="button-row">
          <button
            type="button"
            className="button"
            disabled={create.isPending}
            onClick={() => {
              create.mutate(undefined);
            }}
          >
            {t('itemRedactions.redactVideo')}
          </button>
          {item.faces === null && (
            <span className="muted small">{t('itemRedactions.noFaces')}</span>
          )}
        </div>
      )}
      {mayRedact && segments.isSuccess && segments.data.length > 0 && (
        <details className="redact-segments">
          <summary>{t('itemRedactions.segments', { n: segments.data.length })}</summary>
          <ul className="plain-list">
            {segments.data.map((s) => (
              <li key={s.id}>
                <span className="nowrap">
                  {formatTime(s.start)}–{formatTime(s.end)}
                </span>{' '}
                {s.note !== '' && (
                  <span className="muted">
                    <Untrusted>{s.note.slice(0, 80)}</Untrusted>
                  </span>
                )}{' '}
                <button
                  type="button"
                  className="button button-secondary button-small"
                  disabled={create.isPending}
                  onClick={() => {
                    create.mutate(s);
                  }}
                >
                  {t('itemRedactions.redactSegment')}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
      {create.isError && <ErrorBox title={t('itemRedactions.createFailed')} error={create.error} />}
      {redactions.isError && (
        <ErrorBox
          title={t('itemRedactions.failed')}
          error={redactions.error}
          onRetry={() => {
            void redactions.refetch();
          }}
        />
      )}
      {redactions.isSuccess &&
        (redactions.data.length === 0 ? (
          <p className="muted">{t('itemRedactions.none')}</p>
        ) : (
          <ul className="plain-list redaction-links">
            {redactions.data.map((r) => (
              <li key={r.id}>
                <Link to="/redactions/$id" params={{ id: r.id }}>
                  {r.title === '' ? (
                    t('redactions.untitled', { id: r.id.slice(0, 8) })
                  ) : (
                    <Untrusted>{r.title}</Untrusted>
                  )}
                </Link>{' '}
                <RedactionStatusBadge status={r.status} />{' '}
                <span className="muted small">
                  {r.spec.cut === null
                    ? t('itemRedactions.whole')
                    : `${formatTime(r.spec.cut.start)}–${formatTime(r.spec.cut.end)}`}
                  {' · '}
                  {t('redaction.version', { n: r.version })}
                  {' · '}
                  {i18n.dateTime(r.updatedAt)}
                </span>
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}
