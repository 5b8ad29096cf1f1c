import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field, TextAreaField } from '../components/Field.tsx';
import {
  PickList,
  responseLabel,
  useIncidentOptions,
  useOrganisations,
  usePeopleOptions,
  useResponses,
} from '../components/ResponseBits.tsx';
import { useI18n } from '../i18n/index.tsx';
import { responsesApi, type Claim, type ClaimFields } from '../responses-api.ts';
import { focusFirstInvalid } from './validation.ts';

/**
 * A figure as typed: null when empty, undefined when not a number. Spaces between thousands and
 * a decimal comma (as Russian is written) are accepted.
 */
export function parseFigure(text: string): number | null | undefined {
  const v = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (v === '') return null;
  if (!/^[-+]?\d+(\.\d+)?$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && Math.abs(n) <= 1e12 ? n : undefined;
}

interface Errors {
  quote?: string | undefined;
  figure?: string | undefined;
  figureUnit?: string | undefined;
}

/**
 * A claim quoted from a source: the exact sentence, what it says, the figure it gives and in
 * what unit (figures in one unit are compared between sources), the day it names, and the
 * records it is about. Adds a claim, or changes one.
 */
export function ClaimForm({
  sourceId,
  claim,
  onSaved,
  onCancel,
}: {
  sourceId: string;
  claim?: Claim | undefined;
  onSaved?: (() => void) | undefined;
  onCancel?: (() => void) | undefined;
}): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const headingId = useId();
  const incidents = useIncidentOptions();
  const people = usePeopleOptions();
  const organisations = useOrganisations();
  const responses = useResponses();
  const [quote, setQuote] = useState(claim?.quote ?? '');
  const [summary, setSummary] = useState(claim?.summary ?? '');
  const [figure, setFigure] = useState(
    claim?.figure === null || !claim ? '' : String(claim.figure),
  );
  const [figureUnit, setFigureUnit] = useState(claim?.figureUnit ?? '');
  const [claimedDate, setClaimedDate] = useState(claim?.claimedDate ?? '');
  const [incidentIds, setIncidentIds] = useState<string[]>([...(claim?.incidents ?? [])]);
  const [personIds, setPersonIds] = useState<string[]>([...(claim?.people ?? [])]);
  const [organisationIds, setOrganisationIds] = useState<string[]>([
    ...(claim?.organisations ?? []),
  ]);
  const [responseIds, setResponseIds] = useState<string[]>([...(claim?.responses ?? [])]);
  const [errors, setErrors] = useState<Errors>({});
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (input: ClaimFields) =>
      claim === undefined
        ? responsesApi.createClaim({ ...input, sourceId })
        : responsesApi.updateClaim(claim.id, input),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['source', sourceId] });
      void queryClient.invalidateQueries({ queryKey: ['sources'] });
      void queryClient.invalidateQueries({ queryKey: ['responses'] });
      void queryClient.invalidateQueries({ queryKey: ['response'] });
      void queryClient.invalidateQueries({ queryKey: ['source-claims'] });
      if (claim === undefined) {
        setQuote('');
        setSummary('');
        setFigure('');
        setFigureUnit('');
        setClaimedDate('');
        setIncidentIds([]);
        setPersonIds([]);
        setOrganisationIds([]);
        setResponseIds([]);
        setSaved(true);
      }
      onSaved?.();
    },
  });
  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    setSaved(false);
    const next: Errors = {};
    if (quote.trim() === '') next.quote = t('validation.required');
    const n = parseFigure(figure);
    if (n === undefined) next.figure = t('claims.figure.invalid');
    if (typeof n === 'number' && figureUnit.trim() === '')
      next.figureUnit = t('claims.unit.needed');
    setErrors(next);
    if (Object.keys(next).length > 0) {
      focusFirstInvalid(formRef.current);
      return;
    }
    save.mutate({
      quote: quote.trim(),
      summary: summary.trim(),
      figure: n ?? null,
      figureUnit: figureUnit.trim(),
      claimedDate: claimedDate === '' ? null : claimedDate,
      incidents: incidentIds,
      people: personIds,
      organisations: organisationIds,
      responses: responseIds,
    });
  };
  return (
    <form
      ref={formRef}
      className="form form-box claim-form"
      noValidate
      onSubmit={submit}
      aria-labelledby={headingId}
    >
      <h3 id={headingId}>{claim === undefined ? t('claims.new') : t('claims.edit')}</h3>
      <TextAreaField
        label={t('claims.quote')}
        help={t('claims.quote.help')}
        rows={3}
        maxLength={5000}
        value={quote}
        error={errors.quote}
        onChange={(e) => {
          setQuote(e.target.value);
          setErrors((x) => ({ ...x, quote: undefined }));
        }}
      />
      <Field
        label={t('claims.summary')}
        help={t('claims.summary.help')}
        optional
        value={summary}
        maxLength={1000}
        autoComplete="off"
        onChange={(e) => {
          setSummary(e.target.value);
        }}
      />
      <div className="form-row">
        <Field
          label={t('claims.figure')}
          help={t('claims.figure.help')}
          optional
          inputMode="decimal"
          value={figure}
          error={errors.figure}
          maxLength={30}
          autoComplete="off"
          onChange={(e) => {
            setFigure(e.target.value);
            setErrors((x) => ({ ...x, figure: undefined, figureUnit: undefined }));
          }}
        />
        <Field
          label={t('claims.unit')}
          help={t('claims.unit.help')}
          optional
          value={figureUnit}
          error={errors.figureUnit}
          maxLength={200}
          autoComplete="off"
          onChange={(e) => {
            setFigureUnit(e.target.value);
            setErrors((x) => ({ ...x, figureUnit: undefined }));
          }}
        />
        <Field
          label={t('claims.claimedDate')}
          help={t('claims.claimedDate.help')}
          optional
          type="date"
          value={claimedDate}
          onChange={(e) => {
            setClaimedDate(e.target.value);
          }}
        />
      </div>
      <div className="pick-grid">
        <PickList
          label={t('claims.incidents')}
          options={incidents.data ?? []}
          value={incidentIds}
          onChange={setIncidentIds}
          loading={incidents.isPending}
          error={incidents.error}
        />
        <PickList
          label={t('claims.people')}
          options={(people.data ?? []).map((p) => ({ id: p.id, label: p.pseudonym }))}
          value={personIds}
          onChange={setPersonIds}
          loading={people.isPending}
          error={people.error}
        />
        <PickList
          label={t('claims.organisations')}
          options={(organisations.data ?? []).map((o) => ({ id: o.id, label: o.name }))}
          value={organisationIds}
          onChange={setOrganisationIds}
          loading={organisations.isPending}
          error={organisations.error}
        />
        <PickList
          label={t('claims.responses')}
          options={(responses.data ?? []).map((r) => ({ id: r.id, label: responseLabel(i18n, r) }))}
          value={responseIds}
          onChange={setResponseIds}
          loading={responses.isPending}
          error={responses.error}
        />
      </div>
      {save.isError && <ErrorBox title={t('claims.saveFailed')} error={save.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {claim === undefined ? t('claims.add') : t('claims.saveChanges')}
        </button>
        {onCancel !== undefined && (
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
        <span role="status" className="form-status">
          {saved ? t('claims.added') : ''}
        </span>
      </div>
    </form>
  );
}
