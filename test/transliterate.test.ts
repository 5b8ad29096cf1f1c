import { describe, expect, it } from 'vitest';
import {
  compareNames,
  DEFAULT_MATCH_THRESHOLD,
  editDistance,
  matchKeys,
  nameKey,
  nameSimilarity,
  suggestMatches,
  transliterate,
  TRANSLITERATION_SYSTEMS,
  type TransliterationSystem,
} from '../src/domain/transliterate.ts';

/**
 * Real names as they appear in Russian sources and in English, French, German, passport and
 * scholarly spelling. The first name of each group is the Cyrillic one.
 */
const GROUPS: Readonly<Record<string, readonly string[]>> = {
  khrushchev: ['Хрущёв', 'Khrushchev', 'Khrouchtchev', 'Chruschtschow', 'Chruščëv'],
  gorbachev: ['Горбачёв', 'Gorbachev', 'Gorbatchev', 'Gorbatschow'],
  nizhny: ['Нижний Новгород', 'Nizhny Novgorod', 'Nijni Novgorod', 'Nischni Nowgorod'],
  saratov: ['Саратов', 'Saratov'],
  yaroslavl: ['Ярославль', 'Yaroslavl', 'Iaroslavl', 'Jaroslawl'],
  tchaikovsky: ['Чайковский', 'Tchaikovsky', 'Tschaikowski', 'Chaykovskiy'],
  yuri: ['Юрий', 'Yuri', 'Iouri', 'Juri', 'Yury', 'Iurii'],
  shchukin: ['Щукин', 'Shchukin', 'Chtchoukine', 'Schtschukin'],
  dostoevsky: ['Фёдор Достоевский', 'Fyodor Dostoevsky', 'Fedor Dostoïevski', 'Fjodor Dostojewski'],
  evgeny: ['Евгений', 'Yevgeny', 'Evgeny', 'Ievgueni', 'Jewgeni'],
  navalny: [
    'Алексей Навальный',
    'Alexei Navalny',
    'Aleksey Navalnyy',
    'Alexeï Navalny',
    'Alexej Nawalny',
  ],
  maria: ['Мария', 'Maria', 'Mariya'],
  sk: ['СК', 'SK', 'Sledstvenny Komitet', 'Следственный комитет'],
  fsin: [
    'ФСИН',
    'FSIN',
    'Federalnaya Sluzhba Ispolneniya Nakazaniy',
    'Федеральная служба исполнения наказаний',
  ],
};

/** Distinct names that must not be suggested for each other. */
const NEGATIVES: readonly (readonly [string, string])[] = [
  ['Иванов', 'Ivanova'],
  ['Петров', 'Smirnov'],
  ['Саратов', 'Саранск'],
  ['Navalny', 'Nabiullina'],
  ['Алексей Навальный', 'Юлия Навальная'],
  ['Иван Иванов', 'Ivan Petrov'],
  ['ИК-7 Сегежа', 'ИК-1 Сегежа'],
];

const CYRILLIC = /\p{Script=Cyrillic}/u;
const groupEntries = Object.entries(GROUPS);

describe('transliterate', () => {
  it('writes each system as its standard or custom does', () => {
    const table: Readonly<Record<string, readonly string[]>> = {
      // iso9, bgn-pcgn, icao, french, german
      Хрущёв: ['Hruŝëv', 'Khrushchëv', 'Khrushchev', 'Khrouchtchev', 'Chruschtschow'],
      Горбачёв: ['Gorbačëv', 'Gorbachëv', 'Gorbachev', 'Gorbatchev', 'Gorbatschow'],
      'Нижний Новгород': [
        'Nižnij Novgorod',
        'Nizhniy Novgorod',
        'Nizhnii Novgorod',
        'Nijni Novgorod',
        'Nischni Nowgorod',
      ],
      Ярославль: ['Âroslavlʹ', "Yaroslavl'", 'Iaroslavl', 'Iaroslavl', 'Jaroslawl'],
      Чайковский: ['Čajkovskij', 'Chaykovskiy', 'Chaikovskii', 'Tchaïkovski', 'Tschaikowski'],
      Юрий: ['Ûrij', 'Yuriy', 'Iurii', 'Iouri', 'Juri'],
      Щукин: ['Ŝukin', 'Shchukin', 'Shchukin', 'Chtchoukine', 'Schtschukin'],
      'Фёдор Достоевский': [
        'Fëdor Dostoevskij',
        'Fëdor Dostoyevskiy',
        'Fedor Dostoevskii',
        'Fiodor Dostoïevski',
        'Fjodor Dostojewski',
      ],
      Евгений: ['Evgenij', 'Yevgeniy', 'Evgenii', 'Ievgueni', 'Jewgeni'],
      'Алексей Навальный': [
        'Aleksej Navalʹnyj',
        "Aleksey Naval'nyy",
        'Aleksei Navalnyi',
        'Alekseï Navalny',
        'Alexej Nawalny',
      ],
      Мария: ['Mariâ', 'Mariya', 'Mariia', 'Maria', 'Marija'],
      Ельцин: ['Elʹcin', "Yel'tsin", 'Eltsin', 'Ieltsine', 'Jelzin'],
      Подъезд: ['Podʺezd', 'Pod"yezd', 'Podieezd', 'Podiezd', 'Podjesd'],
      Василий: ['Vasilij', 'Vasiliy', 'Vasilii', 'Vassili', 'Wassili'],
    };
    for (const [cyrillic, expected] of Object.entries(table))
      expect(
        TRANSLITERATION_SYSTEMS.map((system) => transliterate(cyrillic, system)),
        cyrillic,
      ).toEqual(expected);
  });

  it('keeps BGN/PCGN ë (Khrushchëv, not Khrushchev) and writes ye/yë where the glide is heard', () => {
    expect(transliterate('Хрущёв', 'bgn-pcgn')).toBe('Khrushchëv');
    expect(transliterate('Ёлкин Семёнов', 'bgn-pcgn')).toBe('Yëlkin Semënov');
    expect(transliterate('Ельцин', 'bgn-pcgn')).toBe("Yel'tsin");
    expect(transliterate('Юрий', 'icao')).toBe('Iurii');
  });

  it('follows case: capitalised digraphs, words in capitals, acronyms', () => {
    expect(transliterate('ЩУКИН Ю.', 'bgn-pcgn')).toBe('SHCHUKIN Yu.');
    expect(transliterate('Щукин', 'icao')).toBe('Shchukin');
    expect(transliterate('ФСИН', 'french')).toBe('FSIN'); // no -ine in an acronym
    expect(transliterate('СК', 'german')).toBe('SK');
  });

  it('passes through what is not Cyrillic, and spells кс as x inside German words only', () => {
    expect(transliterate('ИК-7 «Сегежа», 2021', 'icao')).toBe('IK-7 «Segezha», 2021');
    expect(transliterate('Ксения Александровна', 'german')).toBe('Ksenija Alexandrowna');
    expect(transliterate('Navalny', 'iso9')).toBe('Navalny');
  });
});

describe('keys', () => {
  it('gives one spelling of a name the same key as its Cyrillic form', () => {
    expect(nameKey('Khrushchev')).toBe(nameKey('Хрущёв'));
    expect(nameKey('Yury')).toBe(nameKey('Юрий'));
    expect(nameKey('Ivanov Ivan')).toBe(nameKey('Иван Иванов'));
    expect(nameKey('Ivanov Ivan')).toBe('ivan ivanov');
  });

  it('lists a key per reading: e and o for Ё after a hushing consonant', () => {
    expect(matchKeys('Хрущёв')).toEqual(['hruxqev', 'hruxqov']);
    expect(matchKeys('Chruschtschow')).toContain('hruxqov');
    expect(matchKeys('Khrouchtchev')).toContain('hruxqev');
  });

  it('shares a key between the Cyrillic name and every listed spelling', () => {
    // Acronyms and the words they abbreviate share no key; they are matched word by word below.
    const spelt = groupEntries.filter(([group]) => group !== 'sk' && group !== 'fsin');
    for (const [, [cyrillic = '', ...others]] of spelt) {
      const keys = new Set(matchKeys(cyrillic));
      for (const other of others)
        expect(
          matchKeys(other).some((key) => keys.has(key)),
          `${other} / ${cyrillic}`,
        ).toBe(true);
    }
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('navalni', 'navalin')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('petrov', 'smirnov')).toBe(4);
  });
});

describe('real names, both directions', () => {
  it('scores every spelling of a name at or above the threshold against its Cyrillic form', () => {
    for (const [, names] of groupEntries) {
      const [cyrillic = '', ...others] = names;
      for (const other of others) {
        const there = nameSimilarity(cyrillic, other);
        expect(there, `${cyrillic} → ${other}`).toBeGreaterThanOrEqual(DEFAULT_MATCH_THRESHOLD);
        expect(nameSimilarity(other, cyrillic), `${other} → ${cyrillic}`).toBe(there);
      }
    }
  });

  it('scores two Latin spellings of one name at or above the threshold as well', () => {
    for (const [, names] of groupEntries)
      for (const a of names)
        for (const b of names)
          if (a !== b)
            expect(nameSimilarity(a, b), `${a} / ${b}`).toBeGreaterThanOrEqual(
              DEFAULT_MATCH_THRESHOLD,
            );
  });

  it('suggests the right record first for a Cyrillic query among Latin aliases', () => {
    const latinOnly = groupEntries.map(([id, names]) => ({
      id,
      names: names.filter((n) => !CYRILLIC.test(n)),
    }));
    for (const [id, names] of groupEntries)
      for (const query of names.filter((n) => CYRILLIC.test(n))) {
        const suggestions = suggestMatches(query, latinOnly);
        expect(suggestions[0]?.id, query).toBe(id);
        expect(suggestions.map((s) => s.id)).toEqual([id]);
      }
  });

  it('suggests the right record first for a Latin query among Cyrillic names', () => {
    const cyrillicOnly = groupEntries.map(([id, names]) => ({
      id,
      names: names.filter((n) => CYRILLIC.test(n)),
    }));
    for (const [id, names] of groupEntries)
      for (const query of names.filter((n) => !CYRILLIC.test(n))) {
        const suggestions = suggestMatches(query, cyrillicOnly);
        expect(
          suggestions.map((s) => s.id),
          query,
        ).toEqual([id]);
      }
  });

  it('names the transliteration that matched', () => {
    expect(compareNames('Хрущёв', 'Khrushchev')).toEqual({
      score: 0.95,
      why: 'transliteration (BGN/PCGN)',
    });
    expect(compareNames('Khrouchtchev', 'Хрущёв').why).toBe('transliteration (French)');
    expect(compareNames('Chruschtschow', 'Хрущёв').why).toBe('transliteration (German)');
    expect(compareNames('Chruščëv', 'Хрущёв').why).toBe('transliteration (ISO 9)');
    expect(compareNames('Юрий', 'Iurii').why).toBe('transliteration (ICAO 9303)');
    expect(compareNames('Alexeï Navalny', 'Алексей Навальный').why).toBe(
      'transliteration (BGN/PCGN)',
    );
    expect(compareNames('Khrushchev', 'Chruschtschow')).toEqual({
      score: 0.814,
      why: 'edit distance 1',
    });
  });
});

describe('acronyms, word order, initials, numbers', () => {
  it('matches an acronym with the words it abbreviates, in either alphabet', () => {
    for (const acronym of ['СК', 'SK'])
      for (const words of ['Sledstvenny Komitet', 'Следственный комитет'])
        expect(compareNames(acronym, words), `${acronym} / ${words}`).toEqual({
          score: 0.855,
          why: 'acronym',
        });
    expect(compareNames('СК', 'SK').why).toBe('transliteration (BGN/PCGN)');
    expect(nameSimilarity('FSIN', 'Федеральная служба исполнения наказаний')).toBe(0.855);
    const regional = compareNames(
      'УФСИН по Саратовской области',
      'Управление Федеральной службы исполнения наказаний по Саратовской области',
    );
    expect(regional.why).toBe('acronym');
    expect(regional.score).toBeGreaterThan(0.85);
    // Translations are aliases, not matches.
    expect(nameSimilarity('СК', 'Investigative Committee')).toBeLessThan(DEFAULT_MATCH_THRESHOLD);
    // A name typed in capitals is not read as acronyms.
    expect(nameSimilarity('ЛИ ИВАН', 'Лев Иванов')).toBeLessThan(DEFAULT_MATCH_THRESHOLD);
  });

  it('ignores word order and accepts initials', () => {
    expect(compareNames('Ivanov Ivan', 'Иван Иванов')).toEqual({
      score: 0.95,
      why: 'transliteration (BGN/PCGN), word order',
    });
    expect(compareNames('Иванов Иван', 'Иван Иванов').why).toBe('word order');
    const initials = compareNames('Иванов И.И.', 'Ivanov Ivan Ivanovich');
    expect(initials.why).toBe('transliteration (BGN/PCGN), initials');
    expect(initials.score).toBeGreaterThan(0.9);
    expect(compareNames('A. Navalny', 'Алексей Навальный').score).toBeGreaterThan(0.9);
    expect(compareNames('Ю. Навальная', 'Юлия Навальная').why).toBe('initials');
    expect(nameSimilarity('P. Navalny', 'Алексей Навальный')).toBeLessThan(
      nameSimilarity('A. Navalny', 'Алексей Навальный'),
    );
  });

  it('takes a surname alone as a partial match, below the full name', () => {
    const partial = compareNames('Навальный', 'Алексей Навальный');
    expect(partial.why).toBe('partial name');
    expect(partial.score).toBeGreaterThan(0.7);
    expect(partial.score).toBeLessThan(nameSimilarity('Alexei Navalny', 'Алексей Навальный'));
  });

  it('barely counts a missing patronymic, which records often leave out', () => {
    expect(compareNames('Хрущёв Никита', 'Хрущёв Никита Сергеевич')).toEqual({
      score: 0.922,
      why: 'no patronymic',
    });
    expect(compareNames('Ivanov Ivan', 'Иванов Иван Иванович').score).toBeGreaterThan(0.9);
    expect(compareNames('Иванова Мария', 'Иванова Мария Ильинична').why).toBe('no patronymic');
  });

  it('keeps colonies with different numbers apart', () => {
    expect(compareNames('ИК-7 Сегежа', 'IK-7 Segezha').score).toBe(0.95);
    expect(compareNames('ИК-7', 'ИК-1')).toEqual({ score: 0.38, why: 'different numbers' });
  });
});

describe('negatives and the threshold', () => {
  it('scores distinct names low', () => {
    expect(nameSimilarity('Петров', 'Smirnov')).toBeLessThan(0.5);
    expect(nameSimilarity('Саратов', 'Саранск')).toBeLessThan(0.6);
    expect(nameSimilarity('Navalny', 'Nabiullina')).toBeLessThan(0.5);
  });

  it('scores the other-gender form high-ish but below the threshold and below exact', () => {
    const feminine = compareNames('Иванов', 'Ivanova');
    expect(feminine.score).toBeGreaterThan(0.6);
    expect(feminine.score).toBeLessThan(DEFAULT_MATCH_THRESHOLD);
    expect(feminine.why).toBe(
      'edit distance 1 after transliteration (BGN/PCGN), other-gender form',
    );
    expect(nameSimilarity('Иванов', 'Ivanov')).toBeGreaterThan(feminine.score);
    expect(nameSimilarity('Навальный', 'Navalnaya')).toBeLessThan(DEFAULT_MATCH_THRESHOLD);
  });

  it('separates every positive from every negative at the default threshold of 0.75', () => {
    expect(DEFAULT_MATCH_THRESHOLD).toBe(0.75);
    const positives = groupEntries.flatMap(([, names]) =>
      names.flatMap((a) => names.filter((b) => b !== a).map((b) => nameSimilarity(a, b))),
    );
    const crossGroup = groupEntries.flatMap(([id, names], i) =>
      groupEntries
        .slice(i + 1)
        .filter(([other]) => other !== id)
        .flatMap(([, others]) => names.flatMap((a) => others.map((b) => nameSimilarity(a, b)))),
    );
    const negatives = [...NEGATIVES.map(([a, b]) => nameSimilarity(a, b)), ...crossGroup];
    const lowestPositive = Math.min(...positives);
    const highestNegative = Math.max(...negatives);
    expect(lowestPositive).toBeGreaterThanOrEqual(DEFAULT_MATCH_THRESHOLD);
    expect(highestNegative).toBeLessThan(DEFAULT_MATCH_THRESHOLD);
    // Margins of about 0.06 either side.
    expect(lowestPositive).toBeGreaterThan(0.8);
    expect(highestNegative).toBeLessThan(0.7);
  });
});

describe('suggestMatches', () => {
  const people = [
    { id: 'p1', names: ['Хрущёв Никита Сергеевич', 'Nikita Khrushchev'] },
    { id: 'p2', names: ['Петров Иван'] },
    { id: 'p3', names: ['Хрущёва Нина'] },
    { id: 'p4', names: ['Khrushchov'] },
  ];

  it('reports each record once, with the alias that matched, best first', () => {
    // Хрущёва Нина is another person: other-gender surname, other given name.
    expect(suggestMatches('Никита Хрущёв', people)).toEqual([
      { id: 'p1', name: 'Nikita Khrushchev', score: 0.95, why: 'transliteration (BGN/PCGN)' },
      {
        id: 'p4',
        name: 'Khrushchov',
        score: 0.782,
        why: 'transliteration (German), partial name',
      },
    ]);
    expect(suggestMatches('Хрущёв Никита', people, { limit: 1 })).toEqual([
      {
        id: 'p1',
        name: 'Nikita Khrushchev',
        score: 0.95,
        why: 'transliteration (BGN/PCGN), word order',
      },
    ]);
    const byLatin = suggestMatches('Khrushchev', people);
    expect(byLatin.map((s) => s.id)).toEqual(['p4', 'p1']);
    expect(byLatin[0]).toEqual({
      id: 'p4',
      name: 'Khrushchov',
      score: 0.831,
      why: 'edit distance 1',
    });
  });

  it('honours limit and threshold', () => {
    expect(suggestMatches('Khrushchev', people, { limit: 1 }).map((s) => s.id)).toEqual(['p4']);
    expect(suggestMatches('Khrushchev', people, { threshold: 0 })).toHaveLength(4);
    expect(suggestMatches('Khrushchev', people, { limit: 0 })).toEqual([]);
    expect(suggestMatches('', people)).toEqual([]);
  });

  it('puts the same spelling above a transliteration', () => {
    const scores = suggestMatches('Хрущёв', [
      { id: 1, names: ['Khrushchev'] },
      { id: 2, names: ['Хрущев'] },
    ]);
    expect(scores).toEqual([
      { id: 2, name: 'Хрущев', score: 1, why: 'same spelling' },
      { id: 1, name: 'Khrushchev', score: 0.95, why: 'transliteration (BGN/PCGN)' },
    ]);
  });

  it('reads look-alike Latin letters inside a Cyrillic word as Cyrillic', () => {
    const mixed = 'Ивaнов'; // Latin a
    expect(compareNames(mixed, 'Ivanov').why).toBe('transliteration (BGN/PCGN)');
    const systems: readonly TransliterationSystem[] = TRANSLITERATION_SYSTEMS;
    expect(systems.map((s) => nameSimilarity(mixed, transliterate('Иванов', s)))).toEqual(
      systems.map(() => 0.95),
    );
  });
});
