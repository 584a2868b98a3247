// npm's version ranges (`^1.2.0`, `~1.2`, `1.x`, `>=1.0.0 <2.0.0`, `1.0.0 - 1.4.0`, `a || b`)
// matched against an installed version. Pure; pre-release tags order before their release.

type Triple = [number, number, number];

interface SemVer {
  v: Triple;
  pre: string[];
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseSemver(text: string): SemVer | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  return { v: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

function comparePre(a: string[], b: string[]): number {
  if (!a.length || !b.length) return !a.length && !b.length ? 0 : a.length ? -1 : 1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === undefined) return -1;
    if (b[i] === undefined) return 1;
    const na = /^\d+$/.test(a[i]);
    const nb = /^\d+$/.test(b[i]);
    if (na && nb && Number(a[i]) !== Number(b[i])) return Math.sign(Number(a[i]) - Number(b[i]));
    if (na !== nb) return na ? -1 : 1;
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

function compareSemver(a: SemVer, b: SemVer): number {
  for (let i = 0; i < 3; i++) if (a.v[i] !== b.v[i]) return Math.sign(a.v[i] - b.v[i]);
  return comparePre(a.pre, b.pre);
}

type Op = '<' | '<=' | '>' | '>=' | '=';
interface Comparator {
  op: Op;
  ver: SemVer;
}

/** A partial version: x, X and * (or missing parts) are wildcards. */
function partial(text: string): { parts: number[]; pre: string[] } | undefined {
  const m = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(text);
  if (!m) return undefined;
  const parts: number[] = [];
  for (const p of [m[1], m[2], m[3]]) {
    if (p === undefined || /^[xX*]$/.test(p)) break;
    parts.push(Number(p));
  }
  return { parts, pre: m[4] ? m[4].split('.') : [] };
}

const sv = (parts: number[], pre: string[] = []): SemVer => ({
  v: [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0],
  pre,
});

/** The lowest version above every version starting with parts (1.2 → 1.3.0-0). */
function bump(parts: number[]): SemVer {
  const p = [...parts];
  p[p.length - 1] += 1;
  return sv(p, ['0']);
}

function comparators(token: string): Comparator[] | undefined {
  const m = /^(<=|>=|<|>|=|\^|~>?)?\s*(.*)$/.exec(token);
  if (!m) return undefined;
  const op = m[1] ?? '';
  const p = partial(m[2]);
  if (!p) return undefined;
  const { parts, pre } = p;
  const n = parts.length;
  if (op === '^') {
    if (!n) return [];
    const nonZero = parts.findIndex((x) => x !== 0);
    const upto = nonZero === -1 ? n - 1 : Math.min(nonZero, n - 1);
    return [
      { op: '>=', ver: sv(parts, pre) },
      { op: '<', ver: bump(parts.slice(0, upto + 1)) },
    ];
  }
  if (op.startsWith('~')) {
    if (!n) return [];
    return [
      { op: '>=', ver: sv(parts, pre) },
      { op: '<', ver: bump(parts.slice(0, n === 1 ? 1 : 2)) },
    ];
  }
  if (n === 3 || (op !== '' && op !== '=' && n === 0)) {
    if (n === 0) return op === '<' || op === '>' ? [{ op: '<', ver: sv([0, 0, 0], ['0']) }] : [];
    return [{ op: (op || '=') as Op, ver: sv(parts, pre) }];
  }
  if (n === 0) return [];
  // partial: 1.2 means >=1.2.0 <1.3.0-0, and the operators widen or narrow that
  switch (op) {
    case '':
    case '=':
      return [
        { op: '>=', ver: sv(parts) },
        { op: '<', ver: bump(parts) },
      ];
    case '>':
      return [{ op: '>=', ver: bump(parts) }];
    case '>=':
      return [{ op: '>=', ver: sv(parts) }];
    case '<':
      return [{ op: '<', ver: sv(parts, ['0']) }];
    case '<=':
      return [{ op: '<', ver: bump(parts) }];
  }
  return undefined;
}

function test(c: Comparator, v: SemVer): boolean {
  const d = compareSemver(v, c.ver);
  switch (c.op) {
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    case '=':
      return d === 0;
  }
}

/** Parses a range into alternatives of comparator sets; undefined when it is not a range (a dist-tag). */
function parseRange(range: string): Comparator[][] | undefined {
  const alts: Comparator[][] = [];
  for (const alt of range.split('||')) {
    const text = alt.trim().replace(/(<=|>=|<|>|=|\^|~>?)\s+/g, '$1');
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
    if (hyphen) {
      const lo = partial(hyphen[1]);
      const hi = partial(hyphen[2]);
      if (!lo || !hi) return undefined;
      const set: Comparator[] = [{ op: '>=', ver: sv(lo.parts, lo.pre) }];
      if (hi.parts.length === 3) set.push({ op: '<=', ver: sv(hi.parts, hi.pre) });
      else if (hi.parts.length) set.push({ op: '<', ver: bump(hi.parts) });
      alts.push(set);
      continue;
    }
    const set: Comparator[] = [];
    for (const token of text ? text.split(/\s+/) : []) {
      const cs = comparators(token);
      if (!cs) return undefined;
      set.push(...cs);
    }
    alts.push(set);
  }
  return alts;
}

/** Whether `version` is in `range`; undefined when the range is not one (a dist-tag such as latest). */
export function satisfiesRange(version: string, range: string): boolean | undefined {
  const alts = parseRange(range);
  if (!alts) return undefined;
  const v = parseSemver(version);
  if (!v) return false;
  return alts.some((set) => set.every((c) => test(c, v)));
}
