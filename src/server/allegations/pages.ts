import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  followUp,
  submitAllegation,
  type AllegationDeps,
} from '../../core/allegations/allegations.ts';
import { ACCOUNT_MAX, FollowUpInput, SubmissionInput } from '../../core/allegations/inputs.ts';
import { submitterView } from '../../core/allegations/views.ts';
import { jsonSchema } from '../../core/catalogue/inputs.ts';
import { isCustodyError } from '../../core/errors.ts';
import type { PublicLanguage } from '../../db/allegations-schema.ts';
import { ASSETS, page } from './html.ts';
import { pickLanguage, texts, type Texts } from './texts.ts';
import {
  EMPTY_REPORT,
  followUpForm,
  receiptPage,
  reportForm,
  threadPage,
  UPLOAD_ENDPOINT,
  type ReportValues,
} from './views.ts';

/**
 * The public side of allegations: server-written pages that work with JavaScript off (the
 * text; files need the small script), in English and Russian, and the same two actions as a
 * JSON API for scripts. No route here reads or keeps anything about the client: no address,
 * no cookie, no user agent (docs/allegations.md).
 */

export interface PublicOptions {
  /** The part size the page's script sends (smaller parts lose less on a dropped connection). */
  readonly chunkBytes: number;
}

const PUBLIC_DIR = path.join(import.meta.dirname, 'public');
const ASSET_TYPES: Readonly<Record<string, string>> = {
  'report.js': 'text/javascript; charset=utf-8',
  'report.css': 'text/css; charset=utf-8',
};

/** The fields of a posted form (anything else posted, e.g. JSON, is read the same way). */
type Form = Record<string, unknown>;

const field = (form: Form, name: string): string => {
  const value = form[name];
  return typeof value === 'string' ? value : '';
};

function languageOf(request: FastifyRequest, form?: Form): PublicLanguage {
  const query = request.query as Record<string, unknown> | undefined;
  return pickLanguage(form?.['lang'] ?? query?.['lang'], request.headers['accept-language']);
}

function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);
}

export async function publicRoutes(
  app: FastifyInstance,
  deps: AllegationDeps,
  options: PublicOptions,
): Promise<void> {
  const access = { access: 'public' } as const;
  const pageSchema = (summary: string) => ({ tags: ['public'], summary });

  const switchTo = (pathname: string, language: PublicLanguage) => {
    const other: PublicLanguage = language === 'ru' ? 'en' : 'ru';
    return { href: `${pathname}?lang=${other}`, language: other };
  };

  const showForm = (
    reply: FastifyReply,
    status: number,
    t: Texts,
    language: PublicLanguage,
    values: ReportValues,
    errors: { account?: string | null; form?: string | null } = {},
  ) =>
    sendPage(
      reply,
      status,
      page(t, language, {
        title: t('report.title'),
        body: reportForm(t, language, values, errors),
        switchTo: switchTo('/report', language),
      }),
    );

  const showFollowUpForm = (
    reply: FastifyReply,
    status: number,
    t: Texts,
    language: PublicLanguage,
    error: string | null,
  ) =>
    sendPage(
      reply,
      status,
      page(t, language, {
        title: t('followUp.title'),
        body: followUpForm(t, language, error),
        switchTo: switchTo('/report/follow-up', language),
      }),
    );

  await app.register((scope, _options, done) => {
    // Plain HTML forms post urlencoded fields; only these routes read them.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 2 << 20 },
      (_request, body, parsed) => {
        const form: Record<string, string> = {};
        for (const [name, value] of new URLSearchParams(body as string))
          if (!(name in form)) form[name] = value;
        parsed(null, form);
      },
    );

    scope.get(
      '/report',
      {
        config: access,
        schema: pageSchema(
          'The public report form (HTML; English or Russian by ?lang= or Accept-Language)',
        ),
      },
      (request, reply) => {
        const language = languageOf(request);
        return showForm(reply, 200, texts(language), language, EMPTY_REPORT);
      },
    );

    scope.post<{ Body: Form | undefined }>(
      '/report',
      {
        config: access,
        schema: pageSchema(
          'Send the report form (urlencoded): the receipt page, or the form with what to fix',
        ),
      },
      async (request, reply) => {
        const form = request.body ?? {};
        const language = languageOf(request, form);
        const t = texts(language);
        const values: ReportValues = {
          account: field(form, 'account'),
          facility: field(form, 'facility'),
          occurredOn: field(form, 'occurredOn'),
          people: field(form, 'people'),
        };
        if (values.account.trim() === '')
          return showForm(reply, 400, t, language, values, {
            account: t('report.error.required'),
          });
        if (values.account.length > ACCOUNT_MAX)
          return showForm(reply, 400, t, language, values, {
            account: t('report.error.tooLong', { max: ACCOUNT_MAX }),
          });
        let submitted;
        try {
          submitted = await submitAllegation(deps, { ...values, language });
        } catch (e) {
          if (!isCustodyError(e) || e.code !== 'REQUEST.INVALID') throw e;
          return showForm(reply, 400, t, language, values, { form: t('report.failed') });
        }
        return sendPage(
          reply,
          201,
          page(t, language, {
            title: t('receipt.title'),
            body: receiptPage(t, language, {
              receipt: submitted.receipt,
              token: submitted.uploadToken,
              chunkBytes: options.chunkBytes,
            }),
          }),
        );
      },
    );

    scope.get(
      '/report/follow-up',
      { config: access, schema: pageSchema('The form that asks for a receipt code (HTML)') },
      (request, reply) => {
        const language = languageOf(request);
        return showFollowUpForm(reply, 200, texts(language), language, null);
      },
    );

    scope.post<{ Body: Form | undefined }>(
      '/report/follow-up',
      {
        config: access,
        schema: pageSchema(
          'Open an allegation with its receipt code, adding a message (urlencoded; HTML)',
        ),
      },
      async (request, reply) => {
        const form = request.body ?? {};
        const language = languageOf(request, form);
        const t = texts(language);
        const receipt = field(form, 'receipt');
        let result;
        try {
          result = await followUp(deps, { receipt, message: field(form, 'message') });
        } catch (e) {
          if (!isCustodyError(e)) throw e;
          if (e.code === 'ALLEGATION.NOT_FOUND')
            return showFollowUpForm(reply, 404, t, language, t('followUp.notFound'));
          if (e.code === 'ALLEGATION.THROTTLED')
            return showFollowUpForm(reply, 429, t, language, t('followUp.throttled'));
          if (e.code === 'REQUEST.INVALID')
            return showFollowUpForm(reply, 400, t, language, t('followUp.required'));
          throw e;
        }
        return sendPage(
          reply,
          200,
          page(t, language, {
            title: t('thread.title'),
            body: threadPage(t, language, {
              view: await submitterView(deps.db, result.id),
              receipt,
              token: result.uploadToken,
              chunkBytes: options.chunkBytes,
              added: result.added,
            }),
          }),
        );
      },
    );

    scope.get<{ Params: { file: string } }>(
      `${ASSETS}/:file`,
      { config: access, schema: pageSchema("The report pages' script and style sheet") },
      async (request, reply) => {
        const type = ASSET_TYPES[request.params.file];
        if (type === undefined)
          return reply.status(404).type('text/plain; charset=utf-8').send('No such file.\n');
        const body = await fs.readFile(path.join(PUBLIC_DIR, request.params.file));
        return reply.type(type).header('cache-control', 'no-cache').send(body);
      },
    );
    done();
  });

  // ---- the same two actions for scripts -----------------------------------------------------
  const tags = ['public'];
  app.post(
    '/api/public/allegations',
    {
      config: access,
      schema: {
        tags,
        summary:
          'Send an allegation (no account). The receipt code is in this answer only: it is never stored.',
        body: jsonSchema(SubmissionInput),
      },
    },
    async (request, reply) => {
      const s = await submitAllegation(deps, request.body);
      return reply.status(201).send({
        receipt: s.receipt,
        uploadToken: s.uploadToken,
        uploadTokenExpiresAt: s.uploadTokenExpiresAt.toISOString(),
        uploads: UPLOAD_ENDPOINT,
      });
    },
  );
  app.post(
    '/api/public/allegations/follow-up',
    {
      config: access,
      schema: {
        tags,
        summary:
          'Open an allegation with its receipt code: its messages and replies, optionally adding a message, and a new upload token',
        body: jsonSchema(FollowUpInput),
      },
    },
    async (request) => {
      const result = await followUp(deps, request.body);
      return {
        allegation: await submitterView(deps.db, result.id),
        added: result.added,
        uploadToken: result.uploadToken,
        uploadTokenExpiresAt: result.uploadTokenExpiresAt.toISOString(),
        uploads: UPLOAD_ENDPOINT,
      };
    },
  );
}
