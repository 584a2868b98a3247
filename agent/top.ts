// PLACEHOLDER (glob '*' only) — replaced by the full top-file matcher.
import type { StateTree } from './tree.ts';
import type { ErrorData } from './errors.ts';
import type { RenderContext } from './render/sls.ts';
import { renderTemplate } from './render/template.ts';
import { parseYaml } from './render/yaml.ts';

export interface TopResult {
  /** saltenv → SLS names matched for this minion, in top-file order, without duplicates. */
  top: Record<string, string[]>;
  errors: ErrorData[];
}

/** Renders `top.sls` of `tree` and returns the SLS that match the minion `ctx.grains.id`. */
export function matchTop(tree: StateTree, ctx: RenderContext, file = 'top.sls'): TopResult {
  const src = tree.read(file);
  if (src === undefined) return { top: {}, errors: [{ code: 'TOP', message: `no top file ${file} in ${tree.label}`, file }] };
  const r = renderTemplate(tree, file, src, ctx);
  if (r.error) return { top: {}, errors: [r.error] };
  const p = parseYaml(r.text, file);
  if (p.errors.length) return { top: {}, errors: p.errors };
  const top: Record<string, string[]> = {};
  for (const [env, targets] of Object.entries((p.data ?? {}) as Record<string, Record<string, unknown[]>>)) {
    for (const [tgt, items] of Object.entries(targets ?? {})) {
      if (tgt !== '*' && tgt !== ctx.grains.id) continue;
      for (const it of items ?? []) if (typeof it === 'string') (top[env] ??= []).includes(it) || top[env].push(it);
    }
  }
  return { top, errors: [] };
}
