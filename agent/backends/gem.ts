// RubyGems as the gem states drive it: installed versions (`gem list --local --exact NAME`),
// RubyGems' version ordering and requirements (`>= 1.0`, `~> 2.2`), and the name and version
// a local .gem file holds (its metadata.gz).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tarEntry } from '../util/tar.ts';

/** `gem list` output → name → versions, newest first ("default: " and platforms dropped). */
export function parseGemList(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) \((.+)\)\s*$/.exec(line.trim());
    if (!m) continue;
    const versions = m[2]
      .split(',')
      .map(
        (v) =>
          v
            .trim()
            .replace(/^default:\s*/, '')
            .split(/\s+/)[0],
      )
      .filter(Boolean);
    out.set(m[1], versions);
  }
  return out;
}

const segments = (v: string): Array<number | string> =>
  (v.match(/[0-9]+|[a-z]+/gi) ?? []).map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/** Gem::Version's order: numeric segments, a letter segment makes a pre-release (1.0.a < 1.0). */
export function compareGemVersions(a: string, b: string): number {
  const sa = segments(a);
  const sb = segments(b);
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const x = sa[i] ?? 0;
    const y = sb[i] ?? 0;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return Math.sign(x - y);
    if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : 1;
    return typeof x === 'string' ? -1 : 1;
  }
  return 0;
}

const REQ = /^\s*(=|!=|>=|<=|>|<|~>)?\s*([0-9][0-9A-Za-z.]*)\s*$/;

/** Whether a Gem requirement ("1.0", ">= 1.0, < 2", "~> 2.2") is well formed. */
export const isGemRequirement = (req: string): boolean => req.split(',').every((p) => REQ.test(p));

/** Whether `version` meets every part of a Gem requirement. */
export function meetsGemRequirement(version: string, req: string): boolean {
  return req.split(',').every((part) => {
    const m = REQ.exec(part);
    if (!m) return false;
    const op = m[1] ?? '=';
    const c = compareGemVersions(version, m[2]);
    switch (op) {
      case '=':
        return c === 0;
      case '!=':
        return c !== 0;
      case '>':
        return c > 0;
      case '<':
        return c < 0;
      case '>=':
        return c >= 0;
      case '<=':
        return c <= 0;
      default: {
        // ~> 2.2 means >= 2.2 and < 3; ~> 2.2.0 means >= 2.2.0 and < 2.3
        const nums = segments(m[2]).filter((s): s is number => typeof s === 'number');
        const head = nums.slice(0, Math.max(1, nums.length - 1));
        head[head.length - 1] += nums.length > 1 ? 1 : 0;
        return c >= 0 && (nums.length === 1 || compareGemVersions(version, head.join('.')) < 0);
      }
    }
  });
}

/** name and version from a .gem file (a tar holding metadata.gz, the gem's YAML specification). */
export function gemFileSpec(file: string): { name: string; version: string } | { error: string } {
  let meta: string;
  try {
    const body = tarEntry(readFileSync(file), 'metadata.gz');
    if (!body) return { error: `${file} is not a gem: it holds no metadata.gz` };
    meta = gunzipSync(body).toString('utf8');
  } catch (e) {
    return { error: `cannot read the gem ${file}: ${(e as Error).message}` };
  }
  const name = /^name:\s*(\S+)\s*$/m.exec(meta)?.[1];
  const version = /^version:[^\n]*\n\s+version:\s*["']?([0-9][0-9A-Za-z.]*)/m.exec(meta)?.[1];
  return name && version ? { name, version } : { error: `${file}: its specification has no name and version` };
}
