// The template environment of one state tree: templates found by tree path (also salt://path and
// ./relative), compiled once per tree and source, Salt's filters, tests and globals. Rendering is
// synchronous, so per-render globals (grains, pillar, salt, sls…) are pushed for the render's duration.
import type { StateTree } from '../store/tree.ts';
import { compileTemplate } from './compiler.ts';
import { loadData, type DataKind } from './data-load.ts';
import { locate, TemplateFault } from './fault.ts';
import { jinjaFilters } from './filters.ts';
import { baseGlobals } from './globals.ts';
import { jinjaTests } from './jinja-tests.ts';
import { BaseEnvironment, BaseTemplate, Frame } from './nunjucks-internals.ts';
import { saltRuntime } from './runtime.ts';
import { saltFilters } from './salt-filters.ts';

type Callback = (err: unknown, res?: unknown) => void;
type Dict = Record<string, unknown>;

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Template variables Salt sets for a template loaded by path: tplfile, tpldir, tpldot. */
export function templateVars(path: string): Dict {
  const dir = dirOf(path);
  return { tplfile: path, tpldir: dir || '.', tpldot: dir.replace(/\//g, '.') };
}

/** Resolves a template name used in an import/include to a tree path, or undefined if it leaves the tree. */
function resolveName(name: string, parent?: string): string | undefined {
  let n = name.replace(/^salt:\/\//, '');
  const relative = /^\.\.?\//.test(n);
  if (relative && parent) n = `${dirOf(parent)}/${n}`;
  const out: string[] = [];
  for (const part of n.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

export class SaltTemplate extends BaseTemplate {
  declare path: string;
  declare env: SaltEnvironment;
  declare tmplStr: string;

  _compile(): void {
    let code: string;
    try {
      code = compileTemplate(this.tmplStr, this.path, this.env, this.env.opts);
    } catch (e) {
      throw locate(e, this.path, undefined);
    }
    let props: Record<string, (...a: unknown[]) => unknown>;
    try {
      props = new Function(code)() as typeof props;
    } catch (e) {
      throw new TemplateFault(`Jinja syntax error: ${(e as Error).message}`, { file: this.path, cause: e });
    }
    this.blocks = this._getBlocks(props);
    const root = props.root;
    this.rootRenderFunc = (env: unknown, ctx: unknown, frame: unknown, _rt: unknown, cb: Callback) =>
      root(env, ctx, frame, saltRuntime, cb);
    this.compiled = true;
  }

  /** Renders synchronously; the caller's continuation runs only after this template's code has finished. */
  render(ctx?: unknown, parentFrame?: unknown, cb?: Callback): unknown {
    if (typeof ctx === 'function') [cb, ctx, parentFrame] = [ctx as Callback, {}, undefined];
    else if (typeof parentFrame === 'function') [cb, parentFrame] = [parentFrame as Callback, undefined];
    let err: unknown;
    let res: unknown;
    let done = false;
    try {
      this.compile();
      super.render(ctx ?? {}, parentFrame ?? new Frame(), (e: unknown, r: unknown) => {
        if (done) return;
        done = true;
        err = e;
        res = r;
      });
    } catch (e) {
      err = e;
    }
    if (cb) return cb(err, err ? undefined : res);
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- what nunjucks or compile() threw, as it was
    if (err) throw err;
    return res;
  }

  /** The names a template exports, after running it (without the caller's context, it sees its own tpldir). */
  getExported(ctx?: unknown, parentFrame?: unknown, cb?: Callback): void {
    if (typeof ctx === 'function') [cb, ctx, parentFrame] = [ctx as Callback, templateVars(this.path), null];
    let err: unknown;
    let res: unknown;
    try {
      this.compile();
      super.getExported(ctx, parentFrame ?? null, (e: unknown, r: unknown) => {
        err = e;
        res = r;
      });
    } catch (e) {
      err = e;
    }
    cb!(err, err ? undefined : res);
  }
}

export class SaltEnvironment extends BaseEnvironment {
  declare opts: Dict;
  declare globals: Dict;
  declare filters: Record<string, unknown>;
  declare tests: Record<string, unknown>;
  readonly tree: StateTree;
  private readonly cache = new Map<string, SaltTemplate>();
  private readonly base: Dict;

  constructor(tree: StateTree) {
    super([], { autoescape: false, dev: true, throwOnUndefined: false, trimBlocks: false, lstripBlocks: false });
    this.tree = tree;
    for (const [name, f] of Object.entries({ ...jinjaFilters, ...saltFilters })) this.addFilter(name, f);
    for (const [name, t] of Object.entries(jinjaTests)) this.addTest(name, t);
    this.base = baseGlobals(this.globals);
  }

  /** A compiled template for `path` with `source`, reused while the source is unchanged. */
  template(path: string, source: string): SaltTemplate {
    const hit = this.cache.get(path);
    if (hit && hit.tmplStr === source) return hit;
    const t = new SaltTemplate(source, this, path, false);
    this.cache.set(path, t);
    return t;
  }

  /** nunjucks' lookup for import/include/extends: a tree path, salt:// path or ./relative path. */
  getTemplate(
    name: unknown,
    eagerCompile?: unknown,
    parentName?: unknown,
    ignoreMissing?: unknown,
    cb?: Callback,
  ): unknown {
    if (typeof parentName === 'function') [cb, parentName] = [parentName as Callback, undefined];
    if (typeof eagerCompile === 'function') [cb, eagerCompile] = [eagerCompile as Callback, false];
    let result: SaltTemplate | undefined;
    let error: unknown;
    try {
      result = this.lookup(name, typeof parentName === 'string' ? parentName : undefined, ignoreMissing === true);
      if (eagerCompile) result.compile();
    } catch (e) {
      error = e;
    }
    if (cb) return cb(error, result);
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- what lookup() or compile() threw, as it was
    if (error) throw error;
    return result;
  }

  private lookup(name: unknown, parent: string | undefined, ignoreMissing: boolean): SaltTemplate {
    if (name instanceof SaltTemplate) return name;
    if (typeof name !== 'string')
      throw new TemplateFault(`Jinja error: template names must be strings, got ${JSON.stringify(name)}`);
    const path = resolveName(name, parent);
    let source = path === undefined ? undefined : this.tree.read(path);
    if (source === undefined) {
      if (ignoreMissing) return this.template(`<missing ${name}>`, '');
      const where = path === undefined ? ' (the path leaves the state tree)' : '';
      throw new TemplateFault(`Jinja error: template '${name}' not found in ${this.tree.label}${where}`);
    }
    // Jinja drops the final newline of a loaded template (keep_trailing_newline is off)
    source = source.replace(/\r?\n$/, '');
    return this.template(path!, source);
  }

  /** import_yaml / import_json / import_text: the file rendered as a template, then deserialised. */
  importData(name: unknown, parent: string | undefined, kind: DataKind, ctx: Dict | null, frame: unknown): unknown {
    const t = this.lookup(name, parent, false);
    const text = t.render(ctx ?? templateVars(t.path), frame ?? new Frame()) as string;
    return loadData(kind, text, undefined, t.path);
  }

  /** Runs `fn` with `vars` visible to every template as globals (Salt puts the render context in globals). */
  withGlobals<T>(vars: Dict, fn: () => T): T {
    const saved = this.globals;
    this.globals = Object.assign(Object.create(this.base), vars);
    try {
      return fn();
    } finally {
      this.globals = saved;
    }
  }
}

const envs = new WeakMap<StateTree, SaltEnvironment>();

/** The environment of a tree, created once per tree object. */
export function environmentFor(tree: StateTree): SaltEnvironment {
  let env = envs.get(tree);
  if (!env) {
    env = new SaltEnvironment(tree);
    envs.set(tree, env);
  }
  return env;
}
