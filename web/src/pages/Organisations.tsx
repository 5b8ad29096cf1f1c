import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SubmitEvent, ReactNode } from 'react';
import { api, canWrite, type Account } from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field } from '../components/Field.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { useI18n } from '../i18n/index.tsx';
import { Chips, ListState } from '../components/ListState.tsx';
import { NameMatches, useNameMatch } from '../components/NameMatches.tsx';

function OrganisationCreate(): ReactNode {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [aliases, setAliases] = useState('');
  const [kind, setKind] = useState('');
  const [error, setError] = useState<string | null>(null);
  const match = useNameMatch('organisation', name);
  const create = useMutation({
    mutationFn: api.createOrganisation,
    onSuccess: (organisation) => {
      match.applyTo(organisation.id, organisation.name);
      void queryClient.invalidateQueries({ queryKey: ['organisations'] });
      setName('');
      setAliases('');
      setKind('');
    },
  });
  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    if (name.trim() === '') {
      setError(t('validation.required'));
      return;
    }
    setError(null);
    create.mutate({
      name: name.trim(),
      aliases: [
        ...new Set(
          aliases
            .split(',')
            .map((a) => a.trim())
            .filter((a) => a !== ''),
        ),
      ],
      kind: kind.trim(),
    });
  };
  return (
    <form className="form form-box" noValidate onSubmit={submit} aria-labelledby="organisation-new">
      <h2 id="organisation-new">{t('organisations.new')}</h2>
      <div className="form-row">
        <Field
          label={t('organisations.name')}
          value={name}
          error={error}
          maxLength={300}
          autoComplete="off"
          onChange={(e) => {
            setName(e.target.value);
          }}
        />
        <Field
          label={t('organisations.aliases')}
          help={t('organisations.aliases.help')}
          optional
          value={aliases}
          maxLength={2000}
          autoComplete="off"
          onChange={(e) => {
            setAliases(e.target.value);
          }}
        />
      </div>
      <NameMatches match={match} />
      <div className="form-row">
        <Field
          label={t('organisations.kind')}
          help={t('organisations.kind.help')}
          optional
          value={kind}
          maxLength={100}
          autoComplete="off"
          onChange={(e) => {
            setKind(e.target.value);
          }}
        />
      </div>
      {create.isError && <ErrorBox title={t('organisations.failed')} error={create.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={create.isPending}>
          {t('organisations.save')}
        </button>
        {create.isSuccess && (
          <span role="status" className="form-status">
            {t('organisations.added')}
          </span>
        )}
      </div>
    </form>
  );
}

function OrganisationsList({ me }: { me: Account }): ReactNode {
  const { t } = useI18n();
  const query = useQuery({ queryKey: ['organisations'], queryFn: api.organisations });
  const body = (
    <ListState
      query={query}
      failed={t('organisations.loadFailed')}
      empty={t('organisations.empty')}
    >
      {(organisations) => (
        <div className="table-wrap">
          <table className="table organisations-table">
            <caption className="sr-only">{t('organisations.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('organisations.name')}</th>
                <th scope="col">{t('organisations.aliases')}</th>
                <th scope="col">{t('organisations.kind')}</th>
              </tr>
            </thead>
            <tbody>
              {organisations.map((o) => (
                <tr key={o.id}>
                  <th scope="row">
                    <Untrusted>{o.name}</Untrusted>
                  </th>
                  <td>
                    <Chips values={o.aliases} />
                  </td>
                  <td>
                    {o.kind === '' ? (
                      <span className="muted">{t('common.none')}</span>
                    ) : (
                      <Untrusted>{o.kind}</Untrusted>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </ListState>
  );
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('organisations.title')}</h1>
      </div>
      <p className="lead">{t('organisations.intro')}</p>
      {canWrite(me) && <OrganisationCreate />}
      {body}
    </div>
  );
}

export function OrganisationsPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('organisations.title'));
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <OrganisationsList me={me} />}
    </Protected>
  );
}
