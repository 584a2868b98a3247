// The `salt` dict in templates: execution-module functions over the render data
// (pillar.get, grains.get, grains.filter_by, config.get, mine.get, inventory.ips, test.ping…), with Salt's semantics.
import type { RenderContext } from './context.ts';
import { type SaltSpec, utilitySpecs } from './salt-slsutil.ts';
import { treeSpecs } from './salt-tree.ts';
import type { StateTree } from '../store/tree.ts';
import { pyFunction, type KwArgs } from './pyargs.ts';
import { deepCopy, dictKeys, dictUpdate, isDict, pyBool, pyEq, pyStr, type Dict } from './pyvalue.ts';
import { fnmatch as fnmatchcase } from '../match/glob.ts';
import { mineGet, publish } from './mine.ts';
import { inventoryHosts, inventoryIps } from './inventory.ts';

const SALT_FUNCTIONS = Symbol('salt functions');
const SALT_FUNCTION = Symbol('salt function');

/** Python's KeyError used as a "not found" sentinel, as Salt's traverse callers do. */
const NOT_FOUND = Symbol('not found');

export function isSaltFunctions(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[SALT_FUNCTIONS] === true;
}

const SALT_MODULE = Symbol('salt module');

/**
 * `salt.user` as Salt's loader offers it: the functions of one module as attributes
 * (`salt.user.info(name)` is `salt['user.info'](name)`). `known` lists further function names
 * that exist elsewhere (the host's), so a module of those alone is found too.
 */
export function saltModule(salt: object, module: string, known: readonly string[]): object | undefined {
  const prefix = `${module}.`;
  const names = Object.keys(salt).filter((n) => n.startsWith(prefix));
  if (!names.length && !known.some((n) => n.startsWith(prefix))) return undefined;
  const view: Record<string, unknown> = {};
  Object.defineProperty(view, SALT_FUNCTIONS, { value: true });
  Object.defineProperty(view, SALT_MODULE, { value: prefix });
  for (const n of names) view[n.slice(prefix.length)] = (salt as Record<string, unknown>)[n];
  return view;
}

/** The full `module.function` name of `key` looked up in the salt dict or in one module of it. */
export function saltKeyName(salt: object, key: string): string {
  return ((salt as Record<symbol, string | undefined>)[SALT_MODULE] ?? '') + key;
}

/** The `module.function` name of a salt function, or undefined for any other callable. */
export function saltFunctionName(fn: unknown): string | undefined {
  return typeof fn === 'function' ? (fn as unknown as Record<symbol, string | undefined>)[SALT_FUNCTION] : undefined;
}

/**
 * Salt's traverse_dict_and_list: walks `key` ("a:b:0") through dicts and lists; numeric parts index
 * lists, other parts look into the dicts inside a list. Returns `def` when the path does not exist.
 */
export function traverse(data: unknown, key: string, def: unknown, delim = ':'): unknown {
  let cur: unknown = data;
  for (const part of String(key).split(delim)) {
    if (Array.isArray(cur)) {
      const embedded = cur.filter(isDict);
      const hit = embedded.find((d) => Object.prototype.hasOwnProperty.call(d, part));
      if (hit) {
        cur = hit[part];
        continue;
      }
      if (!/^[-+]?\d+$/.test(part)) return def;
      let i = Number(part);
      if (i < 0) i += cur.length;
      if (i < 0 || i >= cur.length) return def;
      cur = cur[i];
    } else if (isDict(cur) && Object.prototype.hasOwnProperty.call(cur, part)) {
      cur = cur[part];
    } else {
      return def;
    }
  }
  return cur;
}

/** Salt's salt.utils.data.filter_by, shared by grains.filter_by and pillar.filter_by. */
export function filterBy(
  lookupDict: unknown,
  lookup: string,
  data: unknown,
  merge: unknown,
  def: unknown,
  base: unknown,
): unknown {
  if (!isDict(lookupDict)) throw new Error('filter_by: the lookup table must be a dictionary');
  const val = traverse(data, lookup, []);
  let ret: unknown = null;
  for (const each of Array.isArray(val) ? val : [val]) {
    const text = pyStr(each);
    for (const k of dictKeys(lookupDict)) {
      if (fnmatchcase(text, k)) {
        ret = lookupDict[k];
        break;
      }
    }
    if (ret !== null && ret !== undefined) break;
  }
  if (ret === null || ret === undefined)
    ret = Object.prototype.hasOwnProperty.call(lookupDict, pyStr(def)) ? lookupDict[pyStr(def)] : null;
  const baseKey = base === null || base === undefined ? undefined : pyStr(base);
  if (baseKey && pyBool(base) && Object.prototype.hasOwnProperty.call(lookupDict, baseKey)) {
    const baseValues = lookupDict[baseKey];
    if (ret === null) ret = baseValues;
    else if (isDict(baseValues)) {
      if (!isDict(ret)) throw new Error('filter_by default and look-up values must both be dictionaries.');
      ret = dictUpdate(deepCopy(baseValues), ret);
    }
  }
  if (pyBool(merge)) {
    if (!isDict(merge)) throw new Error('filter_by merge argument must be a dictionary.');
    if (ret === null) ret = merge;
    else if (isDict(ret)) ret = dictUpdate(deepCopy(ret), deepCopy(merge));
  }
  return ret;
}

function pillarGet(pillar: Dict, a: KwArgs): unknown {
  const key = pyStr(a.key);
  const delim = pyStr(a.delimiter);
  if (pyBool(a.merge)) {
    if (isDict(a.default)) {
      const ret = traverse(pillar, key, {}, delim);
      if (isDict(ret)) return dictUpdate(deepCopy(a.default), ret, pyBool(a.merge_nested_lists));
    } else if (Array.isArray(a.default)) {
      const ret = traverse(pillar, key, [], delim);
      if (Array.isArray(ret)) {
        const out = deepCopy(a.default);
        for (const x of ret) if (!out.some((y) => pyEq(x, y))) out.push(x);
        return out;
      }
    }
  }
  return traverse(pillar, key, a.default, delim);
}

/** A string argument that may be None. */
const optStr = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : pyStr(v));

type Spec = SaltSpec;

function specs(ctx: RenderContext): Record<string, Spec> {
  const pillar = (): Dict => ctx.pillar ?? {};
  const grains = (): Dict => ctx.grains ?? {};
  /** The level of the host being rendered (a roster grain). */
  const ownLevel = (): string | undefined => optStr(grains().level);
  const itemsOf = (src: Dict, a: KwArgs): Dict => {
    const out: Dict = {};
    for (const k of a.args as unknown[]) out[pyStr(k)] = traverse(src, pyStr(k), a.default, pyStr(a.delimiter));
    return out;
  };
  const pillarGetSpec: Spec = {
    params: ['key', 'default', 'merge', 'merge_nested_lists', 'delimiter', 'pillarenv', 'saltenv'],
    defaults: { default: '', merge: false, merge_nested_lists: null, delimiter: ':', pillarenv: null, saltenv: null },
    impl: (a) => pillarGet(pillar(), a),
  };
  const grainsGetSpec: Spec = {
    params: ['key', 'default', 'delimiter', 'ordered'],
    defaults: { default: '', delimiter: ':', ordered: true },
    impl: (a) => traverse(grains(), pyStr(a.key), a.default, pyStr(a.delimiter)),
  };
  return {
    'pillar.get': pillarGetSpec,
    'pillar.fetch': pillarGetSpec,
    'pillar.item': {
      params: ['*args', 'default', 'delimiter'],
      defaults: { default: '', delimiter: ':' },
      varKw: true,
      impl: (a) => itemsOf(pillar(), a),
    },
    'pillar.items': {
      params: ['*args'],
      varKw: true,
      impl: (a) => ((a.args as unknown[]).length ? itemsOf(pillar(), { ...a, default: '', delimiter: ':' }) : pillar()),
    },
    'pillar.raw': {
      params: ['key'],
      defaults: { key: null },
      impl: (a) => (pyBool(a.key) ? (pillar()[pyStr(a.key)] ?? {}) : pillar()),
    },
    'pillar.ls': { params: [], impl: () => dictKeys(pillar()) },
    'pillar.keys': {
      params: ['key', 'delimiter'],
      defaults: { delimiter: ':' },
      impl: (a) => {
        const ret = traverse(pillar(), pyStr(a.key), NOT_FOUND, pyStr(a.delimiter));
        if (ret === NOT_FOUND) throw new Error(`Pillar key not found: ${pyStr(a.key)}`);
        if (!isDict(ret)) throw new Error(`Pillar value in key ${pyStr(a.key)} is not a dict`);
        return dictKeys(ret);
      },
    },
    'pillar.filter_by': {
      params: ['lookup_dict', 'pillar', 'merge', 'default', 'base'],
      defaults: { merge: null, default: 'default', base: null },
      impl: (a) => filterBy(a.lookup_dict, pyStr(a.pillar), pillar(), a.merge, a.default, a.base),
    },
    'grains.get': grainsGetSpec,
    'grains.fetch': grainsGetSpec,
    'grains.item': {
      params: ['*args', 'sanitize'],
      defaults: { sanitize: false },
      impl: (a) => {
        const out: Dict = {};
        for (const k of a.args as unknown[])
          if (Object.prototype.hasOwnProperty.call(grains(), pyStr(k))) out[pyStr(k)] = grains()[pyStr(k)];
        return out;
      },
    },
    'grains.items': { params: ['sanitize'], defaults: { sanitize: false }, impl: () => grains() },
    'grains.ls': { params: [], impl: () => dictKeys(grains()).sort() },
    'grains.has_value': { params: ['key'], impl: (a) => traverse(grains(), pyStr(a.key), NOT_FOUND) !== NOT_FOUND },
    'grains.equals': {
      params: ['key', 'value'],
      impl: (a) => pyStr(a.value) === pyStr(traverse(grains(), pyStr(a.key), '')),
    },
    'grains.filter_by': {
      params: ['lookup_dict', 'grain', 'merge', 'default', 'base'],
      defaults: { grain: 'os_family', merge: null, default: 'default', base: null },
      impl: (a) => filterBy(a.lookup_dict, pyStr(a.grain), grains(), a.merge, a.default, a.base),
    },
    'config.get': {
      params: ['key', 'default', 'delimiter', 'merge', 'omit_opts', 'omit_pillar', 'omit_master', 'omit_grains'],
      defaults: {
        default: '',
        delimiter: ':',
        merge: null,
        omit_opts: false,
        omit_pillar: false,
        omit_master: false,
        omit_grains: false,
      },
      impl: (a) => {
        const sources: Array<[unknown, Dict]> = [
          [a.omit_opts, ctx.opts ?? {}],
          [a.omit_grains, grains()],
          [a.omit_pillar, pillar()],
        ];
        for (const [omit, src] of sources) {
          if (pyBool(omit)) continue;
          const v = traverse(src, pyStr(a.key), NOT_FOUND, pyStr(a.delimiter));
          if (v !== NOT_FOUND) return v;
        }
        return a.default;
      },
    },
    'config.option': {
      params: ['value', 'default', 'omit_opts', 'omit_master', 'omit_pillar'],
      defaults: { default: '', omit_opts: false, omit_master: false, omit_pillar: false },
      impl: (a) => {
        const key = pyStr(a.value);
        const opts = ctx.opts ?? {};
        if (!pyBool(a.omit_opts) && Object.prototype.hasOwnProperty.call(opts, key)) return opts[key];
        if (!pyBool(a.omit_pillar) && Object.prototype.hasOwnProperty.call(pillar(), key)) return pillar()[key];
        return a.default;
      },
    },
    'mine.get': {
      params: ['tgt', 'fun', 'tgt_type', 'exclude_minion'],
      defaults: { tgt_type: 'glob', exclude_minion: false },
      varKw: true,
      impl: (a) => {
        const kw = a['**'] as KwArgs;
        const tgtType = kw.expr_form !== undefined ? pyStr(kw.expr_form) : pyStr(a.tgt_type);
        const out = mineGet(ctx.mine, a.tgt, pyStr(a.fun), tgtType);
        if (pyBool(a.exclude_minion)) delete out[pyStr(grains().id)];
        return out;
      },
    },
    // Answered from what the master knows (the roster's hosts and what they reported on their last
    // run), as mine data: no host is asked anything while another renders.
    'publish.publish': {
      params: ['tgt', 'fun', 'arg', 'tgt_type', 'returner', 'timeout', 'via_master'],
      defaults: { arg: null, tgt_type: 'glob', returner: '', timeout: 5, via_master: null },
      varKw: true,
      impl: (a) => {
        const kw = a['**'] as KwArgs;
        const tgtType = kw.expr_form !== undefined ? pyStr(kw.expr_form) : pyStr(a.tgt_type);
        return publish(ctx.mine, a.tgt, pyStr(a.fun), a.arg, tgtType);
      },
    },
    'inventory.ips': {
      params: ['role', 'level'],
      defaults: { role: null, level: null },
      impl: (a) => inventoryIps(ctx.inventory, optStr(a.role), optStr(a.level) ?? ownLevel()),
    },
    'inventory.hosts': {
      params: ['role', 'level'],
      defaults: { role: null, level: null },
      impl: (a) => inventoryHosts(ctx.inventory, optStr(a.role), optStr(a.level) ?? ownLevel()),
    },
    'test.ping': { params: [], impl: () => true },
    'test.echo': { params: ['text'], impl: (a) => a.text },
    ...utilitySpecs(ctx),
    'defaults.merge': {
      params: ['dest', 'src', 'merge_lists', 'in_place'],
      defaults: { merge_lists: false, in_place: true },
      impl: (a) => {
        if (!isDict(a.dest) || !isDict(a.src)) throw new Error('defaults.merge: dest and src must be dictionaries');
        const dest = pyBool(a.in_place) ? a.dest : deepCopy(a.dest);
        return dictUpdate(dest, a.src, pyBool(a.merge_lists));
      },
    },
    'defaults.deepcopy': { params: ['source'], impl: (a) => deepCopy(a.source) },
  };
}

function mark(name: string, fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  Object.defineProperty(fn, SALT_FUNCTION, { value: name });
  return fn;
}

const cache = new WeakMap<RenderContext, WeakMap<object, Record<string, unknown>>>();
const NO_TREE = {};

/** The names of the built-in functions (those of the host excepted), e.g. for lint. */
export function saltFunctionNames(): string[] {
  return Object.keys(specs({ grains: {}, pillar: {}, saltenv: 'base' }));
}

/**
 * The `salt` dict for a render context, with the functions that list the state tree when `tree`
 * is given (built once per context object and tree).
 */
export function saltFunctions(ctx: RenderContext, tree?: StateTree): Record<string, unknown> {
  const perCtx = cache.get(ctx) ?? new WeakMap<object, Record<string, unknown>>();
  cache.set(ctx, perCtx);
  const hit = perCtx.get(tree ?? NO_TREE);
  if (hit) return hit;
  const out: Record<string, unknown> = {};
  Object.defineProperty(out, SALT_FUNCTIONS, { value: true });
  const all = { ...specs(ctx), ...(tree ? treeSpecs(tree) : {}) };
  for (const [name, s] of Object.entries(all)) {
    out[name] = mark(name, pyFunction({ name, params: s.params, defaults: s.defaults, varKw: s.varKw }, s.impl));
  }
  for (const [name, fn] of Object.entries(ctx.functions ?? {}))
    out[name] = mark(name, (...args: unknown[]) => fn(...args));
  perCtx.set(tree ?? NO_TREE, out);
  return out;
}
