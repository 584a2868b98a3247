// Jinja templating with Salt's context (grains, pillar, salt, opts, sls vars). Never throws:
// every failure comes back as ErrorData at the template file and line it happened in.
import type { StateTree } from '../store/tree.ts';
import type { ErrorData } from '../errors.ts';
import type { RenderContext } from './context.ts';
import { environmentFor, templateVars } from './env.ts';
import { locate } from './fault.ts';
import { saltFunctions } from './salt.ts';

export interface TemplateResult {
  text: string;
  error?: ErrorData;
}

/** `inventory.ips(role, level)` and `inventory.hosts(role, level)`: the salt functions of that name. */
function inventoryOf(salt: Record<string, unknown>): Record<string, unknown> {
  return { ips: salt['inventory.ips'], hosts: salt['inventory.hosts'] };
}

/** The variables every template sees (Salt's render context). */
export function templateContext(
  file: string,
  ctx: RenderContext,
  extra: Record<string, unknown>,
  tree?: StateTree,
): Record<string, unknown> {
  const salt = saltFunctions(ctx, tree);
  return {
    ...templateVars(file),
    grains: ctx.grains,
    pillar: ctx.pillar,
    opts: ctx.opts ?? {},
    saltenv: ctx.saltenv,
    salt,
    inventory: inventoryOf(salt),
    ...extra,
  };
}

/** Renders `source` (the contents of `file` in `tree`) with Salt's template context. */
export function renderTemplate(
  tree: StateTree,
  file: string,
  source: string,
  ctx: RenderContext,
  extra: Record<string, unknown> = {},
): TemplateResult {
  try {
    const env = environmentFor(tree);
    const vars = templateContext(file, ctx, extra, tree);
    const tmpl = env.template(file, source);
    const text = env.withGlobals(vars, () => tmpl.render(vars) as string);
    return { text };
  } catch (err) {
    return { text: '', error: templateError(err, file) };
  }
}

/** Converts anything a render threw into ErrorData at the innermost template file:line. */
export function templateError(err: unknown, file: string): ErrorData {
  const fault = locate(err, file, undefined);
  const out: ErrorData = { code: 'RENDER_TEMPLATE', message: fault.message, file: fault.file ?? file };
  if (fault.line !== undefined) out.line = fault.line;
  return out;
}
