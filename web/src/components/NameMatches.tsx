import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useI18n, type I18n } from '../i18n/index.tsx';
import {
  responsesApi,
  type MatchKind,
  type MergeResult,
  type NameSuggestion,
} from '../responses-api.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { Untrusted } from './PathText.tsx';
import '../responses.css';

/**
 * Names across alphabets in the forms that add a person, facility or organisation: as a name
 * is typed, the records it may already be (Хрущёв for "Khrushchev"), each with why, and the
 * investigator's answer. The new record does not exist until it is saved, so the answers are
 * sent then (POST /api/merges): "same" adds the new name to the existing record's aliases,
 * "different" keeps the pair from being suggested again. People are matched by pseudonym and
 * aliases only; a real name is never sent or shown.
 */

export type MatchDecision = 'confirm' | 'reject';

const DEBOUNCE_MS = 350;
const MIN_LENGTH = 2;

function useDebounced(value: string, ms: number): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => {
      setDebounced(value);
    }, ms);
    return () => {
      window.clearTimeout(timer);
    };
  }, [value, ms]);
  return debounced;
}

interface Outcome {
  readonly name: string;
  readonly results: readonly { suggestion: NameSuggestion; result: MergeResult }[];
}

const LIST_KEYS: Readonly<Record<MatchKind, readonly string[]>> = {
  person: ['people'],
  facility: ['facilities'],
  organisation: ['organisations'],
};

export interface NameMatch {
  readonly kind: MatchKind;
  readonly name: string;
  readonly suggestions: readonly NameSuggestion[];
  readonly failed: unknown;
  readonly decisions: Readonly<Record<string, MatchDecision>>;
  decide(id: string, decision: MatchDecision | undefined): void;
  /** Sends the answers given for the record just saved as `newId` (named `newName`). */
  applyTo(newId: string, newName: string): void;
  readonly outcome: Outcome | null;
  readonly applyError: unknown;
}

export function useNameMatch(kind: MatchKind, typed: string): NameMatch {
  const queryClient = useQueryClient();
  const name = useDebounced(typed.trim(), DEBOUNCE_MS);
  const enabled = name.length >= MIN_LENGTH;
  const query = useQuery({
    queryKey: ['match', kind, name],
    queryFn: () => responsesApi.match(kind, name),
    enabled,
    staleTime: 10_000,
    placeholderData: keepPreviousData,
  });
  const [decisions, setDecisions] = useState<Record<string, MatchDecision>>({});
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const suggestions = enabled && typed.trim() !== '' ? (query.data?.suggestions ?? []) : [];
  const apply = useMutation({
    mutationFn: async (input: {
      newId: string;
      newName: string;
      pairs: { suggestion: NameSuggestion; decision: MatchDecision }[];
    }): Promise<Outcome> => {
      const results: { suggestion: NameSuggestion; result: MergeResult }[] = [];
      // One at a time: each confirmation changes the kept record's aliases.
      for (const { suggestion, decision } of input.pairs)
        results.push({
          suggestion,
          result: await responsesApi.decideMatch({
            kind,
            keep: suggestion.id,
            merge: input.newId,
            decision,
          }),
        });
      return { name: input.newName, results };
    },
    onSuccess: (result) => {
      setOutcome(result);
      setDecisions({});
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['match', kind] });
      void queryClient.invalidateQueries({ queryKey: LIST_KEYS[kind] });
    },
  });
  // Typing again starts afresh: the last outcome goes.
  useEffect(() => {
    if (typed !== '') setOutcome(null);
  }, [typed]);
  return {
    kind,
    name,
    suggestions,
    failed: query.isError ? query.error : null,
    decisions,
    decide: (id, decision) => {
      setDecisions((d) =>
        Object.fromEntries([
          ...Object.entries(d).filter(([k]) => k !== id),
          ...(decision === undefined ? [] : [[id, decision] as const]),
        ]),
      );
    },
    applyTo: (newId, newName) => {
      const pairs = suggestions.flatMap((suggestion) => {
        const decision = decisions[suggestion.id];
        return decision === undefined || suggestion.id === newId ? [] : [{ suggestion, decision }];
      });
      if (pairs.length === 0) return;
      apply.mutate({ newId, newName, pairs });
    },
    outcome,
    applyError: apply.isError ? apply.error : null,
  };
}

const WHY_WORDS: Readonly<Record<string, string>> = {
  French: 'французская',
  German: 'немецкая',
  English: 'английская',
};

/**
 * The server says why in English ("edit distance 1 after transliteration (German), word
 * order"); in Russian each known part is translated, an unknown one is shown as it came.
 */
export function whyLabel(i18n: I18n, why: string): string {
  if (i18n.language === 'en') return why;
  const system = (s: string): string => WHY_WORDS[s] ?? s;
  return why
    .split(', ')
    .map((part) => {
      let m = /^transliteration \((.+)\)$/.exec(part);
      if (m) return i18n.t('match.why.transliteration', { system: system(m[1] ?? '') });
      m = /^edit distance (\d+) after transliteration \((.+)\)$/.exec(part);
      if (m)
        return i18n.t('match.why.distanceAfter', {
          n: m[1] ?? '',
          system: system(m[2] ?? ''),
        });
      m = /^edit distance (\d+)$/.exec(part);
      if (m) return i18n.t('match.why.distance', { n: m[1] ?? '' });
      m = /^spelling variant \((.+)\)$/.exec(part);
      if (m)
        return i18n.t('match.why.variantOf', {
          system: (m[1] ?? '').split(' / ').map(system).join(' / '),
        });
      const simple = i18n.maybe(`match.why.${part}`);
      return simple ?? part;
    })
    .join(', ');
}

/** The suggestions under a name field, with "same" and "different" for each. */
export function NameMatches({ match }: { match: NameMatch }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const { suggestions, decisions, outcome } = match;
  return (
    <div className="name-matches" aria-live="polite">
      {suggestions.length > 0 && (
        <div className="box box-notice name-match-box">
          <p className="box-title">{t('match.title')}</p>
          <ul className="name-match-list">
            {suggestions.map((s) => {
              const decision = decisions[s.id];
              return (
                <li key={s.id} className={`name-match${decision ? ` match-${decision}` : ''}`}>
                  <span className="name-match-name">
                    <strong>
                      <Untrusted>{s.label}</Untrusted>
                    </strong>
                    {s.name !== s.label && (
                      <>
                        {' '}
                        {t('match.as')} «<Untrusted>{s.name}</Untrusted>»
                      </>
                    )}{' '}
                    <span className="muted">({whyLabel(i18n, s.why)})</span>
                  </span>
                  <span
                    className="name-match-actions"
                    role="group"
                    aria-label={t('match.question', { name: match.name, label: s.label })}
                  >
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      aria-pressed={decision === 'confirm'}
                      onClick={() => {
                        match.decide(s.id, decision === 'confirm' ? undefined : 'confirm');
                      }}
                    >
                      {t('match.same')}
                      <span className="sr-only"> {s.label}</span>
                    </button>
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      aria-pressed={decision === 'reject'}
                      onClick={() => {
                        match.decide(s.id, decision === 'reject' ? undefined : 'reject');
                      }}
                    >
                      {t('match.different')}
                      <span className="sr-only"> {s.label}</span>
                    </button>
                  </span>
                  {decision !== undefined && (
                    <span className="name-match-note">
                      {decision === 'confirm'
                        ? t('match.willConfirm', { label: s.label })
                        : t('match.willReject')}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
          <p className="field-help">{t('match.help')}</p>
        </div>
      )}
      {match.failed !== null && <ErrorBox title={t('match.failed')} error={match.failed} />}
      {match.applyError !== null && (
        <ErrorBox title={t('match.applyFailed')} error={match.applyError} />
      )}
      {outcome !== null && (
        <ul className="name-match-outcome" role="status">
          {outcome.results.map(({ suggestion, result }) => (
            <li key={suggestion.id}>
              {result.decision === 'confirmed'
                ? t('match.confirmed', { label: suggestion.label, name: outcome.name })
                : t('match.rejected', { label: suggestion.label, name: outcome.name })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
