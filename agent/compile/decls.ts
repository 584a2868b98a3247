// One ID's body as written in SLS → Salt's normalized shape { module: [fun, {arg: val}…] }
// (Salt's _handle_state_decls): `pkg.installed: [...]` becomes `pkg: [..., 'installed']`, the short
// form `id: pkg.installed` becomes `{pkg: ['installed']}`. Plain module keys keep their place and
// dotted ones follow, in the order they were written, exactly as Salt reorders them.
import { isDict } from './data.ts';

export interface NormalizedBody {
  /** module → argument list, in Salt's declaration order; undefined when the body is unusable. */
  modules?: Record<string, unknown[]>;
  problems: string[];
}

/** Splits `pkg.installed` into module and function (the function may itself contain dots). */
export function splitStateKey(key: string): { module: string; fun?: string } {
  const dot = key.indexOf('.');
  if (dot < 0) return { module: key };
  return { module: key.slice(0, dot), fun: key.slice(dot + 1) };
}

/**
 * Normalizes the body of ID `id` declared in SLS `sls`. `what` names the thing in messages
 * ("ID" for declarations, "extension of" for extend entries).
 */
export function normalizeBody(
  id: string,
  body: unknown,
  sls: string,
  what: 'ID' | 'extension of' = 'ID',
): NormalizedBody {
  const label = `${what} '${id}' in SLS '${sls}'`;
  if (typeof body === 'string' && body.includes('.') && what === 'ID') {
    const { module, fun } = splitStateKey(body);
    if (!module || !fun) return { problems: [`${label} has a malformed short declaration '${body}'`] };
    return { modules: { [module]: [fun] }, problems: [] };
  }
  if (!isDict(body)) return { problems: [`${label} is not a dictionary`] };
  const problems: string[] = [];
  const plain: Array<[string, unknown[]]> = [];
  const dotted: Array<[string, unknown[]]> = [];
  const seen = new Set<string>();
  for (const key of Object.keys(body)) {
    if (key.startsWith('__')) continue;
    const value = body[key];
    if (value === null || value === undefined) {
      problems.push(
        `${label} contains a short declaration (${key}) with a trailing colon; when passing no arguments to a state, omit the colon`,
      );
      continue;
    }
    if (!Array.isArray(value)) {
      problems.push(`state '${key}' of ${label} is not formed as a list`);
      continue;
    }
    const { module, fun } = splitStateKey(key);
    if (!module || fun === '') {
      problems.push(`${label} has a malformed state declaration '${key}'`);
      continue;
    }
    if (seen.has(module)) {
      problems.push(`${label} contains multiple state declarations of the same type (${module})`);
      continue;
    }
    seen.add(module);
    if (fun === undefined) plain.push([module, [...value]]);
    else dotted.push([module, [...value, fun]]);
  }
  const modules: Record<string, unknown[]> = {};
  for (const [m, list] of [...plain, ...dotted]) modules[m] = list;
  return { modules, problems };
}

/** Whether an argument list already carries an `order` argument. */
export function hasOrderArg(list: unknown[]): boolean {
  return list.some((a) => isDict(a) && Object.keys(a)[0] === 'order');
}
