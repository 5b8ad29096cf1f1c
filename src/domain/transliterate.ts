/**
 * Names across alphabets and spellings. One prisoner, colony or agency is written Хрущёв,
 * Khrushchev, Khrouchtchev and Chruschtschow in the sources an NGO collects: Russian court papers,
 * English and French reports, German press, a passport scan. Custody suggests which known person,
 * facility or organisation a new name may be; an investigator confirms or rejects. A suggestion
 * that is missed costs a duplicate record; one that is wrong costs a click, so we lean to recall
 * but keep distinct names (Петров, Смирнов) clearly apart.
 *
 * Three layers:
 * - transliterate(): Cyrillic → Latin in five systems, so the archive can show and search the
 *   spelling a reader expects.
 * - matchKeys(): each name read as a phonetic skeleton. Cyrillic goes through every system and is
 *   read back the way that system writes; Latin is read as English, French, German and scholarly
 *   spelling in turn, because "ch" is Ч in English, Ш in French and Х in German and nothing in the
 *   text says which was meant. Spellings of one name then share a key or differ by a letter.
 * - nameSimilarity() / suggestMatches(): the best edit distance between skeletons over all
 *   readings, word by word in any order, with initials and acronyms.
 *
 * Translations are not transliterations: "Investigative Committee" for Следственный комитет,
 * "Federal Penitentiary Service" for ФСИН, "Rostov-on-Don" for Ростов-на-Дону are not matched;
 * record them as aliases. The Russian alphabet is covered, plus і ї є ґ read the Russian way;
 * Ukrainian and Belarusian names in their own national romanisations (Г → H, И → Y) are not.
 */

export const TRANSLITERATION_SYSTEMS = ['iso9', 'bgn-pcgn', 'icao', 'french', 'german'] as const;
export type TransliterationSystem = (typeof TRANSLITERATION_SYSTEMS)[number];

export const SYSTEM_LABELS: Readonly<Record<TransliterationSystem, string>> = {
  iso9: 'ISO 9',
  'bgn-pcgn': 'BGN/PCGN',
  icao: 'ICAO 9303',
  french: 'French',
  german: 'German',
};

/**
 * A suggestion needs at least this score. In the tests every spelling of a name scores 0.95
 * against its Cyrillic form (an acronym 0.855 against its words), and two Latin spellings from
 * different conventions at least 0.81 (Khrushchev/Chruschtschow: one letter off in seven), as
 * does a typo in a name of seven letters; different names stay below (Саратов/Саранск 0.54,
 * Петров/Smirnov 0.41), as does the other-gender form of a surname (Иванов/Ivanova 0.67). Among
 * the 161 commonest Russian surnames, 2 of the 12,880 pairs reach it (Фёдоров/Федотов,
 * Крылов/Кириллов): one letter apart, which is what a typo looks like too.
 */
export const DEFAULT_MATCH_THRESHOLD = 0.75;
export const DEFAULT_SUGGESTION_LIMIT = 10;

// ---------------------------------------------------------------------------------------------
// Cyrillic → Latin

const RU_VOWELS = 'аеёиоуыэюяіїє';
/** After these, е ё ю я begin with a glide (ye/je/ie) in the systems that write it. */
const GLIDE_BEFORE = RU_VOWELS + 'ьъй';
/** After ж ч ш щ ц, ё sounds "o" and French and German write e or o rather than io/jo. */
const HARD_HUSHING = 'жчшщц';

interface Context {
  /** Neighbouring letters of the same word, lower case; '' at a word edge. */
  readonly prev: string;
  readonly next: string;
  /** The letter before prev. */
  readonly prev2: string;
  /** The word is in capitals, an acronym most likely: no French -ine (ФСИН is FSIN). */
  readonly capitals: boolean;
}

type LetterRule = (letter: string, ctx: Context) => string;

// prettier-ignore
const ISO9: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'ë', ж: 'ž', з: 'z', и: 'i', й: 'j',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f',
  х: 'h', ц: 'c', ч: 'č', ш: 'š', щ: 'ŝ', ъ: 'ʺ', ы: 'y', ь: 'ʹ', э: 'è', ю: 'û', я: 'â',
  і: 'ì', ї: 'ï', є: 'ê', ґ: 'g\u0300',
};

// BGN/PCGN writes ’ and ” for the signs; we write ASCII ' and " so the text can be typed and
// searched. The optional middle dot that separates т·с, ш·ч and the like is not written.
// prettier-ignore
const BGN: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'ë', ж: 'zh', з: 'z', и: 'i', й: 'y',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f',
  х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '"', ы: 'y', ь: "'", э: 'e', ю: 'yu',
  я: 'ya', і: 'i', ї: 'yi', є: 'ye', ґ: 'g',
};

// ICAO Doc 9303, the table Russian passports have followed since 2013 (Ц ts, Ю iu, Я ia, Й i).
// prettier-ignore
const ICAO: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f',
  х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: 'ie', ы: 'y', ь: '', э: 'e', ю: 'iu',
  я: 'ia', і: 'i', ї: 'i', є: 'ie', ґ: 'g',
};

// The usual French press and library spelling (Khrouchtchev, Tchaïkovski, Iouri).
// prettier-ignore
const FRENCH: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'io', ж: 'j', з: 'z', и: 'i', й: 'i',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'ou', ф: 'f',
  х: 'kh', ц: 'ts', ч: 'tch', ш: 'ch', щ: 'chtch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'iou',
  я: 'ia', і: 'i', ї: 'ï', є: 'ie', ґ: 'g',
};

// German press spelling after Duden (Chruschtschow, Jewgeni, Nawalny), except Ж: Duden has "sh",
// the press and most readers "sch" (Nischni Nowgorod), which we follow.
// prettier-ignore
const GERMAN: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'w', г: 'g', д: 'd', е: 'e', ё: 'jo', ж: 'sch', з: 's', и: 'i', й: 'j',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f',
  х: 'ch', ц: 'z', ч: 'tsch', ш: 'sch', щ: 'schtsch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'ju',
  я: 'ja', і: 'i', ї: 'ji', є: 'je', ґ: 'g',
};

/** Whether a letter is one of a set; '' (a word edge) never is. */
const oneOf = (set: string, letter: string): boolean => letter !== '' && set.includes(letter);
const isVowel = (letter: string): boolean => oneOf(RU_VOWELS, letter);
const glided = (ctx: Context): boolean => ctx.prev === '' || oneOf(GLIDE_BEFORE, ctx.prev);
/** -ий and -ый at the end of a word: French and German drop the й (Iouri, Juri, Nawalny). */
const finalShortI = (ctx: Context): boolean => oneOf('иы', ctx.prev) && ctx.next === '';

const LETTER_RULES: Readonly<Record<TransliterationSystem, LetterRule>> = {
  iso9: (l) => ISO9[l] ?? l,
  'bgn-pcgn': (l, ctx) => {
    // Е and Ё are ye/yë at the start of a word and after a vowel, й, ъ or ь (Yel'tsin).
    if (l === 'е' && glided(ctx)) return 'ye';
    if (l === 'ё' && glided(ctx)) return 'yë';
    return BGN[l] ?? l;
  },
  icao: (l) => ICAO[l] ?? l,
  french: (l, ctx) => {
    const vowelBefore = isVowel(ctx.prev);
    switch (l) {
      case 'г': // gu keeps the g hard before e, i, y (Ievgueni, Guennadi)
        return oneOf('еиыэ', ctx.next) ? 'gu' : 'g';
      case 'е':
        return vowelBefore ? 'ïe' : glided(ctx) ? 'ie' : 'e';
      case 'ё':
        return oneOf(HARD_HUSHING, ctx.prev) ? 'e' : vowelBefore ? 'ïo' : 'io';
      case 'и':
        return vowelBefore ? 'ï' : 'i';
      case 'й':
        return finalShortI(ctx) ? '' : vowelBefore ? 'ï' : 'i';
      case 'н': // a final n after i or y is written -ine, -yne (Chtchoukine), as French says it
        return ctx.next === '' && oneOf('иы', ctx.prev) && !ctx.capitals ? 'ne' : 'n';
      case 'с': // a single s between vowels would read as z
        return vowelBefore && isVowel(ctx.next) ? 'ss' : 's';
      case 'ю':
        return vowelBefore ? 'ïou' : 'iou';
      case 'я': // Мария is Maria, not Mariia
        return ctx.prev === 'и' ? 'a' : vowelBefore ? 'ïa' : 'ia';
      default:
        return FRENCH[l] ?? l;
    }
  },
  german: (l, ctx) => {
    const vowelBefore = isVowel(ctx.prev);
    switch (l) {
      case 'е':
        return glided(ctx) ? 'je' : 'e';
      case 'ё':
        return oneOf(HARD_HUSHING, ctx.prev) ? 'o' : 'jo';
      case 'й': // Tschaikowski and Tolstoi, but Alexej, Sergej, Andrej as German writes them
        if (finalShortI(ctx)) return '';
        return ctx.prev === 'е' || !vowelBefore ? 'j' : 'i';
      case 'к': // кс inside a word is x (Alexej, Maxim), not at its start (Ksenija)
        return ctx.next === 'с' && ctx.prev !== '' ? 'x' : 'k';
      case 'с':
        if (ctx.prev === 'к' && ctx.prev2 !== '') return '';
        return vowelBefore && isVowel(ctx.next) ? 'ss' : 's';
      default:
        return GERMAN[l] ?? l;
    }
  },
};

const RUSSIAN_LETTER = /^[а-яёіїєґ]$/;

/** Lower-case Russian letter, or '' for anything else (a word edge for the context rules). */
function russianLetter(ch: string | undefined): string {
  const lower = (ch ?? '').toLowerCase();
  return RUSSIAN_LETTER.test(lower) ? lower : '';
}

/**
 * Cyrillic → Latin in one system; anything else passes through. Case follows the source: a
 * capital gives a capitalised digraph (Щ → Shch), a word in capitals stays in capitals (ЩУКИН →
 * SHCHUKIN, СК → SK).
 *
 * Simplifications: BGN/PCGN signs as ASCII ' and " and no middle dots; French and German are the
 * common press spellings, not a standard, and keep Е after a consonant as e (no é); German
 * writes -ия as -ija as Duden does (Marija) where French writes Maria; x for кс (Alexandre,
 * Alexej) is written in German only, and the readings below take x as ks in every spelling.
 */
export function transliterate(text: string, system: TransliterationSystem): string {
  const chars = Array.from(text.normalize('NFC'));
  const rule = LETTER_RULES[system];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    const letter = russianLetter(ch);
    if (letter === '') {
      out += ch;
      continue;
    }
    const capitals = wordInCapitals(chars, i);
    const ctx = {
      capitals,
      prev: russianLetter(chars[i - 1]),
      next: russianLetter(chars[i + 1]),
      prev2: i >= 2 && russianLetter(chars[i - 1]) !== '' ? russianLetter(chars[i - 2]) : '',
    };
    const latin = rule(letter, ctx);
    if (ch === letter || latin === '') out += latin;
    else if (capitals) out += latin.toUpperCase();
    else out += latin.charAt(0).toUpperCase() + latin.slice(1);
  }
  return out;
}

/** Whether the Cyrillic word around position i has two or more letters, all capitals. */
function wordInCapitals(chars: readonly string[], i: number): boolean {
  let start = i;
  while (start > 0 && russianLetter(chars[start - 1]) !== '') start--;
  let end = i;
  while (end + 1 < chars.length && russianLetter(chars[end + 1]) !== '') end++;
  if (end === start) return false;
  for (let k = start; k <= end; k++) {
    const ch = chars[k] ?? '';
    if (ch !== ch.toUpperCase()) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Latin → phonetic skeleton

/**
 * How Latin spelling is read. Each Cyrillic transliteration is read back by the reading of its
 * system; a Latin name is read in every way, since its convention is unknown.
 */
type Reading = 'english' | 'french' | 'german' | 'scholarly';

const READING_OF: Readonly<Record<TransliterationSystem, Reading>> = {
  iso9: 'scholarly',
  'bgn-pcgn': 'english',
  icao: 'english',
  french: 'french',
  german: 'german',
};

const READING_LABELS: Readonly<Record<Reading, string>> = {
  english: 'English',
  french: 'French',
  german: 'German',
  scholarly: 'scholarly',
};

/**
 * The skeleton has one symbol per Russian sound class, in lower-case ASCII:
 *   a b v g d e z i k l m n o p r s t u f h — as written; й, ы and и are all i; э is e;
 *   j = Ж, x = Ш, q = Ч, c = Ц, xq = Щ (Ш+Ч, so Shukin for Щукин is one letter off);
 *   я = ia, ю = iu, and е after a vowel or at the start ie when the spelling shows the glide;
 *   Ё is e after a consonant (Fyodor = Fedor = Fjodor) and io where the glide is heard (Yolkin);
 *   soft and hard signs vanish; doubled symbols collapse (Mariia = Maria, Alexeev = Alexev).
 */
interface Rule {
  readonly from: string;
  readonly to: string;
  /** before: the source character before the match ('' at the start); after: the rest. */
  readonly when?: (before: string, after: string) => boolean;
}

const LATIN_VOWELS = 'aeiouyëèéêïâûöüäŭìí';
const SIGNS = `ʹʺ'’"”\`´`;
/** Start of the word, after a vowel or a sign: where Ё is heard "yo". */
const gliding = (before: string): boolean =>
  before === '' || LATIN_VOWELS.includes(before) || SIGNS.includes(before);
const atEnd = (_before: string, after: string): boolean => after === '';
const beforeFrontVowel = (_before: string, after: string): boolean => /^[eiyïéè]/.test(after);

/** Letters with diacritics that carry a sound (ISO 9, scholarly, ALA-LC); the rest are stripped. */
const KEPT_MARKS = 'čšžŝëèâûïĭçß';

const SHARED_RULES: readonly Rule[] = [
  { from: 'ŝ', to: 'xq' },
  { from: 'č', to: 'q' },
  { from: 'š', to: 'x' },
  { from: 'ž', to: 'j' },
  { from: 'ë', to: 'io', when: gliding },
  { from: 'ë', to: 'e' },
  { from: 'è', to: 'e' },
  { from: 'â', to: 'ia' },
  { from: 'û', to: 'iu' },
  { from: 'ï', to: 'i' },
  { from: 'ĭ', to: 'i' },
  { from: 'ç', to: 's' },
  { from: 'ß', to: 's' },
  ...Array.from(SIGNS, (sign) => ({ from: sign, to: '' })),
];

const READING_RULES: Readonly<Record<Reading, readonly Rule[]>> = {
  // BGN/PCGN, ICAO, ALA-LC without diacritics, and English press spelling.
  english: [
    { from: 'shch', to: 'xq' },
    { from: 'tch', to: 'q' },
    { from: 'zh', to: 'j' },
    { from: 'kh', to: 'h' },
    { from: 'ch', to: 'q' },
    { from: 'sh', to: 'x' },
    { from: 'ts', to: 'c' },
    { from: 'tz', to: 'c' },
    { from: 'ck', to: 'k' },
    { from: 'ph', to: 'f' },
    { from: 'yo', to: 'io', when: gliding },
    { from: 'yo', to: 'e' },
    { from: 'yë', to: 'io', when: gliding },
    { from: 'yë', to: 'e' },
    { from: 'y', to: 'i' },
    // English j is Дж (Jabrail = Джабраил); Dzh reads the same after doubles collapse.
    { from: 'j', to: 'dj' },
    { from: 'x', to: 'ks' },
    { from: 'w', to: 'v' },
    { from: 'q', to: 'k' },
    { from: 'c', to: 'k' },
  ],
  french: [
    { from: 'chtch', to: 'xq' },
    { from: 'tch', to: 'q' },
    { from: 'ch', to: 'x' },
    { from: 'kh', to: 'h' },
    { from: 'ïou', to: 'iu' },
    { from: 'iou', to: 'iu' },
    { from: 'ou', to: 'u' },
    { from: 'gu', to: 'g', when: beforeFrontVowel },
    { from: 'ïo', to: 'io' },
    { from: 'io', to: 'io', when: gliding },
    { from: 'io', to: 'e' },
    { from: 'ine', to: 'in', when: atEnd },
    { from: 'yne', to: 'in', when: atEnd },
    { from: 'ts', to: 'c' },
    { from: 'tz', to: 'c' },
    { from: 'qu', to: 'k' },
    { from: 'ph', to: 'f' },
    { from: 'x', to: 'ks' },
    { from: 'w', to: 'v' },
    { from: 'y', to: 'i' },
    { from: 'q', to: 'k' },
    { from: 'c', to: 'k' },
  ],
  german: [
    { from: 'schtsch', to: 'xq' },
    { from: 'dsch', to: 'dj' },
    { from: 'tsch', to: 'q' },
    { from: 'sch', to: 'x' },
    { from: 'sh', to: 'j' }, // Duden's Ж (Breshnew)
    { from: 'ch', to: 'h' },
    { from: 'jo', to: 'io', when: gliding },
    { from: 'jo', to: 'e' },
    { from: 'tz', to: 'c' },
    { from: 'ts', to: 'c' },
    { from: 'ck', to: 'k' },
    { from: 'ph', to: 'f' },
    { from: 'qu', to: 'kv' },
    { from: 'z', to: 'c' },
    { from: 'j', to: 'i' },
    { from: 'w', to: 'v' },
    { from: 'x', to: 'ks' },
    { from: 'y', to: 'i' },
    { from: 'c', to: 'k' },
  ],
  // ISO 9 and the Slavists' system: c is Ц, j is Й, and ch (Czech and German usage) is Х. The
  // English digraphs sh, zh, kh are read too: they mean nothing else, and a scholar's
  // "Shchukin" should not read as s-h-h.
  scholarly: [
    { from: 'shch', to: 'xq' },
    { from: 'sh', to: 'x' },
    { from: 'zh', to: 'j' },
    { from: 'kh', to: 'h' },
    { from: 'ch', to: 'h' },
    { from: 'j', to: 'i' },
    { from: 'y', to: 'i' },
    { from: 'w', to: 'v' },
    { from: 'x', to: 'ks' },
  ],
};

/** Longest match first; at equal length the shared rules, then as written (a stable sort). */
const READERS: Readonly<Record<Reading, readonly Rule[]>> = {
  english: orderRules(READING_RULES.english),
  french: orderRules(READING_RULES.french),
  german: orderRules(READING_RULES.german),
  scholarly: orderRules(READING_RULES.scholarly),
};

function orderRules(rules: readonly Rule[]): readonly Rule[] {
  return [...SHARED_RULES, ...rules].sort((a, b) => b.from.length - a.from.length);
}

/** Latin letters only, lower case, accents stripped except those in KEPT_MARKS. */
function latinLetters(word: string): string {
  let out = '';
  for (const ch of word.normalize('NFC').toLowerCase()) {
    if (KEPT_MARKS.includes(ch) || SIGNS.includes(ch)) {
      out += ch;
      continue;
    }
    const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
    if (/^[a-z0-9]+$/.test(base)) out += base;
  }
  return out;
}

function readLatin(word: string, reading: Reading): string {
  const text = latinLetters(word);
  const rules = READERS[reading];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const rule = rules.find(
      (r) =>
        text.startsWith(r.from, i) &&
        (r.when === undefined || r.when(text.charAt(i - 1), text.slice(i + r.from.length))),
    );
    if (rule === undefined) {
      out += text.charAt(i);
      i += 1;
    } else {
      out += rule.to;
      i += rule.from.length;
    }
  }
  return out.replace(/(.)\1+/g, '$1');
}

// ---------------------------------------------------------------------------------------------
// Names: words, keys, readings

const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;

// Copy-pasted records mix look-alike letters ("Иванов" typed with a Latin o). Each word is
// converted to the script most of its letters are in.
// prettier-ignore
const LATIN_LOOKALIKES: Readonly<Record<string, string>> = {
  a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у',
  A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т', X: 'Х',
};
const CYRILLIC_LOOKALIKES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(LATIN_LOOKALIKES).map(([latin, cyrillic]) => [cyrillic, latin]),
);

function unmixScripts(word: string): string {
  const chars = Array.from(word);
  const cyrillic = chars.filter((c) => CYRILLIC.test(c)).length;
  const latin = chars.filter((c) => LATIN.test(c)).length;
  if (cyrillic === 0 || latin === 0) return word;
  const lookalikes = cyrillic >= latin ? LATIN_LOOKALIKES : CYRILLIC_LOOKALIKES;
  return chars.map((c) => lookalikes[c] ?? c).join('');
}

interface Word {
  readonly text: string;
  /** A single letter, or up to two followed by a full stop (A., Yu., Ж.). */
  readonly initial: boolean;
  readonly digits: boolean;
  /**
   * Two to six capitals, in a name that is this one word or has words in lower case: СК, ФСИН,
   * "УФСИН по Саратовской области". A name all in capitals (ЛИ ИВАН) is a name typed in capitals.
   */
  readonly acronym: boolean;
  /** Prepositions and conjunctions, left out of acronyms (Управление ФСИН по …). */
  readonly minor: boolean;
}

const MINOR_WORDS = new Set([
  ...['и', 'в', 'во', 'на', 'по', 'при', 'для', 'с', 'к', 'о', 'об'],
  ...['po', 'na', 'pri', 'dlya', 'dlia', 'of', 'the', 'and', 'for', 'in', 'on', 'at'],
  ...['de', 'du', 'des', 'la', 'le', 'der', 'die', 'das', 'und', 'für'],
]);

const WORD = new RegExp(`[\\p{L}\\p{M}${SIGNS}]+|\\p{N}+`, 'gu');
const EDGE_SIGNS = new RegExp(`^[${SIGNS}]+|[${SIGNS}]+$`, 'gu');

function words(name: string): Word[] {
  const normalized = name.normalize('NFC');
  const out: (Word & { capitals: boolean })[] = [];
  for (const match of normalized.matchAll(WORD)) {
    const text = unmixScripts(match[0].replace(EDGE_SIGNS, ''));
    if (text === '') continue;
    const digits = /^\p{N}+$/u.test(text);
    const letters = Array.from(text.replace(/\p{M}/gu, '')).length;
    const dotted = normalized.charAt(match.index + match[0].length) === '.';
    out.push({
      text,
      digits,
      initial: !digits && (letters === 1 || (letters === 2 && dotted)),
      capitals: !digits && text === text.toUpperCase(),
      acronym: false,
      minor: MINOR_WORDS.has(text),
    });
  }
  const lettered = out.filter((w) => !w.digits);
  const acronymsPossible = lettered.length === 1 || lettered.some((w) => !w.capitals);
  return out.map(({ capitals, ...w }) => ({
    ...w,
    acronym: acronymsPossible && capitals && w.text.length >= 2 && w.text.length <= 6,
  }));
}

interface KeyWord {
  readonly key: string;
  readonly initial: boolean;
  readonly digits: boolean;
  readonly minor: boolean;
  /** How much the word counts: its key's length, 1 for an initial. */
  readonly weight: number;
  /** For an acronym: the first skeleton symbol of each of its letters (ФСИН → fsin). */
  readonly letters: string | null;
  /** Words of the other name that spell out one of this name's acronyms, folded into one. */
  readonly spelledOut: boolean;
  /** Сергеевич, Ильич, Ивановна, Ильинична: often left out, so its absence says little. */
  readonly patronymic: boolean;
}

/** Patronymic endings in the skeleton: -ovich/-evich/-ich (q is Ч), -ovna/-evna/-ichna. */
const PATRONYMIC = /^.{3,}(?:viq|iq|ovna|evna|iqna)$/;

function wordKey(text: string, system: TransliterationSystem): string {
  const latin = CYRILLIC.test(text) ? transliterate(text, system) : text;
  return readLatin(latin, READING_OF[system]);
}

interface NameReading {
  /** The systems (for Latin: the readings of the systems) that give these keys. */
  readonly systems: TransliterationSystem[];
  readonly words: readonly KeyWord[];
}

/** The order readings are tried in, which decides the system named when several agree. */
const READING_ORDER: readonly TransliterationSystem[] = [
  'bgn-pcgn',
  'icao',
  'iso9',
  'french',
  'german',
];

interface PreparedName {
  readonly spelling: string;
  readonly cyrillic: boolean;
  readonly readings: readonly NameReading[];
}

function prepare(name: string): PreparedName {
  const ws = words(name);
  const readings = new Map<string, NameReading>();
  for (const system of READING_ORDER) {
    const keyed = ws
      .map((w): KeyWord => {
        const key = w.digits ? w.text : wordKey(w.text, system);
        return {
          key,
          initial: w.initial,
          digits: w.digits,
          minor: w.minor,
          weight: w.initial ? 1 : key.length,
          letters: w.acronym
            ? Array.from(w.text, (letter) => wordKey(letter, system).charAt(0)).join('')
            : null,
          spelledOut: false,
          patronymic: !w.digits && !w.initial && ws.length >= 3 && PATRONYMIC.test(key),
        };
      })
      .filter((w) => w.key !== '');
    const id = keyed.map((w) => `${w.key}:${w.letters ?? ''}`).join(' ');
    const same = readings.get(id);
    if (same === undefined) readings.set(id, { systems: [system], words: keyed });
    else same.systems.push(system);
  }
  return {
    spelling: spellingForm(name),
    cyrillic: CYRILLIC.test(name),
    readings: [...readings.values()],
  };
}

/** Case, ё/е, Latin accents, signs and punctuation aside: what "the same spelling" means. */
function spellingForm(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC').toLowerCase()) {
    if (SIGNS.includes(ch)) continue;
    if (ch === 'ё') out += 'е';
    else if (LATIN.test(ch)) out += ch.normalize('NFD').replace(/\p{M}/gu, '');
    else if (/[\p{L}\p{N}]/u.test(ch)) out += ch;
    else out += ' ';
  }
  return out.trim().replace(/\s+/g, ' ');
}

/**
 * The skeleton key of a name as the archive would store it for exact look-ups: Cyrillic words
 * read through ISO 9 (lossless), Latin words read as English, words sorted so that "Ivanov Ivan"
 * and "Иван Иванов" share it.
 */
export function nameKey(text: string): string {
  return words(text)
    .map((w) => (w.digits ? w.text : wordKey(w.text, CYRILLIC.test(w.text) ? 'iso9' : 'bgn-pcgn')))
    .filter((key) => key !== '')
    .sort()
    .join(' ');
}

/** Every skeleton key of a name, one per reading, words sorted; nameKey() comes first. */
export function matchKeys(text: string): string[] {
  const keys = [nameKey(text)];
  for (const reading of prepare(text).readings) {
    const key = reading.words
      .map((w) => w.key)
      .sort()
      .join(' ');
    if (!keys.includes(key)) keys.push(key);
  }
  return keys.filter((key) => key !== '');
}

// ---------------------------------------------------------------------------------------------
// Similarity

/** Optimal string alignment distance: Levenshtein plus transposition of neighbours. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      )
        d = Math.min(d, (before[j - 2] ?? 0) + 1);
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] ?? 0;
}

/** A surname or given name and its other-gender form name different people. */
const GENDER_FORM_SCORE = 0.7;
/** An initial agrees with a name but says little about it. */
const INITIAL_SCORE = 0.8;
/** An acronym agrees with the words it abbreviates, but other words would abbreviate alike. */
const ACRONYM_SCORE = 0.9;
/** Unmatched words weigh half: "Навальный" is a partial match of "Алексей Навальный". */
const UNMATCHED_WEIGHT = 0.5;
/** A patronymic missing from the other name weighs next to nothing: records often omit it. */
const UNMATCHED_PATRONYMIC_WEIGHT = 0.1;
/** Different spellings rank under the same spelling, whatever the keys say. */
const VARIANT_FACTOR = 0.95;
/** ИК-7 and ИК-1 are different colonies: different numbers halve the score. */
const NUMBER_MISMATCH_FACTOR = 0.5;

interface WordMatch {
  readonly score: number;
  readonly distance: number;
  readonly kind: 'same' | 'edit' | 'initial' | 'gender' | 'number' | 'acronym';
}

const NO_MATCH: WordMatch = { score: 0, distance: 0, kind: 'edit' };

/** Whether one key is the other-gender form of the other: Иванов/Иванова, Навальный/Навальная. */
function genderForms(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length < 3) return false;
  if (long === short + 'a') return true;
  return short.endsWith('i') && long === short.slice(0, -1) + 'aia';
}

function compareWords(a: KeyWord, b: KeyWord): WordMatch {
  if (a.digits || b.digits)
    return a.digits && b.digits && a.key === b.key
      ? { score: 1, distance: 0, kind: 'same' }
      : { ...NO_MATCH, kind: 'number' };
  if (a.spelledOut || b.spelledOut)
    return a.key === b.key ? { score: ACRONYM_SCORE, distance: 0, kind: 'acronym' } : NO_MATCH;
  if (a.initial || b.initial) {
    const [initial, other] = a.initial ? [a, b] : [b, a];
    return other.key.charAt(0) === initial.key.charAt(0)
      ? { score: INITIAL_SCORE, distance: 0, kind: 'initial' }
      : NO_MATCH;
  }
  const distance = editDistance(a.key, b.key);
  if (distance === 0) return { score: 1, distance, kind: 'same' };
  const score = 1 - distance / Math.max(a.key.length, b.key.length);
  if (genderForms(a.key, b.key))
    return { score: Math.min(score, GENDER_FORM_SCORE), distance, kind: 'gender' };
  return { score, distance, kind: 'edit' };
}

/**
 * Folds each run of words that an acronym of the other name abbreviates into one word that
 * matches it: "Следственный комитет" for СК, "Управление Федеральной службы исполнения
 * наказаний" for УФСИН. Prepositions inside the run are skipped, as acronyms skip them.
 */
function spellOutAcronyms(ws: readonly KeyWord[], other: readonly KeyWord[]): readonly KeyWord[] {
  const acronyms = other.filter((w) => w.letters !== null);
  if (acronyms.length === 0) return ws;
  const out: KeyWord[] = [];
  let i = 0;
  while (i < ws.length) {
    const start = i;
    const found = acronyms
      .map((acronym) => ({ acronym, end: runEnd(ws, start, acronym.letters ?? '') }))
      .find(({ end }) => end > start);
    if (found === undefined) {
      out.push(...ws.slice(i, i + 1));
      i += 1;
      continue;
    }
    const run = ws.slice(start, found.end);
    out.push({
      ...found.acronym,
      letters: null,
      spelledOut: true,
      weight: run.reduce((sum, w) => sum + w.weight, 0),
    });
    i = found.end;
  }
  return out;
}

/** The end of the run of words from start whose initials spell letters, or -1. */
function runEnd(ws: readonly KeyWord[], start: number, letters: string): number {
  let matched = 0;
  let i = start;
  while (i < ws.length && matched < letters.length) {
    const w = ws[i];
    if (w === undefined || w.digits || w.letters !== null) return -1;
    if (w.minor && matched > 0) {
      i += 1;
      continue;
    }
    if (w.key.charAt(0) !== letters.charAt(matched)) return -1;
    matched += 1;
    i += 1;
  }
  return matched === letters.length && matched >= 2 ? i : -1;
}

interface Alignment {
  readonly score: number;
  readonly distance: number;
  readonly kinds: ReadonlySet<WordMatch['kind']>;
  readonly reordered: boolean;
  readonly partial: boolean;
  readonly patronymicMissing: boolean;
  readonly numbersDiffer: boolean;
}

/**
 * Pairs the words of two readings, best pairs first, in any order. Score: the weighted mean of
 * the pairs' scores, a pair weighing its two words, an unmatched word half its own.
 */
function align(wordsA: readonly KeyWord[], wordsB: readonly KeyWord[]): Alignment {
  const a = spellOutAcronyms(wordsA, wordsB);
  const b = spellOutAcronyms(wordsB, wordsA);
  const pairs: { i: number; j: number; match: WordMatch; weight: number }[] = [];
  for (const [i, wa] of a.entries())
    for (const [j, wb] of b.entries()) {
      const match = compareWords(wa, wb);
      // An initial pair weighs as two letters, however long the name it abbreviates.
      const weight = match.kind === 'initial' ? 2 : wa.weight + wb.weight;
      if (match.score > 0) pairs.push({ i, j, match, weight });
    }
  pairs.sort(
    (x, y) =>
      y.match.score - x.match.score ||
      y.weight - x.weight ||
      Math.abs(x.i - x.j) - Math.abs(y.i - y.j),
  );
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  let earned = 0;
  let total = 0;
  let distance = 0;
  const kinds = new Set<WordMatch['kind']>();
  const chosen: { i: number; j: number }[] = [];
  for (const pair of pairs) {
    if (usedA.has(pair.i) || usedB.has(pair.j)) continue;
    usedA.add(pair.i);
    usedB.add(pair.j);
    earned += pair.match.score * pair.weight;
    total += pair.weight;
    distance += pair.match.distance;
    kinds.add(pair.match.kind);
    if (pair.match.score >= 0.5) chosen.push({ i: pair.i, j: pair.j });
  }
  let partial = false;
  let patronymicMissing = false;
  for (const [ws, used] of [
    [a, usedA],
    [b, usedB],
  ] as const)
    for (const [k, w] of ws.entries()) {
      if (used.has(k)) continue;
      total += (w.patronymic ? UNMATCHED_PATRONYMIC_WEIGHT : UNMATCHED_WEIGHT) * w.weight;
      if (w.patronymic) patronymicMissing = true;
      else if (!w.digits) partial = true;
    }
  chosen.sort((x, y) => x.i - y.i);
  const reordered = chosen.some((pair, k) => k > 0 && pair.j < (chosen[k - 1]?.j ?? 0));
  const numbers = (ws: readonly KeyWord[]): string =>
    ws
      .filter((w) => w.digits)
      .map((w) => w.key)
      .sort()
      .join(' ');
  const numbersDiffer = numbers(a) !== '' && numbers(b) !== '' && numbers(a) !== numbers(b);
  return {
    score: total === 0 ? 0 : earned / total,
    distance,
    kinds,
    reordered,
    partial,
    patronymicMissing,
    numbersDiffer,
  };
}

export interface NameComparison {
  /** 0 (nothing in common) to 1 (the same spelling). */
  readonly score: number;
  /** Why the names were matched, for the investigator: "transliteration (BGN/PCGN)". */
  readonly why: string;
}

const round = (score: number): number => Math.round(score * 1000) / 1000;

function comparePrepared(
  a: PreparedName,
  b: PreparedName,
  rawA: string,
  rawB: string,
): NameComparison {
  if (a.spelling === '' || b.spelling === '') return { score: 0, why: 'nothing to compare' };
  if (a.spelling === b.spelling) return { score: 1, why: 'same spelling' };
  // A Latin name that is exactly one system's transliteration of the Cyrillic one.
  if (a.cyrillic !== b.cyrillic) {
    const [cyrillic, latin] = a.cyrillic ? [rawA, b.spelling] : [rawB, a.spelling];
    for (const system of READING_ORDER)
      if (spellingForm(transliterate(cyrillic, system)) === latin)
        return { score: VARIANT_FACTOR, why: `transliteration (${SYSTEM_LABELS[system]})` };
  }
  let best: { alignment: Alignment; ra: NameReading; rb: NameReading } | null = null;
  for (const ra of a.readings)
    for (const rb of b.readings) {
      const alignment = align(ra.words, rb.words);
      if (best === null || alignment.score > best.alignment.score) best = { alignment, ra, rb };
    }
  if (best === null) return { score: 0, why: 'nothing to compare' };
  const { alignment, ra, rb } = best;
  let score = alignment.score * VARIANT_FACTOR;
  if (alignment.numbersDiffer) score *= NUMBER_MISMATCH_FACTOR;
  return { score: round(score), why: explain(alignment, a, b, ra, rb) };
}

/** The system named for a match: one that both sides were read by, else the first. */
function sharedSystem(ra: NameReading, rb: NameReading): TransliterationSystem {
  const readingsB = new Set(rb.systems.map((system) => READING_OF[system]));
  return ra.systems.find((system) => readingsB.has(READING_OF[system])) ?? ra.systems[0] ?? 'iso9';
}

function explain(
  alignment: Alignment,
  a: PreparedName,
  b: PreparedName,
  ra: NameReading,
  rb: NameReading,
): string {
  const reasons: string[] = [];
  const { kinds } = alignment;
  const crossScript = a.cyrillic !== b.cyrillic;
  const system = a.cyrillic ? sharedSystem(ra, rb) : sharedSystem(rb, ra);
  if (alignment.distance > 0) {
    const suffix = crossScript ? ` after transliteration (${SYSTEM_LABELS[system]})` : '';
    reasons.push(`edit distance ${alignment.distance}${suffix}`);
  } else if (crossScript) {
    if (kinds.has('same')) reasons.push(`transliteration (${SYSTEM_LABELS[system]})`);
  } else if (
    kinds.size === 1 &&
    kinds.has('same') &&
    !alignment.reordered &&
    !alignment.partial &&
    !alignment.patronymicMissing &&
    !alignment.numbersDiffer
  ) {
    // Every word matches, in order, yet the spelling differs: the difference is the spelling.
    const [la, lb] = [ra, rb].map((r) => READING_LABELS[READING_OF[r.systems[0] ?? 'iso9']]);
    if (a.cyrillic) reasons.push('spelling variant');
    else reasons.push(la === lb ? `spelling variant (${la})` : `spelling variant (${la} / ${lb})`);
  }
  if (kinds.has('acronym')) reasons.push('acronym');
  if (kinds.has('gender')) reasons.push('other-gender form');
  if (kinds.has('initial')) reasons.push('initials');
  if (alignment.reordered) reasons.push('word order');
  if (alignment.partial) reasons.push('partial name');
  if (alignment.patronymicMissing) reasons.push('no patronymic');
  if (alignment.numbersDiffer) reasons.push('different numbers');
  return reasons.length === 0 ? 'weak resemblance' : reasons.join(', ');
}

/** Score and reason for two names in any alphabet. */
export function compareNames(a: string, b: string): NameComparison {
  return comparePrepared(prepare(a), prepare(b), a, b);
}

/** 0..1: 1 for the same spelling, 0.95 for a transliteration, less per differing letter. */
export function nameSimilarity(a: string, b: string): number {
  return compareNames(a, b).score;
}

export interface MatchCandidate<Id> {
  readonly id: Id;
  /** The record's name and its aliases, in any alphabet. */
  readonly names: readonly string[];
}

export interface MatchSuggestion<Id> {
  readonly id: Id;
  /** The alias that matched best. */
  readonly name: string;
  readonly score: number;
  readonly why: string;
}

export interface SuggestOptions {
  readonly limit?: number;
  readonly threshold?: number;
}

/**
 * Records whose name or an alias may be the given name, best first (ties keep the candidates'
 * order). Each record appears once, with its best-matching alias.
 */
export function suggestMatches<Id>(
  name: string,
  candidates: readonly MatchCandidate<Id>[],
  options: SuggestOptions = {},
): MatchSuggestion<Id>[] {
  const threshold = options.threshold ?? DEFAULT_MATCH_THRESHOLD;
  const limit = options.limit ?? DEFAULT_SUGGESTION_LIMIT;
  const query = prepare(name);
  const out: MatchSuggestion<Id>[] = [];
  for (const candidate of candidates) {
    let best: MatchSuggestion<Id> | null = null;
    for (const alias of candidate.names) {
      const { score, why } = comparePrepared(query, prepare(alias), name, alias);
      if (best === null || score > best.score) best = { id: candidate.id, name: alias, score, why };
    }
    if (best !== null && best.score >= threshold) out.push(best);
  }
  return out.sort((x, y) => y.score - x.score).slice(0, Math.max(0, limit));
}
