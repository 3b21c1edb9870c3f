import { Hono } from 'hono';
import type { PublishedForm } from '../../sdk/form-definition';
import type { AppContext, AppEnv } from '../app-context';
import { HttpError } from '../http/http-error';
import { findFormVersion } from './form-store';

/** Public form routes: the published definition and the key to encrypt to. */
export function formRoutes(ctx: AppContext) {
  return new Hono<AppEnv>().get('/:formId', async (c) => {
    const formId = c.req.param('formId');
    const definition = await findFormVersion(ctx.db, formId);
    const key = definition && (await ctx.custody.currentKey(formId));
    if (!definition || !key) throw new HttpError(404, 'form_not_found', `No form "${formId}" is published; check the form id, or publish it with \`npm run sealpost -- forms publish FILE\`.`);

    c.header('Cache-Control', 'no-cache');
    return c.json({ definition, key } satisfies PublishedForm);
  });
}
