import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
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

/**
 * A typed coordinate: null when left empty, undefined when it is not a number within ±limit
 * (a decimal comma is accepted, as Russian keyboards type it).
 */
function coordinate(text: string, limit: number): number | null | undefined {
  const v = text.trim().replace(',', '.');
  if (v === '') return null;
  if (!/^[-+]?\d+(\.\d+)?$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}

function FacilityCreate(): ReactNode {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [aliases, setAliases] = useState('');
  const [type, setType] = useState('');
  const [region, setRegion] = useState('');
  const [latitude, setLatitude] = useState('');
  const [longitude, setLongitude] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [coordErrors, setCoordErrors] = useState<{ lat?: string; lon?: string }>({});
  const match = useNameMatch('facility', name);
  const create = useMutation({
    mutationFn: api.createFacility,
    onSuccess: (facility) => {
      match.applyTo(facility.id, facility.name);
      void queryClient.invalidateQueries({ queryKey: ['facilities'] });
      setName('');
      setAliases('');
      setType('');
      setRegion('');
      setLatitude('');
      setLongitude('');
    },
  });
  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const lat = coordinate(latitude, 90);
    const lon = coordinate(longitude, 180);
    const coords: { lat?: string; lon?: string } = {};
    if (lat === undefined) coords.lat = t('facilities.latitude.invalid');
    if (lon === undefined) coords.lon = t('facilities.longitude.invalid');
    if (lat === null && typeof lon === 'number') coords.lat = t('facilities.coordinates.both');
    if (lon === null && typeof lat === 'number') coords.lon = t('facilities.coordinates.both');
    setCoordErrors(coords);
    const nameError = name.trim() === '' ? t('validation.required') : null;
    setError(nameError);
    if (nameError !== null || coords.lat !== undefined || coords.lon !== undefined) return;
    create.mutate({
      latitude: lat ?? null,
      longitude: lon ?? null,
      name: name.trim(),
      aliases: aliases
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== ''),
      type: type.trim(),
      region: region.trim(),
    });
  };
  return (
    <form className="form form-box" noValidate onSubmit={submit} aria-labelledby="facility-new">
      <h2 id="facility-new">{t('facilities.new')}</h2>
      <div className="form-row">
        <Field
          label={t('facility.name')}
          value={name}
          error={error}
          maxLength={300}
          autoComplete="off"
          onChange={(e) => {
            setName(e.target.value);
          }}
        />
        <Field
          label={t('facilities.aliases')}
          help={t('facilities.aliases.help')}
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
          label={t('facilities.type')}
          optional
          value={type}
          maxLength={100}
          autoComplete="off"
          onChange={(e) => {
            setType(e.target.value);
          }}
        />
        <Field
          label={t('facility.region')}
          optional
          value={region}
          maxLength={200}
          autoComplete="off"
          onChange={(e) => {
            setRegion(e.target.value);
          }}
        />
      </div>
      <div className="form-row">
        <Field
          label={t('facilities.latitude')}
          help={t('facilities.latitude.help')}
          optional
          value={latitude}
          error={coordErrors.lat}
          inputMode="decimal"
          maxLength={30}
          autoComplete="off"
          onChange={(e) => {
            setLatitude(e.target.value);
          }}
        />
        <Field
          label={t('facilities.longitude')}
          help={t('facilities.longitude.help')}
          optional
          value={longitude}
          error={coordErrors.lon}
          inputMode="decimal"
          maxLength={30}
          autoComplete="off"
          onChange={(e) => {
            setLongitude(e.target.value);
          }}
        />
      </div>
      {create.isError && <ErrorBox title={t('facility.failed')} error={create.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={create.isPending}>
          {t('facility.save')}
        </button>
        {create.isSuccess && (
          <span role="status" className="form-status">
            {t('facilities.added')}
          </span>
        )}
      </div>
    </form>
  );
}

function FacilitiesList({ me }: { me: Account }): ReactNode {
  const { t } = useI18n();
  const query = useQuery({ queryKey: ['facilities'], queryFn: api.facilities });
  const body = (
    <ListState query={query} failed={t('incident.facilitiesFailed')} empty={t('facilities.empty')}>
      {(facilities) => (
        <div className="table-wrap">
          <table className="table facilities-table">
            <caption className="sr-only">{t('facilities.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('facilities.name')}</th>
                <th scope="col">{t('facilities.aliases')}</th>
                <th scope="col">{t('facilities.type')}</th>
                <th scope="col">{t('facility.region')}</th>
              </tr>
            </thead>
            <tbody>
              {facilities.map((f) => (
                <tr key={f.id}>
                  <th scope="row">
                    <Untrusted>{f.name}</Untrusted>{' '}
                    <Link
                      to="/accountability"
                      search={{ facility: f.id }}
                      className="small row-link"
                      aria-label={`${t('accountability.link')}: ${f.name}`}
                    >
                      {t('accountability.link')}
                    </Link>
                  </th>
                  <td>
                    <Chips values={f.aliases} />
                  </td>
                  <td>
                    {f.type === '' ? (
                      <span className="muted">{t('common.none')}</span>
                    ) : (
                      <Untrusted>{f.type}</Untrusted>
                    )}
                  </td>
                  <td>
                    {f.region === '' ? (
                      <span className="muted">{t('common.none')}</span>
                    ) : (
                      <Untrusted>{f.region}</Untrusted>
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
        <h1>{t('facilities.title')}</h1>
      </div>
      <p className="lead">{t('facilities.intro')}</p>
      {canWrite(me) && <FacilityCreate />}
      {body}
    </div>
  );
}

export function FacilitiesPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('facilities.title'));
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <FacilitiesList me={me} />}
    </Protected>
  );
}
