// Jinja templating through nunjucks, with Salt's context (grains, pillar, salt, sls vars).
import nunjucks from 'nunjucks';
import type { StateTree } from '../tree.ts';
import type { ErrorData } from '../errors.ts';
import type { RenderContext } from './sls.ts';
import { makeEnvironment } from './env.ts';
import { saltFunctions } from './salt.ts';

export interface TemplateResult {
  text: string;
  error?: ErrorData;
}

const envs = new WeakMap<StateTree, nunjucks.Environment>();

function envFor(tree: StateTree): nunjucks.Environment {
  let env = envs.get(tree);
  if (!env) {
    env = makeEnvironment(tree);
    envs.set(tree, env);
  }
  return env;
}

/** Renders `source` (the contents of `file` in `tree`) with Salt's template context. */
export function renderTemplate(
  tree: StateTree,
  file: string,
  source: string,
  ctx: RenderContext,
  extra: Record<string, unknown> = {},
): TemplateResult {
  const env = envFor(tree);
  const context = {
    grains: ctx.grains,
    pillar: ctx.pillar,
    opts: ctx.opts ?? {},
    saltenv: ctx.saltenv,
    salt: saltFunctions(ctx),
    ...extra,
  };
  try {
    const tmpl = new nunjucks.Template(source, env, file, true);
    return { text: tmpl.render(context) };
  } catch (err) {
    return { text: '', error: templateError(err, file) };
  }
}

/** Nunjucks errors carry "(file) [Line N, Column M]" in their message; turn that into file:line. */
export function templateError(err: unknown, file: string): ErrorData {
  const raw = err instanceof Error ? err.message : String(err);
  const m = /^\(([^)]*)\)(?:\s*\[Line (\d+), Column \d+\])?\s*\n?\s*([\s\S]*)$/.exec(raw);
  const where = m?.[1] && m[1] !== 'unknown path' ? m[1] : file;
  const line = m?.[2] ? Number(m[2]) + (/\[Line/.test(raw) ? 1 : 0) : undefined;
  const message = (m?.[3] ?? raw).replace(/^Error:\s*/, '').trim().split('\n')[0];
  return { code: 'RENDER_TEMPLATE', message: `template error: ${message}`, file: where, line };
}
