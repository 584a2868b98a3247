// A state or pillar tree: files addressed by tree-relative POSIX paths.
// FsTree reads a directory; MemTree holds files in memory (tests, shipped trees).
import { readFileSync, statSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface StateTree {
  /** Human-readable location, used in error messages. */
  readonly label: string;
  /** Contents of a file, or undefined when there is no such file. */
  read(path: string): string | undefined;
  isFile(path: string): boolean;
  isDir(path: string): boolean;
  /** All file paths under dir (recursive), sorted. */
  list(dir?: string): string[];
}

/** A tree-relative POSIX path without leading slashes or `.`; throws for paths that leave the tree. */
export function normalTreePath(path: string): string {
  const p = posix.normalize(path.replace(/^\/+/, ''));
  if (p === '..' || p.startsWith('../')) throw new Error(`path escapes the tree: ${path}`);
  return p === '.' ? '' : p;
}

export class FsTree implements StateTree {
  readonly label: string;
  constructor(readonly root: string) {
    this.label = root;
  }
  private abs(path: string): string {
    return join(this.root, normalTreePath(path));
  }
  read(path: string): string | undefined {
    try {
      return readFileSync(this.abs(path), 'utf8');
    } catch {
      return undefined;
    }
  }
  isFile(path: string): boolean {
    try {
      return statSync(this.abs(path)).isFile();
    } catch {
      return false;
    }
  }
  isDir(path: string): boolean {
    try {
      return statSync(this.abs(path)).isDirectory();
    } catch {
      return false;
    }
  }
  list(dir = ''): string[] {
    const out: string[] = [];
    const walk = (rel: string): void => {
      let entries;
      try {
        entries = readdirSync(this.abs(rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) out.push(p);
      }
    };
    walk(normalTreePath(dir));
    return out.sort();
  }
}

/** A tree held as a map of normalized paths; subclasses say how a file's contents are read. */
export abstract class KeyedTree<V> implements StateTree {
  protected readonly files: Map<string, V>;
  constructor(entries: Record<string, V>, readonly label: string) {
    this.files = new Map(Object.entries(entries).map(([k, v]) => [normalTreePath(k), v]));
  }
  abstract read(path: string): string | undefined;
  isFile(path: string): boolean {
    return this.files.has(normalTreePath(path));
  }
  isDir(path: string): boolean {
    const p = normalTreePath(path);
    const prefix = p ? `${p}/` : '';
    for (const k of this.files.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }
  list(dir = ''): string[] {
    const p = normalTreePath(dir);
    const prefix = p ? `${p}/` : '';
    return [...this.files.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}

export class MemTree extends KeyedTree<string> {
  constructor(files: Record<string, string>, label = '<memory>') {
    super(files, label);
  }
  read(path: string): string | undefined {
    return this.files.get(normalTreePath(path));
  }
}

/** Where an SLS name lives: `a.b` → `a/b.sls`, else `a/b/init.sls`. */
export function locateSls(tree: StateTree, sls: string): { path: string; isInit: boolean } | undefined {
  const base = sls.replace(/\./g, '/');
  if (tree.isFile(`${base}.sls`)) return { path: `${base}.sls`, isInit: false };
  if (tree.isFile(`${base}/init.sls`)) return { path: `${base}/init.sls`, isInit: true };
  return undefined;
}
