import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';
import {
  api,
  canWrite,
  INCIDENT_STATUSES,
  PERSON_ROLES,
  type Account,
  type IncidentDetail,
  type IncidentStatus,
  type PersonRole,
  type Segment,
} from '../api.ts';
import { DetailState } from '../components/DetailState.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field } from '../components/Field.tsx';
import { eventRows, History, type HistoryRow } from '../components/History.tsx';
import { useTitle } from '../components/Layout.tsx';
import { PathText, Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { Verification } from '../components/Verification.tsx';
import { splitPath } from '../format.ts';
import { useI18n } from '../i18n/index.tsx';
import { formatTime } from '../time.ts';
import { actLabel, useViolationTypes } from './IncidentForm.tsx';
import { StatusBadge, when } from './Incidents.tsx';
import { Tags } from './ItemWatch.tsx';

const NEW_PERSON = 'new';

/** The status, changed with an explicit save (a select that saved on change would save while arrowing). */
function StatusEditor({ incident }: { incident: IncidentDetail }): ReactNode {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<IncidentStatus>(incident.status);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    // The whole record goes with the new status: the server's patch currently resets fields
    // that are left out to their defaults (see the report), so none is left out.
    mutationFn: (next: IncidentStatus) =>
      api.updateIncident(incident.id, {
        title: incident.title,
        startsAt: incident.startsAt,
        endsAt: incident.endsAt,
        facilityId: incident.facilityId,
        description: incident.description,
        acts: incident.acts,
        status: next,
      }),
    onSuccess: () => {
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: ['incident', incident.id] });
      void queryClient.invalidateQueries({ queryKey: ['incidents'] });
    },
  });
  return (
    <form
      className="status-editor"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate(status);
      }}
    >
      <label className="sr-only" htmlFor="incident-status">
        {t('incident.status')}
      </label>
      <select
        id="incident-status"
        value={status}
        onChange={(e) => {
          setSaved(false);
          setStatus(e.target.value as IncidentStatus);
        }}
      >
        {INCIDENT_STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`status.${s}`)}
          </option>
        ))}
      </select>{' '}
      <button
        type="submit"
        className="button button-secondary"
        disabled={save.isPending || status === incident.status}
      >
        {t('incident.status.save')}
      </button>{' '}
      <span role="status" className="form-status">
        {saved && status === incident.status ? t('incident.status.saved') : ''}
      </span>
      {save.isError && <ErrorBox title={t('incident.status.failed')} error={save.error} />}
    </form>
  );
}

/**
 * Adding a person: an existing one, or a new one made here by pseudonym only. The web app
 * never asks for, sends or shows a real name.
 */
function AddPerson({ incident }: { incident: IncidentDetail }): ReactNode {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const people = useQuery({
    queryKey: ['people'],
    queryFn: async () => (await api.people(null, 500)).people,
  });
  const [personId, setPersonId] = useState(NEW_PERSON);
  const [pseudonym, setPseudonym] = useState('');
  const [role, setRole] = useState<PersonRole>('victim');
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState(false);
  const add = useMutation({
    mutationFn: async () => {
      const id =
        personId === NEW_PERSON
          ? (await api.createPerson({ pseudonym: pseudonym.trim() })).id
          : personId;
      await api.linkPerson(incident.id, { personId: id, role });
    },
    onSuccess: () => {
      setAdded(true);
      setPseudonym('');
      setPersonId(NEW_PERSON);
      void queryClient.invalidateQueries({ queryKey: ['incident', incident.id] });
      void queryClient.invalidateQueries({ queryKey: ['people'] });
    },
  });
  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    setAdded(false);
    if (personId === NEW_PERSON && pseudonym.trim() === '') {
      setError(t('validation.required'));
      e.currentTarget.querySelector<HTMLInputElement>('input[name="pseudonym"]')?.focus();
      return;
    }
    setError(null);
    add.mutate();
  };
  return (
    <form className="form add-person" onSubmit={submit} noValidate aria-labelledby="add-person-h">
      <h3 id="add-person-h">{t('people.add')}</h3>
      <div className="form-row">
        <div className="field">
          <label htmlFor="person-choice">{t('people.person')}</label>
          <select
            id="person-choice"
            value={personId}
            onChange={(e) => {
              setPersonId(e.target.value);
            }}
          >
            <option value={NEW_PERSON}>{t('people.new')}</option>
            {people.data?.map((p) => (
              <option key={p.id} value={p.id}>
                {p.pseudonym}
              </option>
            ))}
          </select>
        </div>
        {personId === NEW_PERSON && (
          <Field
            label={t('people.pseudonym')}
            name="pseudonym"
            value={pseudonym}
            error={error}
            maxLength={200}
            autoComplete="off"
            onChange={(e) => {
              setPseudonym(e.target.value);
            }}
          />
        )}
        <div className="field">
          <label htmlFor="person-role">{t('people.role')}</label>
          <select
            id="person-role"
            value={role}
            onChange={(e) => {
              setRole(e.target.value as PersonRole);
            }}
          >
            {PERSON_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`personRole.${r}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="field-help">{t('people.pseudonym.help')}</p>
      {people.isError && <ErrorBox title={t('people.failed')} error={people.error} />}
      {add.isError && <ErrorBox title={t('people.addFailed')} error={add.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={add.isPending}>
          {t('people.addSubmit')}
        </button>
        <span className="form-status" role="status">
          {added ? t('people.added') : ''}
        </span>
      </div>
    </form>
  );
}

function SegmentLink({ segment }: { segment: Segment }): ReactNode {
  const { t } = useI18n();
  const { name, folder } = splitPath(segment.itemPath ?? segment.itemId);
  return (
    <>
      <Link
        to="/items/$id"
        params={{ id: segment.itemId }}
        search={{ t: segment.start }}
        className="item-link"
        aria-label={t('incident.segment.open', {
          name,
          time: formatTime(segment.start),
        })}
      >
        <PathText>{name}</PathText>
      </Link>
      {folder !== '' && (
        <span className="item-folder">
          <PathText>{folder}</PathText>
        </span>
      )}
    </>
  );
}

/**
 * The incident's history: its own custody events, and when each of its segments was marked
 * (the log keeps those events under the segment, so they come from the segments' records
 * unless the server lists them here already).
 */
function historyRows(incident: IncidentDetail): HistoryRow[] {
  const rows = eventRows(incident.history);
  if (!incident.history.some((e) => e.action.startsWith('segment.')))
    for (const s of incident.segments)
      rows.push({
        key: `s${s.id}`,
        seq: null,
        at: s.createdAt,
        actor: s.createdBy,
        action: 'segment.linked',
        derived: true,
        payload: { segment: s.id, item: s.itemId, start: s.start, end: s.end },
        about: <SegmentLink segment={s} />,
      });
  return rows.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function IncidentView({ incident, me }: { incident: IncidentDetail; me: Account }): ReactNode {
  const i18n = useI18n();
  const { t, plural } = i18n;
  const types = useViolationTypes();
  useTitle(incident.title);
  const rows = historyRows(incident);
  const segments = [...incident.segments].sort(
    (a, b) => (a.itemPath ?? '').localeCompare(b.itemPath ?? '') || a.start - b.start,
  );
  return (
    <article className="page incident">
      <p className="back">
        <Link to="/incidents" search={{}}>
          {t('incident.back')}
        </Link>
      </p>
      <div className="page-head">
        <div className="item-title">
          <h1>
            <Untrusted>{incident.title}</Untrusted>
          </h1>
        </div>
        <StatusBadge status={incident.status} />
      </div>

      <div className="item-grid">
        <section aria-labelledby="facts-h">
          <h2 id="facts-h">{t('incident.facts')}</h2>
          <dl className="facts">
            <div>
              <dt>{t('incident.when')}</dt>
              <dd>{when(i18n, incident)}</dd>
            </div>
            <div>
              <dt>{t('incident.facility')}</dt>
              <dd>
                {incident.facility === null ? (
                  t('common.none')
                ) : (
                  <Untrusted>{incident.facility}</Untrusted>
                )}
              </dd>
            </div>
            <div>
              <dt>{t('incident.acts')}</dt>
              <dd>
                {incident.acts.length === 0 ? (
                  t('common.none')
                ) : (
                  <ul className="chips">
                    {incident.acts.map((code) => (
                      <li key={code} className="chip">
                        {actLabel(i18n, types.data, code)}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
            <div>
              <dt>{t('incident.status')}</dt>
              <dd>
                {canWrite(me) ? (
                  <StatusEditor incident={incident} />
                ) : (
                  <StatusBadge status={incident.status} />
                )}
              </dd>
            </div>
            <div>
              <dt>{t('incident.updatedAt')}</dt>
              <dd>
                <time dateTime={incident.updatedAt}>{i18n.dateTime(incident.updatedAt)}</time>
              </dd>
            </div>
          </dl>
          <p className="small">
            <Link to="/accountability" search={{ incident: incident.id }}>
              {t('accountability.linkIncident')}
            </Link>
          </p>
        </section>
        <section aria-labelledby="description-h">
          <h2 id="description-h">{t('incident.description')}</h2>
          {incident.description === '' ? (
            <p className="muted">{t('incident.noDescription')}</p>
          ) : (
            <p className="description">
              <Untrusted>{incident.description}</Untrusted>
            </p>
          )}
        </section>
      </div>

      <section aria-labelledby="people-h">
        <h2 id="people-h">{t('people.title')}</h2>
        <p className="muted">{t('people.intro')}</p>
        {incident.people.length === 0 ? (
          <p className="muted">{t('people.empty')}</p>
        ) : (
          <ul className="people">
            {incident.people.map((p) => (
              <li key={`${p.id}-${p.role}`}>
                <strong>
                  <Untrusted>{p.pseudonym}</Untrusted>
                </strong>{' '}
                <span className={`badge role-badge role-${p.role}`}>
                  {t(`personRole.${p.role}`)}
                </span>
              </li>
            ))}
          </ul>
        )}
        {canWrite(me) && <AddPerson incident={incident} />}
      </section>

      <section aria-labelledby="segments-h">
        <h2 id="segments-h">{t('incident.segments')}</h2>
        <p className="muted">
          {plural('incident.segmentCount', segments.length)}
          {' · '}
          {plural('incident.itemCount', incident.items.length)}
        </p>
        {segments.length === 0 ? (
          <p className="muted">{t('incident.noSegments')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table incident-segments">
              <caption className="sr-only">{t('incident.segments')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('incident.segment.item')}</th>
                  <th scope="col">{t('segments.col.time')}</th>
                  <th scope="col">{t('segments.col.tags')}</th>
                  <th scope="col">{t('segments.col.note')}</th>
                  <th scope="col">{t('segments.col.by')}</th>
                </tr>
              </thead>
              <tbody>
                {segments.map((s) => (
                  <tr key={s.id}>
                    <td className="cell-name">
                      <SegmentLink segment={s} />
                    </td>
                    <td className="nowrap time">
                      <Link to="/items/$id" params={{ id: s.itemId }} search={{ t: s.start }}>
                        {formatTime(s.start)}–{formatTime(s.end)}
                      </Link>
                    </td>
                    <td>
                      <Tags tags={s.tags} />
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
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <Verification subject={{ type: 'incident', id: incident.id }} me={me} />

      <section aria-labelledby="history-h">
        <h2 id="history-h">{t('incident.history')}</h2>
        <p className="muted">{t('incident.history.intro')}</p>
        <History rows={rows} caption={t('incident.history')} empty={t('item.history.empty')} />
        {rows.some((r) => r.seq === null) && (
          <p className="muted small">{t('incident.history.segmentsNote')}</p>
        )}
      </section>
    </article>
  );
}

function IncidentLoader({ me }: { me: Account }): ReactNode {
  const { t } = useI18n();
  const { id } = useParams({ from: '/incidents/$id' });
  const query = useQuery({ queryKey: ['incident', id], queryFn: () => api.incident(id) });
  return (
    <DetailState
      query={query}
      failed={t('incident.failed')}
      back={
        <Link to="/incidents" search={{}}>
          {t('incident.back')}
        </Link>
      }
    >
      {(data) => <IncidentView incident={data} me={me} />}
    </DetailState>
  );
}

export function IncidentPage(): ReactNode {
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <IncidentLoader me={me} />}
    </Protected>
  );
}
