import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field, TextAreaField } from '../components/Field.tsx';
import { Untrusted } from '../components/PathText.tsx';
import {
  PickList,
  roleLabel,
  useIncidentOptions,
  useOrganisations,
  usePeopleOptions,
} from '../components/ResponseBits.tsx';
import { useI18n } from '../i18n/index.tsx';
import {
  RESPONSE_PERSON_ROLES,
  RESPONSE_TYPES,
  responsesApi,
  type ResponseDetail,
  type ResponseInput,
  type ResponsePersonRole,
  type ResponseType,
} from '../responses-api.ts';
import { useFacilities } from './IncidentForm.tsx';

interface PersonPick {
  readonly personId: string;
  readonly role: ResponsePersonRole;
}

/** The people a response concerns, each in a role: chosen one by one. */
function PeoplePicker({
  value,
  onChange,
}: {
  value: readonly PersonPick[];
  onChange: (people: PersonPick[]) => void;
}): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const people = usePeopleOptions();
  const id = useId();
  const [personId, setPersonId] = useState('');
  const [role, setRole] = useState<ResponsePersonRole>('subject');
  const names = new Map((people.data ?? []).map((p) => [p.id, p.pseudonym]));
  const taken = (p: string, r: ResponsePersonRole): boolean =>
    value.some((v) => v.personId === p && v.role === r);
  return (
    <fieldset className="pick-list">
      <legend>
        {t('response.people')} <span className="field-optional">{t('common.optional')}</span>
      </legend>
      <p className="field-help">{t('response.people.help')}</p>
      {value.length > 0 && (
        <ul className="picked">
          {value.map((v) => (
            <li key={`${v.personId}-${v.role}`}>
              <Untrusted>{names.get(v.personId) ?? v.personId}</Untrusted>{' '}
              <span className="badge role-badge">{roleLabel(i18n, v.role)}</span>{' '}
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  onChange(value.filter((x) => x !== v));
                }}
              >
                {t('pick.remove')}
                <span className="sr-only"> {names.get(v.personId) ?? v.personId}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {people.isPending && <p className="loading">{t('common.loading')}</p>}
      {people.isError && <ErrorBox title={t('pick.failed')} error={people.error} />}
      <div className="pick-row">
        <label className="sr-only" htmlFor={`${id}-person`}>
          {t('response.person')}
        </label>
        <select
          id={`${id}-person`}
          value={personId}
          onChange={(e) => {
            setPersonId(e.target.value);
          }}
        >
          <option value="">{t('pick.placeholder')}</option>
          {people.data?.map((p) => (
            <option key={p.id} value={p.id}>
              {p.pseudonym}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor={`${id}-role`}>
          {t('response.role')}
        </label>
        <select
          id={`${id}-role`}
          value={role}
          onChange={(e) => {
            setRole(e.target.value as ResponsePersonRole);
          }}
        >
          {RESPONSE_PERSON_ROLES.map((r) => (
            <option key={r} value={r}>
              {roleLabel(i18n, r)}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button button-secondary"
          disabled={personId === '' || taken(personId, role)}
          onClick={() => {
            if (personId !== '' && !taken(personId, role)) onChange([...value, { personId, role }]);
            setPersonId('');
          }}
        >
          {t('response.addPerson')}
        </button>
      </div>
    </fieldset>
  );
}

export interface ClaimPick {
  readonly id: string;
  readonly label: string;
}

/** Claims that report the response: a source first, then one of its claims. */
function ClaimsPicker({
  value,
  onChange,
}: {
  value: readonly ClaimPick[];
  onChange: (claims: ClaimPick[]) => void;
}): ReactNode {
  const { t } = useI18n();
  const id = useId();
  const [sourceId, setSourceId] = useState('');
  const [claimId, setClaimId] = useState('');
  const sources = useQuery({
    queryKey: ['sources', 'options'],
    queryFn: async () => (await responsesApi.sources(undefined, null, 500)).sources,
    staleTime: 30_000,
  });
  const claims = useQuery({
    queryKey: ['source-claims', sourceId],
    queryFn: () => responsesApi.sourceClaims(sourceId),
    enabled: sourceId !== '',
  });
  const rest = (claims.data ?? []).filter((c) => !value.some((v) => v.id === c.id));
  const sourceLabel = (s: { outlet: string; title: string }): string =>
    [s.outlet, s.title].filter((x) => x !== '').join(' — ') || t('sources.untitled');
  return (
    <fieldset className="pick-list">
      <legend>
        {t('response.claims')} <span className="field-optional">{t('common.optional')}</span>
      </legend>
      <p className="field-help">{t('response.claims.help')}</p>
      {value.length > 0 && (
        <ul className="picked">
          {value.map((v) => (
            <li key={v.id}>
              <Untrusted>{v.label}</Untrusted>{' '}
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  onChange(value.filter((x) => x.id !== v.id));
                }}
              >
                {t('pick.remove')}
                <span className="sr-only"> {v.label}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {sources.isError && <ErrorBox title={t('sources.failed')} error={sources.error} />}
      {claims.isError && <ErrorBox title={t('claims.failed')} error={claims.error} />}
      <div className="pick-row pick-row-wide">
        <label className="sr-only" htmlFor={`${id}-source`}>
          {t('response.claimSource')}
        </label>
        <select
          id={`${id}-source`}
          value={sourceId}
          onChange={(e) => {
            setSourceId(e.target.value);
            setClaimId('');
          }}
        >
          <option value="">{t('response.claimSource.placeholder')}</option>
          {sources.data?.map((s) => (
            <option key={s.id} value={s.id}>
              {sourceLabel(s)}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor={`${id}-claim`}>
          {t('response.claim')}
        </label>
        <select
          id={`${id}-claim`}
          value={claimId}
          disabled={sourceId === '' || rest.length === 0}
          onChange={(e) => {
            setClaimId(e.target.value);
          }}
        >
          <option value="">
            {sourceId !== '' && claims.isSuccess && rest.length === 0
              ? t('response.claim.none')
              : t('response.claim.placeholder')}
          </option>
          {rest.map((c) => (
            <option key={c.id} value={c.id}>
              {c.quote}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button button-secondary"
          disabled={claimId === ''}
          onClick={() => {
            const claim = claims.data?.find((c) => c.id === claimId);
            if (claim !== undefined)
              onChange([
                ...value,
                { id: claim.id, label: `«${claim.quote}» — ${claim.source.outlet}` },
              ]);
            setClaimId('');
          }}
        >
          {t('response.addClaim')}
        </button>
      </div>
    </fieldset>
  );
}

/**
 * An official response: its type from the vocabulary, day, acting body, the facility it
 * concerns, a summary, the people concerned in their roles, the incidents it answers and the
 * claims that report it. Adds a response, or changes one (every list is sent, and replaces).
 */
export function ResponseForm({
  response,
  onSaved,
  onCancel,
}: {
  response?: ResponseDetail | undefined;
  onSaved: (response: ResponseDetail) => void;
  onCancel: () => void;
}): ReactNode {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const headingId = useId();
  const organisations = useOrganisations();
  const facilities = useFacilities();
  const incidents = useIncidentOptions();
  const [type, setType] = useState<ResponseType | ''>(response?.type ?? '');
  const [date, setDate] = useState(response?.date ?? '');
  const [actingBodyId, setActingBodyId] = useState(response?.actingBodyId ?? '');
  const [facilityId, setFacilityId] = useState(response?.facilityId ?? '');
  const [summary, setSummary] = useState(response?.summary ?? '');
  const [people, setPeople] = useState<PersonPick[]>(
    (response?.people ?? []).map((p) => ({ personId: p.id, role: p.role })),
  );
  const [incidentIds, setIncidentIds] = useState<string[]>(
    (response?.incidents ?? []).map((i) => i.id),
  );
  const [claims, setClaims] = useState<ClaimPick[]>(
    (response?.claims ?? []).map((c) => ({
      id: c.id,
      label: `«${c.quote}» — ${c.source.outlet}`,
    })),
  );
  const [typeError, setTypeError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (input: ResponseInput) =>
      response === undefined
        ? responsesApi.createResponse(input)
        : responsesApi.updateResponse(response.id, input),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['responses'] });
      void queryClient.invalidateQueries({ queryKey: ['response', saved.id] });
      void queryClient.invalidateQueries({ queryKey: ['accountability'] });
      void queryClient.invalidateQueries({ queryKey: ['source'] });
      onSaved(saved);
    },
  });
  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    if (type === '') {
      setTypeError(t('response.type.required'));
      formRef.current?.querySelector<HTMLElement>('select')?.focus();
      return;
    }
    setTypeError(null);
    save.mutate({
      type,
      date: date === '' ? null : date,
      actingBodyId: actingBodyId === '' ? null : actingBodyId,
      facilityId: facilityId === '' ? null : facilityId,
      summary: summary.trim(),
      people,
      incidents: incidentIds,
      claims: claims.map((c) => c.id),
    });
  };
  return (
    <form
      ref={formRef}
      className="form form-box response-form"
      noValidate
      onSubmit={submit}
      aria-labelledby={headingId}
    >
      <h2 id={headingId}>{response === undefined ? t('responses.new') : t('response.edit')}</h2>
      <div className="form-row">
        <div className={`field${typeError === null ? '' : ' field-invalid'}`}>
          <label htmlFor={`${headingId}-type`}>{t('response.type')}</label>
          <select
            id={`${headingId}-type`}
            value={type}
            aria-invalid={typeError === null ? undefined : true}
            aria-describedby={typeError === null ? undefined : `${headingId}-type-error`}
            onChange={(e) => {
              setType(e.target.value as ResponseType | '');
              setTypeError(null);
            }}
          >
            <option value="">{t('response.type.choose')}</option>
            {RESPONSE_TYPES.map((rt) => (
              <option key={rt} value={rt}>
                {t(`responseType.${rt}`)}
              </option>
            ))}
          </select>
          {typeError !== null && (
            <p className="field-error" id={`${headingId}-type-error`} role="alert">
              {typeError}
            </p>
          )}
        </div>
        <Field
          label={t('response.date')}
          help={t('response.date.help')}
          optional
          type="date"
          value={date}
          onChange={(e) => {
            setDate(e.target.value);
          }}
        />
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${headingId}-body`}>
            {t('response.actingBody')}{' '}
            <span className="field-optional">{t('common.optional')}</span>
          </label>
          <select
            id={`${headingId}-body`}
            value={actingBodyId}
            onChange={(e) => {
              setActingBodyId(e.target.value);
            }}
          >
            <option value="">{t('response.noBody')}</option>
            {organisations.data?.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
          {organisations.isError && (
            <ErrorBox title={t('organisations.loadFailed')} error={organisations.error} />
          )}
        </div>
        <div className="field">
          <label htmlFor={`${headingId}-facility`}>
            {t('response.facility')} <span className="field-optional">{t('common.optional')}</span>
          </label>
          <select
            id={`${headingId}-facility`}
            value={facilityId}
            onChange={(e) => {
              setFacilityId(e.target.value);
            }}
          >
            <option value="">{t('response.noFacility')}</option>
            {facilities.data?.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
          {facilities.isError && (
            <ErrorBox title={t('incident.facilitiesFailed')} error={facilities.error} />
          )}
        </div>
      </div>
      <TextAreaField
        label={t('response.summary')}
        help={t('response.summary.help')}
        optional
        rows={3}
        maxLength={5000}
        value={summary}
        onChange={(e) => {
          setSummary(e.target.value);
        }}
      />
      <div className="pick-grid">
        <PeoplePicker value={people} onChange={setPeople} />
        <PickList
          label={t('response.incidents')}
          help={t('response.incidents.help')}
          options={incidents.data ?? []}
          value={incidentIds}
          onChange={setIncidentIds}
          loading={incidents.isPending}
          error={incidents.error}
        />
      </div>
      <ClaimsPicker value={claims} onChange={setClaims} />
      {save.isError && <ErrorBox title={t('response.saveFailed')} error={save.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {response === undefined ? t('responses.create') : t('response.saveChanges')}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
