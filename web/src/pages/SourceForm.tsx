import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field, TextAreaField } from '../components/Field.tsx';
import { safeUrl } from '../components/ResponseBits.tsx';
import { useI18n } from '../i18n/index.tsx';
import {
  responsesApi,
  SOURCE_KINDS,
  type SourceDetail,
  type SourceInput,
  type SourceKind,
} from '../responses-api.ts';
import { focusFirstInvalid } from './validation.ts';

const UUID_IN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** An item's id, or an item page's address with one in it; null when empty, undefined when bad. */
function itemIdOf(text: string): string | null | undefined {
  const v = text.trim();
  if (v === '') return null;
  const m = UUID_IN.exec(v);
  return m === null ? undefined : m[0].toLowerCase();
}

interface Errors {
  outlet?: string | undefined;
  url?: string | undefined;
  itemId?: string | undefined;
}

/**
 * A news report, document, statement or court paper: who published it, where and when, and
 * the text as archived (the stored PDF or HTML copy is an item, linked by its id). Used to add
 * a source and to change one.
 */
export function SourceForm({
  source,
  onSaved,
  onCancel,
}: {
  source?: SourceDetail | undefined;
  onSaved: (source: SourceDetail) => void;
  onCancel?: (() => void) | undefined;
}): ReactNode {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [kind, setKind] = useState<SourceKind>(source?.kind ?? 'news');
  const [outlet, setOutlet] = useState(source?.outlet ?? '');
  const [author, setAuthor] = useState(source?.author ?? '');
  const [url, setUrl] = useState(source?.url ?? '');
  const [publishedOn, setPublishedOn] = useState(source?.publishedOn ?? '');
  const [language, setLanguage] = useState(source?.language ?? '');
  const [title, setTitle] = useState(source?.title ?? '');
  const [archivedText, setArchivedText] = useState(source?.archivedText ?? '');
  const [note, setNote] = useState(source?.note ?? '');
  const [itemId, setItemId] = useState(source?.itemId ?? '');
  const [errors, setErrors] = useState<Errors>({});
  const save = useMutation({
    mutationFn: (input: SourceInput) =>
      source === undefined
        ? responsesApi.createSource(input)
        : responsesApi.updateSource(source.id, input),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['sources'] });
      void queryClient.invalidateQueries({ queryKey: ['source', saved.id] });
      onSaved(saved);
    },
  });
  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const next: Errors = {};
    if (outlet.trim() === '') next.outlet = t('validation.required');
    if (url.trim() !== '' && safeUrl(url.trim()) === null) next.url = t('sources.url.invalid');
    const item = itemIdOf(itemId);
    if (item === undefined) next.itemId = t('sources.item.invalid');
    setErrors(next);
    if (Object.keys(next).length > 0) {
      focusFirstInvalid(formRef.current);
      return;
    }
    save.mutate({
      kind,
      outlet: outlet.trim(),
      author: author.trim(),
      url: url.trim() === '' ? null : url.trim(),
      publishedOn: publishedOn === '' ? null : publishedOn,
      language: language.trim(),
      title: title.trim(),
      archivedText,
      itemId: item ?? null,
      note: note.trim(),
    });
  };
  const headingId = source === undefined ? 'source-new' : 'source-edit';
  return (
    <form
      ref={formRef}
      className="form form-box source-form"
      noValidate
      onSubmit={submit}
      aria-labelledby={headingId}
    >
      <h2 id={headingId}>{source === undefined ? t('sources.new') : t('sources.edit')}</h2>
      <div className="form-row">
        <div className="field">
          <label htmlFor="source-kind">{t('sources.kind')}</label>
          <select
            id="source-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as SourceKind);
            }}
          >
            {SOURCE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`sourceKind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <Field
          label={t('sources.outlet')}
          help={t('sources.outlet.help')}
          value={outlet}
          error={errors.outlet}
          maxLength={300}
          autoComplete="off"
          onChange={(e) => {
            setOutlet(e.target.value);
            setErrors((x) => ({ ...x, outlet: undefined }));
          }}
        />
        <Field
          label={t('sources.author')}
          optional
          value={author}
          maxLength={300}
          autoComplete="off"
          onChange={(e) => {
            setAuthor(e.target.value);
          }}
        />
      </div>
      <Field
        label={t('sources.titleField')}
        optional
        value={title}
        maxLength={1000}
        autoComplete="off"
        onChange={(e) => {
          setTitle(e.target.value);
        }}
      />
      <div className="form-row">
        <Field
          label={t('sources.url')}
          optional
          type="url"
          inputMode="url"
          value={url}
          error={errors.url}
          maxLength={2000}
          autoComplete="off"
          placeholder="https://"
          onChange={(e) => {
            setUrl(e.target.value);
          }}
        />
        <Field
          label={t('sources.publishedOn')}
          optional
          type="date"
          value={publishedOn}
          onChange={(e) => {
            setPublishedOn(e.target.value);
          }}
        />
        <Field
          label={t('sources.language')}
          help={t('sources.language.help')}
          optional
          value={language}
          maxLength={35}
          autoComplete="off"
          onChange={(e) => {
            setLanguage(e.target.value);
          }}
        />
      </div>
      <TextAreaField
        label={t('sources.archivedText')}
        help={t('sources.archivedText.help')}
        optional
        rows={5}
        maxLength={500_000}
        value={archivedText}
        onChange={(e) => {
          setArchivedText(e.target.value);
        }}
      />
      <div className="form-row">
        <Field
          label={t('sources.item')}
          help={t('sources.item.help')}
          optional
          value={itemId}
          error={errors.itemId}
          maxLength={300}
          autoComplete="off"
          onChange={(e) => {
            setItemId(e.target.value);
          }}
        />
        <Field
          label={t('sources.note')}
          help={t('sources.note.help')}
          optional
          value={note}
          maxLength={20_000}
          autoComplete="off"
          onChange={(e) => {
            setNote(e.target.value);
          }}
        />
      </div>
      {save.isError && <ErrorBox title={t('sources.saveFailed')} error={save.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {source === undefined ? t('sources.add') : t('sources.saveChanges')}
        </button>
        {onCancel !== undefined && (
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
