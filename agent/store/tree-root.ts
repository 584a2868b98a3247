// The root of a tree on disk (states, pillar, private pillar) and the one place that turns a
// tree-relative path into a file to read. Every path is resolved with its symlinks and must stay
// inside the root's own real directory, and out of the other roots nested inside it (fenced: the
// private pillar inside the public pillar or the state tree is never read through them). Listings
// leave out what resolution would refuse, so nothing refused is ever shipped either.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { normalTreePath } from './tree-path.ts';

/** A path of a tree that resolves (through a symlink) outside its root or into a fenced root. */
export class TreeEscape extends Error {
  constructor(
    readonly label: string,
    readonly path: string,
    readonly why: string,
  ) {
    super(`${label}/${path}: ${why}; files are read only from inside their own tree`);
    this.name = 'TreeEscape';
  }
}

/** A directory other trees must not read through: its real path and how messages name it. */
export interface Fence {
  dir: string;
  name: string;
}

function real(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function within(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

export class TreeRoot {
  private readonly fences: readonly Fence[];

  /**
   * `fenced`: the other roots, by configured path and name. Those nested inside this one are fenced
   * off; the others are outside it anyway and only give refusals their name. A root that holds this
   * one (or is this one) is not a fence.
   */
  constructor(
    readonly dir: string,
    fenced: readonly Fence[] = [],
  ) {
    const own = real(dir) ?? dir;
    this.fences = fenced.flatMap((f) => {
      const d = real(f.dir) ?? f.dir;
      return within(own, d) ? [] : [{ dir: d, name: f.name }];
    });
  }

  /** The root's real path, or undefined when the directory does not exist. */
  realDir(): string | undefined {
    return real(this.dir);
  }

  /** Why the real path `p` may not be read through this root, or undefined when it may. */
  private refusal(p: string, rootReal: string): string | undefined {
    const fence = this.fences.find((f) => within(p, f.dir));
    if (fence) return `resolves to ${p}, inside ${fence.name} (${fence.dir})`;
    return within(p, rootReal) ? undefined : `resolves to ${p}, outside ${rootReal}`;
  }

  /**
   * The real path of the tree-relative `path`, or undefined when nothing is there. Throws
   * TreeEscape when it resolves outside the root or into a fenced root; throws for a path with `..`
   * that leaves the tree.
   */
  resolve(path: string, label = this.dir): string | undefined {
    const rel = normalTreePath(path);
    const rootReal = this.realDir();
    if (rootReal === undefined) return undefined;
    const p = real(join(rootReal, rel));
    if (p === undefined) return undefined;
    const why = this.refusal(p, rootReal);
    if (why) throw new TreeEscape(label, rel, why);
    return p;
  }

  /** resolve() without the exception: undefined for a missing or refused path. */
  resolveQuietly(path: string): string | undefined {
    try {
      return this.resolve(path);
    } catch {
      return undefined;
    }
  }

  /**
   * Files under `dir` (tree-relative, recursive, sorted) with their real paths. Symlinks are
   * followed where they stay inside the tree; entries that would be refused, fenced directories
   * and directory cycles are left out; names starting with '.' too when `hidden` is false.
   */
  files(dir = '', opts: { hidden?: boolean } = {}): Array<{ path: string; real: string }> {
    const rootReal = this.realDir();
    if (rootReal === undefined) return [];
    const out: Array<{ path: string; real: string }> = [];
    const walk = (rel: string, abs: string, seen: ReadonlySet<string>): void => {
      let names: string[];
      try {
        names = readdirSync(abs);
      } catch {
        return;
      }
      for (const name of names) {
        if (opts.hidden === false && name.startsWith('.')) continue;
        const p = rel ? `${rel}/${name}` : name;
        const r = real(join(abs, name));
        if (r === undefined || this.refusal(r, rootReal)) continue;
        let st;
        try {
          st = statSync(r);
        } catch {
          continue;
        }
        if (st.isDirectory()) {
          if (!seen.has(r)) walk(p, r, new Set([...seen, r]));
        } else if (st.isFile()) out.push({ path: p, real: r });
      }
    };
    const start = this.resolveQuietly(dir);
    if (start !== undefined) walk(normalTreePath(dir), start, new Set([start]));
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

/** Paths of the trees of one workspace (or of a local run). */
export interface TreeDirs {
  states: string;
  pillar?: string;
  privatePillar?: string;
}

/** The roots of a workspace, each fenced off from the others nested inside it. */
export function treeRoots(dirs: TreeDirs): { states: TreeRoot; pillar?: TreeRoot; privatePillar?: TreeRoot } {
  const all: Fence[] = [
    { dir: dirs.states, name: 'the state tree' },
    ...(dirs.pillar ? [{ dir: dirs.pillar, name: 'the pillar' }] : []),
    ...(dirs.privatePillar ? [{ dir: dirs.privatePillar, name: 'the private pillar' }] : []),
  ];
  const root = (dir: string): TreeRoot =>
    new TreeRoot(
      dir,
      all.filter((f) => f.dir !== dir),
    );
  return {
    states: root(dirs.states),
    ...(dirs.pillar ? { pillar: root(dirs.pillar) } : {}),
    ...(dirs.privatePillar ? { privatePillar: root(dirs.privatePillar) } : {}),
  };
}
