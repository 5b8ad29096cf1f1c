import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SubmitEvent, ReactNode } from 'react';
import { api } from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field } from '../components/Field.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { useI18n } from '../i18n/index.tsx';
import { focusFirstInvalid } from './validation.ts';
import { ListState } from '../components/ListState.tsx';

/** The server's rule for a code of the vocabulary. */
const CODE_PATTERN = /^[a-z][a-z0-9-]{1,40}$/;

interface ActErrors {
  code?: string;
  labelEn?: string;
  labelRu?: string;
}

function ActCreate(): ReactNode {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const [labelEn, setLabelEn] = useState('');
  const [labelRu, setLabelRu] = useState('');
  const [errors, setErrors] = useState<ActErrors>({});
  const create = useMutation({
    mutationFn: api.createViolationType,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['violation-types'] });
      setCode('');
      setLabelEn('');
      setLabelRu('');
    },
  });
  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const form = e.currentTarget;
    const next: ActErrors = {};
    if (code.trim() === '') next.code = t('validation.required');
    else if (!CODE_PATTERN.test(code.trim())) next.code = t('acts.code.invalid');
    if (labelEn.trim() === '') next.labelEn = t('validation.required');
    if (labelRu.trim() === '') next.labelRu = t('validation.required');
    setErrors(next);
    if (Object.keys(next).length > 0) {
      focusFirstInvalid(form);
      return;
    }
    create.mutate({ code: code.trim(), labelEn: labelEn.trim(), labelRu: labelRu.trim() });
  };
  return (
    <form className="form form-box" noValidate onSubmit={submit} aria-labelledby="act-new">
      <h2 id="act-new">{t('acts.new')}</h2>
      <div className="form-row">
        <Field
          label={t('acts.code')}
          help={t('acts.code.help')}
          value={code}
          error={errors.code}
          maxLength={41}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => {
            setCode(e.target.value);
          }}
        />
      </div>
      <div className="form-row">
        <Field
          label={t('acts.labelEn')}
          value={labelEn}
          error={errors.labelEn}
          lang="en"
          maxLength={200}
          autoComplete="off"
          onChange={(e) => {
            setLabelEn(e.target.value);
          }}
        />
        <Field
          label={t('acts.labelRu')}
          value={labelRu}
          error={errors.labelRu}
          lang="ru"
          maxLength={200}
          autoComplete="off"
          onChange={(e) => {
            setLabelRu(e.target.value);
          }}
        />
      </div>
      {create.isError && <ErrorBox title={t('acts.failed')} error={create.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={create.isPending}>
          {t('acts.save')}
        </button>
        {create.isSuccess && (
          <span role="status" className="form-status">
            {t('acts.added')}
          </span>
        )}
      </div>
    </form>
  );
}

function ActsList(): ReactNode {
  const { t } = useI18n();
  const query = useQuery({ queryKey: ['violation-types'], queryFn: api.violationTypes });
  const body = (
    <ListState query={query} failed={t('acts.loadFailed')} empty={t('acts.empty')}>
      {(acts) => (
        <div className="table-wrap">
          <table className="table acts-table">
            <caption className="sr-only">{t('acts.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('acts.code')}</th>
                <th scope="col">{t('acts.labelEn')}</th>
                <th scope="col">{t('acts.labelRu')}</th>
              </tr>
            </thead>
            <tbody>
              {acts.map((a) => (
                <tr key={a.code}>
                  <th scope="row">
                    <code>
                      <Untrusted>{a.code}</Untrusted>
                    </code>
                  </th>
                  <td lang="en">
                    <Untrusted>{a.label_en}</Untrusted>
                  </td>
                  <td lang="ru">
                    <Untrusted>{a.label_ru}</Untrusted>
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
        <h1>{t('acts.title')}</h1>
      </div>
      <p className="lead">{t('acts.intro')}</p>
      <ActCreate />
      {body}
    </div>
  );
}

export function ActsPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('acts.title'));
  return (
    <Protected roles={['admin']} forbidden={t('acts.adminsOnly')}>
      {() => <ActsList />}
    </Protected>
  );
}
