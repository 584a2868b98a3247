// The `salt` object in templates: execution-module-style lookups over render data.
import type { RenderContext } from './sls.ts';

export function traverse(data: unknown, key: string, def: unknown, delim = ':'): unknown {
  let cur: unknown = data;
  for (const part of key.split(delim)) {
    if (cur && typeof cur === 'object' && !Array.isArray(cur) && part in (cur as object)) cur = (cur as Record<string, unknown>)[part];
    else if (Array.isArray(cur) && /^\d+$/.test(part) && Number(part) < cur.length) cur = cur[Number(part)];
    else return def;
  }
  return cur;
}

export function saltFunctions(ctx: RenderContext): Record<string, unknown> {
  return {
    'pillar.get': (key: string, def: unknown = '', delim = ':') => traverse(ctx.pillar, key, def, delim),
    'grains.get': (key: string, def: unknown = '', delim = ':') => traverse(ctx.grains, key, def, delim),
    'config.get': (key: string, def: unknown = '') => {
      for (const src of [ctx.opts ?? {}, ctx.grains, ctx.pillar]) {
        const v = traverse(src, key, undefined);
        if (v !== undefined) return v;
      }
      return def;
    },
    'mine.get': (_tgt: string, fun: string) => {
      const out: Record<string, unknown> = {};
      for (const [host, funs] of Object.entries(ctx.mine ?? {})) if (fun in funs) out[host] = funs[fun];
      return out;
    },
  };
}
