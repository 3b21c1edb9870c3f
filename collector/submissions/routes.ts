import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppContext, AppEnv } from '../app-context';
import { HttpError } from '../http/http-error';
import { acceptSubmission } from './accept-submission';

/**
 * The submission route. Only the collector's own origin may post, because the
 * form runs in an iframe served from it; a page elsewhere gets 403 and no CORS
 * header, so its script cannot read the answer either.
 */
export function submissionRoutes(ctx: AppContext) {
  return new Hono<AppEnv>().post(
    '/:formId/submissions',
    sameOriginOnly(ctx.config.publicOrigins),
    jsonOnly(),
    bodyLimit({
      maxSize: ctx.config.maxSubmissionBytes,
      onError: () => {
        throw new HttpError(413, 'payload_too_large', `The submission is larger than the limit of ${ctx.config.maxSubmissionBytes} bytes; remove attachments or shorten answers, or raise SEALPOST_MAX_SUBMISSION_BYTES on the collector.`);
      },
    }),
    async (c) => {
      const body = await readJson(c.req.raw);
      const formId = c.req.param('formId');
      // A contact token is checked on the workflow engine's key and clock, which also time its trigger job.
      const engine = ctx.workflowEngine;
      const contactTokens = engine ? { key: engine.contactTokenKey, now: engine.clock.now() } : undefined;
      const { receipt, replayed } = await acceptSubmission(ctx.db, ctx.custody, formId, body, { contactTokens });

      if (replayed) c.header('Idempotent-Replayed', 'true');
      else ctx.logger.info({ requestId: c.get('requestId'), formId, submissionId: receipt.id }, 'submission stored');
      return c.json(receipt, 201);
    },
  );
}

function sameOriginOnly(origins: string[]): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (!origin || !origins.includes(origin)) {
      throw new HttpError(403, 'origin_not_allowed', `Submissions are accepted only from the collector's own origin (${origins[0]}), not from ${JSON.stringify(origin ?? null)}; post from the embedded form.`);
    }
    await next();
  };
}

function jsonOnly(): MiddlewareHandler {
  return async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (type.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
      throw new HttpError(415, 'unsupported_media_type', `Content-Type ${JSON.stringify(type)} is not accepted; send the submission as application/json.`);
    }
    await next();
  };
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON; send { formVersion, kid, jwe, idempotencyKey, contactToken? } as a JSON object.');
  }
}
