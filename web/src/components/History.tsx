import type { ReactNode } from 'react';
import type { CustodyEvent } from '../api.ts';
import { useI18n, type I18n } from '../i18n/index.tsx';
import { Untrusted } from './PathText.tsx';

export function eventLabel(i18n: I18n, action: string): string {
  return i18n.maybe(`event.${action}`) ?? action;
}

/** A row of a history: a custody event, or (seq null) a fact from another record. */
export interface HistoryRow extends Omit<CustodyEvent, 'seq'> {
  readonly key: string;
  readonly seq: number | string | null;
  /** What the row is about, as a link or text (a segment's item, say). */
  readonly about?: ReactNode;
  /** Not an event of the log but a fact from another record: no code is shown for it. */
  readonly derived?: boolean;
}

export const eventRows = (events: readonly CustodyEvent[]): HistoryRow[] =>
  events.map((e) => ({ ...e, key: `e${String(e.seq)}` }));

/**
 * Custody events as a table: number in the log, time, who, what (in the reader's language and
 * as the stable code), the event hash when given, and the recorded data on request. Actors
 * and payloads are untrusted text.
 */
export function History({
  rows,
  caption,
  empty,
}: {
  rows: readonly HistoryRow[];
  caption: string;
  empty: string;
}): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  const hashes = rows.some((r) => r.hash !== undefined);
  return (
    <div className="table-wrap">
      <table className="table history-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              {t('item.col.seq')}
            </th>
            <th scope="col">{t('item.col.at')}</th>
            <th scope="col">{t('item.col.actor')}</th>
            <th scope="col">{t('item.col.action')}</th>
            {hashes && <th scope="col">{t('item.col.hash')}</th>}
            <th scope="col">{t('item.col.payload')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.key}>
              <td className="num">{e.seq === null ? t('common.none') : String(e.seq)}</td>
              <td className="nowrap">
                <time dateTime={e.at}>{i18n.dateTime(e.at)}</time>
              </td>
              <td>
                <Untrusted>{e.actor}</Untrusted>
              </td>
              <td>
                <span className="event-action">{eventLabel(i18n, e.action)}</span>
                {e.derived !== true && <code className="event-code">{e.action}</code>}
                {e.about !== undefined && <span className="event-about">{e.about}</span>}
              </td>
              {hashes && (
                <td>
                  {e.hash !== undefined && (
                    <code className="hash" title={e.hash}>
                      {e.hash.slice(0, 16)}…
                    </code>
                  )}
                </td>
              )}
              <td>
                {e.payload !== null && e.payload !== undefined && (
                  <details>
                    <summary>{t('item.payload.show')}</summary>
                    <pre className="payload">{JSON.stringify(e.payload, null, 2)}</pre>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
