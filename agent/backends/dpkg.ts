// Debian version strings: comparison as dpkg does it (epoch, upstream, revision; `~` sorts
// before anything, even the end of the string) and Salt's version specifications
// (`1.6.18-1`, `1.6.*`, `>=1.6`, `<2.0`, `==1.6.18-1`).
import { fnmatch } from '../match/glob.ts';

interface Parsed {
  epoch: number;
  upstream: string;
  revision: string;
}

function parse(v: string): Parsed {
  let s = v.trim();
  let epoch = 0;
  const colon = s.indexOf(':');
  if (colon > 0 && /^\d+$/.test(s.slice(0, colon))) {
    epoch = Number(s.slice(0, colon));
    s = s.slice(colon + 1);
  }
  const dash = s.lastIndexOf('-');
  return dash > 0
    ? { epoch, upstream: s.slice(0, dash), revision: s.slice(dash + 1) }
    : { epoch, upstream: s, revision: '' };
}

/** Sort weight of one character in the non-digit part: ~ < end < letters < others. */
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !/\d/.test(a[i])) || (j < b.length && !/\d/.test(b[j]))) {
      const ac = i < a.length && !/\d/.test(a[i]) ? a[i] : undefined;
      const bc = j < b.length && !/\d/.test(b[j]) ? b[j] : undefined;
      const diff = order(ac) - order(bc);
      if (diff) return diff < 0 ? -1 : 1;
      if (ac !== undefined) i++;
      if (bc !== undefined) j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    let na = '';
    let nb = '';
    while (i < a.length && /\d/.test(a[i])) na += a[i++];
    while (j < b.length && /\d/.test(b[j])) nb += b[j++];
    if (na.length !== nb.length) return na.length < nb.length ? -1 : 1;
    if (na !== nb) return na < nb ? -1 : 1;
  }
  return 0;
}

/** dpkg --compare-versions as a comparator: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa.epoch !== pb.epoch) return pa.epoch < pb.epoch ? -1 : 1;
  return comparePart(pa.upstream, pb.upstream) || comparePart(pa.revision, pb.revision);
}

export type Operator = '==' | '>=' | '<=' | '>' | '<';

export interface VersionSpec {
  op: Operator;
  version: string;
  /** The version contains glob characters (`1.6.*`): matched with fnmatch, op is '=='. */
  glob: boolean;
}

/** Parses Salt's version specification; undefined for an empty one. */
export function parseSpec(spec: string | undefined): VersionSpec | undefined {
  const s = (spec ?? '').trim();
  if (!s) return undefined;
  const m = /^(==|=|>=|<=|>|<)?\s*(.+)$/.exec(s);
  const op = (!m?.[1] || m[1] === '=' ? '==' : m[1]) as Operator;
  const version = m ? m[2].trim() : s;
  return { op, version, glob: op === '==' && /[*?[]/.test(version) };
}

/** A version without its epoch (`1:2.0-1` → `2.0-1`), as Salt's ignore_epoch compares. */
export function withoutEpoch(version: string): string {
  return version.replace(/^\d+:/, '');
}

/** Whether an exact version satisfies the specification (`ignoreEpoch`: both compared without epoch). */
export function satisfies(version: string, spec: VersionSpec, ignoreEpoch = false): boolean {
  if (ignoreEpoch) return satisfies(withoutEpoch(version), { ...spec, version: withoutEpoch(spec.version) });
  if (spec.glob) return fnmatch(version, spec.version);
  const c = compareVersions(version, spec.version);
  switch (spec.op) {
    case '==':
      return c === 0;
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
  }
}

/** The specification as Salt prints it after a package name: `=1.0`, `>=1.0`. */
export function specText(spec: VersionSpec | undefined): string {
  if (!spec) return '';
  return spec.op === '==' ? `=${spec.version}` : `${spec.op}${spec.version}`;
}
