import { HttpError } from '../http/http-error';

/**
 * Returns each query parameter's value from Hono's `c.req.queries()`. A
 * parameter of `checked` given twice (`tz=UTC&tz=Asia/Tokyo`) is rejected
 * with 400 `repeated_NAME`, because taking either value would silently drop
 * the other. Other parameters keep their first value, so that the caller's
 * own check can reject them by name.
 */
export function singleQueryValues(queries: Record<string, string[]>, checked: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, list] of Object.entries(queries)) {
    if (list.length > 1 && checked.includes(name)) {
      throw new HttpError(400, `repeated_${name}`, `The parameter ${JSON.stringify(name)} appears ${list.length} times; send it once.`);
    }
    values[name] = list[0]!;
  }
  return values;
}
