// Render one SLS file: template (nunjucks, Jinja-compatible) then YAML.
import type { Grains, Pillar, MineData } from '../protocol.ts';
import type { ErrorData } from '../errors.ts';
import { type StateTree, locateSls } from '../tree.ts';
import { renderTemplate } from './template.ts';
import { parseYaml } from './yaml.ts';

export interface RenderContext {
  grains: Grains;
  pillar: Pillar;
  saltenv: string;
  mine?: MineData;
  /** Master/agent options visible to config.get. */
  opts?: Record<string, unknown>;
}

export interface RenderedSls {
  sls: string;
  /** Tree-relative path of the file. */
  file: string;
  isInit: boolean;
  /** The YAML result (an object for a valid SLS, or null for an empty file). */
  data: unknown;
  /** Line of each top-level key. */
  lines: Record<string, number>;
  errors: ErrorData[];
}

/** Variables Salt puts in every SLS template: sls, slspath, tpldir, tplfile, saltenv. */
export function slsVars(sls: string, file: string, isInit: boolean, saltenv: string): Record<string, string> {
  const slspath = isInit ? sls.replace(/\./g, '/') : sls.split('.').slice(0, -1).join('/');
  const tpldir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
  return { sls, slspath, slsdotpath: slspath.replace(/\//g, '.'), slscolonpath: slspath.replace(/\//g, ':'), tpldir, tplfile: file, tplpath: file, saltenv };
}

export function renderSls(tree: StateTree, sls: string, ctx: RenderContext): RenderedSls {
  const found = locateSls(tree, sls);
  if (!found) {
    return {
      sls, file: sls.replace(/\./g, '/') + '.sls', isInit: false, data: null, lines: {},
      errors: [{ code: 'SLS_NOT_FOUND', message: `SLS '${sls}' not found in ${tree.label} (looked for ${sls.replace(/\./g, '/')}.sls and ${sls.replace(/\./g, '/')}/init.sls)` }],
    };
  }
  const { path: file, isInit } = found;
  const source = tree.read(file) ?? '';
  const vars = slsVars(sls, file, isInit, ctx.saltenv);
  const rendered = renderTemplate(tree, file, source, ctx, vars);
  if (rendered.error) return { sls, file, isInit, data: null, lines: {}, errors: [rendered.error] };
  const parsed = parseYaml(rendered.text, file);
  const data = parsed.data === undefined ? null : parsed.data;
  return { sls, file, isInit, data, lines: parsed.lines, errors: parsed.errors };
}
