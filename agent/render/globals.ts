// Global names every template sees: Jinja's (range, dict, namespace, cycler, joiner), Salt's
// (raise, odict, show_full_context) and the Python literals True, False and None.
import { splitArgs } from './pyargs.ts';
import { TemplateFault } from './fault.ts';
import { dictKeys, isDict, pyStr, type Dict } from './pyvalue.ts';

/** Jinja's namespace(): an object whose attributes can be assigned with `{% set ns.x = … %}`. */
export class Namespace {
  constructor(init: Dict) {
    Object.assign(this, init);
  }
  toString(): string {
    return `<Namespace ${pyStr({ ...this })}>`;
  }
}

export function isNamespace(v: unknown): v is Namespace {
  return v instanceof Namespace;
}

function dict(...args: unknown[]): Dict {
  const { pos, kw } = splitArgs(args);
  const out: Dict = {};
  for (const src of pos) {
    if (isDict(src)) for (const k of dictKeys(src)) out[k] = src[k];
    else if (Array.isArray(src)) for (const pair of src) out[pyStr((pair as unknown[])[0])] = (pair as unknown[])[1];
    else throw new TypeError('dict() argument must be a mapping or a list of pairs');
  }
  return Object.assign(out, kw);
}

/** Salt renders in Jinja's sandbox, which refuses ranges longer than this. */
const MAX_RANGE = 100000;

function range(...args: unknown[]): number[] {
  const n = args.map(Number);
  const [start, stop, step] = n.length === 1 ? [0, n[0], 1] : [n[0], n[1], n[2] ?? 1];
  if (step === 0) throw new Error('ValueError: range() arg 3 must not be zero');
  if (Math.ceil((stop - start) / step) > MAX_RANGE) {
    throw new Error(`Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`);
  }
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

function simple(v: unknown): unknown {
  if (typeof v === 'function') return undefined;
  if (Array.isArray(v)) return v.map(simple);
  if (isDict(v)) {
    const out: Dict = {};
    for (const k of dictKeys(v)) {
      const s = simple(v[k]);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
  return v;
}

/** The globals shared by all renders; per-render values (grains, pillar, salt…) are layered on top. */
export function baseGlobals(existing: Dict): Dict {
  return Object.assign(existing, {
    True: true,
    False: false,
    None: null,
    range,
    dict,
    odict: dict,
    namespace: (...args: unknown[]) => new Namespace(dict(...args)),
    raise: (msg: unknown) => {
      throw new TemplateFault(`Jinja error: ${pyStr(msg)}`);
    },
    show_full_context(this: { ctx: Dict; env: { globals: Dict } }) {
      const all: Dict = {};
      for (const k in this.env.globals) all[k] = this.env.globals[k];
      Object.assign(all, this.ctx);
      return simple(all);
    },
  });
}
