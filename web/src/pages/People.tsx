import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SubmitEvent, ReactNode } from 'react';
import { api, canWrite, type Account } from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field } from '../components/Field.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { useI18n } from '../i18n/index.tsx';
import { Chips, ListFooter } from '../components/ListState.tsx';
import { NameMatches, useNameMatch } from '../components/NameMatches.tsx';

const PAGE_SIZE = 50;

/** A pseudonym and a note only: the web app never asks for, sends or shows a real name. */
function PersonCreate(): ReactNode {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [pseudonym, setPseudonym] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const match = useNameMatch('person', pseudonym);
  const create = useMutation({
    mutationFn: api.createPerson,
    onSuccess: (person) => {
      match.applyTo(person.id, person.pseudonym);
      void queryClient.invalidateQueries({ queryKey: ['people'] });
      setPseudonym('');
      setNote('');
    },
  });
  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    if (pseudonym.trim() === '') {
      setError(t('validation.required'));
      return;
    }
    setError(null);
    create.mutate({ pseudonym: pseudonym.trim(), note: note.trim() });
  };
  return (
    <form className="form form-box" noValidate onSubmit={submit} aria-labelledby="person-new">
      <h2 id="person-new">{t('people.add')}</h2>
      <div className="form-row">
        <Field
          label={t('people.pseudonym')}
          help={t('people.pseudonym.help')}
          value={pseudonym}
          error={error}
          maxLength={200}
          autoComplete="off"
          onChange={(e) => {
            setPseudonym(e.target.value);
          }}
        />
        <Field
          label={t('peoplePage.note')}
          optional
          value={note}
          maxLength={2000}
          autoComplete="off"
          onChange={(e) => {
            setNote(e.target.value);
          }}
        />
      </div>
      <NameMatches match={match} />
      {create.isError && <ErrorBox title={t('people.addFailed')} error={create.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={create.isPending}>
          {t('people.addSubmit')}
        </button>
        {create.isSuccess && (
          <span role="status" className="form-status">
            {t('people.added')}
          </span>
        )}
      </div>
    </form>
  );
}

function PeopleList({ me }: { me: Account }): ReactNode {
  const { t, plural } = useI18n();
  const query = useInfiniteQuery({
    queryKey: ['people', 'list'],
    queryFn: ({ pageParam }) => api.people(pageParam, PAGE_SIZE),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
  const people = query.data?.pages.flatMap((p) => p.people) ?? [];
  let body: ReactNode;
  if (query.isPending)
    body = (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  else if (query.isError && people.length === 0)
    body = (
      <ErrorBox
        title={t('people.failed')}
        error={query.error}
        onRetry={() => {
          void query.refetch();
        }}
      />
    );
  else if (people.length === 0)
    body = (
      <div className="empty">
        <p className="empty-title">{t('peoplePage.empty')}</p>
      </div>
    );
  else
    body = (
      <>
        <div className="table-wrap">
          <table className="table people-table" aria-busy={query.isFetching}>
            <caption className="sr-only">{t('people.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('people.pseudonym')}</th>
                <th scope="col">{t('peoplePage.aliases')}</th>
                <th scope="col">{t('peoplePage.note')}</th>
                <th scope="col">{t('peoplePage.realName')}</th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    <Untrusted>{p.pseudonym}</Untrusted>
                  </th>
                  <td>
                    <Chips values={p.aliases} />
                  </td>
                  <td>
                    {p.note === '' ? (
                      <span className="muted">{t('common.none')}</span>
                    ) : (
                      <Untrusted>{p.note}</Untrusted>
                    )}
                  </td>
                  <td>
                    {p.hasRealName ? (
                      t('peoplePage.realName.kept')
                    ) : (
                      <span className="muted">{t('peoplePage.realName.none')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter
          query={query}
          shown={plural('peoplePage.shown', people.length)}
          failed={t('people.failed')}
        />
      </>
    );
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('people.title')}</h1>
      </div>
      <p className="notice" role="note">
        {t('peoplePage.notice')}
      </p>
      {canWrite(me) && <PersonCreate />}
      {body}
    </div>
  );
}

export function PeoplePage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('people.title'));
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <PeopleList me={me} />}
    </Protected>
  );
}
