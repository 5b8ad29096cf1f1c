import type { PublicLanguage } from '../../db/allegations-schema.ts';

/** The words of the release pages (public, share links, the static site), English and Russian. */
const en = {
  'site.title': 'Released evidence',
  'site.about':
    'Videos on these pages were redacted to protect the people in them: faces and other identifying details are covered.',
  'list.title': 'Published releases',
  'list.empty': 'Nothing has been published yet.',
  'release.published': 'Published {date}',
  'release.warning': 'Content warning',
  'release.show': 'I understand: show the videos',
  'release.videos': 'Videos',
  'release.video': 'Video {n}',
  'release.download': 'Download',
  'release.download.watermark':
    'Download (each copy carries a visible watermark with your name and the date)',
  'release.noVideo': 'Your browser cannot play this video; download it instead.',
  'release.texts': 'What happened',
  'release.when': 'When',
  'release.where': 'Where',
  'release.acts': 'What',
  'release.back': 'All releases',
  'link.for': 'Shared with {recipient}. This address is personal: do not pass it on.',
  'link.expires': 'This link works until {date}.',
  'error.title': 'Not available',
  'error.text':
    'There is nothing here: the address may be wrong, or the link expired or was withdrawn.',
} as const;

type Key = keyof typeof en;

const ru: { readonly [K in Key]: string } = {
  'site.title': 'Опубликованные материалы',
  'site.about':
    'Видео на этих страницах обработаны, чтобы защитить людей в кадре: лица и другие приметы закрыты.',
  'list.title': 'Опубликованные подборки',
  'list.empty': 'Пока ничего не опубликовано.',
  'release.published': 'Опубликовано {date}',
  'release.warning': 'Предупреждение о содержании',
  'release.show': 'Я понимаю: показать видео',
  'release.videos': 'Видео',
  'release.video': 'Видео {n}',
  'release.download': 'Скачать',
  'release.download.watermark': 'Скачать (на каждой копии видна метка с вашим именем и датой)',
  'release.noVideo': 'Ваш браузер не может воспроизвести это видео; скачайте его.',
  'release.texts': 'Что произошло',
  'release.when': 'Когда',
  'release.where': 'Где',
  'release.acts': 'Что',
  'release.back': 'Все подборки',
  'link.for': 'Для {recipient}. Это личная ссылка: не передавайте её другим.',
  'link.expires': 'Ссылка действует до {date}.',
  'error.title': 'Недоступно',
  'error.text': 'Здесь ничего нет: адрес неверен, или срок ссылки истёк, или её отозвали.',
};

export type ReleaseTexts = (key: Key, vars?: Readonly<Record<string, string | number>>) => string;

export function releaseTexts(language: PublicLanguage): ReleaseTexts {
  const dictionary = language === 'ru' ? ru : en;
  return (key, vars) =>
    dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
      const v = vars?.[name];
      return v === undefined ? whole : String(v);
    });
}
