// Python's operators on template values: + * / // % ** comparisons and `in`.
import { failUndefined } from './missing.ts';
import { percentFormat } from './pyformat.ts';
import { isDict, isStr, isTuple, pyCompare, pyEq, pyStr, strValue, tuple, typeName } from './pyvalue.ts';
import { isSaltFunctions } from './salt.ts';

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export function num(v: unknown, op: string, other: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  if (v === undefined) failUndefined();
  throw new TypeError(`unsupported operand type(s) for ${op}: '${typeName(v)}' and '${typeName(other)}'`);
}

export function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === undefined || b === undefined) failUndefined();
  if (isStr(a) && isStr(b)) return strValue(a) + strValue(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const out = a.concat(b);
    return isTuple(a) ? tuple(out) : out;
  }
  if (isStr(a)) throw new TypeError(`can only concatenate str (not "${typeName(b)}") to str`);
  if (Array.isArray(a))
    throw new TypeError(`can only concatenate ${typeName(a)} (not "${typeName(b)}") to ${typeName(a)}`);
  return num(a, '+', b) + num(b, '+', a);
}

export function mul(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (a === undefined || b === undefined) failUndefined();
  const rep = (seq: unknown, n: unknown): unknown => {
    const times = Math.max(0, num(n, '*', seq));
    if (isStr(seq)) return strValue(seq).repeat(times);
    const out: unknown[] = [];
    for (let i = 0; i < times; i++) out.push(...(seq as unknown[]));
    return out;
  };
  if (isStr(a) || Array.isArray(a)) return rep(a, b);
  if (isStr(b) || Array.isArray(b)) return rep(b, a);
  return num(a, '*', b) * num(b, '*', a);
}

export function divisor(b: unknown, a: unknown, op: string): number {
  const n = num(b, op, a);
  if (n === 0)
    throw new Error(op === '%' ? 'ZeroDivisionError: integer modulo by zero' : 'ZeroDivisionError: division by zero');
  return n;
}

export function mod(a: unknown, b: unknown): unknown {
  if (isStr(a)) return percentFormat(strValue(a), b);
  const x = num(a, '%', b);
  const y = divisor(b, a, '%');
  return ((x % y) + y) % y;
}

export function cmp(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
    case '===':
      return pyEq(a, b);
    case '!=':
    case '!==':
      return !pyEq(a, b);
  }
  if (a === undefined || b === undefined) failUndefined();
  const c = pyCompare(a, b);
  switch (op) {
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '>=':
      return c >= 0;
  }
  throw new Error(`unknown comparison ${op}`);
}

export function inOperator(key: unknown, container: unknown): boolean {
  if (container === undefined) failUndefined();
  if (Array.isArray(container)) return container.some((x) => pyEq(key, x));
  if (isStr(container)) {
    if (!isStr(key)) throw new TypeError(`'in <string>' requires string as left operand, not ${typeName(key)}`);
    return strValue(container).includes(strValue(key));
  }
  if (isDict(container) || isSaltFunctions(container)) return own(container as object, pyStr(key));
  throw new TypeError(`argument of type '${typeName(container)}' is not iterable`);
}
