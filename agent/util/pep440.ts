// Python package versions as PEP 440 orders them, and version specifiers (`>=1.2, <2`, `~=1.4`,
// `==1.*`, `!=1.3`) as pip matches them. Pure.

interface Pep440 {
  epoch: number;
  release: number[];
  /** a, b or rc with its number. */
  pre?: [string, number];
  post?: number;
  dev?: number;
  local: string;
}

const VERSION =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;

const PRE: Record<string, string> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

/** The version, or undefined when it is not a PEP 440 version. */
export function parseVersion(text: string): Pep440 | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  const v: Pep440 = {
    epoch: m[1] ? Number(m[1]) : 0,
    release: m[2].split('.').map(Number),
    local: (m[10] ?? '').toLowerCase().replace(/[-_]/g, '.'),
  };
  if (m[3]) v.pre = [PRE[m[3].toLowerCase()], Number(m[4] || 0)];
  if (m[5] !== undefined) v.post = Number(m[5]);
  else if (m[6]) v.post = Number(m[7] || 0);
  if (m[8]) v.dev = Number(m[9] || 0);
  return v;
}

export const isPrerelease = (v: Pep440): boolean => v.pre !== undefined || v.dev !== undefined;

function cmpNums(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

const PRE_RANK: Record<string, number> = { a: 0, b: 1, rc: 2 };

/** Sort key of the part after the release: dev < a < b < rc < final < post. */
function phase(v: Pep440): number[] {
  const dev = v.dev === undefined ? [Infinity] : [v.dev];
  if (v.pre) return [1, PRE_RANK[v.pre[0]], v.pre[1], v.post === undefined ? -1 : v.post, ...dev];
  if (v.post !== undefined) return [3, 0, 0, v.post, ...dev];
  if (v.dev !== undefined) return [0, 0, 0, -1, v.dev];
  return [2, 0, 0, -1, Infinity];
}

function cmpLocal(a: string, b: string): number {
  if (a === b) return 0;
  if (!a) return -1;
  if (!b) return 1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Math.sign(Number(x) - Number(y));
    if (nx !== ny) return nx ? 1 : -1;
    if (!nx && x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function compareParsed(a: Pep440, b: Pep440, withLocal = true): number {
  return (
    Math.sign(a.epoch - b.epoch) ||
    cmpNums(a.release, b.release) ||
    cmpNums(phase(a), phase(b)) ||
    (withLocal ? cmpLocal(a.local, b.local) : 0)
  );
}

/** -1, 0 or 1; versions that do not parse compare as text, after every valid one. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (pa && pb) return compareParsed(pa, pb);
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Specifier {
  op: '==' | '!=' | '<=' | '>=' | '<' | '>' | '~=' | '===';
  version: string;
}

const SPEC = /^\s*(===|==|!=|<=|>=|~=|<|>)\s*([^\s,;]+)\s*$/;

/** `>=1.2, <2` → specifiers; undefined when a part is not a specifier. */
export function parseSpecifiers(text: string): Specifier[] | undefined {
  if (!text.trim()) return [];
  const out: Specifier[] = [];
  for (const part of text.split(',')) {
    const m = SPEC.exec(part);
    if (!m) return undefined;
    const op = m[1] as Specifier['op'];
    const wild = m[2].endsWith('.*');
    if (op !== '===' && !parseVersion(wild ? m[2].slice(0, -2) : m[2])) return undefined;
    if (wild && op !== '==' && op !== '!=') return undefined;
    out.push({ op, version: m[2] });
  }
  return out;
}

/** The release padded with zeros to `n` parts. */
const padded = (r: readonly number[], n: number): number[] => [...r, ...Array(Math.max(0, n - r.length)).fill(0)];

function prefixMatch(v: Pep440, prefix: Pep440): boolean {
  if (v.epoch !== prefix.epoch) return false;
  const n = prefix.release.length;
  return cmpNums(padded(v.release, n).slice(0, n), prefix.release) === 0;
}

function matchOne(v: Pep440, text: string, s: Specifier): boolean {
  if (s.op === '===') return text.trim().toLowerCase() === s.version.toLowerCase();
  if (s.version.endsWith('.*')) {
    const prefix = parseVersion(s.version.slice(0, -2)) as Pep440;
    const hit = prefixMatch(v, prefix);
    return s.op === '==' ? hit : !hit;
  }
  const w = parseVersion(s.version) as Pep440;
  const withLocal = w.local !== '';
  const c = compareParsed(v, w, withLocal);
  switch (s.op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<=':
      return c <= 0;
    case '>=':
      return c >= 0;
    case '<':
      // <V excludes pre-releases of V unless V is one
      return c < 0 && (isPrerelease(w) || !(isPrerelease(v) && cmpNums(v.release, w.release) === 0));
    case '>':
      // >V excludes post-releases of V unless V is one
      return c > 0 && (w.post !== undefined || !(v.post !== undefined && cmpNums(v.release, w.release) === 0));
    case '~=': {
      if (c < 0) return false;
      const head = w.release.slice(0, Math.max(1, w.release.length - 1));
      return prefixMatch(v, { ...w, release: head });
    }
  }
}

/** Whether `version` satisfies every specifier (an unparsable version satisfies only `===`). */
export function satisfiesAll(version: string, specs: readonly Specifier[]): boolean {
  const v = parseVersion(version);
  return specs.every((s) => (v ? matchOne(v, version, s) : s.op === '===' && matchOne({} as Pep440, version, s)));
}
