/**
 * Verification of items and incidents: the statuses and how they change, the checklist (after
 * the Berkeley Protocol's technical, source and content analysis), and the comparison of the
 * times a video carries. Pure data and rules; the database and the API live elsewhere.
 */

export const VERIFICATION_SUBJECTS = ['item', 'incident'] as const;
export type VerificationSubject = (typeof VERIFICATION_SUBJECTS)[number];

export const VERIFICATION_STATUSES = [
  'unverified',
  'in_review',
  'verified',
  'disputed',
  'rejected',
] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** What an editor may set: the work is not started, or it is ready for a second person. */
export const OPEN_STATUSES = ['unverified', 'in_review'] as const;
export type OpenStatus = (typeof OPEN_STATUSES)[number];

/** What only a reviewer's sign-off sets. */
export const FINAL_STATUSES = ['verified', 'disputed', 'rejected'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export const CONFIDENCE_LEVELS = ['low', 'medium', 'high'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

export const CHECK_RESULTS = ['not_checked', 'pass', 'concern', 'fail'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

export const CHECK_PARTS = ['technical', 'source', 'content'] as const;
export type CheckPart = (typeof CHECK_PARTS)[number];

/**
 * What a check may point to as its evidence: a generic {type, id}, so allegations (and other
 * records) join by adding their type here and their table to the reference check.
 */
export const EVIDENCE_TYPES = [
  'item',
  'segment',
  'incident',
  'source',
  'claim',
  'response',
] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export interface EvidenceLink {
  readonly type: EvidenceType;
  readonly id: string;
}

interface Words {
  readonly label: string;
  readonly help: string;
}

export interface CheckDefinition {
  readonly code: string;
  readonly part: CheckPart;
  readonly en: Words;
  readonly ru: Words;
}

/** The checklist. Codes are stable (they are stored and logged); labels may be reworded. */
export const CHECKS = [
  {
    code: 'metadata-consistent',
    part: 'technical',
    en: {
      label: 'Probe metadata is consistent',
      help: 'Container, codecs, resolution, frame rate and device tags fit the camera or DVR it is said to come from; no probe problems.',
    },
    ru: {
      label: 'Метаданные согласованы',
      help: 'Контейнер, кодеки, разрешение, частота кадров и теги устройства соответствуют камере или видеорегистратору, с которых якобы получена запись; ffprobe не нашёл проблем.',
    },
  },
  {
    code: 'overlay-vs-file-time',
    part: 'technical',
    en: {
      label: 'Overlay time agrees with the file times',
      help: 'The date and time burnt into the picture agree with the recording time in the metadata and with the file modification times (allowing for the time zone).',
    },
    ru: {
      label: 'Время на кадре совпадает со временем файла',
      help: 'Дата и время, впечатанные в изображение, совпадают со временем записи в метаданных и временем изменения файла (с учётом часового пояса).',
    },
  },
  {
    code: 'no-editing',
    part: 'technical',
    en: {
      label: 'No sign of editing',
      help: 'The overlay clock runs without jumps; no splices, re-encoding or inserted frames.',
    },
    ru: {
      label: 'Нет признаков монтажа',
      help: 'Часы на кадре идут без скачков; нет склеек, перекодирования или вставленных кадров.',
    },
  },
  {
    code: 'copies-agree',
    part: 'technical',
    en: {
      label: 'Copies and cuts agree',
      help: 'Other copies or cuts of the same recording show the same frames and the same overlay.',
    },
    ru: {
      label: 'Копии и фрагменты совпадают',
      help: 'Другие копии или фрагменты той же записи показывают те же кадры и то же время на кадре.',
    },
  },
  {
    code: 'chain-of-custody',
    part: 'source',
    en: {
      label: 'Acquisition and chain of custody',
      help: 'The acquisition is recorded (when, how), the hashes were taken on arrival and the custody log is intact.',
    },
    ru: {
      label: 'Получение и цепочка хранения',
      help: 'Получение материала записано (когда и как), хеши сняты при поступлении, журнал хранения не нарушен.',
    },
  },
  {
    code: 'source-known',
    part: 'source',
    en: {
      label: 'Who handed it over',
      help: 'The source is known to the organisation and how they came to hold the material is plausible (never written here by name).',
    },
    ru: {
      label: 'Кто передал материал',
      help: 'Источник известен организации, и то, как он получил материал, правдоподобно (имя здесь не записывается).',
    },
  },
  {
    code: 'place',
    part: 'content',
    en: {
      label: 'Place',
      help: 'The facility is recognisable (buildings, rooms, uniforms, signs) or corroborated by other clips, allegations or sources.',
    },
    ru: {
      label: 'Место',
      help: 'Учреждение узнаваемо (здания, помещения, форма, надписи) или подтверждено другими записями, заявлениями или источниками.',
    },
  },
  {
    code: 'time',
    part: 'content',
    en: {
      label: 'Time',
      help: 'The overlay, other clips of the same event and the allegations agree on when it happened.',
    },
    ru: {
      label: 'Время',
      help: 'Время на кадре, другие записи того же события и заявления согласуются в том, когда это произошло.',
    },
  },
  {
    code: 'people',
    part: 'content',
    en: {
      label: 'People',
      help: 'Those shown (victims, officers) are identified or corroborated by allegations, testimony or other records.',
    },
    ru: {
      label: 'Люди',
      help: 'Показанные люди (пострадавшие, сотрудники) установлены или подтверждены заявлениями, показаниями или другими записями.',
    },
  },
] as const satisfies readonly CheckDefinition[];

export type CheckCode = (typeof CHECKS)[number]['code'];
export const CHECK_CODES = CHECKS.map((c) => c.code) as [CheckCode, ...CheckCode[]];

export const isFinal = (s: VerificationStatus): s is FinalStatus =>
  (FINAL_STATUSES as readonly string[]).includes(s);

/**
 * The status after a change to the record's content. An editor may set an open status; a change
 * to a signed-off record reopens it for review unless the editor sets one themselves.
 */
export function statusAfterEdit(
  current: VerificationStatus,
  requested: OpenStatus | undefined,
): VerificationStatus {
  if (requested !== undefined) return requested;
  return isFinal(current) ? 'in_review' : current;
}

export type SignOffRefusal = 'not-in-review' | 'own-work' | 'changed';

/**
 * Why a reviewer may not sign off, or null when they may. Two people: whoever made the last
 * change to the content cannot be the one who signs it off. `seen` is the version the reviewer
 * looked at (its last change time), when they said.
 */
export function signOffRefusal(
  record: {
    readonly status: VerificationStatus;
    readonly updatedBy: string | null;
    readonly updatedAt: Date | null;
  } | null,
  reviewer: string,
  seen?: Date,
): SignOffRefusal | null {
  if (record?.status !== 'in_review') return 'not-in-review';
  if (record.updatedBy === reviewer) return 'own-work';
  if (seen !== undefined && record.updatedAt?.getTime() !== seen.getTime()) return 'changed';
  return null;
}

// ---- times ------------------------------------------------------------------------------------

/** Seconds within which two times are taken to agree (cameras drift; OCR reads whole seconds). */
export const TIME_TOLERANCE_SECONDS = 120;

export type OffsetVerdict = 'agrees' | 'zone-offset' | 'differs';
export type FileTimeVerdict = 'before-recording' | 'while-recording' | 'later';

export interface TimeComparison {
  /**
   * The overlay (a wall clock without zone, read as if UTC) minus the creation time: a whole
   * number of quarter hours within the tolerance suggests a time-zone offset.
   */
  readonly overlayVsCreation: {
    readonly differenceSeconds: number;
    readonly zoneOffsetMinutes: number | null;
    readonly verdict: OffsetVerdict;
  } | null;
  /** Each file time against the creation time: last written before, during or after it. */
  readonly files: readonly {
    readonly mtime: string;
    readonly afterCreationSeconds: number | null;
    readonly verdict: FileTimeVerdict | null;
  }[];
}

/** 'YYYY-MM-DD HH:MM:SS' or with a T, as if UTC; null when it is not such a time. */
function wallClockMs(wallClock: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/.exec(wallClock);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, ...number[]];
  const ms = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
  return Number.isNaN(ms) ? null : ms;
}

function isoMs(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Compares the camera's overlay, the recording time in the metadata and the file times. Gives
 * numbers and plain verdicts, never a judgement: a camera may stamp local time as UTC, or the
 * end of the recording; a copied file keeps its copy's time.
 */
export function compareTimes(input: {
  readonly overlayStart: string | null;
  readonly creationTime: string | null;
  readonly durationSeconds: number | null;
  readonly mtimes: readonly string[];
}): TimeComparison {
  const created = isoMs(input.creationTime);
  const overlay = input.overlayStart === null ? null : wallClockMs(input.overlayStart);
  let overlayVsCreation: TimeComparison['overlayVsCreation'] = null;
  if (created !== null && overlay !== null) {
    const difference = Math.round((overlay - created) / 1000);
    const quarters = Math.round(difference / 900);
    const near = Math.abs(difference - quarters * 900) <= TIME_TOLERANCE_SECONDS;
    const plausibleZone = Math.abs(quarters) <= 14 * 4;
    overlayVsCreation = {
      differenceSeconds: difference,
      zoneOffsetMinutes: near && plausibleZone ? quarters * 15 : null,
      verdict: !near || !plausibleZone ? 'differs' : quarters === 0 ? 'agrees' : 'zone-offset',
    };
  }
  const duration = Math.max(0, input.durationSeconds ?? 0);
  const files = input.mtimes.map((mtime) => {
    const at = isoMs(mtime);
    if (at === null || created === null)
      return { mtime, afterCreationSeconds: null, verdict: null };
    const after = Math.round((at - created) / 1000);
    const verdict: FileTimeVerdict =
      after < -TIME_TOLERANCE_SECONDS
        ? 'before-recording'
        : after <= duration + TIME_TOLERANCE_SECONDS
          ? 'while-recording'
          : 'later';
    return { mtime, afterCreationSeconds: after, verdict };
  });
  return { overlayVsCreation, files };
}

/** Seconds within which a copy's overlay fits (whole seconds read on both, frames apart). */
export const COPY_TOLERANCE_SECONDS = 5;

/**
 * How far a copy's overlay is from where this one's puts it, in seconds (0: they agree), or null
 * when either is unread. The other's time = this time + offset, so its overlay should start
 * `offset` seconds earlier on the wall clock.
 */
export function copyOverlayMismatch(
  thisStart: string | null,
  otherStart: string | null,
  offsetSeconds: number,
): number | null {
  const mine = thisStart === null ? null : wallClockMs(thisStart);
  const theirs = otherStart === null ? null : wallClockMs(otherStart);
  if (mine === null || theirs === null) return null;
  return Math.round((theirs - mine) / 1000 + offsetSeconds);
}
