import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useId, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode, SubmitEvent } from 'react';
import { api, type Facility, type ViolationType } from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field, TextAreaField } from '../components/Field.tsx';
import { useI18n, type I18n } from '../i18n/index.tsx';
import { browserOffset, localToIso, offsetLabel, UTC_OFFSETS } from '../time.ts';
import { focusFirstInvalid } from './validation.ts';

/** An act's label in the reader's language (the vocabulary has English and Russian). */
export function actLabel(i18n: I18n, types: readonly ViolationType[] | undefined, code: string) {
  const type = types?.find((v) => v.code === code);
  if (type === undefined) return code;
  return i18n.language === 'ru' ? type.label_ru : type.label_en;
}

export function useViolationTypes() {
  return useQuery({
    queryKey: ['violation-types'],
    queryFn: api.violationTypes,
    staleTime: 5 * 60_000,
  });
}

export function useFacilities() {
  return useQuery({ queryKey: ['facilities'], queryFn: api.facilities, staleTime: 60_000 });
}

const facilityName = (f: Facility): string =>
  f.region === '' ? f.name : `${f.name} (${f.region})`;

/**
 * A facility that is not in the list yet, added without leaving the incident form (a group of
 * fields, not a nested form: Enter in it adds the facility instead of sending the incident).
 */
function NewFacility({ onAdded }: { onAdded: (facility: Facility) => void }): ReactNode {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [region, setRegion] = useState('');
  const [error, setError] = useState<string | null>(null);
  const groupId = useId();
  const add = useMutation({
    mutationFn: api.createFacility,
    onSuccess: (facility) => {
      void queryClient.invalidateQueries({ queryKey: ['facilities'] });
      onAdded(facility);
      setName('');
      setRegion('');
      setOpen(false);
    },
  });
  const submit = (): void => {
    if (name.trim() === '') {
      setError(t('validation.required'));
      return;
    }
    setError(null);
    add.mutate({ name: name.trim(), region: region.trim() });
  };
  const onEnter = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      submit();
    }
  };
  return (
    <div className="subform">
      <button
        type="button"
        className="link-button"
        aria-expanded={open}
        aria-controls={groupId}
        onClick={() => {
          setOpen(!open);
        }}
      >
        {t('facility.add')}
      </button>
      {open && (
        <div id={groupId} role="group" aria-label={t('facility.add')} className="subform-body">
          <Field
            label={t('facility.name')}
            value={name}
            error={error}
            maxLength={300}
            autoComplete="off"
            onKeyDown={onEnter}
            onChange={(e) => {
              setName(e.target.value);
            }}
          />
          <Field
            label={t('facility.region')}
            optional
            value={region}
            maxLength={200}
            autoComplete="off"
            onKeyDown={onEnter}
            onChange={(e) => {
              setRegion(e.target.value);
            }}
          />
          {add.isError && <ErrorBox title={t('facility.failed')} error={add.error} />}
          <div className="form-actions">
            <button
              type="button"
              className="button button-secondary"
              disabled={add.isPending}
              onClick={submit}
            >
              {t('facility.save')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

/** The acts of an incident: checkboxes from the vocabulary, labelled in the reader's language. */
export function ActsField({
  value,
  onChange,
}: {
  value: readonly string[];
  onChange: (acts: string[]) => void;
}): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const types = useViolationTypes();
  return (
    <fieldset className="checks">
      <legend>
        {t('incident.acts')} <span className="field-optional">{t('common.optional')}</span>
      </legend>
      {types.isPending && <p className="loading">{t('common.loading')}</p>}
      {types.isError && <ErrorBox title={t('incident.actsFailed')} error={types.error} />}
      <div className="check-grid">
        {types.data?.map((type) => (
          <label key={type.code} className="inline-check">
            <input
              type="checkbox"
              name="acts"
              value={type.code}
              checked={value.includes(type.code)}
              onChange={(e) => {
                onChange(
                  e.target.checked
                    ? [...value, type.code]
                    : value.filter((code) => code !== type.code),
                );
              }}
            />
            <span>{actLabel(i18n, types.data, type.code)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * A new incident. Times are entered as the clock at the facility showed them, with that
 * clock's UTC offset (the reader's own zone is only the default), and sent as ISO 8601 with
 * the offset, so that 14:30 in a prison on UTC+04:00 is 14:30 there wherever it is entered.
 */
export function IncidentForm({ onCancel }: { onCancel: () => void }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const facilities = useFacilities();
  const [title, setTitle] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [offset, setOffset] = useState(() => browserOffset());
  const [offsetPicked, setOffsetPicked] = useState(false);
  const [facilityId, setFacilityId] = useState('');
  const [acts, setActs] = useState<string[]>([]);
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<{
    title?: string | undefined;
    endsAt?: string | undefined;
  }>({});
  const create = useMutation({
    mutationFn: api.createIncident,
    onSuccess: (incident) => {
      void queryClient.invalidateQueries({ queryKey: ['incidents'] });
      void navigate({ to: '/incidents/$id', params: { id: incident.id } });
    },
  });

  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const starts = startsAt === '' ? null : localToIso(startsAt, offset);
    const ends = endsAt === '' ? null : localToIso(endsAt, offset);
    const next: { title?: string; endsAt?: string } = {};
    if (title.trim() === '') next.title = t('validation.required');
    if (starts !== null && ends !== null && Date.parse(ends) < Date.parse(starts))
      next.endsAt = t('incident.endsBeforeStarts');
    setErrors(next);
    if (Object.keys(next).length > 0) {
      focusFirstInvalid(formRef.current);
      return;
    }
    create.mutate({
      title: title.trim(),
      startsAt: starts,
      endsAt: ends,
      facilityId: facilityId === '' ? null : facilityId,
      acts,
      description: description.trim(),
    });
  };

  return (
    <form
      ref={formRef}
      className="form incident-form"
      onSubmit={submit}
      noValidate
      aria-labelledby="new-incident-h"
    >
      <h2 id="new-incident-h">{t('incidents.new')}</h2>
      <Field
        label={t('incident.title')}
        value={title}
        error={errors.title}
        maxLength={500}
        autoComplete="off"
        help={t('incident.title.help')}
        onChange={(e) => {
          setTitle(e.target.value);
          setErrors((x) => ({ ...x, title: undefined }));
        }}
      />
      <div className="form-row">
        <Field
          label={t('incident.startsAt')}
          optional
          type="datetime-local"
          value={startsAt}
          onChange={(e) => {
            setStartsAt(e.target.value);
            // Until an offset is picked, it follows this browser's zone on that date (summer time).
            if (!offsetPicked && e.target.value !== '') setOffset(browserOffset(e.target.value));
          }}
        />
        <Field
          label={t('incident.endsAt')}
          optional
          type="datetime-local"
          value={endsAt}
          min={startsAt === '' ? undefined : startsAt}
          error={errors.endsAt}
          onChange={(e) => {
            setEndsAt(e.target.value);
            setErrors((x) => ({ ...x, endsAt: undefined }));
          }}
        />
        <div className="field">
          <label htmlFor="incident-offset">{t('incident.offset')}</label>
          <select
            id="incident-offset"
            value={offset}
            aria-describedby="incident-offset-help"
            onChange={(e) => {
              setOffset(Number(e.target.value));
              setOffsetPicked(true);
            }}
          >
            {UTC_OFFSETS.map((o) => (
              <option key={o} value={o}>
                {offsetLabel(o)}
                {o === browserOffset(startsAt === '' ? undefined : startsAt)
                  ? ` ${t('incident.offset.yours')}`
                  : ''}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="field-help" id="incident-offset-help">
        {t('incident.offset.help')}
      </p>

      <div className="field">
        <label htmlFor="incident-facility">
          {t('incident.facility')} <span className="field-optional">{t('common.optional')}</span>
        </label>
        <select
          id="incident-facility"
          value={facilityId}
          onChange={(e) => {
            setFacilityId(e.target.value);
          }}
        >
          <option value="">{t('incident.noFacility')}</option>
          {facilities.data?.map((f) => (
            <option key={f.id} value={f.id}>
              {facilityName(f)}
            </option>
          ))}
        </select>
        {facilities.isError && (
          <ErrorBox title={t('incident.facilitiesFailed')} error={facilities.error} />
        )}
        <NewFacility
          onAdded={(f) => {
            setFacilityId(f.id);
          }}
        />
      </div>

      <ActsField value={acts} onChange={setActs} />

      <TextAreaField
        label={t('incident.description')}
        optional
        rows={4}
        maxLength={20_000}
        value={description}
        help={t('incident.description.help')}
        onChange={(e) => {
          setDescription(e.target.value);
        }}
      />

      {create.isError && <ErrorBox title={t('incidents.createFailed')} error={create.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={create.isPending}>
          {t('incidents.create')}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
