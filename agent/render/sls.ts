// Render one SLS file: template (Jinja, Salt dialect) then YAML, as Salt's default `jinja|yaml` pipe.
import type { ErrorData } from '../errors.ts';
import { type StateTree, locateSls, readTreeFile } from '../store/tree.ts';
import { renderTemplate } from './template.ts';
import { parseYaml } from './yaml.ts';
import type { RenderContext } from './context.ts';

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
  return {
    sls,
    slspath,
    slsdotpath: slspath.replace(/\//g, '.'),
    slscolonpath: slspath.replace(/\//g, ':'),
    tpldir,
    tpldot: tpldir === '.' ? '' : tpldir.replace(/\//g, '.'),
    tplfile: file,
    tplpath: file,
    saltenv,
  };
}

export interface RenderPipe {
  /** Render the text as a Jinja template first. */
  jinja: boolean;
  /** The source with the shebang line blanked (line numbers are kept). */
  source: string;
  error?: string;
}

const SUPPORTED = ['jinja|yaml', 'yaml|jinja', 'yaml', 'jinja'];

/** Reads a `#!jinja|yaml` style first line; SLS files without one use Salt's default, jinja|yaml. */
export function renderPipe(source: string): RenderPipe {
  const m = /^#!([^\n]*)/.exec(source);
  if (!m) return { jinja: true, source };
  const pipe = m[1].replace(/\s+/g, '');
  const blanked = source.slice(m[0].length);
  if (pipe === 'yaml') return { jinja: false, source: blanked };
  if (pipe === 'jinja|yaml' || pipe === 'jinja') return { jinja: true, source: blanked };
  if (pipe === 'yaml|jinja') return { jinja: true, source: blanked };
  return {
    jinja: true,
    source: blanked,
    error: `unsupported renderer '#!${m[1].trim()}' (supported: ${SUPPORTED.map((s) => `#!${s}`).join(', ')})`,
  };
}

/** Renders the SLS `sls` of `tree`; never throws (every failure is in `errors`). */
export function renderSls(tree: StateTree, sls: string, ctx: RenderContext): RenderedSls {
  try {
    return render(tree, sls, ctx);
  } catch (e) {
    const file = `${sls.replace(/\./g, '/')}.sls`;
    return {
      sls,
      file,
      isInit: false,
      data: null,
      lines: {},
      errors: [{ code: 'INTERNAL', message: `rendering ${sls}: ${(e as Error).message}`, file }],
    };
  }
}

function render(tree: StateTree, sls: string, ctx: RenderContext): RenderedSls {
  const found = locateSls(tree, sls);
  if (!found) {
    const base = sls.replace(/\./g, '/');
    return {
      sls,
      file: `${base}.sls`,
      isInit: false,
      data: null,
      lines: {},
      errors: [
        {
          code: 'SLS_NOT_FOUND',
          message: `SLS '${sls}' not found in ${tree.label} (looked for ${base}.sls and ${base}/init.sls)`,
        },
      ],
    };
  }
  const { path: file, isInit } = found;
  const read = readTreeFile(tree, file);
  if (read.refused)
    return {
      sls,
      file,
      isInit,
      data: null,
      lines: {},
      errors: [{ code: 'RENDER_TEMPLATE', message: read.refused, file }],
    };
  const pipe = renderPipe(read.text ?? '');
  if (pipe.error)
    return {
      sls,
      file,
      isInit,
      data: null,
      lines: {},
      errors: [{ code: 'RENDER_TEMPLATE', message: pipe.error, file, line: 1 }],
    };
  let text = pipe.source;
  if (pipe.jinja) {
    const rendered = renderTemplate(tree, file, pipe.source, ctx, slsVars(sls, file, isInit, ctx.saltenv));
    if (rendered.error) return { sls, file, isInit, data: null, lines: {}, errors: [rendered.error] };
    text = rendered.text;
  }
  const parsed = parseYaml(text, file);
  const data = parsed.data === undefined ? null : parsed.data;
  return { sls, file, isInit, data, lines: parsed.lines, errors: parsed.errors };
}
