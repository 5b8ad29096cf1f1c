import { useState } from 'react';
import type { ReactNode } from 'react';
import type { Segment } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { roundTime } from '../redaction-spec.ts';
import type { AudioMode, RedactionSpec } from '../releases-api.ts';
import { formatTime, parseTime } from '../time.ts';

/** The redaction editor's audio ranges and cut: times typed or taken from the player. */

/** A time field with a button that takes the player's position. */
function TimeField({
  id,
  label,
  value,
  onChange,
  current,
  error,
  disabled,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  current: number;
  error: string | undefined;
  disabled: boolean;
}): ReactNode {
  const { t } = useI18n();
  return (
    <div className={`field${error === undefined ? '' : ' field-invalid'}`}>
      <label htmlFor={id}>{label}</label>
      <div className="time-input">
        <input
          id={id}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          placeholder="0:00.0"
          value={value}
          disabled={disabled}
          aria-invalid={error === undefined ? undefined : true}
          aria-describedby={error === undefined ? undefined : `${id}-error`}
          onChange={(e) => {
            onChange(e.target.value);
          }}
        />
        <button
          type="button"
          className="button button-secondary"
          disabled={disabled}
          onClick={() => {
            onChange(formatTime(current));
          }}
        >
          {t('redaction.here')}
        </button>
      </div>
      {error !== undefined && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** Reads two time fields; errors by field, or the range. */
function readRange(
  t: ReturnType<typeof useI18n>['t'],
  start: string,
  end: string,
): { start?: string; end?: string } | { range: { start: number; end: number } } {
  const s = parseTime(start);
  const e = parseTime(end);
  const errors: { start?: string; end?: string } = {};
  if (s === null) errors.start = t('validation.time');
  if (e === null) errors.end = t('validation.time');
  else if (s !== null && e <= s) errors.end = t('redaction.range.endBeforeStart');
  if (s === null || e === null || errors.end !== undefined) return errors;
  return { range: { start: roundTime(s), end: roundTime(e) } };
}

export function AudioPanel({
  spec,
  readOnly,
  current,
  onSpec,
  onSeek,
}: {
  spec: RedactionSpec;
  readOnly: boolean;
  current: number;
  onSpec: (spec: RedactionSpec) => void;
  onSeek: (t: number) => void;
}): ReactNode {
  const { t } = useI18n();
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [mode, setMode] = useState<AudioMode>('mute');
  const [errors, setErrors] = useState<{ start?: string; end?: string }>({});
  return (
    <section className="redact-panel" aria-labelledby="audio-h">
      <h2 id="audio-h">{t('redaction.audio')}</h2>
      <p className="field-help">{t('redaction.audio.help')}</p>
      {spec.audio.length === 0 ? (
        <p className="muted">{t('redaction.audio.none')}</p>
      ) : (
        <ul className="range-list" data-testid="audio-list">
          {spec.audio.map((a, i) => (
            <li key={`${String(a.start)}-${String(i)}`}>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  onSeek(a.start);
                }}
              >
                {formatTime(a.start)}–{formatTime(a.end)}
              </button>{' '}
              <span className="badge">{t(`redaction.audio.${a.mode}`)}</span>
              {!readOnly && (
                <button
                  type="button"
                  className="button button-secondary button-small"
                  aria-label={t('redaction.audio.deleteLabel', {
                    range: `${formatTime(a.start)}–${formatTime(a.end)}`,
                  })}
                  onClick={() => {
                    onSpec({ ...spec, audio: spec.audio.filter((_, j) => j !== i) });
                  }}
                >
                  {t('redaction.delete')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!readOnly && (
        <div className="subform" role="group" aria-labelledby="audio-add-h">
          <h3 id="audio-add-h">{t('redaction.audio.add')}</h3>
          <div className="mark-times">
            <TimeField
              id="audio-start"
              label={t('redaction.from')}
              value={start}
              onChange={setStart}
              current={current}
              error={errors.start}
              disabled={readOnly}
            />
            <TimeField
              id="audio-end"
              label={t('redaction.to')}
              value={end}
              onChange={setEnd}
              current={current}
              error={errors.end}
              disabled={readOnly}
            />
          </div>
          <div className="field">
            <label htmlFor="audio-mode">{t('redaction.audio.mode')}</label>
            <select
              id="audio-mode"
              value={mode}
              onChange={(e) => {
                setMode(e.target.value === 'bleep' ? 'bleep' : 'mute');
              }}
            >
              <option value="mute">{t('redaction.audio.mute')}</option>
              <option value="bleep">{t('redaction.audio.bleep')}</option>
            </select>
          </div>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              const r = readRange(t, start, end);
              if (!('range' in r)) {
                setErrors(r);
                return;
              }
              setErrors({});
              onSpec({
                ...spec,
                audio: [...spec.audio, { ...r.range, mode }].sort((a, b) => a.start - b.start),
              });
              setStart('');
              setEnd('');
            }}
          >
            {t('redaction.audio.addButton')}
          </button>
        </div>
      )}
    </section>
  );
}

export function CutPanel({
  spec,
  readOnly,
  current,
  segments,
  onSpec,
  onSeek,
}: {
  spec: RedactionSpec;
  readOnly: boolean;
  current: number;
  segments: readonly Segment[];
  onSpec: (spec: RedactionSpec) => void;
  onSeek: (t: number) => void;
}): ReactNode {
  const { t } = useI18n();
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [errors, setErrors] = useState<{ start?: string; end?: string }>({});
  const cut = spec.cut;
  return (
    <section className="redact-panel" aria-labelledby="cut-h">
      <h2 id="cut-h">{t('redaction.cut')}</h2>
      <p data-testid="cut-state">
        {cut === null ? (
          t('redaction.cut.none')
        ) : (
          <>
            {t('redaction.cut.keeps')}{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => {
                onSeek(cut.start);
              }}
            >
              {formatTime(cut.start)}–{formatTime(cut.end)}
            </button>
          </>
        )}
      </p>
      <p className="field-help">{t('redaction.cut.help')}</p>
      {!readOnly && (
        <div className="subform" role="group" aria-labelledby="cut-set-h">
          <h3 id="cut-set-h">{t('redaction.cut.set')}</h3>
          {segments.length > 0 && (
            <div className="field">
              <label htmlFor="cut-segment">{t('redaction.cut.fromSegment')}</label>
              <select
                id="cut-segment"
                value=""
                onChange={(e) => {
                  const s = segments.find((x) => x.id === e.target.value);
                  if (s === undefined) return;
                  setStart(formatTime(s.start));
                  setEnd(formatTime(s.end));
                  setErrors({});
                }}
              >
                <option value="">{t('redaction.cut.pickSegment')}</option>
                {segments.map((s) => (
                  <option key={s.id} value={s.id}>
                    {`${formatTime(s.start)}–${formatTime(s.end)}${s.note === '' ? '' : ` ${s.note.slice(0, 60)}`}`}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="mark-times">
            <TimeField
              id="cut-start"
              label={t('redaction.from')}
              value={start}
              onChange={setStart}
              current={current}
              error={errors.start}
              disabled={readOnly}
            />
            <TimeField
              id="cut-end"
              label={t('redaction.to')}
              value={end}
              onChange={setEnd}
              current={current}
              error={errors.end}
              disabled={readOnly}
            />
          </div>
          <div className="button-row">
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                const r = readRange(t, start, end);
                if (!('range' in r)) {
                  setErrors(r);
                  return;
                }
                setErrors({});
                onSpec({ ...spec, cut: r.range });
              }}
            >
              {t('redaction.cut.setButton')}
            </button>
            {cut !== null && (
              <button
                type="button"
                className="button button-secondary"
                onClick={() => {
                  onSpec({ ...spec, cut: null });
                }}
              >
                {t('redaction.cut.clear')}
              </button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
