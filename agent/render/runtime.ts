// The runtime compiled templates call into: nunjucks' runtime with Python/Jinja semantics for
// lookups, operators, truthiness, printing and errors. Templates compiled by compiler.ts get this
// object as `runtime`; other nunjucks users in the process keep the stock runtime.
import nunjucks from 'nunjucks';
import { locate, TemplateFault, undefinedFault } from './fault.ts';
import { clearMiss, failUndefined, lastMiss, missing, withPassedMiss } from './missing.ts';
import { add, cmp, divisor, inOperator, mod, mul, num } from './operators.ts';
import { pyMethod } from './pymethods.ts';
import { dictKeys, isDict, isStr, isTuple, pyBool, pyStr, strValue, tuple, typeName, type Dict } from './pyvalue.ts';
import { isSaltFunctions, saltFunctionName, saltKeyName, saltModule } from './salt.ts';
import { isNamespace } from './globals.ts';
import { loadData, type DataKind } from './data-load.ts';
import { HOST_FUNCTIONS } from './host-functions.ts';

const base = nunjucks.runtime as unknown as Record<string, unknown>;

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function index(len: number, key: unknown): number | undefined {
  const n = typeof key === 'number' ? key : typeof key === 'string' && /^-?\d+$/.test(key) ? Number(key) : NaN;
  if (!Number.isInteger(n)) return undefined;
  const i = n < 0 ? len + n : n;
  return i >= 0 && i < len ? i : -1;
}

/** obj.key (attribute first, then item) or obj[key] (item first, then attribute), as Jinja's getattr/getitem. */
function lookup(obj: unknown, key: unknown, attrFirst: boolean): unknown {
  if (obj === undefined) failUndefined(); // Jinja raises on any attribute of an undefined value
  if (obj === null) return missing(`'None' has no attribute '${pyStr(key)}'`);
  const k = typeof key === 'string' ? key : pyStr(key);
  if (isStr(obj)) {
    const s = strValue(obj);
    const i = index(s.length, key);
    if (i !== undefined) return i >= 0 ? s[i] : missing(`'str object' has no element ${pyStr(key)}`);
    return pyMethod(s, k) ?? missing(`'str object' has no attribute '${k}'`);
  }
  if (Array.isArray(obj)) {
    const i = index(obj.length, key);
    if (i !== undefined) return i >= 0 ? obj[i] : missing(`'${typeName(obj)} object' has no element ${pyStr(key)}`);
    const m = pyMethod(obj, k);
    if (m) return m;
    return own(obj, k) ? (obj as unknown as Dict)[k] : missing(`'${typeName(obj)} object' has no attribute '${k}'`);
  }
  if (isSaltFunctions(obj)) {
    if (own(obj, k)) return (obj as Dict)[k];
    const name = saltKeyName(obj as object, k);
    if ((HOST_FUNCTIONS as readonly string[]).includes(name)) {
      return missing(
        `salt function '${name}' asks the host itself: it runs when the agent renders the states on their host, not when they are compiled without it`,
        'Jinja error: ',
      );
    }
    if (!name.includes('.')) {
      const view = saltModule(obj as object, name, HOST_FUNCTIONS);
      if (view) return view;
    }
    return missing(`salt function '${name}' is not available`, 'Jinja error: ');
  }
  if (isDict(obj)) {
    if (attrFirst) {
      const m = pyMethod(obj, k);
      if (m) return m;
    }
    if (own(obj, k)) return obj[k];
    if (!attrFirst) {
      const m = pyMethod(obj, k);
      if (m) return m;
    }
    return missing(`'dict object' has no attribute '${k}'`);
  }
  if (typeof obj === 'object' || typeof obj === 'function') {
    const v = (obj as Dict)[k];
    if (v !== undefined && (own(obj, k) || isNamespace(obj))) return v;
    return missing(`'${typeName(obj)} object' has no attribute '${k}'`);
  }
  return missing(`'${typeName(obj)} object' has no attribute '${k}'`);
}

function sliceOf(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (obj === undefined) failUndefined();
  const seq = isStr(obj) ? strValue(obj) : obj;
  if (!Array.isArray(seq) && typeof seq !== 'string')
    throw new TypeError(`'${typeName(obj)}' object is not subscriptable`);
  const len = seq.length;
  const st = step === null || step === undefined ? 1 : Number(step);
  if (st === 0) throw new Error('ValueError: slice step cannot be zero');
  const norm = (v: unknown, d: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return d;
    let n = Number(v);
    if (n < 0) n += len;
    return Math.min(Math.max(n, lo), hi);
  };
  const out: unknown[] = [];
  if (st > 0) {
    const a = norm(start, 0, 0, len);
    const b = norm(stop, len, 0, len);
    for (let i = a; i < b; i += st) out.push(seq[i]);
  } else {
    const a = norm(start, len - 1, -1, len - 1);
    const b = norm(stop, -1, -1, len - 1);
    for (let i = a; i > b; i += st) out.push(seq[i]);
  }
  if (typeof seq === 'string') return out.join('');
  return isTuple(obj) ? tuple(out) : out;
}

/** What a single-name `for` iterates: list items, dict keys, string characters. */
function iter(v: unknown, names: number): unknown {
  if (Array.isArray(v)) return v;
  if (v === undefined) failUndefined();
  if (isDict(v)) return names === 1 ? dictKeys(v) : v;
  if (isStr(v)) return [...strValue(v)];
  throw new TypeError(`'${typeName(v)}' object is not iterable`);
}

function callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
  if (typeof fn !== 'function') {
    if (fn === undefined) throw undefinedFault(lastMiss() ?? `Jinja variable '${name}' is undefined`);
    throw new TypeError(`'${typeName(fn)}' object is not callable (${name})`);
  }
  const salt = saltFunctionName(fn);
  if (!salt) return withPassedMiss(args, () => fn.apply(context, args));
  try {
    return fn.apply(context, args);
  } catch (e) {
    if (e instanceof TemplateFault) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new TemplateFault(`Problem running salt function in Jinja template: ${salt}: ${msg}`, { cause: e });
  }
}

export const saltRuntime: Record<string, unknown> = Object.assign(Object.create(base), {
  /** Scratch slot for `and`/`or`, which return one of their operands. */
  s: undefined,
  clearMiss,
  contextOrFrameLookup(
    context: { lookup(n: string): unknown },
    frame: { lookup(n: string): unknown },
    name: string,
  ): unknown {
    const v = frame.lookup(name);
    if (v !== undefined) return v;
    const c = context.lookup(name);
    return c !== undefined ? c : missing(`'${name}' is undefined`);
  },
  memberLookup: (obj: unknown, key: unknown) => lookup(obj, key, false),
  attr: (obj: unknown, key: unknown) => lookup(obj, key, true),
  item: (obj: unknown, key: unknown) => lookup(obj, key, false),
  slice: sliceOf,
  output(v: unknown): string {
    if (typeof v === 'string') return v;
    if (v === undefined) failUndefined();
    return pyStr(v);
  },
  truthy(v: unknown): boolean {
    if (v === undefined) failUndefined();
    return pyBool(v);
  },
  noElse(line: number): undefined {
    return missing(`the inline if-expression on line ${line + 1} evaluated to false and no else section was defined`);
  },
  callWrap,
  /** Jinja's loop.cycle(*values): the value for this iteration, in turn. */
  loopCycle(i: number): (...values: unknown[]) => unknown {
    return (...values) => {
      if (!values.length) throw new TypeError('no items for cycling given');
      return values[i % values.length];
    };
  },
  starArgs(v: unknown): unknown[] {
    if (v === undefined) failUndefined();
    if (Array.isArray(v)) return v;
    if (isDict(v)) return dictKeys(v);
    if (isStr(v)) return [...strValue(v)];
    throw new TypeError(`argument after * must be an iterable, not ${typeName(v)}`);
  },
  starKwargs(v: unknown): Dict {
    if (v === undefined) failUndefined();
    if (!isDict(v)) throw new TypeError(`argument after ** must be a mapping, not ${typeName(v)}`);
    return { ...v };
  },
  inOperator,
  iter,
  loopFilter(arr: unknown, keep: (item: unknown) => boolean, names: number): unknown[] {
    const items = iter(arr, names);
    const list = Array.isArray(items) ? items : Object.entries(items as Dict);
    return list.filter((x) => keep(x));
  },
  cmp,
  add,
  sub: (a: unknown, b: unknown) => num(a, '-', b) - num(b, '-', a),
  mul,
  div: (a: unknown, b: unknown) => num(a, '/', b) / divisor(b, a, '/'),
  floordiv: (a: unknown, b: unknown) => Math.floor(num(a, '//', b) / divisor(b, a, '//')),
  mod,
  pow: (a: unknown, b: unknown) => Math.pow(num(a, '**', b), num(b, '**', a)),
  neg: (a: unknown) => -num(a, '-', a),
  concat(a: unknown, b: unknown): string {
    if (a === undefined || b === undefined) failUndefined();
    return pyStr(a) + pyStr(b);
  },
  tuple,
  dict(flat: unknown[]): Dict {
    const out: Dict = {};
    for (let i = 0; i < flat.length; i += 2) {
      if (flat[i] === undefined) failUndefined();
      out[pyStr(flat[i])] = flat[i + 1];
    }
    return out;
  },
  setAttr(obj: unknown, key: unknown, value: unknown): void {
    if (obj === undefined) failUndefined();
    if (!isNamespace(obj) && !isDict(obj))
      throw new Error(`cannot assign attribute on non-namespace object '${typeName(obj)}'`);
    (obj as Dict)[pyStr(key)] = value;
  },
  importNames(exported: Dict, names: string[], from: string): unknown[] {
    return names.map((n) => {
      if (!own(exported, n)) {
        const has = Object.keys(exported).sort();
        throw new TemplateFault(
          `Jinja error: cannot import '${n}' from '${from}'` +
            (has.length ? ` (it defines: ${has.join(', ')})` : ' (it defines nothing)'),
        );
      }
      return exported[n];
    });
  },
  loadData(kind: DataKind, text: unknown, line: number): unknown {
    return loadData(kind, pyStr(text), line + 1);
  },
  importData(
    env: { importData(n: unknown, p: string | undefined, k: DataKind, c: unknown, f: unknown): unknown },
    context: { getVariables(): unknown },
    frame: unknown,
    name: unknown,
    parent: string | undefined,
    kind: DataKind,
    withContext: boolean,
  ): unknown {
    return env.importData(name, parent, kind, withContext ? context.getVariables() : null, withContext ? frame : null);
  },
  handleError: (e: unknown, lineno: number, _colno: number, file: string) => locate(e, file, lineno + 1),
});
