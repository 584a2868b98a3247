// Render the SLS files of a highstate and gather them into high data (Salt's render_highstate and
// render_state): each SLS rendered once, `include` followed depth first, `extend`/`exclude`
// collected, and the automatic order assigned the way Salt does it — an SLS's includes get
// their orders before the SLS's own declarations, which therefore run after them. Without it
// (Salt's `state_auto_order: False`) a declaration without `order` has none: such states run in
// the order of their state, name and function, their requisites first.
import type { HighData, HighDecl } from '../protocol.ts';
import { type ErrorData, toErrorData } from '../errors.ts';
import type { StateTree } from '../store/tree.ts';
import { type EnvTrees, treeOfEnv } from '../store/env-trees.ts';
import { renderSls, type RenderedSls } from '../render/sls.ts';
import type { RenderContext } from '../render/context.ts';
import { RESERVED_SLS_KEYS } from './keywords.ts';
import { isDict, show } from './data.ts';
import { normalizeBody, hasOrderArg } from './decls.ts';
import { compileError } from './error.ts';
import { expandSls, listSls } from '../top/sls-names.ts';
import { resolveInclude } from './include.ts';
import { type ExcludeDecl, type ExtendDecl, parseExclude, parseExtend } from './sls-decls.ts';

/** The first automatic order (Salt's iorder). */
export const AUTO_ORDER_START = 10000;

export interface Gathered {
  high: HighData;
  /** IDs in Salt's high-data order: an SLS's own IDs, then those of its includes. */
  ids: string[];
  /** Extensions in the order Salt applies them. */
  extends: ExtendDecl[];
  excludes: ExcludeDecl[];
  /** IDs declared but unusable (malformed body): references to them are not reported again. */
  broken: Set<string>;
  errors: ErrorData[];
  /** What Salt accepts and passes over (an exclude entry it does not understand). */
  warnings: ErrorData[];
}

type Origin = { kind: 'top'; file?: string } | { kind: 'include'; sls: string; file: string; line?: number };

class Gatherer {
  private iorder = AUTO_ORDER_START;
  private readonly done = new Set<string>();
  private readonly avail = new Map<string, string[]>();
  readonly out: Gathered = {
    high: {},
    ids: [],
    extends: [],
    excludes: [],
    broken: new Set(),
    errors: [],
    warnings: [],
  };

  constructor(
    private readonly tree: StateTree,
    private readonly ctx: RenderContext,
    private readonly envs: ReadonlySet<string>,
    private readonly autoOrdered: boolean,
    private readonly envTrees?: EnvTrees,
  ) {}

  private treeOf(env: string): StateTree {
    return treeOfEnv(this.tree, this.envTrees, env);
  }

  /** SLS names of `env` matching a pattern; a name without glob characters stands for itself. */
  expand(pattern: string, env: string): string[] {
    return expandSls(pattern, () => {
      let names = this.avail.get(env);
      if (!names) this.avail.set(env, (names = listSls(this.treeOf(env))));
      return names;
    });
  }

  renderState(sls: string, env: string, origin: Origin): void {
    const key = `${env}:${sls}`;
    if (this.done.has(key)) return;
    this.done.add(key);
    const ctx = env === this.ctx.saltenv ? this.ctx : { ...this.ctx, saltenv: env };
    let r: RenderedSls;
    try {
      r = renderSls(this.treeOf(env), sls, ctx);
    } catch (err) {
      // A renderer fault must not take the other SLS down with it.
      const e = toErrorData(err);
      this.out.errors.push(
        e.code === 'INTERNAL' ? { ...e, message: `rendering SLS '${env}:${sls}' failed: ${e.message}` } : e,
      );
      return;
    }
    for (const e of r.errors) {
      if (e.code === 'SLS_NOT_FOUND') this.out.errors.push(notFound(sls, env, origin, e.message));
      // Salt's words first, so a search of its docs and issues finds the error
      else if (e.code.startsWith('RENDER_'))
        this.out.errors.push({ ...e, message: `Rendering SLS '${env}:${sls}' failed: ${e.message}` });
      else this.out.errors.push(e);
    }
    if (r.data === null || r.data === undefined) return;
    if (!isDict(r.data)) {
      this.out.errors.push(
        compileError('SLS_STRUCTURE', `SLS '${sls}' does not render to a dictionary (got ${show(r.data)})`, {
          file: r.file,
        }),
      );
      return;
    }
    const data = r.data;
    const includes = this.includeList(r, data.include);
    if (data.extend !== undefined) this.out.extends.push(...parseExtend(r, env, data.extend, this.out.errors));
    if (data.exclude !== undefined)
      this.out.excludes.push(...parseExclude(r, data.exclude, this.out.errors, this.out.warnings));
    const own = this.collectIds(r, env, data);
    for (const item of includes) {
      const res = resolveInclude(item, { sls, env, isInit: r.isInit, envs: this.envs });
      if ('problem' in res) {
        this.out.errors.push(compileError('SLS_STRUCTURE', res.problem, { file: r.file, line: r.lines.include }));
        continue;
      }
      for (const target of this.expand(res.sls, res.env)) {
        this.renderState(target, res.env, { kind: 'include', sls, file: r.file, line: r.lines.include });
      }
    }
    this.autoOrder(own);
  }

  private includeList(r: RenderedSls, include: unknown): unknown[] {
    if (include === undefined || include === null) return [];
    if (Array.isArray(include)) return include;
    this.out.errors.push(
      compileError('SLS_STRUCTURE', `the include declaration in SLS '${r.sls}' is not formed as a list`, {
        file: r.file,
        line: r.lines.include,
      }),
    );
    return [];
  }

  /** Adds the SLS's own declarations to the high data; returns their IDs in declaration order. */
  private collectIds(r: RenderedSls, env: string, data: Record<string, unknown>): string[] {
    const own: string[] = [];
    // Object key order puts integer-like keys first; the line numbers give the written order.
    const keys = Object.keys(data).filter((k) => !RESERVED_SLS_KEYS.has(k));
    keys.sort((a, b) => (r.lines[a] ?? Infinity) - (r.lines[b] ?? Infinity));
    for (const id of keys) {
      const where = { file: r.file, line: r.lines[id], id };
      if (id.startsWith('__')) {
        this.out.errors.push(
          compileError(
            'SLS_STRUCTURE',
            `ID '${id}' in SLS '${r.sls}' is reserved: IDs starting with '__' are internal`,
            where,
          ),
        );
        continue;
      }
      const n = normalizeBody(id, data[id], r.sls);
      for (const p of n.problems) this.out.errors.push(compileError('SLS_STRUCTURE', p, where));
      const existing = this.out.high[id];
      if (existing) {
        const first = `${existing.__file__}${existing.__line__ ? `:${existing.__line__}` : ''}`;
        const here = `${r.file}${where.line ? `:${where.line}` : ''}`;
        const message = `Detected conflicting IDs, SLS IDs need to be globally unique. The conflicting ID is '${id}' and is found in SLS '${existing.__env__ ?? env}:${existing.__sls__}' and SLS '${env}:${r.sls}' (${first} and ${here})`;
        this.out.errors.push(compileError('DUPLICATE_ID', message, where));
        continue;
      }
      if (!n.modules) {
        this.out.broken.add(id);
        continue;
      }
      const decl: HighDecl = { __sls__: r.sls, __env__: env, __file__: r.file };
      if (where.line !== undefined) decl.__line__ = where.line;
      Object.assign(decl, n.modules);
      this.out.high[id] = decl;
      this.out.ids.push(id);
      own.push(id);
    }
    return own;
  }

  private autoOrder(ids: string[]): void {
    if (!this.autoOrdered) return;
    for (const id of ids) {
      const decl = this.out.high[id];
      for (const module of Object.keys(decl)) {
        if (module.startsWith('__')) continue;
        const list = decl[module];
        if (Array.isArray(list) && !hasOrderArg(list)) list.push({ order: this.iorder++ });
      }
    }
  }
}

function notFound(sls: string, env: string, origin: Origin, detail: string): ErrorData {
  const looked = detail.includes('(looked for') ? detail.slice(detail.indexOf('(looked for')) : '';
  if (origin.kind === 'include') {
    const message = `Specified SLS ${sls} in saltenv ${env} is not available on the salt master or through a configured fileserver (included by SLS '${origin.sls}') ${looked}`;
    return compileError('SLS_NOT_FOUND', message.trim(), { file: origin.file, line: origin.line });
  }
  return compileError('SLS_NOT_FOUND', `No matching sls found for '${sls}' in env '${env}' ${looked}`.trim(), {
    file: origin.file,
  });
}

/**
 * Renders the SLS named by `top` (saltenv → SLS names or globs, in order) and everything they
 * include. `topFile` is the file the list came from, for errors about SLS that do not exist.
 */
export function gatherHigh(
  tree: StateTree,
  ctx: RenderContext,
  top: Record<string, string[]>,
  topFile?: string,
  autoOrder = true,
  envTrees?: EnvTrees,
): Gathered {
  // with file_roots, the saltenvs that exist are those it names (Salt's fileserver envs)
  const envs = new Set(envTrees ? envTrees.keys() : [ctx.saltenv, ...Object.keys(top)]);
  const g = new Gatherer(tree, ctx, envs, autoOrder, envTrees);
  for (const [env, list] of Object.entries(top)) {
    for (const pattern of list) {
      for (const sls of g.expand(pattern, env)) g.renderState(sls, env, { kind: 'top', file: topFile });
    }
  }
  return g.out;
}
