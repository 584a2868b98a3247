// Jinja tests (`x is defined`, `x is none`, `x is mapping`…) with Python semantics, plus Salt's
// `match` and `equalto`. Every test returns a real boolean.
import { splitArgs } from './pyargs.ts';
import { pyMatch, RE } from '../util/pyre.ts';
import { isDict, isInt, isStr, pyBool, pyCompare, pyEq, pyStr, strValue } from './pyvalue.ts';
import { isNamespace } from './globals.ts';

type Test = (value: unknown, ...args: unknown[]) => boolean;

const inTest: Test = (v, seq) => {
  if (Array.isArray(seq)) return seq.some((x) => pyEq(v, x));
  if (isStr(seq)) return isStr(v) && strValue(seq).includes(strValue(v));
  if (isDict(seq)) return Object.prototype.hasOwnProperty.call(seq, pyStr(v));
  return false;
};

const cmp =
  (f: (c: number) => boolean): Test =>
  (a, b) =>
    f(pyCompare(a, b));

export const jinjaTests: Record<string, Test> = {
  defined: (v) => v !== undefined,
  undefined: (v) => v === undefined,
  none: (v) => v === null,
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  integer: (v) => isInt(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  number: (v) => typeof v === 'number' || typeof v === 'boolean',
  string: (v) => isStr(v),
  mapping: (v) => isDict(v) || isNamespace(v),
  iterable: (v) => Array.isArray(v) || isDict(v) || isStr(v),
  sequence: (v) => Array.isArray(v) || isDict(v) || isStr(v),
  list: (v) => Array.isArray(v),
  callable: (v) => typeof v === 'function',
  sameas: (a, b) => a === b,
  equalto: (a, b) => pyEq(a, b),
  eq: (a, b) => pyEq(a, b),
  '==': (a, b) => pyEq(a, b),
  ne: (a, b) => !pyEq(a, b),
  '!=': (a, b) => !pyEq(a, b),
  lt: cmp((c) => c < 0),
  '<': cmp((c) => c < 0),
  lessthan: cmp((c) => c < 0),
  le: cmp((c) => c <= 0),
  '<=': cmp((c) => c <= 0),
  gt: cmp((c) => c > 0),
  '>': cmp((c) => c > 0),
  greaterthan: cmp((c) => c > 0),
  ge: cmp((c) => c >= 0),
  '>=': cmp((c) => c >= 0),
  in: inTest,
  odd: (v) => isInt(v) && Math.abs(v % 2) === 1,
  even: (v) => isInt(v) && v % 2 === 0,
  divisibleby: (v, n) => Number(v) % Number(n) === 0,
  lower: (v) => isStr(v) && strValue(v) === strValue(v).toLowerCase(),
  upper: (v) => isStr(v) && strValue(v) === strValue(v).toUpperCase(),
  truthy: (v) => pyBool(v),
  falsy: (v) => !pyBool(v),
  escaped: (v) => typeof v === 'object' && v !== null && isStr(v),
  match: (txt, ...rest) => {
    const { pos, kw } = splitArgs(rest);
    const [rgx, ignorecase = kw.ignorecase, multiline = kw.multiline] = pos;
    const bits = (pyBool(ignorecase) ? RE.I : 0) | (pyBool(multiline) ? RE.M : 0);
    return pyMatch(pyStr(rgx), pyStr(txt), bits) !== null;
  },
};
