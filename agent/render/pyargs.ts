// Python calling convention for functions and filters called from templates.
// nunjucks passes keyword arguments as a trailing object marked `__keywords`; these helpers
// split and bind them the way Python binds a signature.

export type KwArgs = Record<string, unknown>;

export function isKwArgs(v: unknown): v is KwArgs {
  return typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, '__keywords');
}

/** Splits a call's arguments into positional arguments and keyword arguments. */
export function splitArgs(args: readonly unknown[]): { pos: unknown[]; kw: KwArgs } {
  const last = args[args.length - 1];
  if (args.length && isKwArgs(last)) {
    const kw: KwArgs = {};
    for (const k of Object.keys(last)) if (k !== '__keywords') kw[k] = last[k];
    return { pos: args.slice(0, -1), kw };
  }
  return { pos: [...args], kw: {} };
}

export interface Signature {
  /** Function name for error messages, e.g. "pillar.get". */
  name: string;
  /** Parameter names in order. A name starting with `*` collects the remaining positional arguments. */
  params: string[];
  /** Default values; parameters without a default are required. */
  defaults?: KwArgs;
  /** Accept unknown keyword arguments (collected under `**`). */
  varKw?: boolean;
}

/** Binds positional and keyword arguments to a signature, as Python does; throws TypeError like Python. */
export function bindArgs(sig: Signature, args: readonly unknown[]): KwArgs {
  const { pos, kw } = splitArgs(args);
  const out: KwArgs = {};
  const defaults = sig.defaults ?? {};
  let i = 0;
  for (const p of sig.params) {
    if (p.startsWith('*')) {
      out[p.slice(1)] = pos.slice(i);
      i = pos.length;
      continue;
    }
    if (i < pos.length) {
      if (p in kw) throw new TypeError(`${sig.name}() got multiple values for argument '${p}'`);
      out[p] = pos[i++];
    } else if (p in kw) {
      out[p] = kw[p];
    } else if (p in defaults) {
      out[p] = defaults[p];
    } else {
      throw new TypeError(`${sig.name}() missing required argument '${p}'`);
    }
  }
  if (i < pos.length) {
    throw new TypeError(`${sig.name}() takes at most ${sig.params.length} positional arguments (${pos.length} given)`);
  }
  const extra: KwArgs = {};
  for (const k of Object.keys(kw)) {
    if (sig.params.includes(k)) continue;
    if (!sig.varKw) throw new TypeError(`${sig.name}() got an unexpected keyword argument '${k}'`);
    extra[k] = kw[k];
  }
  if (sig.varKw) out['**'] = extra;
  return out;
}

/** Wraps an implementation taking bound arguments into a template-callable function. */
export function pyFunction<R>(sig: Signature, impl: (a: KwArgs) => R): (...args: unknown[]) => R {
  const fn = (...args: unknown[]): R => impl(bindArgs(sig, args));
  Object.defineProperty(fn, 'name', { value: sig.name });
  return fn;
}
