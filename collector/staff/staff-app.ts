import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-context';
import { consoleRoutes } from './console-routes';
import { staffRoutes } from './routes';

/** Everything staff use: the API under /v1/staff and the console page under /console. */
export function staffApp(ctx: AppContext) {
  return new Hono<AppEnv>().route('/v1/staff', staffRoutes(ctx)).route('/console', consoleRoutes(ctx));
}
