// The scalar rules of Salt's YAML loader (PyYAML's SafeLoader, YAML 1.1, as customised by
// salt/utils/yamlloader.py): yes/no/on/off are booleans, leading zeros do not make an integer
// octal (0644 is 644), 1:30 is a base-60 integer, timestamps stay strings.
import { Scalar, type ScalarTag } from 'yaml';

const scalar = (v: unknown): Scalar => new Scalar(v);

const BOOL_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const BOOL_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

function boolTag(value: boolean, test: RegExp): ScalarTag {
  return {
    identify: (v) => v === value,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test,
    resolve: () => scalar(value),
    stringify: () => String(value),
  };
}

const trueTag = boolTag(true, BOOL_TRUE);
const falseTag = boolTag(false, BOOL_FALSE);

function signed(s: string): { neg: boolean; body: string } {
  const neg = s.startsWith('-');
  const body = s.replace(/^[-+]/, '').replace(/_/g, '');
  return { neg, body };
}

function intValue(src: string): number {
  const { neg, body } = signed(src);
  let n: number;
  if (body.startsWith('0b')) n = parseInt(body.slice(2), 2);
  else if (body.startsWith('0x')) n = parseInt(body.slice(2), 16);
  else if (body.includes(':')) n = body.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  else if (body.length > 1 && body.startsWith('0') && (src.startsWith('-') || src.startsWith('+')))
    n = parseInt(body, 8);
  // Salt strips leading zeros of unsigned integers: 0644 is the decimal 644, not octal
  else n = parseInt(body, 10);
  return neg ? -n : n;
}

const intTag: ScalarTag = {
  identify: (v) => typeof v === 'number' && Number.isInteger(v),
  default: true,
  tag: 'tag:yaml.org,2002:int',
  test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  resolve: (src) => scalar(intValue(src)),
  stringify: ({ value }) => String(value),
};

function floatValue(src: string): number {
  const { neg, body } = signed(src);
  let n: number;
  if (/^\.(?:inf|Inf|INF)$/.test(body)) n = Infinity;
  else if (/^\.(?:nan|NaN|NAN)$/.test(body)) return NaN;
  else if (body.includes(':')) {
    const parts = body.split(':');
    const last = Number(parts.pop());
    n = parts.reduce((acc, part) => acc * 60 + Number(part), 0) * 60 + last;
  } else n = Number(body);
  return neg ? -n : n;
}

const floatTag: ScalarTag = {
  identify: (v) => typeof v === 'number',
  default: true,
  tag: 'tag:yaml.org,2002:float',
  test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  resolve: (src) => scalar(floatValue(src)),
  stringify: ({ value }) => String(value),
};

/** Explicit `!!timestamp` values are kept as the text written, as Salt's loader does. */
const timestampTag: ScalarTag = {
  identify: () => false,
  tag: 'tag:yaml.org,2002:timestamp',
  resolve: (src) => scalar(src),
  stringify: ({ value }) => String(value),
};

/** Tags for `parseDocument(…, { schema: 'failsafe', customTags: saltTags, merge: true })`. */
export const saltTags = [
  'null',
  trueTag,
  falseTag,
  intTag,
  floatTag,
  'binary',
  'omap',
  'pairs',
  'set',
  timestampTag,
] as const;

export const saltYamlOptions = {
  schema: 'failsafe',
  customTags: [...saltTags],
  merge: true,
  uniqueKeys: true,
  prettyErrors: false,
} as const;
