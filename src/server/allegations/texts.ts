import type { PublicLanguage } from '../../db/allegations-schema.ts';

/**
 * The words of the public pages, in English and Russian. The Russian dictionary must have every
 * English key and no other (the type says so). `{name}` marks a value filled in by `fill`.
 */
const en = {
  'lang.name': 'English',
  'site.title': 'Report abuse in detention',
  'site.privacy':
    'This site records no IP address, device or browser of the people who write to it: only what you type and the files you send.',

  'report.title': 'Tell us what happened',
  'report.intro':
    'This form sends your account to the human-rights organisation that keeps this archive. You need no account, and you do not have to give your name.',
  'report.safety.title': 'Before you write',
  'report.safety.device':
    'If you can, use a device and a connection that nobody watches (Tor Browser, for example). Clear the browser history afterwards if others use this device.',
  'report.safety.name':
    'Give names only as far as you want to: your own is not needed for us to act on what you send.',
  'report.safety.receipt':
    'After sending you get a receipt code. With it you can come back, read our replies and add more.',
  'report.account': 'What happened?',
  'report.account.help':
    'In your own words: what happened, where, when and to whom. Write as much as you can.',
  'report.facility': 'Where?',
  'report.facility.help': 'The colony, prison, remand centre or hospital, and the region.',
  'report.occurred': 'When?',
  'report.occurred.help': 'A date, or roughly: “March 2020”, “spring 2019”.',
  'report.people': 'Who was involved?',
  'report.people.help':
    'Those who were hurt, those who did it, witnesses: names, nicknames or positions, as far as you are willing to share them.',
  'report.files': 'Files: photos, videos, documents',
  'report.files.help':
    'Large files are fine. If the connection drops, the upload goes on from where it stopped.',
  'report.files.noscript':
    'Attaching files needs JavaScript. You can send the text now and add files later with your receipt code.',
  'report.send': 'Send',
  'report.sending': 'Sending…',
  'report.followUp': 'Already sent something? Come back with your receipt code',
  'report.failed': 'The form could not be sent.',
  'report.error.required': 'Please write what happened.',
  'report.error.tooLong': 'This is too long: at most {max} characters.',
  'report.error.network':
    'The connection failed. Nothing was lost from the form: try sending again.',
  optional: '(optional)',

  'receipt.title': 'Your account was received',
  'receipt.code': 'Your receipt code',
  'receipt.warning':
    'Write this code down now, on paper or somewhere safe. It is shown only this once: we do not keep it and cannot show it again.',
  'receipt.private':
    'Anyone who has the code can read our replies and add to your account: keep it private.',
  'receipt.followUp': 'To read our replies or add more later, open {link} and enter the code.',
  'receipt.followUpLink': 'the follow-up page',

  'files.title': 'Files',
  'files.keepOpen': 'Keep this page open until every file says “received”.',
  'files.add': 'Add files',
  'files.send': 'Send files',
  'files.waiting': 'waiting',
  'files.uploading': 'sending: {percent}%',
  'files.retrying': 'connection lost: trying again…',
  'files.done': 'received',
  'files.failed': 'not sent: {reason}',
  'files.none': 'No files yet.',
  'files.noscript':
    'Sending files needs JavaScript. Without it you can still read replies and add text.',

  'followUp.title': 'Come back with your receipt code',
  'followUp.intro':
    'Enter the code you were given when you sent your account, to read our replies and add more.',
  'followUp.code': 'Receipt code',
  'followUp.code.help':
    '25 letters and digits in five groups. Dashes, spaces and small letters do not matter.',
  'followUp.open': 'Open',
  'followUp.required': 'Enter your receipt code.',
  'followUp.notFound': 'No account has this code. Check what you wrote down and try again.',
  'followUp.throttled':
    'Too many wrong codes were tried recently. Please wait 15 minutes and try again.',
  'followUp.newReport': 'Send a new account instead',

  'thread.title': 'Your account and our replies',
  'thread.sentOn': 'Sent on {date}',
  'thread.account': 'What you wrote',
  'thread.facility': 'Where',
  'thread.occurred': 'When',
  'thread.people': 'Who was involved',
  'thread.messages': 'Messages',
  'thread.you': 'You wrote',
  'thread.organisation': 'Reply from the organisation',
  'thread.noReply': 'No reply yet. We read every account; a reply can take time.',
  'thread.add': 'Add to your account',
  'thread.add.help': 'More details, corrections, or an answer to our questions.',
  'thread.send': 'Send',
  'thread.added': 'Your message was added.',
  'thread.files': 'Files you sent',
  'thread.leave':
    'When you are done, close this page. The code stays with you: this browser does not keep it.',
} as const;

type Key = keyof typeof en;

const ru: { readonly [K in Key]: string } = {
  'lang.name': 'Русский',
  'site.title': 'Сообщить о насилии в местах заключения',
  'site.privacy':
    'Этот сайт не записывает IP-адрес, устройство или браузер тех, кто ему пишет: только то, что вы напишете, и файлы, которые вы отправите.',

  'report.title': 'Расскажите, что произошло',
  'report.intro':
    'Эта форма отправляет ваше сообщение правозащитной организации, которая ведёт этот архив. Регистрироваться не нужно, называть своё имя тоже не обязательно.',
  'report.safety.title': 'Прежде чем писать',
  'report.safety.device':
    'По возможности используйте устройство и подключение, за которыми никто не следит (например, Tor Browser). Если устройством пользуются другие, очистите потом историю браузера.',
  'report.safety.name':
    'Называйте имена только в той мере, в какой хотите: ваше собственное имя нам не нужно, чтобы действовать.',
  'report.safety.receipt':
    'После отправки вы получите код получения. С ним можно вернуться, прочитать наши ответы и дополнить сообщение.',
  'report.account': 'Что произошло?',
  'report.account.help':
    'Своими словами: что случилось, где, когда и с кем. Напишите как можно подробнее.',
  'report.facility': 'Где?',
  'report.facility.help': 'Колония, тюрьма, СИЗО или больница, и регион.',
  'report.occurred': 'Когда?',
  'report.occurred.help': 'Дата или примерно: «март 2020», «весна 2019».',
  'report.people': 'Кто был причастен?',
  'report.people.help':
    'Пострадавшие, те, кто это сделал, свидетели: имена, прозвища или должности — в той мере, в какой вы готовы ими поделиться.',
  'report.files': 'Файлы: фото, видео, документы',
  'report.files.help':
    'Большие файлы — не проблема. Если связь оборвётся, загрузка продолжится с того места, где остановилась.',
  'report.files.noscript':
    'Чтобы приложить файлы, нужен JavaScript. Можно отправить текст сейчас, а файлы добавить позже по коду получения.',
  'report.send': 'Отправить',
  'report.sending': 'Отправка…',
  'report.followUp': 'Уже что-то отправляли? Вернитесь с кодом получения',
  'report.failed': 'Не удалось отправить форму.',
  'report.error.required': 'Пожалуйста, напишите, что произошло.',
  'report.error.tooLong': 'Слишком длинно: не больше {max} знаков.',
  'report.error.network':
    'Связь прервалась. Из формы ничего не пропало: попробуйте отправить ещё раз.',
  optional: '(необязательно)',

  'receipt.title': 'Ваше сообщение получено',
  'receipt.code': 'Ваш код получения',
  'receipt.warning':
    'Запишите этот код прямо сейчас — на бумаге или в надёжном месте. Он показывается только один раз: мы его не храним и не сможем показать снова.',
  'receipt.private':
    'Любой, у кого есть этот код, может читать наши ответы и дополнять ваше сообщение: никому его не показывайте.',
  'receipt.followUp':
    'Чтобы потом прочитать наши ответы или что-то добавить, откройте {link} и введите код.',
  'receipt.followUpLink': 'страницу продолжения',

  'files.title': 'Файлы',
  'files.keepOpen': 'Не закрывайте эту страницу, пока у каждого файла не появится «получен».',
  'files.add': 'Добавить файлы',
  'files.send': 'Отправить файлы',
  'files.waiting': 'ожидает',
  'files.uploading': 'отправка: {percent}%',
  'files.retrying': 'связь прервалась: пробуем снова…',
  'files.done': 'получен',
  'files.failed': 'не отправлен: {reason}',
  'files.none': 'Файлов пока нет.',
  'files.noscript':
    'Для отправки файлов нужен JavaScript. Без него можно читать ответы и добавлять текст.',

  'followUp.title': 'Вернуться с кодом получения',
  'followUp.intro':
    'Введите код, который вы получили при отправке сообщения, чтобы прочитать наши ответы и дополнить его.',
  'followUp.code': 'Код получения',
  'followUp.code.help': '25 букв и цифр в пяти группах. Дефисы, пробелы и строчные буквы не важны.',
  'followUp.open': 'Открыть',
  'followUp.required': 'Введите код получения.',
  'followUp.notFound':
    'Сообщения с таким кодом нет. Проверьте, что вы записали, и попробуйте ещё раз.',
  'followUp.throttled':
    'Недавно было введено слишком много неверных кодов. Подождите 15 минут и попробуйте снова.',
  'followUp.newReport': 'Отправить новое сообщение',

  'thread.title': 'Ваше сообщение и наши ответы',
  'thread.sentOn': 'Отправлено {date}',
  'thread.account': 'Что вы написали',
  'thread.facility': 'Где',
  'thread.occurred': 'Когда',
  'thread.people': 'Кто был причастен',
  'thread.messages': 'Сообщения',
  'thread.you': 'Вы написали',
  'thread.organisation': 'Ответ организации',
  'thread.noReply': 'Ответа пока нет. Мы читаем каждое сообщение; ответ может занять время.',
  'thread.add': 'Дополнить сообщение',
  'thread.add.help': 'Подробности, исправления или ответ на наши вопросы.',
  'thread.send': 'Отправить',
  'thread.added': 'Ваше сообщение добавлено.',
  'thread.files': 'Отправленные файлы',
  'thread.leave':
    'Закончив, закройте эту страницу. Код остаётся у вас: этот браузер его не сохраняет.',
};

export type TextKey = Key;
export type Texts = (key: Key, vars?: Readonly<Record<string, string | number>>) => string;

const DICTIONARIES: Readonly<Record<PublicLanguage, { readonly [K in Key]: string }>> = { en, ru };

export function texts(language: PublicLanguage): Texts {
  const dictionary = DICTIONARIES[language];
  return (key, vars) =>
    dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
      const v = vars?.[name];
      return v === undefined ? whole : String(v);
    });
}

/**
 * The page's language: `?lang=` (the switch link), else the first of English and Russian the
 * browser prefers (Accept-Language), else Russian, the language most submitters write in.
 */
export function pickLanguage(asked: unknown, acceptLanguage: string | undefined): PublicLanguage {
  if (asked === 'en' || asked === 'ru') return asked;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { base: tag.split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((l) => (l.base === 'en' || l.base === 'ru') && l.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const first = ranked[0]?.base;
  return first === 'en' ? 'en' : 'ru';
}
